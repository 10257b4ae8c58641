/* Looking around: services, domains, threads, portals, mem, mods, cat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include "sys_client.h"
#include "shell.h"

int cmd_services(int argc, char **argv)
{
    (void)argc; (void)argv;
    struct sys_service *s;
    uint32_t n;
    int r = sysq_services(&s, &n);
    if (r < 0) {
        printf("services: %s\n", err_str(r));
        return -1;
    }
    struct sysq q;
    if (sysq_load(&q) < 0) memset(&q, 0, sizeof q);
    printf("  %-16s %-6s %-18s %8s %8s %5s %10s  %s\n", "name", "where", "domain", "size", "calls",
           "moves", "downtime", "interfaces");
    for (uint32_t i = 0; i < n; i++) {
        char dom[40], down[16] = "-";
        snprintf(dom, sizeof dom, "%s(%u)", sysq_domain_name(&q, s[i].dom), s[i].dom);
        if (s[i].migrations)
            snprintf(down, sizeof down, "%llu",
                     (unsigned long long)((uint64_t)s[i].downtime_hi << 32 | s[i].downtime_lo));
        printf("  %-16s %-6s %-18s %8u %8u %5u %10s  %s\n", s[i].name, s[i].kernel ? "kernel" : "user",
               dom, s[i].size, s[i].calls, s[i].migrations, down, s[i].ifaces[0] ? s[i].ifaces : "-");
        /* Its restarts and checkpoints (kernel/restart.c), once there is
         * something to say. */
        static const char *const state[] = { "running", "restarting", "failed" };
        char ck[32] = "";
        if (s[i].checkpoints)
            snprintf(ck, sizeof ck, ", %u checkpoint%s", s[i].checkpoints, s[i].checkpoints == 1 ? "" : "s");
        if (s[i].restarts || s[i].rs_state != SYS_RS_RUNNING || s[i].rs_reason[0] || ck[0])
            printf("  %-16s state %s, %u restart%s%s, last failure: %s\n", "", state[s[i].rs_state % 3],
                   s[i].restarts, s[i].restarts == 1 ? "" : "s", ck,
                   s[i].rs_reason[0] ? s[i].rs_reason : "-");
    }
    if (n == 0) printf("  (no services loaded: see 'load')\n");
    sysq_free(&q);
    free(s);
    return 0;
}

static void rights_str(uint32_t rights, char *out)
{
    static const char letters[] = "rgdi";
    for (int i = 0; i < 4; i++)
        out[i] = (rights >> i) & 1 ? letters[i] : '-';
    out[4] = 0;
}

int cmd_domains(int argc, char **argv)
{
    (void)argc; (void)argv;
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("domains: %s\n", err_str(r));
        return -1;
    }
    printf("  %3s %-20s %6s %6s %7s %6s %8s %s\n", "id", "name", "pages", "quota", "threads", "active",
           "calls", "rights");
    for (uint32_t i = 0; i < q.ndoms; i++) {
        const struct sys_domain *d = &q.doms[i];
        char rights[5];
        rights_str(d->rights, rights);
        char quota[12] = "-";                   /* pages it may hold (issue 9) */
        if (d->quota != SYS_NONE) snprintf(quota, sizeof quota, "%u", d->quota);
        printf("  %3u %-20s %6u %6s %7u %6u %8u %s%s\n", d->id, d->name, d->pages, quota, d->threads,
               d->active, d->calls_in, rights, d->kernel ? " (kernel)" : "");
    }
    sysq_free(&q);
    return 0;
}

