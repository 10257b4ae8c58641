/* Portals and portal remapping (Kea section 2.5).
 *
 * A system portal names a domain, an entry point (handler, argument) and an
 * argument descriptor.  Each domain reaches portals through its table of
 * local ids.  Three kinds of remapping change where an invocation goes:
 *
 *   per-domain    one domain's table entry points at another portal;
 *   system-wide   portal->global: every invocation of the portal, from any
 *                 table, reaches the other portal;
 *   domain-rooted an entry in the invoking thread's root domain's map: only
 *                 invocations on behalf of threads rooted there are affected,
 *                 however deep in the call chain they happen.
 *
 * A system-wide or rooted remap never applies to invocations made from the
 * replacement's own domain: an interposer placed in front of a service keeps
 * reaching the original, and no remap can make a service call itself.
 * Remaps are made with interrupts off on our single CPU, so an invocation
 * sees either the old binding or the new one.  Every remap can be undone. */
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include <kea/tls.h>

#define MAX_SYS_PORTALS 16384
#define NAME_BUCKETS    1024

static struct portal *portals[MAX_SYS_PORTALS];
static struct portal *by_name[NAME_BUCKETS];    /* chained through p->name_next */
static int free_hint;                           /* no free id below this */

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;                    /* FNV-1a */
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h % NAME_BUCKETS;
}

struct portal *portal_by_id(int id) { return id >= 0 && id < MAX_SYS_PORTALS ? portals[id] : 0; }
int portal_capacity(void) { return MAX_SYS_PORTALS; }

/* A reference held outside portal tables (pagers, migration's held portals). */
void portal_hold(struct portal *p) { if (p) p->refs++; }
void portal_put(struct portal *p);

static void portal_drop(struct portal *p)
{
    if (p && --p->refs == 0) {
        portals[p->id] = 0;
        if (p->id < free_hint) free_hint = p->id;
        for (struct portal **pp = &by_name[name_hash(p->name)]; *pp; pp = &(*pp)->name_next)
            if (*pp == p) {
                *pp = p->name_next;
                break;
            }
        kfree(p);
    }
}

struct portal *kportal_create(struct domain *d, const char *name, idc_handler_t h, void *arg,
                             uint32_t iface_id, uint32_t in_max, uint32_t out_max)
{
    if (!d || !d->alive || in_max > IDC_BUF_MAX || out_max > IDC_BUF_MAX) return 0;
    int id = free_hint;
    while (id < MAX_SYS_PORTALS && portals[id]) id++;
    if (id == MAX_SYS_PORTALS) return 0;
    struct portal *p = kzalloc(sizeof *p);
    if (!p) return 0;
    free_hint = id + 1;
    p->id = id;
    strlcpy(p->name, name, sizeof p->name);
    p->dom = d;
    p->handler = h;
    p->arg = arg;
    p->iface_id = iface_id;
    p->in_max = in_max;
    p->out_max = out_max;
    p->refs = 1;                      /* the implementing domain's */
    p->owner = d;
    portals[id] = p;
    uint32_t bucket = name_hash(p->name);
    p->name_next = by_name[bucket];
    by_name[bucket] = p;
    return p;
}

/* Drops a reference portal_hold() took. */
void portal_put(struct portal *p) { portal_drop(p); }

static void undo_remaps_to(struct portal *p);

/* Revoke a portal: invocations of it fail with -KEA_EDEAD from now on, and
 * every remap that redirected calls to it is undone, so callers of an
 * unloaded interposer or upgrade fall back to what they reached before. */
void kportal_revoke(struct portal *p)
{
    uint32_t f = irq_save();
    if (p->dom) {
        p->dom = 0;
        undo_remaps_to(p);
        portal_drop(p);
    }
    irq_restore(f);
}

/* Live replacement (kernel/migrate.c): p leads to a new implementation
 * from now on.  It stays the same portal, so its id, name, every table
 * entry and grant, every remap to or from it and its interposers hold
 * without anyone noticing. */
void portal_retarget(struct portal *p, struct domain *d, idc_handler_t h, void *arg, const void *owner)
{
    uint32_t f = irq_save();
    p->dom = d;
    p->handler = h;
    p->arg = arg;
    p->owner = owner;
    irq_restore(f);
}

int kportal_grant(struct domain *to, struct portal *p) { return portal_grant_from(0, to, p); }

