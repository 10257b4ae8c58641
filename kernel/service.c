/* Services: relocatable objects that declare themselves with a struct
 * kea_service (include/kea/service.h), placed in the kernel or in a user
 * domain of their own, and reached through one portal per interface,
 * registered as "<service>.<interface>".
 *
 * The object is untrusted until its descriptor checks out.  Its pointers
 * are run addresses in the placement, so they are read through the
 * object's own regions (kobj_bytes): that checks that each one points into
 * the object and gives the kernel's view of the bytes at once, and the
 * user placement cannot change what the kernel reads by remapping its
 * pages.  The descriptor is copied and checked (svcdesc.c) before any of the
 * service's code runs; then its constructors and init() run, in the
 * placement, and only then do portals exist.  Any failure undoes
 * everything done so far.
 *
 * Unloading revokes the portals (callers then get -KEA_EDEAD), calls
 * fini(), runs the destructors and frees the object, and for a user
 * placement destroys its domain.  It is refused while some thread is
 * inside the service, since its code and stacks would go. */
#include <stdio.h>
#include <string.h>
#include <kea/service.h>
#include "kernel.h"
#include "proc.h"
#include "load.h"
#include "udomain.h"
#include "service.h"

static struct service *services;        /* registered, newest first */
static struct service *pending;         /* being loaded: names taken, not yet listed */
static void list_remove(struct service **list, struct service *s);

/* The rights of a user placement's domain: device access always, so that a
 * driver can leave the kernel (user placement is for isolation) and still
 * reach its ports and interrupt; rights over other domains only when the
 * descriptor asks for them (a pager, a tracer).  Never more than the
 * requester holds. */
#define USER_SERVICE_RIGHTS RIGHT_IO

struct service *service_list(void) { return services; }

/* A migration's new instance is tracked like a service being loaded: if
 * its domain is destroyed meanwhile, it is marked gone, not freed. */
void service_track(struct service *s, int on)
{
    if (on) {
        s->next = pending;
        pending = s;
    } else {
        list_remove(&pending, s);
    }
}

