/* The sys base service: what the shell shows (domains, threads, portal
 * tables, system portals, rooted remaps, boot modules, memory) and power.
 * Lists are paged: records from `start` on, as many as fit in the caller's
 * out-buffer, and the index to continue from (0 when complete). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/sysinfo.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "../idc.h"
#include "sys_server.h"
#include "../service.h"
#include "../load.h"

/* Copy records produced by get(i, rec) for i = start.. into out. */
static int page(uint32_t start, uint32_t limit, size_t recsize, void *out, size_t cap,
                size_t *len, uint32_t *next, int (*get)(uint32_t i, void *rec, void *ctx), void *ctx)
{
    if (cap < recsize) return -KEA_EINVAL;
    size_t n = 0;
    uint32_t i;
    for (i = start; i < limit; i++) {
        uint8_t rec[256];                   /* the largest record fits (asserted below) */
        if (recsize > sizeof rec) return -KEA_E2BIG;
        if (!get(i, rec, ctx)) continue;
        if (n + recsize > cap) break;
        memcpy((uint8_t *)out + n, rec, recsize);
        n += recsize;
    }
    *len = n;
    *next = i < limit ? i : 0;
    return 0;
}

static int get_domain(uint32_t i, void *rec, void *ctx)
{
    (void)ctx;
    struct domain *d = domain_at((int)i);
    if (!d) return 0;
    struct sys_domain *r = rec;
    memset(r, 0, sizeof *r);
    r->id = (uint32_t)d->id;
    strlcpy(r->name, d->name, sizeof r->name);
    r->pages = d->pages;
    r->threads = (uint32_t)d->nthreads;
    r->active = (uint32_t)d->active;
    uint32_t calls = 0;
    for (int p = 0; p < portal_capacity(); p++)
        if (portal_by_id(p) && portal_by_id(p)->dom == d) calls += portal_by_id(p)->calls;
    r->calls_in = calls;
    r->rights = d->rights;
    r->kernel = (uint32_t)d->is_kernel;
    r->quota = d->quota;
    return 1;
}

static int ksys_domains(void *self, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    return page(start, (uint32_t)domain_capacity(), sizeof(struct sys_domain), out, cap, len, next, get_domain, 0);
}

static int get_thread(uint32_t i, void *rec, void *ctx)
{
    (void)ctx;
    struct thread *t = thread_at((int)i);
    if (!t || t->state == T_ZOMBIE) return 0;
    struct sys_thread *r = rec;
    memset(r, 0, sizeof *r);
    r->id = (uint32_t)t->id;
    strlcpy(r->name, t->name, sizeof r->name);
    r->state = t->state;
    r->root = (uint32_t)t->root->id;
    r->depth = (uint32_t)t->depth + 1;
    r->in = (uint32_t)t->act[t->depth].dom->id;
    return 1;
}

static int ksys_threads(void *self, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    return page(start, MAX_THREADS, sizeof(struct sys_thread), out, cap, len, next, get_thread, 0);
}

static int get_local(uint32_t i, void *rec, void *ctx)
{
    struct domain *d = ctx;
    struct portal_slot *s = &d->ptab[i];
    if (!s->cur) return 0;
    struct sys_portal *r = rec;
    r->local = i;
    r->sys = (uint32_t)s->cur->id;
    r->orig = s->orig ? (uint32_t)s->orig->id : SYS_NONE;
    return 1;
}

static int ksys_portals(void *self, uint32_t dom, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    struct domain *d = domain_by_id((int)dom);
    if (!d) return -KEA_ENOENT;
    return page(start, IDC_MAX_PORTALS, sizeof(struct sys_portal), out, cap, len, next, get_local, d);
}

static int get_sysportal(uint32_t i, void *rec, void *ctx)
{
    (void)ctx;
    struct portal *p = portal_by_id((int)i);
    if (!p) return 0;
    struct sys_sysportal *r = rec;
    memset(r, 0, sizeof *r);
    r->id = (uint32_t)p->id;
    strlcpy(r->name, p->name, sizeof r->name);
    r->dom = p->dom ? (uint32_t)p->dom->id : SYS_NONE;
    r->iface_id = p->iface_id;
    r->global = p->global ? (uint32_t)p->global->id : SYS_NONE;
    r->calls = p->calls;
    r->refs = (uint32_t)p->refs;
    return 1;
}