/* Put p in to's table; `from` (NULL: the kernel or to itself) is recorded
 * as the granter.  Entries granted by other domains may take at most
 * GRANTS_MAX slots, so a granter, even a consented one, can never fill a
 * table: the domain's own binds always find room.  The consent and right
 * checks are the caller's (base/portal.c po_grant). */
int portal_grant_from(struct domain *from, struct domain *to, struct portal *p)
{
    if (!to || !to->alive || !p) return -KEA_EINVAL;
    int granter = from && from != to ? from->id : 0;
    uint32_t f = irq_save();
    if (granter) {
        int n = 0;
        for (int i = 0; i < IDC_MAX_PORTALS; i++)
            if (to->ptab[i].cur && to->granter[i]) n++;
        if (n >= GRANTS_MAX) {
            irq_restore(f);
            return -KEA_ENOMEM;
        }
    }
    for (int i = 0; i < IDC_MAX_PORTALS; i++)
        if (!to->ptab[i].cur) {
            to->ptab[i].cur = p;
            to->granter[i] = granter;
            portal_hold(p);
            irq_restore(f);
            return i;
        }
    irq_restore(f);
    return -KEA_ENOMEM;
}

/* d is being destroyed: the entries it granted into other tables go. */
void portal_forget_granter(struct domain *d)
{
    uint32_t f = irq_save();
    for (int id = 0; id < domain_capacity(); id++) {
        struct domain *t = domain_at(id);
        if (!t || t == d) continue;
        for (int l = 0; l < IDC_MAX_PORTALS; l++) {
            struct portal_slot *s = &t->ptab[l];
            if (s->cur && t->granter[l] == d->id) {
                portal_drop(s->cur);
                portal_drop(s->orig);
                s->cur = s->orig = 0;
                t->granter[l] = 0;
            }
        }
        if (t->accept_from == d->id)
            t->accept_from = ACCEPT_NONE;    /* the id may be reused by a stranger */
    }
    irq_restore(f);
}

/* The loader owns service names: before service `service` creates its
 * portals, live portals named "service.*" that are not the owner's (a
 * squatter's, made before the service was loaded) are revoked. */
int portal_reclaim_names(const char *service, struct domain *owner)
{
    size_t n = strlen(service);
    int revoked = 0;
    for (int i = 0; i < MAX_SYS_PORTALS; i++) {
        struct portal *p = portals[i];
        if (!p || !p->dom || p->dom == owner || p->dom->is_kernel) continue;
        if (strncmp(p->name, service, n) == 0 && p->name[n] == '.') {
            printf("kea: service %s: revoking %s, created by domain %s (the name is the service's)\n",
                   service, p->name, p->dom->name);
            kportal_revoke(p);
            revoked++;
        }
    }
    return revoked;
}

/* Drop one entry of d's table (and the binding it hid, if remapped). */
int kportal_release(struct domain *d, int local)
{
    if (local < 0 || local >= IDC_MAX_PORTALS || !d->ptab[local].cur) return -KEA_EBADPORTAL;
    if (!d->is_kernel && local < BASE_NPORTALS) return -KEA_EPERM;   /* the base services stay */
    uint32_t f = irq_save();
    portal_drop(d->ptab[local].cur);
    portal_drop(d->ptab[local].orig);
    d->ptab[local].cur = d->ptab[local].orig = 0;
    d->granter[local] = 0;
    irq_restore(f);
    return 0;
}

void portal_kill_domain(struct domain *d)
{
    for (int i = 0; i < MAX_SYS_PORTALS; i++)
        if (portals[i] && portals[i]->dom == d)
            kportal_revoke(portals[i]);
}

/* ---- domain-rooted maps: open addressing, linear probing --------------- */

struct rooted_map {
    uint32_t cap, count;              /* cap is a power of two, count <= cap/2 */
    struct { struct portal *from, *to; } e[];
};

static uint32_t rhash(const struct portal *p, uint32_t cap)
{
    return ((uint32_t)p * 2654435761u >> 7) & (cap - 1);
}

/* p's replacement in m, or NULL.  The IDC path asks only for portals some
 * root remaps (p->rooted, idc.c), so remaps of other portals cost it nothing. */
struct portal *rooted_lookup(const struct rooted_map *m, const struct portal *p)
{
    for (uint32_t i = rhash(p, m->cap); m->e[i].from; i = (i + 1) & (m->cap - 1))
        if (m->e[i].from == p)
            return m->e[i].to;
    return 0;
}

