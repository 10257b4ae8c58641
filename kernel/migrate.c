/* Live migration: moving a running service between the kernel and a user
 * domain, with its state, losing no request (docs/migration.md).
 *
 * The Kea paper ends on this (section 5): the same relocatable driver code
 * moved into and out of the kernel while the system runs.  It rests on the
 * portal: clients hold system portals, never the service, so replacing
 * what a portal leads to replaces the service for everyone at once.  One
 * migration runs at a time; its steps, each named in the error when it
 * fails:
 *
 *   load     place the same object afresh in the other placement (a new
 *            domain, or the kernel): new relocation, new addresses;
 *   init     the new instance's constructors and init(), told it is a
 *            migration (kea_service_why): it sets itself up without
 *            touching the device; its attach of a line the old instance
 *            holds is staged.  It needs no state, so this and the load
 *            are done before the hold, while the old instance serves on;
 *   hold     new invocations of the service's portals wait (the caller
 *            sleeps in svc_hold_wait); a thread already inside the service
 *            passes, so re-entrant calls cannot deadlock;
 *   drain    wait until no activation is inside the old instance, at
 *            most the timeout; past it, abort and say who is inside;
 *   park     the old instance's interrupt lines are masked and their
 *            deliveries held (kernel/irqsvc.c), then drain once more for
 *            a delivery that was under way;
 *   export   the old instance writes its state into pages the kernel
 *            maps into its placement;
 *   import   the new instance rebuilds the state from the same pages;
 *   switch   with interrupts off: every system portal of the service is
 *            retargeted to the new instance (ids, names, table entries,
 *            remaps of all three kinds, interposers and grants all hold),
 *            the lines move to the new instance's portals;
 *   release  the held callers proceed, into the new instance; the lines
 *            are unmasked and held interrupts delivered;
 *   finalize the old instance's fini() (told it is a migration: it leaves
 *            the device alone), its own portals revoked, its object and
 *            domain freed.
 *
 * Any failure before the switch rolls back: the new instance is finalized
 * and freed, the lines go back to the old one, the held callers proceed
 * into it.  Nothing changed for anyone but the time they waited. */
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "sched.h"
#include "load.h"
#include "irqsvc.h"
#include "udomain.h"
#include "service.h"

/* The most state a migration carries: what fits at SVC_STATE_VA
 * (service.h) below the TLS page. */
#define STATE_MAX    (USER_TLS_BASE - SVC_STATE_VA - PGSIZE)

static struct service *moving;          /* the service held now, or NULL */
static struct service *heir;            /* its new instance, once placed */
static uint32_t held_callers;
static int hold_chan;

/* idc.c: p is held.  Wait for the release, unless this thread is inside
 * the service already (then waiting would wait for itself).  Interrupts
 * are off, so the check and the sleep are one step. */
int svc_hold_wait(struct portal *p)
{
    if (p->held == HELD_FAILED) return -KEA_EDEAD;      /* kernel/restart.c gave up on it */
    /* A restart holds the portals from the fault on, before the restarter
     * runs (svc_hold_early): then nothing is moving yet and callers wait. */
    if (moving && service_in_instance(cur, moving)) return 0;
    held_callers++;
    while (p->held == HELD_WAIT) sleep_on(&hold_chan);
    return p->held == HELD_FAILED ? -KEA_EDEAD : 0;
}

/* A restart's early hold (kernel/restart.c): from the fault until the
 * restart, calls wait instead of reaching the failed instance; the
 * replacement's own hold and release take over.  svc_hold_wake wakes
 * waiters when the portals were marked failed instead. */
void svc_hold_early(struct service *s)
{
    uint32_t f = irq_save();
    for (uint32_t i = 0; i < s->nifaces; i++)
        if (s->portal[i] && !s->portal[i]->held) s->portal[i]->held = HELD_WAIT;
    irq_restore(f);
}

void svc_hold_wake(void) { wakeup(&hold_chan); }

/* Hold or release the service's portals.  While held each carries a
 * reference of ours, so that a portal revoked meanwhile (its domain
 * destroyed) stays valid until its waiters are released. */
