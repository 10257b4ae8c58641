/* kernel.portal: the portal base service (kernel/base/portal.idl):
 * create, grant, bind, look up, revoke and release portals, remap them
 * (locally, globally, rooted), and consent to grants; portal names have
 * owners. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "../service.h"
#include "portal_server.h"

/* Names have owners.  A name is "PREFIX.rest" (or just PREFIX); a user
 * domain may register it when PREFIX is its own name, or when PREFIX is
 * nobody's: not another domain's name (the kernel's included) and not a
 * loaded service's.  The loader also takes back a service's names from
 * squatters when it loads the service (portal_reclaim_names). */
static int name_owned_by_other(const struct domain *d, const char *name)
{
    char prefix[DOMAIN_NAME + 8];
    size_t n = strcspn(name, ".");
    if (n >= sizeof prefix) return 0;            /* longer than any domain or service name */
    memcpy(prefix, name, n);
    prefix[n] = 0;
    if (strcmp(prefix, d->name) == 0) return 0;
    struct service *s = service_by_name(prefix);
    if (s && migrate_is_heir(s, d)) return 0;   /* s's new instance, while it replaces s */
    struct domain *o = domain_by_name(prefix);
    if (o && o != d) return 1;
    return s && s->dom != d;
}

static int po_create(void *self, uint32_t handler, uint32_t arg, uint32_t iface_id,
                     const char *name, uint32_t *sys, uint32_t *local)
{
    (void)self;
    struct domain *d = caller_domain();
    if (!name[0] || strlen(name) >= sizeof ((struct portal *)0)->name) return -KEA_EINVAL;
    if (!d->is_kernel && name_owned_by_other(d, name)) return -KEA_EPERM;
    if (portal_by_name(name)) return -KEA_EEXIST;
    if (!d->is_kernel && handler >= USER_TOP) return -KEA_EINVAL;
    struct portal *p = kportal_create(d, name, (idc_handler_t)handler, (void *)arg, iface_id,
                                     IDC_BUF_MAX, IDC_BUF_MAX);
    if (!p) return -KEA_ENOMEM;
    if (d->is_kernel && cur->depth >= 1 && cur->act[cur->depth - 1].portal)
        p->owner = cur->act[cur->depth - 1].portal->owner;   /* the kernel-placed creator */
    int l = kportal_grant(d, p);
    if (l < 0) {
        kportal_revoke(p);
        return l;
    }
    *sys = (uint32_t)p->id;
    *local = (uint32_t)l;
    return 0;
}

static int po_grant(void *self, uint32_t local, uint32_t to, uint32_t *their)
{
    (void)self;
    struct domain *d = caller_domain(), *t = domain_by_id((int)to);
    if (local >= IDC_MAX_PORTALS || !d->ptab[local].cur) return -KEA_EBADPORTAL;
    if (!t) return -KEA_ENOENT;
    if (t != d && !has_right(RIGHT_DOMAINS) && t->accept_from != d->id && t->accept_from != ACCEPT_ANY)
        return -KEA_EPERM;                       /* no right and no consent */
    int l = portal_grant_from(d, t, d->ptab[local].cur);
    if (l < 0) return l;
    *their = (uint32_t)l;
    return 0;
}

static int po_bind(void *self, const char *name, uint32_t *local, uint32_t *iface, uint32_t *sys)
{
    (void)self;
    struct portal *p = portal_by_name(name);
    if (!p) return -KEA_ENOENT;
    struct domain *d = caller_domain();
    for (int i = 0; i < IDC_MAX_PORTALS; i++)        /* already bound: same id */
        if (d->ptab[i].cur == p || d->ptab[i].orig == p) {
            *local = (uint32_t)i;
            goto found;
        }
    int l = kportal_grant(d, p);
    if (l < 0) return l;
    *local = (uint32_t)l;
found:
    *iface = p->iface_id;
    *sys = (uint32_t)p->id;
    return 0;
}

static int po_lookup(void *self, const char *name, uint32_t *sys)
{
    (void)self;
    struct portal *p = portal_by_name(name);
    if (!p) return -KEA_ENOENT;
    *sys = (uint32_t)p->id;
    return 0;
}

static int po_revoke(void *self, uint32_t sys)
{
    (void)self;
    struct portal *p = portal_by_id((int)sys);
    if (!p || !p->dom) return -KEA_ENOENT;
    if (p->dom != caller_domain() && !has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    kportal_revoke(p);
    return 0;
}

static int po_release(void *self, uint32_t local)
{
    (void)self;
    return kportal_release(caller_domain(), (int)local);
}

static int po_remap(void *self, uint32_t dom, uint32_t local, uint32_t to_sys)
{
    (void)self;
    struct domain *d = domain_by_id((int)dom);
    if (!d) return -KEA_ENOENT;
    struct portal *to = portal_by_id((int)to_sys);
    if (!to) return -KEA_ENOENT;
    return remap_local(caller_domain(), d, (int)local, to);
}

static int po_unremap(void *self, uint32_t dom, uint32_t local)
{
    (void)self;
    struct domain *d = domain_by_id((int)dom);
    if (!d) return -KEA_ENOENT;
    return unremap_local(caller_domain(), d, (int)local);
}

static int po_remap_global(void *self, uint32_t sys, uint32_t to_sys)
{
    (void)self;
    struct portal *p = portal_by_id((int)sys), *to = portal_by_id((int)to_sys);
    if (!p || !to) return -KEA_ENOENT;
    return remap_global(caller_domain(), p, to);
}

static int po_unremap_global(void *self, uint32_t sys)
{
    (void)self;
    struct portal *p = portal_by_id((int)sys);
    if (!p) return -KEA_ENOENT;
    return unremap_global(caller_domain(), p);
}

static int po_remap_rooted(void *self, uint32_t root, uint32_t sys, uint32_t to_sys)
{
    (void)self;
    struct domain *r = domain_by_id((int)root);
    struct portal *p = portal_by_id((int)sys), *to = portal_by_id((int)to_sys);
    if (!r || !p || !to) return -KEA_ENOENT;
    return remap_rooted(caller_domain(), r, p, to);
}

static int po_unremap_rooted(void *self, uint32_t root, uint32_t sys)
{
    (void)self;
    struct domain *r = domain_by_id((int)root);
    struct portal *p = portal_by_id((int)sys);
    if (!r || !p) return -KEA_ENOENT;
    return unremap_rooted(caller_domain(), r, p);
}

static int po_accept(void *self, uint32_t from)
{
    (void)self;
    struct domain *d = caller_domain();
    if (from == 0xffffffffu) d->accept_from = ACCEPT_NONE;
    else if (from == 0xfffffffeu) d->accept_from = ACCEPT_ANY;
    else if (!domain_by_id((int)from)) return -KEA_ENOENT;
    else d->accept_from = (int)from;
    return 0;
}

static const struct portal_ops portal_ops = {
    po_create, po_grant, po_bind, po_lookup, po_revoke, po_release, po_remap, po_unremap,
    po_remap_global, po_unremap_global, po_remap_rooted, po_unremap_rooted, po_accept,
};

static struct portal_server portal_srv = { &portal_ops, 0 };

struct portal *base_portal_portal(void)
{
    return kportal_create(kernel_domain, "kernel.portal", portal_dispatch, &portal_srv,
                          PORTAL_IFACE_ID, 64, 0);
}