static int ksys_sysportals(void *self, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    return page(start, (uint32_t)portal_capacity(), sizeof(struct sys_sysportal), out, cap, len, next,
                get_sysportal, 0);
}

/* Rooted remaps, numbered over all roots: index = root * 65536 + entry. */
static int get_rooted(uint32_t i, void *rec, void *ctx)
{
    (void)ctx;
    struct domain *root = domain_at((int)(i >> 16));
    struct portal *from, *to;
    if (!root || rooted_entry(root, i & 0xffff, &from, &to) < 0) return 0;
    struct sys_rooted *r = rec;
    r->root = (uint32_t)root->id;
    r->from = (uint32_t)from->id;
    r->to = (uint32_t)to->id;
    return 1;
}

static int ksys_rooted(void *self, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    /* Skip empty roots and the unused tail of each map quickly. */
    uint32_t limit = (uint32_t)domain_capacity() << 16;
    while (start < limit) {
        struct domain *root = domain_at((int)(start >> 16));
        if (root && (start & 0xffff) < rooted_capacity(root)) break;
        start = ((start >> 16) + 1) << 16;
    }
    if (start >= limit) { *len = 0; *next = 0; return 0; }
    uint32_t end = (start & ~0xffffu) + rooted_capacity(domain_at((int)(start >> 16)));
    int r = page(start, end, sizeof(struct sys_rooted), out, cap, len, next, get_rooted, 0);
    if (r == 0 && *next == 0 && end < limit)
        *next = ((end >> 16) + 1) << 16;          /* continue with the next root */
    return r;
}

static int get_module(uint32_t i, void *rec, void *ctx)
{
    (void)ctx;
    const struct bmod *m = bmodfs_get((int)i);
    if (!m) return 0;
    struct sys_module *r = rec;
    memset(r, 0, sizeof *r);
    strlcpy(r->name, m->name, sizeof r->name);
    r->size = (uint32_t)m->size;
    return 1;
}

static int ksys_modules(void *self, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    return page(start, (uint32_t)bmodfs_count(), sizeof(struct sys_module), out, cap, len, next,
                get_module, 0);
}

static int ksys_read_module(void *self, const char *name, uint32_t offset, void *data, size_t cap,
                           size_t *len, uint32_t *size)
{
    (void)self;
    const struct bmod *m = bmodfs_find(name);
    if (!m) return -KEA_ENOENT;
    *size = (uint32_t)m->size;
    if (offset > m->size) return -KEA_EINVAL;
    size_t n = m->size - offset < cap ? m->size - offset : cap;
    memcpy(data, m->data + offset, n);
    *len = n;
    return 0;
}

/* load and unload explain every refusal on the console, once (where the
 * shell's user sees it: only the kernel knows the reason), and return a
 * code; callers add only what they know more. */
static int refused(const char *what, int r, const char *why)
{
    printf("%s: %s\n", what, why[0] ? why : kea_strerror(r));
    return r;
}

/* spec: "MODULE [kernel|user] [[as] NAME]". */
static int ksys_load(void *self, const char *spec, uint32_t *dom)
{
    (void)self;
    if (!(caller_domain()->rights & RIGHT_DOMAINS))
        return refused("load", -KEA_EPERM, "refused: the caller's domain lacks the right to create domains");
    char buf[128], *words[5], *save;
    int n = 0;
    if (strlcpy(buf, spec, sizeof buf) >= sizeof buf)
        return refused("load", -KEA_EINVAL, "the request is too long (at most 127 characters)");
    for (char *w = strtok_r(buf, " ", &save); w && n < 5; w = strtok_r(0, " ", &save))
        words[n++] = w;
    enum placement where = PLACE_USER;
    int i = 1;
    if (i < n && (strcmp(words[i], "kernel") == 0 || strcmp(words[i], "user") == 0))
        where = strcmp(words[i++], "kernel") == 0 ? PLACE_KERNEL : PLACE_USER;
    if (i < n && strcmp(words[i], "as") == 0) i++;
    const char *name = i < n ? words[i++] : 0;
    if (n == 0 || i != n)
        return refused("load", -KEA_EINVAL, "not MODULE [kernel|user] [as NAME]");
    /* The kernel's name stays the kernel's: its portals, kernel.*, are the
     * base services, and a service of that name would look like one. */
    if (name && strcmp(name, kernel_domain->name) == 0)
        return refused("load", -KEA_EEXIST, "'kernel' is the kernel's name (load it as another name)");
    struct service *s;
    char err[256];
    int r = service_load(words[0], where, name, &s, err, sizeof err);
    if (r < 0) return refused("load", r, err);
    *dom = (uint32_t)s->dom->id;
    return 0;
}