int cmd_threads(int argc, char **argv)
{
    (void)argc; (void)argv;
    static const char *const states[] = { "unused", "runnable", "running", "sleeping", "zombie" };
    struct sys_thread *t;
    uint32_t n;
    struct sysq q;
    int r = sysq_load(&q);
    if (r == 0) r = sysq_threads(&t, &n);
    if (r < 0) {
        printf("threads: %s\n", err_str(r));
        sysq_free(&q);
        return -1;
    }
    printf("  %3s %-16s %-9s %-18s %5s %s\n", "id", "name", "state", "root", "depth", "in");
    for (uint32_t i = 0; i < n; i++) {
        char root[40], in[40];
        snprintf(root, sizeof root, "%s(%u)", sysq_domain_name(&q, t[i].root), t[i].root);
        snprintf(in, sizeof in, "%s(%u)", sysq_domain_name(&q, t[i].in), t[i].in);
        printf("  %3u %-16s %-9s %-18s %5u %s\n", t[i].id, t[i].name,
               t[i].state < 5 ? states[t[i].state] : "?", root, t[i].depth, in);
    }
    free(t);
    sysq_free(&q);
    return 0;
}

/* "srv_f(3)", or "(revoked)" */
static void owner(const struct sysq *q, const struct sys_sysportal *p, char *out, size_t n)
{
    if (p->dom == SYS_NONE) snprintf(out, n, "(revoked)");
    else snprintf(out, n, "%s(%u)", sysq_domain_name(q, p->dom), p->dom);
}

static void print_rooted(const struct sysq *q, uint32_t only_root)
{
    int any = 0;
    for (uint32_t i = 0; i < q->nrooted; i++) {
        const struct sys_rooted *r = &q->rooted[i];
        if (only_root != SYS_NONE && r->root != only_root) continue;
        if (!any) printf("rooted remaps:\n  %-18s %-24s    %s\n", "root", "portal", "now reaches");
        any = 1;
        char root[40];
        snprintf(root, sizeof root, "%s(%u)", sysq_domain_name(q, r->root), r->root);
        printf("  %-18s %-24s -> %s\n", root, sysq_portal_name(q, r->from), sysq_portal_name(q, r->to));
    }
}

static int all_portals(const struct sysq *q)
{
    printf("  %4s %-24s %-18s %-10s %8s %4s  %s\n", "id", "portal", "domain", "interface", "calls",
           "refs", "remap");
    for (uint32_t i = 0; i < q->nports; i++) {
        const struct sys_sysportal *p = &q->ports[i];
        char dom[40], remap[48] = "";
        owner(q, p, dom, sizeof dom);
        if (p->global != SYS_NONE)
            snprintf(remap, sizeof remap, "* system-wide -> %s", sysq_portal_name(q, p->global));
        printf("  %4u %-24s %-18s %-10s %8u %4u  %s\n", p->id, p->name, dom, iface_of(p->name),
               p->calls, p->refs, remap);
    }
    print_rooted(q, SYS_NONE);
    return 0;
}

static int table(const struct sysq *q, uint32_t dom)
{
    struct sys_portal *t;
    uint32_t n;
    int r = sysq_table(dom, &t, &n);
    if (r < 0) {
        printf("portals: %s\n", err_str(r));
        return -1;
    }
    printf("portal table of %s (domain %u):\n", sysq_domain_name(q, dom), dom);
    printf("  %5s %-24s %-10s %-12s %-18s %s\n", "local", "portal", "interface", "service",
           "domain", "remaps in force");
    for (uint32_t i = 0; i < n; i++) {
        const struct sys_sysportal *p = sysq_portal(q, t[i].sys);
        if (!p) continue;
        char svc[32], owner_s[40];
        strlcpy(svc, p->name, sizeof svc);
        char *dot = strrchr(svc, '.');
        if (dot) *dot = 0;
        owner(q, p, owner_s, sizeof owner_s);
        printf("  %5u %-24s %-10s %-12s %-18s", t[i].local, p->name, iface_of(p->name), svc, owner_s);
        if (t[i].orig != SYS_NONE)
            printf(" * per-domain (was %s)", sysq_portal_name(q, t[i].orig));
        const struct sys_sysportal *g = p->global != SYS_NONE ? sysq_portal(q, p->global) : 0;
        if (g && g->dom != dom)
            printf(" * system-wide -> %s", g->name);
        for (uint32_t k = 0; k < q->nrooted; k++)
            if (q->rooted[k].root == dom && q->rooted[k].from == p->id)
                printf(" * rooted here -> %s", sysq_portal_name(q, q->rooted[k].to));
        printf("\n");
    }
    print_rooted(q, dom);
    free(t);
    return 0;
}

