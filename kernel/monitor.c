/* The kernel monitor: the test and debug console, a small command line on
 * the console when the kernel command line says console=monitor (the QEMU
 * tests boot so) or the shell domain cannot start.  It provokes each kind
 * of failure (`fault`), so tests can check how the kernel reports them;
 * loads, spawns and destroys what the tests need; and lists a little.  A
 * boot module named `autorun` holds commands it runs first, one a line, as
 * if typed (for sessions with no one at the console, such as a debugger
 * driving QEMU: docs/debugging.md).  Everything else is the shell's
 * (shell/, docs/shell.md), and new commands go there: a command stays here
 * only while a test under tests/qemu uses it. */
#include <stdio.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <kea/memlayout.h>
#include <kea/sysinfo.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"
#include "proc.h"
#include "udomain.h"
#include "service.h"

#define MAXARGS 8
#define LINE 256

struct command {
    const char *name, *usage, *help;
    int (*fn)(int argc, char **argv);
};
static const struct command commands[];

static int cmd_help(int argc, char **argv)
{
    (void)argc; (void)argv;
    for (const struct command *c = commands; c->name; c++)
        printf("  %-10s %-18s %s\n", c->name, c->usage, c->help);
    return 0;
}

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    printf("\n");
    return 0;
}

static int cmd_mem(int argc, char **argv)
{
    (void)argc; (void)argv;
    struct pmem_stats st;
    pmem_stats(&st);
    printf("memory: %u KiB total, %u KiB free, %u pages in use, heap %u bytes in %u blocks\n",
           (unsigned)(st.total / 1024), (unsigned)(st.free / 1024), (unsigned)st.pages_in_use,
           (unsigned)st.heap_bytes, (unsigned)st.heap_blocks);
    return 0;
}

static int cmd_mods(int argc, char **argv)
{
    (void)argc; (void)argv;
    for (int i = 0; i < bmodfs_count(); i++) {
        const struct bmod *m = bmodfs_get(i);
        printf("  %-24s %8u bytes%s%s\n", m->name, (unsigned)m->size,
               m->args[0] ? "  args: " : "", m->args);
    }
    return 0;
}

static int cmd_cat(int argc, char **argv)
{
    (void)argc;
    struct bmod_file f;
    if (bmod_open(argv[1], &f) < 0) {
        printf("cat: no boot module named '%s'\n", argv[1]);
        return -1;
    }
    char buf[64];
    long n;
    while ((n = bmod_read(&f, buf, sizeof buf)) > 0)
        kconsole_write(buf, (size_t)n);
    return 0;
}

static int cmd_uptime(int argc, char **argv)
{
    (void)argc; (void)argv;
    uint64_t t = timer_ticks;
    printf("up %u.%02u s (%u ticks at %u Hz)\n", (unsigned)(t / timer_hz),
           (unsigned)(t % timer_hz * 100 / timer_hz), (unsigned)t, timer_hz);
    return 0;
}

/* Show the bytes of one raw-mode read, to see what the terminal sends. */
static int cmd_rawkeys(int argc, char **argv)
{
    (void)argc;
    int n = (int)strtol(argv[1], 0, 0);
    if (n <= 0 || n > 64) {
        printf("rawkeys: count must be 1..64\n");
        return -1;
    }
    tty_set_mode(TTY_RAW);
    printf("rawkeys: reading %d bytes\n", n);
    for (int i = 0; i < n; i++)
        printf("%02x%s", tty_getc(), i + 1 < n ? " " : "\n");
    tty_set_mode(TTY_COOKED);
    return 0;
}

static volatile int fault_sink;

static int cmd_fault(int argc, char **argv)
{
    (void)argc;
    const char *k = argv[1];
    printf("fault: provoking %s\n", k);
    if (strcmp(k, "pf") == 0) {
        volatile uintptr_t bad = 0x10;     /* hidden from gcc's bounds warnings */
        fault_sink = *(volatile int *)bad;
    }
    else if (strcmp(k, "pfw") == 0) {
        volatile uintptr_t bad = KVA_START + 0x1000;
        *(volatile int *)bad = 1;
    }
    else if (strcmp(k, "de") == 0)
        __asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
    else if (strcmp(k, "ud") == 0)
        __asm__ volatile("ud2");
    else if (strcmp(k, "gp") == 0)
        __asm__ volatile("movw %w0, %%ds" : : "r"(0x1238));   /* beyond the GDT */
    else if (strcmp(k, "bp") == 0)
        __asm__ volatile("int3");
    else if (strcmp(k, "panic") == 0)
        panic("requested from the monitor");
    else if (strcmp(k, "assert") == 0) {
        volatile int one = 1;
        assert(one == 2);
    } else {
        printf("fault: unknown kind '%s' (pf pfw de ud gp bp panic assert)\n", k);
        return -1;
    }
    return 0;
}

