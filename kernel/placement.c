/* Placements: what differs between a service placed in the kernel and one
 * placed in a user domain of its own (issue 13), behind one table of
 * operations, so that loading, unloading and replacing an instance
 * (service.c, migrate.c) read the same for both.
 *
 * A kernel-placed instance shares the kernel's domain: nothing is made
 * for it or destroyed with it, what is its own is told by its object (the
 * code a portal or an activation runs), its portals' owner is the object,
 * and the kernel reads and writes its state pages directly.  A user-placed
 * instance has a domain of its own, named after it and holding the rights
 * it was given: what runs in that domain is the instance, its portals'
 * owner is the domain, its state pages are mapped at SVC_STATE_VA there,
 * and what it made itself goes with the domain. */
#include <stdio.h>
#include <string.h>
#include "kernel.h"
#include "proc.h"
#include "load.h"
#include "udomain.h"
#include "service.h"

/* ---- the kernel placement ------------------------------------------------ */

static struct domain *kernel_make(const char *name, uint32_t rights, char *err, size_t errlen)
{
    (void)name; (void)rights; (void)err; (void)errlen;
    return kernel_domain;
}

static void kernel_drop(struct service *s, char *err, size_t errlen)
{
    (void)s; (void)err; (void)errlen;
}

static struct domain *kernel_own_domain(const struct service *s) { (void)s; return 0; }

/* The object, so that remaps can tell services in the kernel apart. */
static const void *kernel_owner(const struct service *s) { return s->obj; }

/* One of its portals (revoked ones included), or one leading into code in
 * its object: a portal it made itself, its init, fini and state calls'. */
static int kernel_owns(const struct service *s, const struct domain *d, const struct portal *p)
{
    if (d != kernel_domain || !p) return 0;
    for (uint32_t j = 0; j < s->nifaces; j++)
        if (p == s->was[j]) return 1;
    return s->obj && kobj_region_of(s->obj, (uint32_t)p->handler) >= 0;
}

/* An activation entered through such a portal. */
static int kernel_holds(const struct service *s, const struct thread *t)
{
    for (int k = 1; k <= t->depth; k++)
        if (kernel_owns(s, t->act[k].dom, t->act[k].portal)) return 1;
    return 0;
}

/* Portals it made itself (through the portal service) would lead into
 * freed code once the object goes. */
static void kernel_revoke_own(struct service *s)
{
    if (!s->obj) return;
    for (int i = 0; i < portal_capacity(); i++) {
        struct portal *p = portal_by_id(i);
        if (p && p->dom == kernel_domain && kobj_region_of(s->obj, (uint32_t)p->handler) >= 0)
            kportal_revoke(p);
    }
}

static int kernel_map_state(struct service *s, struct svc_state *st, uint32_t *addr)
{
    (void)s;
    *addr = (uint32_t)st->k;
    return 0;
}

static void kernel_unmap_state(struct service *s, struct svc_state *st) { (void)s; (void)st; }

/* ---- the user placement -------------------------------------------------- */

/* Its domain is destroyed with it; if that is refused, err says so. */
static void user_drop(struct service *s, char *err, size_t errlen)
{
    if (!s->dom) return;
    char name[DOMAIN_NAME];
    strlcpy(name, s->dom->name, sizeof name);
    int r = kdomain_destroy(s->dom);
    if (r < 0) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, " (its domain %s is left: %s)", name, kea_strerror(r));
    }
}

static struct domain *user_own_domain(const struct service *s) { return s->dom; }

static const void *user_owner(const struct service *s) { return s->dom; }

static int user_owns(const struct service *s, const struct domain *d, const struct portal *p)
{
    (void)p;
    return d == s->dom;
}

/* An activation in its domain. */
static int user_holds(const struct service *s, const struct thread *t)
{
    for (int k = 1; k <= t->depth; k++)
        if (t->act[k].dom == s->dom) return 1;
    return 0;
}

/* What it made itself goes with its domain. */
static void user_revoke_own(struct service *s) { (void)s; }

static int user_map_state(struct service *s, struct svc_state *st, uint32_t *addr)
{
    for (uint32_t i = 0; i < st->npages; i++) {
        page_incref(st->k + i * PGSIZE);
        int r = domain_insert(s->dom, SVC_STATE_VA + i * PGSIZE, st->k + i * PGSIZE, 1);
        if (r < 0) {
            page_free(st->k + i * PGSIZE);
            domain_unmap(s->dom, SVC_STATE_VA, i);
            return r;
        }
    }
    *addr = SVC_STATE_VA;
    return 0;
}

static void user_unmap_state(struct service *s, struct svc_state *st)
{
    if (s->dom) domain_unmap(s->dom, SVC_STATE_VA, st->npages);
}

/* ---- the table ----------------------------------------------------------- */

static const struct placement_ops kernel_ops = {
    "kernel", "the kernel", kernel_make, kernel_drop, kernel_own_domain, kernel_owner,
    kernel_owns, kernel_holds, kernel_revoke_own, kernel_map_state, kernel_unmap_state,
};
static const struct placement_ops user_ops = {
    "user", "a user domain", udomain_create, user_drop, user_own_domain, user_owner,
    user_owns, user_holds, user_revoke_own, user_map_state, user_unmap_state,
};
const struct placement_ops *const placement[2] = { [PLACE_KERNEL] = &kernel_ops,
                                                   [PLACE_USER] = &user_ops };
