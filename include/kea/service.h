/* The service descriptor: how a relocatable service object declares itself.
 *
 * A service object defines one global `const struct kea_service kea_service`
 * (use KEA_SERVICE below).  The loader finds it by name after relocation, in
 * whichever placement (kernel or user domain) the object was given, calls
 * init() there, and creates one portal per interface, registered as
 * "<service name>.<interface name>" so clients bind with <IFACE>_BIND().
 * Every pointer in it is an address in the service's own placement.
 *
 * Services are written against the environment API only (libc, malloc,
 * portal_invoke and generated stubs, the kea_base_* bindings): they do not
 * know where they run. */
#ifndef KEA_SERVICE_H
#define KEA_SERVICE_H
#include <stddef.h>
#include <stdint.h>
#include <kea/idc.h>
#include <kea/rights.h>

#define KEA_SERVICE_MAGIC 0x6b737632u      /* "ksv2": interfaces carry result contracts */
#define KEA_SERVICE_MAX_IFACES 8

/* One interface: write it <IFACE>_SERVICE_IFACE(dispatch, server), from the
 * generated server header, which fills in the result contract too. */
struct kea_service_iface {
    const char *name;                       /* interface name: <IFACE>_IFACE_NAME */
    uint32_t iface_id;                      /* <IFACE>_IFACE_ID */
    idc_handler_t dispatch;                 /* <iface>_dispatch */
    void *server;                           /* its struct <iface>_server */
    /* The result contract (docs/interfaces.md), bit p for procedure p <
     * 32: the procedures whose status is 0 on success (<IFACE>_RET_STATUS)
     * and those whose status is a byte count, at most IDC_BUF_MAX
     * (<IFACE>_RET_BYTES); the rest may return any value >= 0.  Every
     * error must be a KEA_E* code.  The kernel treats a reply outside it
     * as a fault of the service. */
    uint32_t ret_status, ret_bytes;
};

struct kea_service {
    uint32_t magic;                         /* KEA_SERVICE_MAGIC */
    const char *name;                       /* default service name */
    const struct kea_service_iface *ifaces;
    uint32_t nifaces;
    /* Called once after loading, in the service's placement; a negative
     * KEA_E* result fails the load (everything is undone). May be NULL.
     * kea_service_why says why it runs (KEA_WHY_FRESH or KEA_WHY_MIGRATE). */
    int (*init)(void);
    /* Called before unloading, and on the instance a migration leaves
     * (kea_service_why == KEA_WHY_MIGRATE: the device lives on in the
     * other instance, leave it as it is), and on a failed kernel-placed
     * instance a restart replaced (KEA_WHY_RESTART: free what you hold,
     * leave the device to the new instance). May be NULL. */
    void (*fini)(void);
    /* Live migration (optional, both or neither; docs/migration.md).
     * state_export runs in the old instance once no call is inside it:
     * write the state into buf (at most cap bytes) and set *len; when cap
     * is too small return -KEA_E2BIG with *len = the bytes needed (the
     * kernel asks with cap 0 first).  state_import runs in the new
     * instance right after its init (kea_service_why == KEA_WHY_MIGRATE)
     * and before any call reaches it; a negative result rolls the
     * migration back, the old instance keeps serving. */
    int (*state_export)(void *buf, size_t cap, size_t *len);
    int (*state_import)(const void *buf, size_t len);
    /* Rights (include/kea/rights.h) the service needs when placed in a user
     * domain, e.g. KEA_RIGHT_DOMAINS for a pager; it gets them only if
     * whoever loads it holds them.  KEA_RIGHT_IO is always granted (user
     * placement is for isolation, and a driver must still reach its
     * device).  In the kernel it can do everything anyway. */
    uint32_t rights;
    uint32_t flags;                         /* KEA_SVC_* */
    /* Filled in by KEA_SERVICE: where the kernel writes why init/fini run,
     * and the entry through which it calls the state hooks in either
     * placement (an IDC handler, as the hooks take three arguments). */
    volatile int *why;
    idc_handler_t state_entry;
};

/* flags: the service keeps no state a new instance would miss (a fresh
 * init() rebuilds all of it), so it may migrate without state hooks.  A
 * service with neither the hooks nor this flag is refused: never silent
 * loss of state. */
#define KEA_SVC_STATELESS 0x1u
/* flags: portals the service made itself (through the portal service)
 * move with it in a migration: each is retargeted to the same code and
 * argument in the new instance (both must lie in the object), keeping its
 * id, name and the remaps to it, as the service's own portals do.  For an
 * interposer whose twins sit in front of other services.  Without it they
 * stay with the old instance and are revoked with it. */
#define KEA_SVC_MOVE_PORTALS 0x2u

/* kea_service_why: why init() or fini() runs. */
#define KEA_WHY_FRESH   0                   /* loaded / unloaded */
#define KEA_WHY_MIGRATE 1                   /* an instance of a migration */
#define KEA_WHY_RESTART 2                   /* a fresh instance replacing one that failed
                                               (kernel/restart.c): set the device up again;
                                               state_import follows if there is a checkpoint */
/* Each object has its own (the kernel writes it through the descriptor's
 * `why`); read it in the file that holds KEA_SERVICE. */
static volatile int kea_service_why __attribute__((unused));

/* The state entry's protocol (kernel/migrate.c): w[0] = operation, w[1] =
 * buffer address in the placement, w[2] = capacity or length; w[0] = the
 * length exported. */
#define KEA_STATE_EXPORT 1
#define KEA_STATE_IMPORT 2

static inline int kea_service_state_call(const struct kea_service *s, struct idc_call *c)
{
    size_t len = 0;
    int r;
    if (c->w[0] == KEA_STATE_EXPORT && s->state_export) {
        r = s->state_export((void *)(uintptr_t)c->w[1], c->w[2], &len);
        c->w[0] = (uint32_t)len;
        return r;
    }
    if (c->w[0] == KEA_STATE_IMPORT && s->state_import)
        return s->state_import((const void *)(uintptr_t)c->w[1], c->w[2]);
    return -KEA_EINVAL;
}

#define KEA_SERVICE(...) \
    extern const struct kea_service kea_service; \
    static int kea_service_state_entry(void *arg, struct idc_call *c) \
    { (void)arg; return kea_service_state_call(&kea_service, c); } \
    const struct kea_service kea_service = { .magic = KEA_SERVICE_MAGIC, .why = &kea_service_why, \
        .state_entry = kea_service_state_entry, __VA_ARGS__ }
#endif