/* base/portal.c: is d the domain of the new instance a migration of s is
 * starting?  It acts for s: its init may name portals under s's name. */
int migrate_is_heir(const struct service *s, const struct domain *d)
{
    return moving == s && heir && heir->dom == d;
}

static void hold(struct service *s, int on)
{
    uint32_t f = irq_save();
    for (uint32_t i = 0; i < s->nifaces; i++) {
        struct portal *p = s->was[i];
        if (!p) continue;
        if (on) portal_hold(p);
        if (on || p->held == HELD_WAIT) p->held = on ? HELD_WAIT : 0;
        if (!on) portal_put(p);
    }
    if (!on) wakeup(&hold_chan);
    irq_restore(f);
}

/* The old instance's domain or the new one's may be destroyed from
 * elsewhere while this thread sleeps (service_object_gone marks them). */
static int lost(const struct service *s, const struct service *n, const char *step, char *err,
                size_t errlen)
{
    if (!s->gone && !n->gone) return 0;
    snprintf(err, errlen, "%s: %s domain was destroyed meanwhile", step,
             s->gone ? "the service's" : "the new instance's");
    return -KEA_EDEAD;
}

/* Wait until no thread is inside the old instance: 0, or -KEA_EBUSY with
 * err naming one that stayed.  It looks again whenever the threads inside
 * may have moved on (sched_pause: after the others ran, or an interrupt
 * came), not once per timer tick: a request in flight at the hold costs
 * what it takes to finish, not a tick. */
static int drain(struct service *s, uint32_t timeout_ms, uint32_t *waited_ms, char *err,
                 size_t errlen)
{
    struct thread *t;
    uint64_t t0 = timer_ticks;
    while (service_find_inside(s, &t)) {
        uint32_t ms = (uint32_t)((timer_ticks - t0) * 1000 / timer_hz);
        if (ms >= timeout_ms) {
            snprintf(err, errlen, "drain: thread %d (%s, of domain %s) is still inside %s after %u ms",
                     t->id, t->name, t->root->name, s->name, ms);
            return -KEA_EBUSY;
        }
        sched_pause();
    }
    *waited_ms = (uint32_t)((timer_ticks - t0) * 1000 / timer_hz);
    return 0;
}

/* ---- interrupt lines ---- */

/* Is a line's portal (in domain d) the old instance's? */
static int line_of(const struct domain *d, const struct portal *p, void *ctx)
{
    const struct service *s = ctx;
    return placement[s->where]->owns(s, d, p);
}

#define MAX_LINES 16
struct lines { int n, irq[MAX_LINES]; };

/* The new instance will take over the old one's lines. */
static void handover(struct service *old, struct domain *heir, struct lines *l)
{
    l->n = 0;
    for (int irq = irqsvc_next(0, line_of, old); irq >= 0 && l->n < MAX_LINES;
         irq = irqsvc_next(irq + 1, line_of, old)) {
        irqsvc_handover(irq, heir);
        l->irq[l->n++] = irq;
    }
}

static void park(struct lines *l)
{
    for (int i = 0; i < l->n; i++) irqsvc_park(l->irq[i]);
}

static void unpark(struct lines *l)
{
    for (int i = 0; i < l->n; i++) irqsvc_unpark(l->irq[i]);
    l->n = 0;
}

/* ---- the state pages ---- */

#define state svc_state

void svc_state_free(struct state *st)
{
    for (uint32_t i = 0; i < st->npages; i++) page_free(st->k + i * PGSIZE);
    st->k = 0;
    st->npages = 0;
}

/* One call through the object's state entry, in its placement. */
static int state_call(struct service *s, uint32_t op, uint32_t addr, uint32_t n, uint32_t *len)
{
    struct portal p = { .id = -1, .dom = s->dom, .handler = (idc_handler_t)s->desc.state_entry };
    struct idc_args a = { .w = { op, addr, n } };
    int r = portal_call(&p, 0, &a);
    if (len) *len = a.w[0];
    return r;
}