static int cmd_spawn(int argc, char **argv)
{
    char err[160];
    uint32_t rights = argc > 2 ? (uint32_t)strtoul(argv[2], 0, 0) : 0;
    char args[LINE] = "";
    for (int i = 3; i < argc; i++) {          /* main's arguments, as typed */
        if (i > 3) strlcat(args, " ", sizeof args);
        strlcat(args, argv[i], sizeof args);
    }
    struct domain *d = udomain_spawn(argv[1], rights & RIGHT_ALL, args, 0, err, sizeof err);
    if (!d) {
        printf("spawn: %s\n", err);
        return -1;
    }
    printf("spawned %s as domain %d\n", d->name, d->id);
    return 0;
}

/* The listings print the records the sys service gives the shell. */
static int cmd_domains(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("  id name                 pages quota threads active calls rights\n");
    struct sys_domain r;
    for (int i = 0; i < domain_capacity(); i++)
        if (sysinfo_domain((uint32_t)i, &r)) {
            char q[12] = "-";
            if (r.quota != QUOTA_UNLIMITED) snprintf(q, sizeof q, "%u", r.quota);
            printf("  %2u %-20s %5u %5s %7u %6u %5u %#x\n", r.id, r.name, r.pages, q, r.threads, r.active,
                   r.calls_in, r.rights);
        }
    return 0;
}

static int cmd_destroy(int argc, char **argv)
{
    (void)argc;
    struct domain *d = domain_by_name(argv[1]);
    if (!d) {
        printf("destroy: no domain named '%s'\n", argv[1]);
        return -1;
    }
    struct service *s = service_of_domain(d);
    char svc[SERVICE_NAME] = "";
    if (s) strlcpy(svc, s->name, sizeof svc);
    int r = kdomain_destroy(d);
    if (r < 0) printf("destroy: %s: %s\n", argv[1], kea_strerror(r));
    else if (svc[0]) printf("destroyed %s, and service %s with it (no fini)\n", argv[1], svc);
    else printf("destroyed %s\n", argv[1]);
    return r;
}

static int cmd_sleep(int argc, char **argv)
{
    (void)argc;
    sleep_ticks((uint32_t)strtoul(argv[1], 0, 0) * timer_hz / 1000 + 1);
    return 0;
}

/* load MODULE [kernel|user] [as NAME] */
static int cmd_load(int argc, char **argv)
{
    enum placement where = PLACE_USER;
    const char *as = 0;
    int i = 2;
    if (i < argc && strcmp(argv[i], "kernel") == 0) { where = PLACE_KERNEL; i++; }
    else if (i < argc && strcmp(argv[i], "user") == 0) i++;
    if (i + 1 < argc && strcmp(argv[i], "as") == 0) { as = argv[i + 1]; i += 2; }
    if (i != argc) {
        printf("usage: load MODULE [kernel|user] [as NAME]\n");
        return -1;
    }
    char err[200];
    struct service *s;
    int r = service_load(argv[1], where, as, &s, err, sizeof err);
    if (r < 0) {
        printf("load: %s\n", err);
        return r;
    }
    printf("loaded %s from %s in %s (domain %d):", s->name, argv[1], placement[where]->where,
           s->dom->id);
    for (uint32_t k = 0; k < s->nifaces; k++)
        printf(" %s.%s", s->name, s->iface[k]);
    printf("%s\n", s->nifaces ? "" : " no interfaces");
    return 0;
}

static int cmd_unload(int argc, char **argv)
{
    int force = argc > 2 && strcmp(argv[2], "--force") == 0;
    if (argc > 3 || (argc == 3 && !force)) {
        printf("usage: unload NAME [--force]\n");
        return -1;
    }
    char err[200];
    int r = service_unload(argv[1], force, err, sizeof err);
    if (r < 0) printf("unload: %s (%s)\n", err, kea_strerror(r));
    else printf("unloaded %s\n", argv[1]);
    return r;
}

static int cmd_services(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("  %-16s %-6s %-16s %-24s %8s %8s\n", "name", "where", "domain", "interfaces", "size", "calls");
    struct sys_service r;
    for (uint32_t i = 0; sysinfo_service(i, &r); i++) {
        struct domain *d = domain_by_id((int)r.dom);
        char dom[DOMAIN_NAME + 8];
        snprintf(dom, sizeof dom, "%s(%u)", d ? d->name : "?", r.dom);
        printf("  %-16s %-6s %-16s %-24s %8u %8u\n", r.name, r.kernel ? "kernel" : "user", dom,
               r.ifaces[0] ? r.ifaces : "-", r.size, r.calls);
    }
    return 0;
}

