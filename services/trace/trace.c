/* The tracing interposer: a service that can stand in front of any
 * interface.  For each portal of a traced service it creates a twin: a
 * portal of the same interface whose handler, forward(), passes each call
 * unchanged to the original through portal_invoke and logs it (interface,
 * procedure, caller, status, duration in rdtsc ticks).  The remap that
 * puts a twin in front of its original is made by the caller of trace.on,
 * which needs the right to remap system-wide; the tracer itself needs no
 * rights, so it runs the same in the kernel and in a user domain.
 *
 * forward() does not know the interface: it copies words and buffers as
 * they are.  It knows procedure names from the table of every interface
 * in the tree (ifnames.h). */
#include <stdio.h>
#include <string.h>
#include <kea/base.h>
#include <kea/idc.h>
#include <kea/service.h>
#include <kea/sysinfo.h>
#include "portal_client.h"
#include "sys_client.h"
#include "thread_client.h"
#include "trace_server.h"
#include "ifnames.h"
#include "trace.h"

#define MAX_TWINS 64
#define LOG_SIZE 512                    /* records kept; older ones are dropped */

struct twin {
    int used;
    uint32_t orig_sys, orig_local;      /* the original, and our table entry for it */
    uint32_t twin_sys, twin_local;
    uint32_t iface_id;
    char name[TRACE_PORTAL_NAME];       /* the original's name */
};

static struct twin twins[MAX_TWINS];

static struct trace_rec ring[LOG_SIZE];
static uint32_t logged;                 /* records ever logged; seq s is ring[(s - 1) % LOG_SIZE] */
static uint32_t cleared;                /* records before this one were cleared */
static volatile int lock_word;

/* Handlers on several threads may log at once (in a user domain they are
 * preempted anywhere).  The critical sections make no calls, so in the
 * kernel, where code runs until it blocks, the lock is never contended;
 * in a user domain yielding lets its holder finish. */
static void lock(void)
{
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
        thread_yield(&kea_base_thread);
}

static void unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void log_call(const struct twin *t, const struct idc_call *call, int status, uint64_t ticks)
{
    const struct ifname *ifn = ifname_find(t->iface_id);
    lock();
    struct trace_rec *r = &ring[logged % LOG_SIZE];
    memset(r, 0, sizeof *r);
    r->seq = ++logged;
    r->caller = call->caller;
    r->portal = t->orig_sys;
    r->proc = call->proc;
    r->status = status;
    r->ticks_lo = (uint32_t)ticks;
    r->ticks_hi = (uint32_t)(ticks >> 32);
    strlcpy(r->name, t->name, sizeof r->name);
    if (ifn && call->proc < ifn->nprocs)
        strlcpy(r->procname, ifn->procs[call->proc], sizeof r->procname);
    unlock();
}

/* The twin's handler: the call, unchanged, to the original. */
static int forward(void *arg, struct idc_call *call)
{
    /* A copy: off() may reuse the slot while the call is out. */
    struct twin t = *(const struct twin *)arg;
    struct idc_args a = {
        .w = { call->w[0], call->w[1], call->w[2] },
        .in = call->in, .in_len = call->in_len,
        .out = call->out, .out_cap = call->out_cap,
    };
    uint64_t t0 = rdtsc();
    int status = portal_invoke(IDC_PP(t.orig_local, call->proc), &a);
    uint64_t ticks = rdtsc() - t0;
    memcpy(call->w, a.w, sizeof call->w);
    call->out_len = status < 0 ? 0 : a.out_len;
    log_call(&t, call, status, ticks);
    return status;
}

/* ---- the trace interface ---- */

static int traced(uint32_t sys)
{
    for (int i = 0; i < MAX_TWINS; i++)
        if (twins[i].used && twins[i].orig_sys == sys) return 1;
    return 0;
}

/* "svc.iface" belongs to service svc. */
static int of_service(const char *portal, const char *service)
{
    size_t n = strlen(service);
    return strncmp(portal, service, n) == 0 && portal[n] == '.';
}

static int make_twin(const struct sys_sysportal *p, struct twin *t)
{
    char name[TRACE_PORTAL_NAME];
    if (snprintf(name, sizeof name, "%s%s", TRACE_TWIN_PREFIX, p->name) >= (int)sizeof name)
        return -KEA_EINVAL;
    uint32_t iface, sys;
    int r = portal_bind(&kea_base_portal, p->name, &t->orig_local, &iface, &sys);
    if (r < 0) return r;
    t->orig_sys = sys;
    t->iface_id = iface;
    strlcpy(t->name, p->name, sizeof t->name);
    r = portal_create(&kea_base_portal, (uint32_t)forward, (uint32_t)t, iface, name,
                      &t->twin_sys, &t->twin_local);
    if (r < 0) return r;
    t->used = 1;
    return 0;
}

static void drop_twin(struct twin *t);