static int export_state(struct service *s, struct state *st, uint32_t inject, char *err,
                        size_t errlen)
{
    uint32_t need = 0, addr;
    int r = state_call(s, KEA_STATE_EXPORT, 0, 0, &need);
    if (r < 0 && r != -KEA_E2BIG) {
        snprintf(err, errlen, "export: %s's state_export failed: %s", s->name, kea_strerror(r));
        return r;
    }
    if (need > STATE_MAX) {
        snprintf(err, errlen, "export: %s's state is %u bytes, more than the %u a migration carries",
                 s->name, need, STATE_MAX);
        return -KEA_E2BIG;
    }
    st->npages = need ? PGROUNDUP(need) / PGSIZE : 1;
    st->k = (inject & MIGRATE_FAIL_ALLOC) ? 0 : pages_alloc(st->npages);
    if (!st->k) {
        snprintf(err, errlen, "export: no memory for %u bytes of %s's state%s", need, s->name,
                 (inject & MIGRATE_FAIL_ALLOC) ? " (allocation failure forced)" : "");
        st->npages = 0;
        return -KEA_ENOMEM;
    }
    if ((r = placement[s->where]->map_state(s, st, &addr)) < 0) {
        snprintf(err, errlen, "export: cannot map the state pages into %s: %s", s->name,
                 kea_strerror(r));
        return r;
    }
    r = state_call(s, KEA_STATE_EXPORT, addr, st->npages * PGSIZE, &st->len);
    placement[s->where]->unmap_state(s, st);
    if (r >= 0 && st->len > st->npages * PGSIZE) r = -KEA_E2BIG;
    if (r < 0) {
        snprintf(err, errlen, "export: %s's state_export failed: %s", s->name, kea_strerror(r));
        return r;
    }
    return 0;
}

static int import_state(struct service *n, struct state *st, char *err, size_t errlen)
{
    uint32_t addr;
    int r = placement[n->where]->map_state(n, st, &addr);
    if (r < 0) {
        snprintf(err, errlen, "import: cannot map the state pages into the new instance: %s",
                 kea_strerror(r));
        return r;
    }
    r = state_call(n, KEA_STATE_IMPORT, addr, st->len, 0);
    placement[n->where]->unmap_state(n, st);
    if (r < 0)
        snprintf(err, errlen, "import: %s's state_import %s: %s", n->name,
                 r == -KEA_ECALLEEFAULT ? "faulted" : "failed", kea_strerror(r));
    return r;
}

/* ---- the new instance ---- */

/* Place s's object in `to`, unstarted; NULL with err set on failure. */
static struct service *place_new(struct service *s, enum placement to, uint32_t inject,
                                 char *err, size_t errlen)
{
    struct service *n = (inject & MIGRATE_FAIL_ALLOC) ? 0 : kzalloc(sizeof *n);
    if (!n) {
        snprintf(err, errlen, "load: out of memory for the new instance of %s%s", s->name,
                 (inject & MIGRATE_FAIL_ALLOC) ? " (allocation failure forced)" : "");
        return 0;
    }
    strlcpy(n->name, s->name, sizeof n->name);
    strlcpy(n->module, s->module, sizeof n->module);
    n->where = to;
    /* Until the old domain is gone the new one has a name of its own. */
    char tmp[DOMAIN_NAME];
    snprintf(tmp, sizeof tmp, "%.*s-new", DOMAIN_NAME - 5, s->name);
    n->dom = placement[to]->make_domain(tmp, 0, err, errlen);
    if (!n->dom) {
        size_t k = strlen(err);
        char why[120];
        strlcpy(why, err, sizeof why);
        snprintf(err, errlen, "load: %s", k ? why : "cannot create a domain");
        kfree(n);
        return 0;
    }
    n->obj = udomain_place(n->dom, s->module, 0, err, errlen);
    int r = n->obj ? service_read_descriptor(n->obj, &n->desc, err, errlen) : -KEA_EBADOBJ;
    if (r == 0 && (n->desc.nifaces != s->nifaces || strcmp(n->desc.name, s->desc.name) != 0)) {
        snprintf(err, errlen, "boot module %s changed since %s was loaded", s->module, s->name);
        r = -KEA_EBADOBJ;
    }
    if (r < 0) {
        char why[120];
        strlcpy(why, err, sizeof why);
        snprintf(err, errlen, "load: %s", why);
        service_discard(n, err, errlen);
        return 0;
    }
    n->nifaces = s->nifaces;
    memcpy(n->iface, s->iface, sizeof n->iface);
    /* A domain of its own holds what the descriptor declares (if the
     * requester holds it); a restart in place keeps what the load gave. */
    struct domain *own = service_own_domain(n), *was = service_own_domain(s);
    if (own) own->rights = was ? was->rights : service_user_rights(&n->desc);
    return n;
}