static int cmd_shutdown(int argc, char **argv)
{
    (void)argc; (void)argv;
    kernel_poweroff();
}

static const struct command commands[] = {
    { "help",     "",            "this list",                                 cmd_help },
    { "echo",     "[WORD...]",   "print the words",                           cmd_echo },
    { "mem",      "",            "memory totals",                             cmd_mem },
    { "mods",     "",            "boot modules",                              cmd_mods },
    { "cat",      "MODULE",      "print a boot module",                       cmd_cat },
    { "uptime",   "",            "time since boot",                           cmd_uptime },
    { "rawkeys",  "N",           "read N bytes in raw mode, show them in hex", cmd_rawkeys },
    { "fault",    "KIND",        "provoke a fault: pf pfw de ud gp bp panic assert", cmd_fault },
    { "spawn",    "MODULE [RIGHTS [ARG...]]", "run MODULE's main(n, \"ARG...\") in a new domain", cmd_spawn },
    { "domains",  "",            "list domains",                              cmd_domains },
    { "destroy",  "DOMAIN",      "destroy a domain and all it owns",          cmd_destroy },
    { "sleep",    "MS",          "wait MS milliseconds",                      cmd_sleep },
    { "load",     "MODULE [kernel|user] [as NAME]", "load a service object (default: user)", cmd_load },
    { "unload",   "NAME [--force]", "unload a service",                       cmd_unload },
    { "services", "",            "loaded services",                           cmd_services },
    { "shutdown", "",            "power off",                                 cmd_shutdown },
    { 0, 0, 0, 0 },
};

/* Words in a usage string that are not [optional] ("[as NAME]" is one). */
static int required_args(const char *usage)
{
    int n = 0, depth = 0;
    for (const char *p = usage; *p; ) {
        while (*p == ' ') p++;
        if (!*p) break;
        if (*p != '[' && depth == 0) n++;
        for (; *p && *p != ' '; p++)
            depth += (*p == '[') - (*p == ']');
    }
    return n;
}

static int split(char *line, char **argv)
{
    int argc = 0;
    char *save;
    for (char *w = strtok_r(line, " \t\n", &save); w; w = strtok_r(0, " \t\n", &save)) {
        if (argc == MAXARGS) return -1;
        argv[argc++] = w;
    }
    return argc;
}

static void execute(char *line)
{
    char *argv[MAXARGS];
    int argc = split(line, argv);
    if (argc < 0) {
        printf("error: too many arguments (at most %d words)\n", MAXARGS);
        return;
    }
    if (argc == 0) return;
    for (const struct command *c = commands; c->name; c++) {
        if (strcmp(c->name, argv[0]) != 0) continue;
        if (argc - 1 < required_args(c->usage)) {
            printf("usage: %s %s\n", c->name, c->usage);
            return;
        }
        c->fn(argc, argv);
        return;
    }
    printf("error: unknown command '%s' (try 'help')\n", argv[0]);
}

/* Read one line; a line longer than the buffer is consumed and refused. */
static int read_line(char *line, size_t size)
{
    size_t n = 0;
    int too_long = 0;
    for (;;) {
        char c = (char)tty_getc();
        if (c == '\n') break;
        if (n < size - 1) line[n++] = c;
        else too_long = 1;
    }
    line[n] = 0;
    return too_long ? -1 : 0;
}

/* Run the lines of the boot module `autorun`, echoed after a prompt as if
 * typed; '#' starts a comment line. */
static void autorun(void)
{
    struct bmod_file f;
    if (bmod_open("autorun", &f) < 0) return;
    char line[LINE];
    size_t n = 0;
    for (;;) {
        char c;
        long got = bmod_read(&f, &c, 1);
        if (got == 1 && c != '\n') {
            if (n < sizeof line - 1 && c != '\r') line[n++] = c;
            continue;
        }
        line[n] = 0;
        if (n && line[0] != '#') {
            printf("kea> %s\n", line);
            execute(line);
        }
        n = 0;
        if (got != 1) break;
    }
}

void monitor_run(void)
{
    char line[LINE];
    autorun();
    for (;;) {
        printf("kea> ");
        if (read_line(line, sizeof line) < 0) {
            printf("error: line too long (at most %d characters)\n", LINE - 1);
            continue;
        }
        execute(line);
    }
}