int rooted_count(const struct domain *root) { return root->rooted ? (int)root->rooted->count : 0; }
uint32_t rooted_capacity(const struct domain *root) { return root->rooted ? root->rooted->cap : 0; }

/* Slot i of root's map, for listing: -1 if empty or beyond the map. */
int rooted_entry(const struct domain *root, uint32_t i, struct portal **from, struct portal **to)
{
    const struct rooted_map *m = root->rooted;
    if (!m || i >= m->cap || !m->e[i].from) return -1;
    *from = m->e[i].from;
    *to = m->e[i].to;
    return 0;
}

static struct rooted_map *rooted_alloc(uint32_t cap)
{
    struct rooted_map *m = kzalloc(sizeof *m + cap * sizeof m->e[0]);
    if (m) m->cap = cap;
    return m;
}

static void rooted_put(struct rooted_map *m, struct portal *from, struct portal *to)
{
    uint32_t i = rhash(from, m->cap);
    while (m->e[i].from && m->e[i].from != from)
        i = (i + 1) & (m->cap - 1);
    if (!m->e[i].from) m->count++;
    m->e[i].from = from;
    m->e[i].to = to;
}

/* Make room for one more entry: a bigger copy replaces the map at once. */
static int rooted_reserve(struct domain *root)
{
    struct rooted_map *m = root->rooted;
    if (m && (m->count + 1) * 2 <= m->cap) return 0;
    struct rooted_map *n = rooted_alloc(m ? m->cap * 2 : 16);
    if (!n) return -KEA_ENOMEM;
    for (uint32_t i = 0; m && i < m->cap; i++)
        if (m->e[i].from) rooted_put(n, m->e[i].from, m->e[i].to);
    root->rooted = n;
    kfree(m);
    return 0;
}

/* Remove p's entry; later entries of its probe run move back (no tombstones). */
static struct portal *rooted_del(struct rooted_map *m, struct portal *p)
{
    uint32_t mask = m->cap - 1, i = rhash(p, m->cap);
    while (m->e[i].from != p) {
        if (!m->e[i].from) return 0;
        i = (i + 1) & mask;
    }
    struct portal *to = m->e[i].to;
    m->count--;
    for (uint32_t j = (i + 1) & mask; m->e[j].from; j = (j + 1) & mask) {
        uint32_t h = rhash(m->e[j].from, m->cap);
        /* e[j] may move to the hole at i if its home is not in (i, j]. */
        if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
            m->e[i] = m->e[j];
            i = j;
        }
    }
    m->e[i].from = m->e[i].to = 0;
    return to;
}

/* ---- remapping ----------------------------------------------------------- */

static int check_target(struct portal *p, struct portal *to)
{
    if (!p || !to) return -KEA_EINVAL;
    if (!to->dom) return -KEA_EDEAD;
    if (p->iface_id != to->iface_id) return -KEA_EIFACE;
    return 0;
}

int remap_local(struct domain *actor, struct domain *d, int local, struct portal *to)
{
    if (actor != d && !(actor->rights & RIGHT_REMAP_OTHERS)) return -KEA_EPERM;
    if (local < 0 || local >= IDC_MAX_PORTALS || !d->ptab[local].cur) return -KEA_EBADPORTAL;
    struct portal_slot *s = &d->ptab[local];
    int r = check_target(s->orig ? s->orig : s->cur, to);
    if (r) return r;
    uint32_t f = irq_save();
    portal_hold(to);
    if (s->orig) portal_drop(s->cur);
    else s->orig = s->cur;
    s->cur = to;
    irq_restore(f);
    return 0;
}

int unremap_local(struct domain *actor, struct domain *d, int local)
{
    if (actor != d && !(actor->rights & RIGHT_REMAP_OTHERS)) return -KEA_EPERM;
    if (local < 0 || local >= IDC_MAX_PORTALS || !d->ptab[local].orig) return -KEA_ENOENT;
    uint32_t f = irq_save();
    struct portal_slot *s = &d->ptab[local];
    portal_drop(s->cur);
    s->cur = s->orig;
    s->orig = 0;
    irq_restore(f);
    return 0;
}