struct service *service_by_name(const char *name)
{
    for (struct service *s = services; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s;
    return 0;
}

static int name_taken(const char *name)
{
    if (service_by_name(name)) return 1;
    for (struct service *s = pending; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return 1;
    return 0;
}

static void list_remove(struct service **list, struct service *s)
{
    for (struct service **pp = list; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            return;
        }
}

struct service *service_of_domain(const struct domain *d)
{
    for (struct service *s = services; s; s = s->next)
        if (d && service_own_domain(s) == d)
            return s;
    return 0;
}

uint32_t service_calls(const struct service *s)
{
    uint32_t n = s->calls_revoked;
    for (uint32_t i = 0; i < s->nifaces; i++)
        if (s->portal[i]) n += s->portal[i]->calls;
    return n;
}

/* ---- running the service's own code ------------------------------------ */

/* Tell the object why its init or fini runs (objects built without
 * KEA_SERVICE have nowhere to be told). */
static void set_why(struct service *s, int why)
{
    volatile int *w = s->desc.why ? kobj_bytes(s->obj, s->desc.why, sizeof(int)) : 0;
    if (w) *w = why;
}

/* init() in the placement, as an IDC through a portal made for the call:
 * a plain call in the kernel, an upcall into the service's domain
 * otherwise (a fault there comes back as -KEA_ECALLEEFAULT instead of
 * taking the kernel down).  The constructors run first. */
int service_run_init(struct service *s, int why, char *err, size_t errlen)
{
    struct kobj *o = s->obj;
    s->obj = 0;                         /* kobj_start unloads it if a constructor faults */
    if (kobj_start(o, err, errlen) < 0) return -KEA_ECALLEEFAULT;
    s->obj = o;
    set_why(s, why);
    int r = s->desc.init ? domain_call(s->dom, s->desc.init, 0) : 0;
    if (r < 0) {
        snprintf(err, errlen, "%s: init %s: %s", o->name,
                 r == -KEA_ECALLEEFAULT ? "faulted" : "failed", kea_strerror(r));
        return r;
    }
    s->fini = s->desc.fini;             /* from here on, failing undoes init too */
    return 0;
}

void service_run_fini(struct service *s, int why)
{
    if (!s->fini) return;
    set_why(s, why);
    domain_call(s->dom, s->fini, 0);
}

static void call_fini(struct service *s) { service_run_fini(s, KEA_WHY_FRESH); }

/* Revoke the service's portals: invocations fail with -KEA_EDEAD from now
 * on; and the portals it made itself where they would outlive its code
 * (the kernel placement's; a user placement's go with its domain). */
static void revoke_portals(struct service *s)
{
    for (uint32_t i = 0; i < s->nifaces; i++)
        if (s->portal[i]) {
            s->calls_revoked += s->portal[i]->calls;
            kportal_revoke(s->portal[i]);    /* may free it: not touched again */
            s->portal[i] = 0;
        }
    placement[s->where]->revoke_own(s);
}

/* Drop the object and, for a user placement, the domain; the service is
 * not (or no longer) registered. */
void service_discard(struct service *s, char *err, size_t errlen)
{
    if (s->obj) kobj_unload(s->obj);
    s->obj = 0;
    placement[s->where]->drop_domain(s, err, errlen);
    svc_state_free(&s->ckpt);
    kfree(s);
}
#define discard service_discard

/* ---- loading ------------------------------------------------------------- */

/* What a user placement's domain may do: what the descriptor declares,
 * if the requester holds it. */
uint32_t service_user_rights(const struct svc_desc *d)
{
    return (USER_SERVICE_RIGHTS | d->rights) & service_requester()->rights;
}

/* Who asked for the load: the user domain whose call into the kernel this
 * is (the shell, through the sys service), else the kernel (its monitor). */
struct domain *service_requester(void)
{
    for (int k = cur ? cur->depth : -1; k >= 0; k--)
        if (!cur->act[k].dom->is_kernel)
            return cur->act[k].dom;
    return kernel_domain;
}

/* The steps that can fail once the object is placed: the descriptor, the
 * names, constructors, init, portals.  On failure err says why and what
 * was done is undone by the caller (discard), fini included once init ran. */
static int start(struct service *s, const char *as, char *err, size_t errlen)
{
    struct svc_desc d;
    int r = service_read_descriptor(s->obj, &d, err, errlen);
    if (r < 0) return r;
    s->desc = d;

    /* Names: the service's, its domain's, its portals'. */
    const char *name = as ? as : d.name;
    if ((!as || strcmp(as, name) != 0) && name_taken(name)) {
        snprintf(err, errlen, "a service named '%s' is loaded (load %s as another name)", name,
                 s->obj->name);
        return -KEA_EEXIST;
    }
    struct domain *own = service_own_domain(s), *other = domain_by_name(name);
    if (own && other && other != own) {
        snprintf(err, errlen, "a domain named '%s' exists (load %s as another name)", name,
                 s->obj->name);
        return -KEA_EEXIST;
    }
    portal_reclaim_names(name, s->dom);     /* its names are the loader's: squatters lose them */
    for (uint32_t i = 0; i < d.nifaces; i++) {
        char pname[sizeof ((struct portal *)0)->name];
        if (snprintf(pname, sizeof pname, "%s.%s", name, d.iface[i].name) >= (int)sizeof pname) {
            snprintf(err, errlen, "portal name '%s.%s' is too long (at most %u characters)",
                     name, d.iface[i].name, (unsigned)sizeof pname - 1);
            return -KEA_EINVAL;
        }
        if (portal_by_name(pname)) {
            snprintf(err, errlen, "a portal named '%s' exists", pname);
            return -KEA_EEXIST;
        }
    }
    strlcpy(s->name, name, sizeof s->name);
    if (own) {          /* named after it, holding what it declares if the requester holds it */
        strlcpy(own->name, name, sizeof own->name);
        own->rights = service_user_rights(&d);
    }
    s->nifaces = d.nifaces;
    for (uint32_t i = 0; i < d.nifaces; i++)
        strlcpy(s->iface[i], d.iface[i].name, sizeof s->iface[i]);

    /* Its code runs: constructors, then init.  (While it runs in a user
     * domain on this thread, that domain cannot be destroyed.) */
    if ((r = service_run_init(s, KEA_WHY_FRESH, err, errlen)) < 0) return r;
    struct kobj *o = s->obj;

    for (uint32_t i = 0; i < d.nifaces; i++) {
        char pname[sizeof ((struct portal *)0)->name];
        snprintf(pname, sizeof pname, "%s.%s", s->name, d.iface[i].name);
        s->portal[i] = kportal_create(s->dom, pname, (idc_handler_t)d.iface[i].dispatch,
                                     (void *)d.iface[i].server, d.iface[i].id,
                                     IDC_BUF_MAX, IDC_BUF_MAX);
        if (s->portal[i]) {
            s->portal[i]->owner = placement[s->where]->owner(s);
            reply_contract_set(s->portal[i], &d, i);        /* kernel/reply.c */
        }
        if (!s->portal[i]) {
            snprintf(err, errlen, "%s: cannot create portal %s (out of portals or memory)",
                     o->name, pname);
            revoke_portals(s);
            call_fini(s);
            return -KEA_ENOMEM;
        }
        s->was[i] = s->portal[i];
    }
    return 0;
}

int service_load(const char *module, enum placement where, const char *as,
                 struct service **out, char *err, size_t errlen)
{
    err[0] = 0;
    if (as && (!service_valid_name(as) || strlen(as) >= SERVICE_NAME)) {
        snprintf(err, errlen, "'%s' is not a service name (letters, digits, '_', '-'; at most %u)",
                 as, SERVICE_NAME - 1);
        return -KEA_EINVAL;
    }
    if (as && name_taken(as)) {
        snprintf(err, errlen, "a service named '%s' is loaded", as);
        return -KEA_EEXIST;
    }
    if (!bmodfs_find(module)) {
        snprintf(err, errlen, "no boot module named '%s'", module);
        return -KEA_ENOENT;
    }
    struct service *s = kzalloc(sizeof *s);
    if (!s) {
        snprintf(err, errlen, "%s: out of memory", module);
        return -KEA_ENOMEM;
    }
    s->where = where;
    strlcpy(s->module, module, sizeof s->module);
    if (as) strlcpy(s->name, as, sizeof s->name);
    /* A user placement's domain is named after the service, whose name
     * the object tells only once placed: until then it has a provisional one. */
    char tmp[DOMAIN_NAME];
    if (as) strlcpy(tmp, as, sizeof tmp);
    else udomain_name_for(module, tmp, sizeof tmp);
    if (!(s->dom = placement[where]->make_domain(tmp, USER_SERVICE_RIGHTS & service_requester()->rights,
                                                 err, errlen))) {
        kfree(s);
        return domain_by_name(tmp) ? -KEA_EEXIST : -KEA_ENOMEM;
    }
    s->next = pending;                  /* the name is taken from here on */
    pending = s;
    int r = -KEA_EBADOBJ;
    if ((s->obj = udomain_place(s->dom, module, 0, err, errlen)) != 0)
        r = start(s, as, err, errlen);
    if (r == 0 && s->gone) {
        snprintf(err, errlen, "%s: its domain was destroyed during the load", module);
        r = -KEA_EDEAD;
    }
    list_remove(&pending, s);
    if (r < 0) {
        discard(s, err, errlen);
        return r;
    }
    s->next = services;
    services = s;
    if (out) *out = s;
    return 0;
}

/* ---- unloading ----------------------------------------------------------- */

/* Has thread t an activation in this instance of s (placement.c says
 * which are: in its domain, or in its portals and code)?  Its own init,
 * fini and state calls count. */
int service_in_instance(const struct thread *t, const struct service *s)
{
    return placement[s->where]->holds(s, t);
}

/* The first thread inside this instance of s (1), or none (0). */
int service_find_inside(const struct service *s, struct thread **who)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (t && t->state != T_ZOMBIE && service_in_instance(t, s)) {
            *who = t;
            return 1;
        }
    }
    return 0;
}