/* Undo an instance: fini if its init ran, then object and domain (both
 * already gone if its domain was destroyed). */
static void drop_new(struct service *n, int why, char *err, size_t errlen)
{
    service_track(n, 0);
    if (!n->gone) {
        service_run_fini(n, why);
        placement[n->where]->revoke_own(n);
    }
    service_discard(n, err, errlen);
}

/* ---- the switch ---- */

/* Run address `addr` of object `from` at the same place in `to` (the same
 * object placed again), or 0 if it is not in `from`. */
static uint32_t translate(const struct kobj *from, const struct kobj *to, uint32_t addr)
{
    int r = kobj_region_of(from, addr);
    if (r < 0) return 0;
    return to->eo.region[r].run + (addr - from->eo.region[r].run);
}

/* KEA_SVC_MOVE_PORTALS: the portals the old instance made itself (not its
 * system portals) now lead to the same code and argument in the new one.
 * One whose entry or argument is not in the object stays behind. */
static void move_own_portals(struct service *s, struct service *n)
{
    for (int i = 0; i < portal_capacity(); i++) {
        struct portal *p = portal_by_id(i);
        if (!p || !p->dom) continue;
        int mine = placement[s->where]->owns(s, p->dom, p);
        for (uint32_t j = 0; mine && j < s->nifaces; j++)
            mine = p != s->was[j];
        if (!mine) continue;
        uint32_t h = translate(s->obj, n->obj, (uint32_t)p->handler);
        uint32_t a = p->arg ? translate(s->obj, n->obj, (uint32_t)p->arg) : 0;
        if (h && (a || !p->arg))
            portal_retarget(p, n->dom, (idc_handler_t)h, (void *)a, placement[n->where]->owner(n));
    }
}

/* Everything here is done with interrupts off: an invocation sees the old
 * instance or the new one, and the held callers wake into the new one. */
static void switch_to(struct service *s, struct service *n, struct lines *l)
{
    uint32_t f = irq_save();
    for (uint32_t i = 0; i < s->nifaces; i++)
        if (s->portal[i]) {
            portal_retarget(s->portal[i], n->dom, (idc_handler_t)n->desc.iface[i].dispatch,
                            (void *)n->desc.iface[i].server, placement[n->where]->owner(n));
            reply_contract_set(s->portal[i], &n->desc, i);  /* the new instance's (kernel/reply.c) */
        }
    for (int i = 0; i < l->n; i++) irqsvc_commit(l->irq[i]);
    if (s->desc.flags & KEA_SVC_MOVE_PORTALS) move_own_portals(s, n);
    /* s becomes the new instance; n keeps the old one, to be finalized. */
    struct service old = *s;
    s->where = n->where;
    s->dom = n->dom;
    s->obj = n->obj;
    s->fini = n->fini;
    s->desc = n->desc;
    n->where = old.where;
    n->dom = old.dom;
    n->obj = old.obj;
    n->fini = old.fini;
    n->desc = old.desc;
    irq_restore(f);
}

