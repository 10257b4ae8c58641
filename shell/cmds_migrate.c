/* migrate: move a running service between the kernel and a user domain,
 * with its state, while its clients keep calling (kernel/migrate.c,
 * docs/migration.md).  The kernel prints why a migration was refused or
 * rolled back; this prints what a successful one did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include <kea/sysinfo.h>
#include "sys_client.h"
#include "shell.h"

/* n with thousands separators: 41,220. */
static void thousands(uint64_t n, char *out, size_t cap)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), k = 0;
    for (int i = 0; i < len && k + 2 < (int)cap; i++) {
        if (i && (len - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = 0;
}

int cmd_migrate(int argc, char **argv)
{
    const char *to = 0;
    unsigned long timeout = 0;
    int fail_alloc = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "kernel") == 0 || strcmp(argv[i], "user") == 0) {
            to = argv[i];
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            char *end;
            timeout = strtoul(argv[++i], &end, 10);
            if (*end || timeout == 0) {
                printf("migrate: '%s' is not a timeout in milliseconds\n", argv[i]);
                return -1;
            }
        } else if (strcmp(argv[i], "--fail-alloc") == 0) {
            fail_alloc = 1;
        } else {
            return usage_error(find_command("migrate"));
        }
    }
    if (!to) return usage_error(find_command("migrate"));
    char spec[96], t[16] = "";
    if (timeout) snprintf(t, sizeof t, " %lu", timeout);
    snprintf(spec, sizeof spec, "%s %s%s%s", argv[1], to, t, fail_alloc ? " fail=alloc" : "");
    struct sys_migration m;
    size_t len = 0;
    int r = sys_migrate(&kea_base_sys, spec, &m, sizeof m, &len);
    if (r < 0 || len < sizeof m) {
        /* The kernel said why above; this says what it means. */
        printf("migrate: %s not migrated (%s); nothing changed\n", argv[1],
               kea_strerror(r < 0 ? r : -KEA_EINVAL));
        return -1;
    }
    char down[32], where[40];
    thousands((uint64_t)m.downtime_hi << 32 | m.downtime_lo, down, sizeof down);
    if (m.to_kernel) snprintf(where, sizeof where, "kernel");
    else snprintf(where, sizeof where, "user (domain %u)", m.dom);
    printf("migrated %s: %s -> %s: held %u caller%s, drained in %u ms, state %u bytes, "
           "downtime %s cycles\n", argv[1], m.from_kernel ? "kernel" : "user", where, m.held,
           m.held == 1 ? "" : "s", m.drain_ms, m.state_bytes, down);
    return 0;
}