/* Is some thread inside s?  If so, say who in err. */
static int inside(struct service *s, char *err, size_t errlen)
{
    struct domain *own = service_own_domain(s);
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (!t || t->state == T_ZOMBIE) continue;
        if (own && t->root == own) {
            /* The service's own thread: kdomain_destroy kills it, unless it
             * is out calling another user domain, which would lose its
             * caller, or busy in the kernel. */
            for (int k = 1; k <= t->depth; k++)
                if (!t->act[k].dom->is_kernel) {
                    snprintf(err, errlen, "%s is in use: its thread %d is calling into %s",
                             s->name, t->id, t->act[k].dom->name);
                    return 1;
                }
            if (t->depth > 0 && t->state != T_SLEEPING) {
                snprintf(err, errlen, "%s is in use: its thread %d is in the kernel", s->name, t->id);
                return 1;
            }
            continue;
        }
        if (service_in_instance(t, s)) {
            snprintf(err, errlen, "%s is in use: thread %d (%s, of domain %s) is inside it",
                     s->name, t->id, t->name, t->root->name);
            return 1;
        }
    }
    struct kobj *imp = kobj_importer(s->obj);
    if (imp) {
        snprintf(err, errlen, "%s is in use: %s in %s imports from it", s->name, imp->name,
                 imp->dom->name);
        return 1;
    }
    return 0;
}