int service_migrate(const char *name, enum placement to, uint32_t timeout_ms, uint32_t inject,
                    struct migrate_report *rep, char *err, size_t errlen)
{
    err[0] = 0;
    memset(rep, 0, sizeof *rep);
    struct service *s = service_by_name(name);
    if (!s) {
        snprintf(err, errlen, "no service named '%s'", name);
        return -KEA_ENOENT;
    }
    rep->from = s->where;
    rep->to = to;
    if (s->where == to) {
        snprintf(err, errlen, "%s is in %s already", name, placement[to]->where);
        return -KEA_EINVAL;
    }
    if (moving || s->unloading) {
        snprintf(err, errlen, "%s is being %s", moving ? moving->name : name,
                 moving ? "replaced already (one migration or restart at a time)" : "unloaded");
        return -KEA_EBUSY;
    }
    if (!s->desc.has_state && !(s->desc.flags & KEA_SVC_STATELESS)) {
        snprintf(err, errlen, "%s has state but no state_export/state_import (declare "
                 "KEA_SVC_STATELESS if it has none): migrating would lose it", name);
        return -KEA_EPERM;
    }
    if (s->desc.has_state && !s->desc.state_entry) {
        snprintf(err, errlen, "%s has state hooks but no state entry (descriptor not made with "
                 "KEA_SERVICE)", name);
        return -KEA_EBADOBJ;
    }
    /* Only a domain of its own is held to the rights it declares: in the
     * kernel it has them all, whatever the requester holds. */
    uint32_t lacks = s->desc.rights & ~service_requester()->rights;
    if (to == PLACE_USER && lacks) {
        snprintf(err, errlen, "%s needs rights %#x in a user domain, which the caller lacks",
                 name, lacks);
        return -KEA_EPERM;
    }
    struct replace_how how = { to, KEA_WHY_MIGRATE, timeout_ms, inject };
    return service_replace(s, &how, rep, err, errlen);
}

/* The instance replacement itself, for a migration, a restart and a
 * demotion alike (the protocol above).  A restart differs in three steps
 * only: its new instance is told KEA_WHY_RESTART (set the device up
 * afresh), the state imported is the last checkpoint rather than an
 * export of the old instance (which failed: its state is suspect), and
 * the old instance's fini() does not run (it would run broken code). */
int service_replace(struct service *s, const struct replace_how *how,
                    struct migrate_report *rep, char *err, size_t errlen)
{
    const char *name = s->name;
    enum placement to = how->to;
    uint32_t timeout_ms = how->timeout_ms, inject = how->inject;
    int restart = how->why == KEA_WHY_RESTART;
    memset(rep, 0, sizeof *rep);
    rep->from = s->where;
    rep->to = to;
    if (moving || s->unloading) {
        snprintf(err, errlen, "%s is being %s", moving ? moving->name : name,
                 moving ? "replaced already (one migration or restart at a time)" : "unloaded");
        return -KEA_EBUSY;
    }
    struct domain *own = service_own_domain(s);
    if (own && own->nthreads) {
        snprintf(err, errlen, "%s runs threads of its own in domain %s: they cannot move", name,
                 s->dom->name);
        return -KEA_EBUSY;
    }
    struct kobj *imp = kobj_importer(s->obj);
    if (imp) {
        snprintf(err, errlen, "%s in %s imports from %s: it cannot move", imp->name,
                 imp->dom->name, name);
        return -KEA_EBUSY;
    }

    /* load, init: placing the object and starting the new instance need
     * none of the state and touch no device, so they are done before the
     * hold, outside the downtime, while the old instance serves on. */
    moving = s;
    s->migrating = 1;
    struct service *n = heir = place_new(s, to, inject, err, errlen);
    if (!n) {
        s->migrating = 0;
        moving = 0;
        return -KEA_ENOMEM;
    }
    service_track(n, 1);
    struct lines lines = { 0, { 0 } };
    struct state st = { 0, 0, 0 };
    handover(s, n->dom, &lines);
    char why[160];
    int r = service_run_init(n, how->why, why, sizeof why);
    if (r < 0) snprintf(err, errlen, "init: %s", why);
    if (r == 0) r = lost(s, n, "init", err, errlen);