/* Twins for service's portals; on failure none of this call's is left. */
static int on(void *self, const char *service, void *pairs, size_t cap, size_t *len)
{
    (void)self;
    static uint8_t page[IDC_BUF_MAX];
    uint32_t start = 0, next = 0, *out = pairs;
    size_t n = 0;
    int found = 0, r = 0;
    do {
        size_t got;
        if ((r = sys_sysportals(&kea_base_sys, start, page, sizeof page, &got, &next)) < 0) break;
        const struct sys_sysportal *p = (const void *)page;
        for (size_t i = 0; r == 0 && i < got / sizeof *p; i++) {
            if (p[i].dom == SYS_NONE || !of_service(p[i].name, service)) continue;
            found = 1;
            if (traced(p[i].id)) continue;
            int k = 0;
            while (k < MAX_TWINS && twins[k].used) k++;
            if ((n + 2) * sizeof *out > cap) r = -KEA_E2BIG;
            else if (k == MAX_TWINS) r = -KEA_ENOMEM;
            else if ((r = make_twin(&p[i], &twins[k])) == 0) {
                out[n++] = twins[k].orig_sys;
                out[n++] = twins[k].twin_sys;
            }
        }
        start = next;
    } while (r == 0 && next);
    if (r < 0) {
        for (size_t i = 0; i < n; i += 2)
            for (int k = 0; k < MAX_TWINS; k++)
                if (twins[k].used && twins[k].twin_sys == out[i + 1]) drop_twin(&twins[k]);
        return r;
    }
    *len = n * sizeof *out;
    return found ? 0 : -KEA_ENOENT;
}

/* The entry for the original stays: binding it again reuses it, and in
 * the kernel the table is shared with every kernel-placed object, one of
 * which may have bound the same portal (the same entry). */
static void drop_twin(struct twin *t)
{
    portal_revoke(&kea_base_portal, t->twin_sys);
    portal_release(&kea_base_portal, t->twin_local);
    t->used = 0;
}

static int off(void *self, const char *service, uint32_t *count)
{
    (void)self;
    uint32_t n = 0;
    for (int i = 0; i < MAX_TWINS; i++)
        if (twins[i].used && of_service(twins[i].name, service)) {
            drop_twin(&twins[i]);
            n++;
        }
    *count = n;
    return 0;
}

static int dump(void *self, uint32_t start, void *records, size_t cap, size_t *len, uint32_t *next,
                uint32_t *dropped)
{
    (void)self;
    lock();
    uint32_t oldest = logged > LOG_SIZE ? logged - LOG_SIZE + 1 : 1;
    if (oldest <= cleared) oldest = cleared + 1;
    if (start < 1) start = 1;
    *dropped = start < oldest && start > cleared ? oldest - start : 0;
    if (start < oldest) start = oldest;
    size_t n = 0;
    uint32_t seq = start;
    for (; seq <= logged && (n + 1) * sizeof(struct trace_rec) <= cap; seq++, n++)
        memcpy((struct trace_rec *)records + n, &ring[(seq - 1) % LOG_SIZE], sizeof(struct trace_rec));
    *next = seq <= logged ? seq : 0;
    unlock();
    *len = n * sizeof(struct trace_rec);
    return 0;
}

static int clear(void *self)
{
    (void)self;
    lock();
    cleared = logged;
    unlock();
    return 0;
}

/* Unloading revokes the twins (portals the service made go with it); the
 * remaps to them must have been undone by then (`trace off`). */
static void fini(void)
{
    if (kea_service_why == KEA_WHY_MIGRATE) return;     /* the twins moved to the new instance */
    for (int i = 0; i < MAX_TWINS; i++)
        if (twins[i].used) drop_twin(&twins[i]);
}

/* ---- live migration (docs/migration.md) ----
 *
 * The twins move with the service (KEA_SVC_MOVE_PORTALS): the kernel
 * retargets each to forward() and the same slot of twins[] in the new
 * instance, so the remaps in front of the traced services hold.  The state
 * is the twin table and the log; the new instance binds the originals and
 * the twins again by name, since local ids are its old table's. */
struct trace_state {
    uint32_t magic, logged, cleared;
    struct twin twins[MAX_TWINS];
    struct trace_rec ring[LOG_SIZE];
};
#define TRACE_STATE_MAGIC 0x74727331u   /* "trs1" */

static int trace_export(void *buf, size_t cap, size_t *len)
{
    *len = sizeof(struct trace_state);
    if (cap < *len) return -KEA_E2BIG;
    struct trace_state *st = buf;
    lock();
    st->magic = TRACE_STATE_MAGIC;
    st->logged = logged;
    st->cleared = cleared;
    memcpy(st->twins, twins, sizeof twins);
    memcpy(st->ring, ring, sizeof ring);
    unlock();
    return 0;
}

static int trace_import(const void *buf, size_t len)
{
    const struct trace_state *st = buf;
    if (len != sizeof *st || st->magic != TRACE_STATE_MAGIC || st->cleared > st->logged)
        return -KEA_EINVAL;
    for (int i = 0; i < MAX_TWINS; i++) {
        struct twin t = st->twins[i];
        if (!t.used) continue;
        char name[TRACE_PORTAL_NAME];
        uint32_t iface, sys;
        t.name[sizeof t.name - 1] = 0;
        int r = portal_bind(&kea_base_portal, t.name, &t.orig_local, &iface, &sys);
        if (r < 0) return r;
        if (sys != t.orig_sys || iface != t.iface_id) return -KEA_EINVAL;
        snprintf(name, sizeof name, "%s%s", TRACE_TWIN_PREFIX, t.name);
        if ((r = portal_bind(&kea_base_portal, name, &t.twin_local, &iface, &sys)) < 0) return r;
        if (sys != t.twin_sys) return -KEA_EINVAL;
        twins[i] = t;
    }
    memcpy(ring, st->ring, sizeof ring);
    logged = st->logged;
    cleared = st->cleared;
    return 0;
}

static const struct trace_ops ops = { on, off, dump, clear };
static struct trace_server server = { &ops, 0 };
static const struct kea_service_iface ifaces[] = {
    TRACE_SERVICE_IFACE(trace_dispatch, &server),
};

KEA_SERVICE(.name = "trace", .ifaces = ifaces, .nifaces = 1, .fini = fini,
            .state_export = trace_export, .state_import = trace_import,
            .flags = KEA_SVC_MOVE_PORTALS);