#define FORCE_WAIT_MS 3000

int service_unload(const char *name, int force, char *err, size_t errlen)
{
    err[0] = 0;
    struct service *s = service_by_name(name);
    if (!s) {
        snprintf(err, errlen, "no service named '%s'", name);
        return -KEA_ENOENT;
    }
    if (s->unloading) {
        snprintf(err, errlen, "%s is being unloaded already", name);
        return -KEA_EBUSY;
    }
    if (s->migrating || s->rs_state == RS_RESTARTING) {
        snprintf(err, errlen, "%s is being %s: unload it after", name,
                 s->migrating ? "migrated" : "restarted");
        return -KEA_EBUSY;
    }
    if (inside(s, err, errlen)) {
        if (!force) return -KEA_EBUSY;
        /* Forced: let no new call in, then wait for those inside to leave.
         * Meanwhile its domain may be destroyed from elsewhere (gone). */
        revoke_portals(s);
        s->unloading = 1;
        for (uint32_t waited = 0; !s->gone && waited < FORCE_WAIT_MS; waited += 1000 / timer_hz) {
            sleep_ticks(1);
            if (!s->gone && !inside(s, err, errlen)) break;
        }
        s->unloading = 0;
        if (s->gone) {                  /* already off the list */
            svc_state_free(&s->ckpt);
            kfree(s);
            return 0;
        }
        if (inside(s, err, errlen)) {
            size_t n = strlen(err);
            snprintf(err + n, errlen - n, " after %u ms; its portals are revoked, unload again later",
                     FORCE_WAIT_MS);
            return -KEA_EBUSY;
        }
    }
    revoke_portals(s);
    list_remove(&services, s);
    call_fini(s);
    discard(s, err, errlen);
    return 0;
}

/* A domain is being destroyed (kdomain_destroy, from wherever): a service
 * placed there goes with it, its portals revoked by kdomain_destroy.  One
 * being loaded or waited for by unload --force is only marked (and off the
 * list): its loader or unloader frees it. */
void service_object_gone(const struct kobj *o)
{
    for (struct service *s = pending; s; s = s->next)
        if (s->obj == o) {
            s->gone = 1;
            s->obj = 0;
            s->dom = 0;
            return;
        }
    for (struct service *s = services; s; s = s->next)
        if (s->obj == o) {
            list_remove(&services, s);      /* listed services always have both */
            if (s->unloading || s->migrating) {     /* its unloader or migrator frees it */
                s->gone = 1;
                s->obj = 0;
                s->dom = 0;
            } else {
                svc_state_free(&s->ckpt);
                kfree(s);
            }
            return;
        }
}