int cmd_portals(int argc, char **argv)
{
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("portals: %s\n", err_str(r));
        return -1;
    }
    uint32_t dom;
    if (argc == 1) r = all_portals(&q);
    else r = need_domain("portals", &q, argv[1], &dom) < 0 ? -1 : table(&q, dom);
    sysq_free(&q);
    return r;
}

int cmd_idc(int argc, char **argv)
{
    (void)argc; (void)argv;
    uint32_t on, calls, returns, kcalls;
    int r = sys_idc_fast(&kea_base_sys, &on);
    if (r == 0) r = sys_idc(&kea_base_sys, &calls, &returns, &kcalls);
    if (r < 0) {
        printf("idc: %s\n", err_str(r));
        return -1;
    }
    printf("idc fast path %s: %u calls, %u returns, %u kernel-placed calls\n",
           on ? "on" : "off", calls, returns, kcalls);
    return 0;
}

int cmd_mem(int argc, char **argv)
{
    (void)argc; (void)argv;
    uint32_t free_kib, pages, heap;
    int r = sys_memory(&kea_base_sys, &free_kib, &pages, &heap);
    if (r < 0) {
        printf("mem: %s\n", err_str(r));
        return -1;
    }
    printf("memory: %u KiB free, %u pages in use, kernel heap %u bytes\n", free_kib, pages, heap);
    return 0;
}

int cmd_mods(int argc, char **argv)
{
    (void)argc; (void)argv;
    struct sys_module *m;
    uint32_t n;
    int r = sysq_modules(&m, &n);
    if (r < 0) {
        printf("mods: %s\n", err_str(r));
        return -1;
    }
    for (uint32_t i = 0; i < n; i++)
        printf("  %-32s %8u bytes\n", m[i].name, m[i].size);
    free(m);
    return 0;
}

/* Boot module `name`, whole, NUL-terminated, in a malloc'd buffer. */
char *read_module(const char *cmd, const char *name, uint32_t *size)
{
    static char chunk[IDC_BUF_MAX];
    size_t len;
    uint32_t total;
    int r = sys_read_module(&kea_base_sys, name, 0, chunk, 0, &len, &total);   /* its size */
    if (r < 0) {
        if (r == -KEA_ENOENT) printf("%s: no boot module named '%s' (see 'mods')\n", cmd, name);
        else printf("%s: %s: %s\n", cmd, name, err_str(r));
        return 0;
    }
    char *all = malloc(total + 1);
    if (!all) {
        printf("%s: %s: out of memory (%u bytes)\n", cmd, name, total);
        return 0;
    }
    uint32_t have = 0;
    while (have < total) {
        r = sys_read_module(&kea_base_sys, name, have, chunk, sizeof chunk, &len, &total);
        if (r < 0 || len == 0) {
            printf("%s: reading %s: %s\n", cmd, name, r < 0 ? err_str(r) : "ended early");
            free(all);
            return 0;
        }
        if (len > total - have) len = total - have;
        memcpy(all + have, chunk, len);
        have += (uint32_t)len;
    }
    all[total] = 0;
    *size = total;
    return all;
}

int cmd_cat(int argc, char **argv)
{
    (void)argc;
    uint32_t size;
    char *text = read_module("cat", argv[1], &size);
    if (!text) return -1;
    if (memchr(text, 0, size)) {
        printf("cat: %s is not text (%u bytes)\n", argv[1], size);
        free(text);
        return -1;
    }
    printf("%s", text);
    if (size && text[size - 1] != '\n') printf("\n");
    free(text);
    return 0;
}
