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

#define KEA_SERVICE_MAGIC 0x6b736576u      /* "kesv" */
#define KEA_SERVICE_MAX_IFACES 8

struct kea_service_iface {
    const char *name;                       /* interface name: <IFACE>_IFACE_NAME */
    uint32_t iface_id;                      /* <IFACE>_IFACE_ID */
    idc_handler_t dispatch;                 /* <iface>_dispatch */
    void *server;                           /* its struct <iface>_server */
};

struct kea_service {
    uint32_t magic;                         /* KEA_SERVICE_MAGIC */
    const char *name;                       /* default service name */
    const struct kea_service_iface *ifaces;
    uint32_t nifaces;
    /* Called once after loading, in the service's placement; a negative
     * KEA_E* result fails the load (everything is undone). May be NULL. */
    int (*init)(void);
    /* Called before unloading. May be NULL. */
    void (*fini)(void);
    /* Live migration (optional, both or neither): serialize the service's
     * state into buf, and rebuild it in a fresh instance. */
    int (*state_export)(void *buf, size_t cap, size_t *len);
    int (*state_import)(const void *buf, size_t len);
    /* Rights (include/kea/rights.h) the service needs when placed in a user
     * domain, e.g. KEA_RIGHT_DOMAINS for a pager; it gets them only if
     * whoever loads it holds them.  KEA_RIGHT_IO is always granted (user
     * placement is for isolation, and a driver must still reach its
     * device).  In the kernel it can do everything anyway. */
    uint32_t rights;
};

#define KEA_SERVICE(...) \
    const struct kea_service kea_service = { .magic = KEA_SERVICE_MAGIC, __VA_ARGS__ }
#endif
