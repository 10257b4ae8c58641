/* Setting up a user domain: its %gs block, the base-service portals, the
 * runtime (its text shared by every domain), then the program or service
 * objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/tls.h>
#include <kea/memlayout.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "load.h"
#include "udomain.h"

#define RUNTIME_MODULE "rt.o"

static struct portal *base_portals[BASE_NPORTALS];

void udomain_set_base_portals(struct portal **p)
{
    memcpy(base_portals, p, sizeof base_portals);
    for (int i = 0; i < BASE_NPORTALS; i++)
        kportal_grant(kernel_domain, base_portals[i]);
}

static int setup_tls(struct domain *d)
{
    uint8_t *kva;
    int r = domain_map(d, USER_TLS_BASE, 1, 0, &kva);
    if (r < 0) return r;
    *(uint32_t *)(kva + TLS_SELF) = USER_TLS_BASE;
    *(uint32_t *)(kva + TLS_CANARY) = (uint32_t)rdtsc() * 2654435761u ^ (uint32_t)d->id;
    kva[TLS_SYSENTER] = (uint8_t)idc_have_sysenter;
    *(uint32_t *)(kva + TLS_DOMAIN) = (uint32_t)d->id;
    return 0;
}

/* The runtime's shared template, made at boot so that it is there before
 * any domain (and outside every domain's accounting).  The kernel command
 * line word rt=private gives every domain a private copy instead. */
void udomain_init(void)
{
    char err[160];
    if (cmdline_has("rt=private")) return;   /* each domain relocates its own copy */
    const struct bmod *m = bmodfs_find(RUNTIME_MODULE);
    if (m && kobj_prepare_shared(m->name, m->data, m->size, err, sizeof err) < 0)
        printf("kea: the runtime cannot be shared (%s)\n", err);
}

/* Place boot module `module` in d; its constructors run unless `start` is 0
 * (then the caller runs kobj_start when it is ready). */
struct kobj *udomain_place(struct domain *d, const char *module, int start, char *err,
                           size_t errlen)
{
    const struct bmod *m = bmodfs_find(module);
    if (!m) {
        snprintf(err, errlen, "no boot module named '%s'", module);
        return 0;
    }
    struct kobj *o = kobj_place(d, m->name, m->data, m->size, err, errlen);
    return o && (!start || kobj_start(o, err, errlen) == 0) ? o : 0;
}

struct kobj *udomain_load(struct domain *d, const char *module, char *err, size_t errlen)
{
    return udomain_place(d, module, 1, err, errlen);
}

/* A new user domain with TLS, base portals and the runtime loaded. */
struct domain *udomain_create(const char *name, uint32_t rights, char *err, size_t errlen)
{
    struct domain *d = kdomain_create(name, rights);
    if (!d) {
        snprintf(err, errlen, domain_by_name(name) ? "a domain named '%s' exists" :
                 "cannot create domain '%s' (out of domains or memory)", name);
        return 0;
    }
    int r = setup_tls(d);
    for (int i = 0; r == 0 && i < BASE_NPORTALS; i++)
        if (kportal_grant(d, base_portals[i]) != i) r = -KEA_ENOMEM;
    struct kobj *rt = 0;
    if (r == 0 && cmdline_has("rt=private")) {       /* the old way, kept tested */
        rt = udomain_load(d, RUNTIME_MODULE, err, errlen);
    } else if (r == 0) {            /* the runtime: shared text, relocated once (load.c) */
        const struct bmod *m = bmodfs_find(RUNTIME_MODULE);
        if (!m) snprintf(err, errlen, "no boot module named '%s'", RUNTIME_MODULE);
        else if ((rt = kobj_place_shared(d, m->name, m->data, m->size, err, errlen)) &&
                 kobj_start(rt, err, errlen) < 0)
            rt = 0;
    }
    if (rt)
        rt->library = 1;            /* the domain's libc, libgcc and stubs (load.c) */
    if (rt && (kobj_lookup(rt, "__kea_upcall", &d->upcall_entry) < 0 ||
               kobj_lookup(rt, "__kea_thread_start", &d->thread_entry) < 0)) {
        snprintf(err, errlen, "%s lacks __kea_upcall/__kea_thread_start", RUNTIME_MODULE);
        rt = 0;
    }
    if (r < 0) snprintf(err, errlen, "setting up domain '%s': %s", name, kea_strerror(r));
    if (!rt) {
        kdomain_destroy(d);
        return 0;
    }
    return d;
}

/* Domain named after the module ("app.o" -> "app", "app2" if taken). */
void udomain_name_for(const char *module, char *name, size_t n)
{
    char base[DOMAIN_NAME];
    strlcpy(base, module, sizeof base);
    char *dot = strrchr(base, '.');
    if (dot) *dot = 0;
    strlcpy(name, base, n);
    for (int i = 2; domain_by_name(name); i++)
        snprintf(name, n, "%.*s%d", (int)(n - 4), base, i);
}

/* Load module into a new domain and start its main(arg) in a thread. */
/* Load module into a new domain and start main(n, args) in a thread: args
 * (may be NULL) is copied into the domain's read-only %gs page, and n is its
 * leading number, so programs taking a number need no parsing. */
struct domain *udomain_spawn(const char *module, uint32_t rights, const char *args, int *tid,
                             char *err, size_t errlen)
{
    char name[DOMAIN_NAME];
    if (!args) args = "";
    if (strlen(args) >= TLS_ARGS_MAX) {
        snprintf(err, errlen, "arguments too long (at most %u characters)", TLS_ARGS_MAX - 1);
        return 0;
    }
    udomain_name_for(module, name, sizeof name);
    struct domain *d = udomain_create(name, rights, err, errlen);
    if (!d) return 0;
    strlcpy(domain_kva(d, USER_TLS_BASE + TLS_ARGS), args, TLS_ARGS_MAX);
    uint32_t n = *args >= '0' && *args <= '9' ? (uint32_t)strtoul(args, 0, 0) : 0;
    struct kobj *o = udomain_load(d, module, err, errlen);
    uint32_t entry;
    if (o && kobj_lookup(o, "main", &entry) < 0) {
        snprintf(err, errlen, "%s has no main()", module);
        o = 0;
    }
    struct thread *t = o ? thread_create_user(d, name, entry, n, USER_TLS_BASE + TLS_ARGS) : 0;
    if (!t) {
        if (o) snprintf(err, errlen, "cannot create a thread in %s (out of threads or memory)", name);
        kdomain_destroy(d);
        return 0;
    }
    if (tid) *tid = t->id;
    return d;
}
