/* The sys base service: every list and query, checked against what this
 * program knows about itself. */
#include <stdio.h>
#include <string.h>
#include <kea/sysinfo.h>
#include "sys_client.h"
#include "echo_client.h"
#include "portal_client.h"
#include "domain_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_sys, kea_base_portal, kea_base_domain, kea_base_thread;
uint32_t kea_domain_id(void);

static int failures;
static void check(int ok, const char *name, long a)
{
    if (ok) printf("PASS: sys/%s\n", name);
    else { printf("FAIL: sys/%s (%ld)\n", name, a); failures++; }
}

static union { struct sys_domain d[64]; struct sys_thread t[64]; struct sys_portal p[256];
               struct sys_sysportal s[64]; struct sys_rooted r[64]; struct sys_module m[64]; } u;

int main(void)
{
    size_t len;
    uint32_t next, me = kea_domain_id(), tid;
    thread_id(&kea_base_thread, &tid);

    int r = sys_domains(&kea_base_sys, 0, u.d, sizeof u.d, &len, &next);
    int found = 0, kernel = 0;
    for (size_t i = 0; r == 0 && i < len / sizeof u.d[0]; i++) {
        if (u.d[i].id == me && strcmp(u.d[i].name, "systest") == 0 && u.d[i].threads == 1) found = 1;
        if (u.d[i].id == 0 && u.d[i].kernel) kernel = 1;
    }
    check(r == 0 && next == 0 && found && kernel, "domains", r);

    r = sys_threads(&kea_base_sys, 0, u.t, sizeof u.t, &len, &next);
    found = 0;
    for (size_t i = 0; r == 0 && i < len / sizeof u.t[0]; i++)
        if (u.t[i].id == tid && u.t[i].root == me && u.t[i].depth == 2 && u.t[i].in == 0) found = 1;
    check(found, "threads-self-in-kernel-call", r);

    r = sys_portals(&kea_base_sys, me, 0, u.p, sizeof u.p, &len, &next);
    check(r == 0 && len / sizeof u.p[0] >= 7 && u.p[6].local == 6, "portals-base", r);
    r = sys_portals(&kea_base_sys, 63, 0, u.p, sizeof u.p, &len, &next);
    check(r == -KEA_ENOENT, "portals-no-domain", r);

    /* Paging: a buffer for one record at a time walks the whole list. */
    uint32_t count = 0, start = 0, sysid = SYS_NONE;
    do {
        r = sys_sysportals(&kea_base_sys, start, u.s, sizeof u.s[0], &len, &next);
        if (r < 0 || len != sizeof u.s[0]) break;
        if (strcmp(u.s[0].name, "kernel.sys") == 0) sysid = u.s[0].id;
        count++;
        start = next;
    } while (next);
    check(r == 0 && count >= 7 && sysid != SYS_NONE, "sysportals-paged", (long)count);
    check(sys_sysportals(&kea_base_sys, 0, u.s, 4, &len, &next) == -KEA_EINVAL, "buffer-too-small", 0);

    uint32_t fsys = 0, gsys = 0, id;
    domain_spawn(&kea_base_domain, "srv_f.o", 0, &id, 0);
    domain_spawn(&kea_base_domain, "srv_g.o", 0, &id, 0);
    while (portal_lookup(&kea_base_portal, "f.echo", &fsys) < 0 || portal_lookup(&kea_base_portal, "g.echo", &gsys) < 0)
        thread_sleep(&kea_base_thread, 10);
    portal_remap_rooted(&kea_base_portal, me, fsys, gsys);
    r = sys_rooted(&kea_base_sys, 0, u.r, sizeof u.r, &len, &next);
    found = 0;
    for (size_t i = 0; r == 0 && i < len / sizeof u.r[0]; i++)
        if (u.r[i].root == me && u.r[i].from == fsys && u.r[i].to == gsys) found = 1;
    check(found, "rooted-listed", r);

    r = sys_modules(&kea_base_sys, 0, u.m, sizeof u.m, &len, &next);
    found = 0;
    for (size_t i = 0; r == 0 && i < len / sizeof u.m[0]; i++)
        if (strcmp(u.m[i].name, "rt.o") == 0 && u.m[i].size > 1000) found = 1;
    check(found, "modules", r);

    char head[8];
    uint32_t size = 0;
    r = sys_read_module(&kea_base_sys, "rt.o", 0, head, 4, &len, &size);
    check(r == 0 && len == 4 && memcmp(head, "\177ELF", 4) == 0 && size > 1000, "read-module", r);
    check(sys_read_module(&kea_base_sys, "rt.o", size + 1, head, 4, &len, &size) == -KEA_EINVAL, "read-past-end", 0);
    check(sys_read_module(&kea_base_sys, "nosuch", 0, head, 4, &len, &size) == -KEA_ENOENT, "read-missing", 0);

    uint32_t freek, pages, heap;
    r = sys_memory(&kea_base_sys, &freek, &pages, &heap);
    check(r == 0 && freek > 1000 && pages > 10 && heap > 0, "memory", r);
    printf("systest: done, %d failed\n", failures);
    return 0;
}