static int ksys_unload(void *self, const char *name, bool force)
{
    (void)self;
    if (!(caller_domain()->rights & RIGHT_DOMAINS))
        return refused("unload", -KEA_EPERM, "refused: the caller's domain lacks the right to destroy domains");
    char err[256];
    int r = service_unload(name, force, err, sizeof err);
    return r < 0 ? refused("unload", r, err) : 0;
}

/* spec: "NAME kernel|user [TIMEOUT_MS] [fail=alloc]"; errors are printed
 * on the console, as load's, and returned as codes. */
static int ksys_migrate(void *self, const char *spec, void *out, size_t cap, size_t *len)
{
    (void)self;
    if (!(caller_domain()->rights & RIGHT_DOMAINS)) {
        printf("migrate: the caller (domain %s) lacks the domains right\n", caller_domain()->name);
        return -KEA_EPERM;
    }
    if (cap < sizeof(struct sys_migration)) return -KEA_E2BIG;
    char buf[128], *words[5], *save;
    int n = 0;
    strlcpy(buf, spec, sizeof buf);
    for (char *w = strtok_r(buf, " ", &save); w && n < 5; w = strtok_r(0, " ", &save))
        words[n++] = w;
    if (n < 2 || (strcmp(words[1], "kernel") != 0 && strcmp(words[1], "user") != 0)) {
        printf("migrate: usage: NAME kernel|user [TIMEOUT_MS]\n");
        return -KEA_EINVAL;
    }
    uint32_t timeout = MIGRATE_DEFAULT_TIMEOUT_MS, inject = 0;
    for (int i = 2; i < n; i++) {
        char *end;
        if (strcmp(words[i], "fail=alloc") == 0) {
            inject |= MIGRATE_FAIL_ALLOC;
        } else {
            unsigned long v = strtoul(words[i], &end, 10);
            if (*end || v == 0 || v > 600000) {
                printf("migrate: '%s' is not a timeout in ms (1..600000)\n", words[i]);
                return -KEA_EINVAL;
            }
            timeout = (uint32_t)v;
        }
    }
    struct migrate_report rep;
    char err[200];
    int r = service_migrate(words[0], strcmp(words[1], "kernel") == 0 ? PLACE_KERNEL : PLACE_USER,
                            timeout, inject, &rep, err, sizeof err);
    if (r < 0) {
        printf("migrate: %s\n", err);
        return r;
    }
    struct sys_migration *m = out;
    memset(m, 0, sizeof *m);
    m->from_kernel = rep.from == PLACE_KERNEL;
    m->to_kernel = rep.to == PLACE_KERNEL;
    m->dom = (uint32_t)service_by_name(words[0])->dom->id;
    m->held = rep.held;
    m->drain_ms = rep.drain_ms;
    m->state_bytes = rep.state_bytes;
    m->downtime_lo = (uint32_t)rep.downtime;
    m->downtime_hi = (uint32_t)(rep.downtime >> 32);
    *len = sizeof *m;
    return 0;
}