    /* hold, drain, park, drain once more for a delivery under way */
    uint64_t t0 = rdtsc();
    held_callers = 0;
    int holding = r == 0;
    if (holding) {
        hold(s, 1);
        r = drain(s, timeout_ms, &rep->drain_ms, err, errlen);
        if (r == 0) r = lost(s, n, "drain", err, errlen);
    }
    if (r == 0) {
        uint32_t more;
        park(&lines);
        r = drain(s, timeout_ms, &more, err, errlen);
        rep->drain_ms += more;
        if (r == 0) r = lost(s, n, "park", err, errlen);
    }
    if (r == 0 && s->desc.has_state && !restart) r = export_state(s, &st, inject, err, errlen);
    if (r == 0) r = lost(s, n, "export", err, errlen);
    if (restart) st = s->ckpt;          /* the checkpoint stays the service's */
    if (r == 0 && s->desc.has_state && st.k) r = import_state(n, &st, err, errlen);
    if (restart) st = (struct state){ 0, 0, 0 };
    if (r == 0) r = lost(s, n, "import", err, errlen);
    for (int i = 0; r == 0 && i < lines.n; i++)
        if (!irqsvc_staged(lines.irq[i])) {
            snprintf(err, errlen, "switch: the new instance did not attach IRQ %d", lines.irq[i]);
            r = -KEA_ENOENT;
        }
    if (r < 0) {
        /* roll back: the old instance resumes, nothing moved */
        drop_new(n, how->why, err, errlen);
        unpark(&lines);
        svc_state_free(&st);
        if (holding) hold(s, 0);
        s->migrating = 0;
        moving = heir = 0;
        if (s->gone) kfree(s);          /* off the list already, its callers get -KEA_EDEAD */
        return r;
    }

    switch_to(s, n, &lines);
    /* release */
    uint32_t f = irq_save();
    hold(s, 0);
    unpark(&lines);
    rep->downtime = rdtsc() - t0;
    rep->held = held_callers;
    moving = heir = 0;
    irq_restore(f);
    rep->state_bytes = st.len;
    svc_state_free(&st);

    /* finalize the old instance (now in n).  A failed one's fini runs only
     * in the kernel placement, told KEA_WHY_RESTART (free what you hold in
     * the kernel's domain, leave the device): a user placement's domain is
     * destroyed whole, and its code is not run again. */
    char ferr[96] = "";
    n->gone = 0;
    if (restart && n->where == PLACE_USER) n->fini = 0;
    drop_new(n, how->why, ferr, sizeof ferr);
    if ((own = service_own_domain(s)) != 0)        /* named after it, now its old one is gone */
        strlcpy(own->name, s->name, sizeof own->name);
    if (!restart) s->migrations++;
    s->last_downtime = rep->downtime;
    s->migrating = 0;
    if (ferr[0]) printf("%s: %s: finalize: %s\n", restart ? "restart" : "migrate", name, ferr);
    return 0;
}

/* A checkpoint for restarts (kernel/restart.c): the same hold, drain and
 * export as a migration's, at a quiescent point, then release; the pages
 * replace the previous checkpoint.  No instance changes.  The drain is
 * short: a busy service is checkpointed at its next quiet moment. */
int service_checkpoint(struct service *s, char *err, size_t errlen)
{
    if (!s->desc.has_state || !s->desc.state_entry) {
        snprintf(err, errlen, "%s has no state_export/state_import", s->name);
        return -KEA_EINVAL;
    }
    if (moving || s->unloading) {
        snprintf(err, errlen, "%s is busy", moving ? moving->name : s->name);
        return -KEA_EBUSY;
    }
    moving = s;
    s->migrating = 1;
    hold(s, 1);
    uint32_t ms;
    struct state st = { 0, 0, 0 };
    int r = drain(s, 20, &ms, err, errlen);
    if (r == 0) r = s->gone ? -KEA_EDEAD : export_state(s, &st, 0, err, errlen);
    hold(s, 0);
    moving = 0;
    s->migrating = 0;
    if (s->gone) {                      /* off the list already */
        svc_state_free(&st);
        kfree(s);
        return -KEA_EDEAD;
    }
    if (r < 0) {
        svc_state_free(&st);
        return r;
    }
    svc_state_free(&s->ckpt);
    s->ckpt = st;
    s->ckpt_calls = service_calls(s);
    s->ckpt_tick = timer_ticks;
    s->checkpoints++;
    return 0;
}