int remap_global(struct domain *actor, struct portal *p, struct portal *to)
{
    if (!(actor->rights & RIGHT_REMAP_GLOBAL)) return -KEA_EPERM;
    int r = check_target(p, to);
    if (r) return r;
    if (to == p || to->global) return -KEA_EINVAL;     /* no chains, no loops */
    uint32_t f = irq_save();
    portal_hold(to);
    portal_drop(p->global);
    p->global = to;
    irq_restore(f);
    return 0;
}

int unremap_global(struct domain *actor, struct portal *p)
{
    if (!(actor->rights & RIGHT_REMAP_GLOBAL)) return -KEA_EPERM;
    if (!p || !p->global) return -KEA_ENOENT;
    uint32_t f = irq_save();
    portal_drop(p->global);
    p->global = 0;
    irq_restore(f);
    return 0;
}

int remap_rooted(struct domain *actor, struct domain *root, struct portal *p, struct portal *to)
{
    if (!(actor->rights & RIGHT_REMAP_GLOBAL)) return -KEA_EPERM;
    if (!root || !root->alive) return -KEA_EINVAL;
    int r = check_target(p, to);
    if (r) return r;
    if (to == p) return -KEA_EINVAL;
    uint32_t f = irq_save();
    r = rooted_reserve(root);
    if (!r) {
        struct portal *old = rooted_lookup(root->rooted, p);
        portal_hold(to);
        if (old) portal_drop(old);
        else {
            portal_hold(p);
            p->rooted++;
        }
        rooted_put(root->rooted, p, to);
    }
    irq_restore(f);
    return r;
}

int unremap_rooted(struct domain *actor, struct domain *root, struct portal *p)
{
    if (!(actor->rights & RIGHT_REMAP_GLOBAL)) return -KEA_EPERM;
    if (!root || !root->rooted || !p) return -KEA_ENOENT;
    uint32_t f = irq_save();
    struct portal *to = rooted_del(root->rooted, p);
    if (to) {
        p->rooted--;
        portal_drop(to);
        portal_drop(p);
    }
    if (root->rooted->count == 0) {   /* none left: the IDC path skips the lookup */
        kfree(root->rooted);
        root->rooted = 0;
    }
    irq_restore(f);
    return to ? 0 : -KEA_ENOENT;
}

static void undo_remaps_to(struct portal *p)
{
    for (int i = 0; i < MAX_SYS_PORTALS; i++)
        if (portals[i] && portals[i]->global == p) {
            portals[i]->global = 0;
            portal_drop(p);
        }
    for (int id = 0; id < domain_capacity(); id++) {
        struct domain *d = domain_at(id);
        if (!d) continue;
        for (int l = 0; l < IDC_MAX_PORTALS; l++) {
            struct portal_slot *s = &d->ptab[l];
            if (s->cur == p && s->orig) {
                s->cur = s->orig;
                s->orig = 0;
                portal_drop(p);
            }
        }
        struct rooted_map *m = d->rooted;
        for (uint32_t k = 0; m && k < m->cap; ) {
            if (m->e[k].to == p) {
                struct portal *from = m->e[k].from;
                rooted_del(m, from);       /* may move a later entry into slot k */
                from->rooted--;
                portal_drop(p);
                portal_drop(from);
            } else {
                k++;
            }
        }
        if (m && m->count == 0) {
            kfree(m);
            d->rooted = 0;
        }
    }
}

/* Drop everything d's table and rooted map hold. */
void portal_release_table(struct domain *d)
{
    for (int i = 0; i < IDC_MAX_PORTALS; i++) {
        portal_drop(d->ptab[i].cur);
        portal_drop(d->ptab[i].orig);
        d->ptab[i].cur = d->ptab[i].orig = 0;
        d->granter[i] = 0;
    }
    struct rooted_map *m = d->rooted;
    for (uint32_t i = 0; m && i < m->cap; i++)
        if (m->e[i].from) {
            m->e[i].from->rooted--;
            portal_drop(m->e[i].from);
            portal_drop(m->e[i].to);
        }
    kfree(m);
    d->rooted = 0;
}

/* The live portal registered under name (revoked ones keep their entry
 * until their last reference goes, but are not found). */
struct portal *portal_by_name(const char *name)
{
    for (struct portal *p = by_name[name_hash(name)]; p; p = p->name_next)
        if (p->dom && strcmp(p->name, name) == 0)
            return p;
    return 0;
}