static int get_service(uint32_t i, void *rec, void *ctx)
{
    (void)ctx;
    struct service *s = service_list();
    while (s && i--) s = s->next;
    if (!s) return 0;
    struct sys_service *r = rec;
    memset(r, 0, sizeof *r);
    strlcpy(r->name, s->name, sizeof r->name);
    strlcpy(r->object, s->obj ? s->obj->name : "", sizeof r->object);
    r->kernel = s->where == PLACE_KERNEL;
    r->dom = (uint32_t)s->dom->id;
    for (int k = 0; s->obj && k < EO_NREGIONS; k++)
        r->size += s->obj->eo.region[k].size;
    r->calls = service_calls(s);
    r->migrations = s->migrations;
    r->downtime_lo = (uint32_t)s->last_downtime;
    r->downtime_hi = (uint32_t)(s->last_downtime >> 32);
    r->rs_state = s->rs_state == RS_FAILED ? SYS_RS_FAILED
                : s->rs_state == RS_RESTARTING ? SYS_RS_RESTARTING : SYS_RS_RUNNING;
    r->restarts = s->restarts;
    r->checkpoints = s->checkpoints;
    strlcpy(r->rs_reason, s->rs_reason, sizeof r->rs_reason);
    for (uint32_t k = 0; k < s->nifaces; k++) {
        if (k) strlcat(r->ifaces, ",", sizeof r->ifaces);
        strlcat(r->ifaces, s->iface[k], sizeof r->ifaces);
    }
    return 1;
}

static int ksys_services(void *self, uint32_t start, void *out, size_t cap, size_t *len, uint32_t *next)
{
    (void)self;
    uint32_t n = 0;
    for (struct service *s = service_list(); s; s = s->next) n++;
    return page(start, n, sizeof(struct sys_service), out, cap, len, next, get_service, 0);
}

static int ksys_recovery(void *self, const char *spec)
{
    (void)self;
    if (!(caller_domain()->rights & RIGHT_DOMAINS))
        return refused("recovery", -KEA_EPERM, "refused: the caller's domain lacks the domains right");
    return restart_request(spec, 0, 0);
}

static int ksys_memory(void *self, uint32_t *free_kib, uint32_t *pages, uint32_t *heap)
{
    (void)self;
    struct pmem_stats st;
    pmem_stats(&st);
    *free_kib = (uint32_t)(st.free / 1024);
    *pages = (uint32_t)st.pages_in_use;
    *heap = (uint32_t)st.heap_bytes;
    return 0;
}

static int ksys_shutdown(void *self)
{
    (void)self;
    struct domain *d = cur->depth > 0 ? cur->act[cur->depth - 1].dom : cur->root;
    if (!(d->rights & RIGHT_DOMAINS)) return -KEA_EPERM;
    kernel_poweroff();
}

/* Record i of sys.domains and of sys.services (0 if there is none): the
 * kernel monitor's listings print these, so that the two consoles show the
 * same figures from the same code. */
int sysinfo_domain(uint32_t i, struct sys_domain *r) { return get_domain(i, r, 0); }
int sysinfo_service(uint32_t i, struct sys_service *r) { return get_service(i, r, 0); }

static int ksys_idc_fast(void *self, uint32_t *on)
{
    (void)self;
    *on = (uint32_t)idc_fast_on;
    return 0;
}

static int ksys_idc(void *self, uint32_t *calls, uint32_t *returns, uint32_t *kcalls)
{
    (void)self;
    *calls = idc_fast_calls;
    *returns = idc_fast_returns;
    *kcalls = idc_fast_kcalls;
    return 0;
}

static const struct sys_ops ops = {
    .domains = ksys_domains, .threads = ksys_threads, .portals = ksys_portals,
    .sysportals = ksys_sysportals, .rooted = ksys_rooted, .modules = ksys_modules,
    .read_module = ksys_read_module, .load = ksys_load, .unload = ksys_unload, .migrate = ksys_migrate,
    .services = ksys_services, .memory = ksys_memory, .shutdown = ksys_shutdown,
    .idc = ksys_idc, .idc_fast = ksys_idc_fast,
    .recovery = ksys_recovery,
};
static struct sys_server server = { &ops, 0 };

struct portal *sysinfo_portal(void)
{
    return kportal_create(kernel_domain, "kernel.sys", sys_dispatch, &server, SYS_IFACE_ID, 256, IDC_BUF_MAX);
}
_Static_assert(sizeof(struct sys_service) <= 256, "page() holds a record in 256 bytes");
