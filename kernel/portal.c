/* Portals (Kea section 2.5): the system portal table, names, creation,
 * revocation, reference counts, grants into domains' tables.
 *
 * A system portal names a domain, an entry point (handler, argument) and an
 * argument descriptor.  Each domain reaches portals through its table of
 * local ids.  The three kinds of remapping that change where an invocation
 * goes (per-domain, system-wide, domain-rooted) are remap.c's; revoking a
 * portal undoes every remap to it there. */
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

/* Drop a reference (a table entry's, a remap's, or one portal_hold took);
 * the last one frees the portal. */
void portal_put(struct portal *p)
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

/* Revoke a portal: invocations of it fail with -KEA_EDEAD from now on, and
 * every remap that redirected calls to it is undone, so callers of an
 * unloaded interposer or upgrade fall back to what they reached before. */
void kportal_revoke(struct portal *p)
{
    uint32_t f = irq_save();
    if (p->dom) {
        p->dom = 0;
        remap_undo_to(p);
        portal_put(p);
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
                portal_put(s->cur);
                portal_put(s->orig);
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
    portal_put(d->ptab[local].cur);
    portal_put(d->ptab[local].orig);
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

/* The live portal registered under name (revoked ones keep their entry
 * until their last reference goes, but are not found). */
struct portal *portal_by_name(const char *name)
{
    for (struct portal *p = by_name[name_hash(name)]; p; p = p->name_next)
        if (p->dom && strcmp(p->name, name) == 0)
            return p;
    return 0;
}
