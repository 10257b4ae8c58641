/* The registry of loaded services (kernel/service.c). */
#ifndef KEA_KSERVICE_H
#define KEA_KSERVICE_H
#include <stddef.h>
#include <stdint.h>
#include <kea/service.h>
#include "proc.h"

struct kobj;

enum placement { PLACE_KERNEL, PLACE_USER };

#define SERVICE_NAME   DOMAIN_NAME          /* a user placement's domain is named after it */
#define SERVICE_IFNAME 32                   /* fits a portal name */

struct service {
    struct service *next;
    char name[SERVICE_NAME];
    enum placement where;
    struct domain *dom;                     /* kernel_domain, or the service's own domain */
    struct kobj *obj;
    uint32_t nifaces;
    char iface[KEA_SERVICE_MAX_IFACES][SERVICE_IFNAME];
    struct portal *portal[KEA_SERVICE_MAX_IFACES];  /* NULL once revoked */
    struct portal *was[KEA_SERVICE_MAX_IFACES];     /* the same, kept to recognise
                                                       activations after revocation */
    uint32_t fini;                          /* run address of fini(), 0 if none */
    uint32_t calls_revoked;                 /* calls served by revoked portals */
    int unloading;                          /* unload --force is waiting for it */
    int gone;                               /* its domain was destroyed meanwhile */
};

int service_load(const char *module, enum placement where, const char *name,
                 struct service **out, char *err, size_t errlen);
int service_unload(const char *name, int force, char *err, size_t errlen);
struct service *service_list(void);
struct service *service_by_name(const char *name);
struct service *service_of_domain(const struct domain *d);
uint32_t service_calls(const struct service *s);
void service_object_gone(const struct kobj *o);     /* load.c: its domain is dying */
#endif
