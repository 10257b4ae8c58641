/* Portal remapping (Kea section 2.5): the three kinds that change where an
 * invocation goes, split from portal.c (which holds the portal objects):
 *
 *   per-domain    one domain's table entry points at another portal;
 *   system-wide   portal->global: every invocation of the portal, from any
 *                 table, reaches the other portal;
 *   domain-rooted an entry in the invoking thread's root domain's map (an
 *                 open-addressing hash, below): only invocations on behalf
 *                 of threads rooted there are affected, however deep in the
 *                 call chain they happen.
 *
 * A system-wide or rooted remap never applies to invocations made from the
 * replacement's own domain: an interposer placed in front of a service keeps
 * reaching the original, and no remap can make a service call itself.
 *
 * Also here: undoing every remap to a revoked portal, and dropping what a
 * dying domain's table and rooted map hold.  Remaps are made with
 * interrupts off on our single CPU, so an invocation sees either the old
 * binding or the new one.  Every remap can be undone. */
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include <kea/tls.h>

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
    if (s->orig) portal_put(s->cur);
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
    portal_put(s->cur);
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
    portal_put(p->global);
    p->global = to;
    irq_restore(f);
    return 0;
}

int unremap_global(struct domain *actor, struct portal *p)
{
    if (!(actor->rights & RIGHT_REMAP_GLOBAL)) return -KEA_EPERM;
    if (!p || !p->global) return -KEA_ENOENT;
    uint32_t f = irq_save();
    portal_put(p->global);
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
        if (old) portal_put(old);
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
        portal_put(to);
        portal_put(p);
    }
    if (root->rooted->count == 0) {   /* none left: the IDC path skips the lookup */
        kfree(root->rooted);
        root->rooted = 0;
    }
    irq_restore(f);
    return to ? 0 : -KEA_ENOENT;
}

/* p is revoked (portal.c's kportal_revoke): every remap that redirected
 * calls to it is undone, so its callers fall back to what they reached
 * before. */
void remap_undo_to(struct portal *p)
{
    for (int i = 0; i < portal_capacity(); i++) {
        struct portal *q = portal_by_id(i);
        if (q && q->global == p) {
            q->global = 0;
            portal_put(p);
        }
    }
    for (int id = 0; id < domain_capacity(); id++) {
        struct domain *d = domain_at(id);
        if (!d) continue;
        for (int l = 0; l < IDC_MAX_PORTALS; l++) {
            struct portal_slot *s = &d->ptab[l];
            if (s->cur == p && s->orig) {
                s->cur = s->orig;
                s->orig = 0;
                portal_put(p);
            }
        }
        struct rooted_map *m = d->rooted;
        for (uint32_t k = 0; m && k < m->cap; ) {
            if (m->e[k].to == p) {
                struct portal *from = m->e[k].from;
                rooted_del(m, from);       /* may move a later entry into slot k */
                from->rooted--;
                portal_put(p);
                portal_put(from);
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
        portal_put(d->ptab[i].cur);
        portal_put(d->ptab[i].orig);
        d->ptab[i].cur = d->ptab[i].orig = 0;
        d->granter[i] = 0;
    }
    struct rooted_map *m = d->rooted;
    for (uint32_t i = 0; m && i < m->cap; i++)
        if (m->e[i].from) {
            m->e[i].from->rooted--;
            portal_put(m->e[i].from);
            portal_put(m->e[i].to);
        }
    kfree(m);
    d->rooted = 0;
}
