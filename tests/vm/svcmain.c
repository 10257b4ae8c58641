/* A service object run as a program (module vm_user.o: this file linked
 * with the VM service).  `load vm.o user` places the VM service in a
 * domain without rights, where it cannot touch other domains' memory; the
 * tests run it this way instead, `spawn vm_user.o 15`, in a domain with
 * the domains right.  It does what the loader does: init(), then one
 * portal per interface, registered as "<service>.<interface>".  The
 * portals outlive this thread: they run on their callers' threads. */
#include <stdio.h>
#include <kea/base.h>
#include <kea/service.h>
#include "portal_client.h"

extern const struct kea_service kea_service;

int main(void)
{
    const struct kea_service *s = &kea_service;
    int r = s->init ? s->init() : 0;
    if (r < 0) {
        printf("svcmain: %s: init failed: %s\n", s->name, kea_strerror(r));
        return 1;
    }
    for (uint32_t i = 0; i < s->nifaces; i++) {
        const struct kea_service_iface *f = &s->ifaces[i];
        char name[32];
        uint32_t sys, local;
        snprintf(name, sizeof name, "%s.%s", s->name, f->name);
        r = portal_create(&kea_base_portal, (uint32_t)f->dispatch, (uint32_t)f->server, f->iface_id,
                          name, &sys, &local);
        if (r < 0) {
            printf("svcmain: portal %s: %s\n", name, kea_strerror(r));
            return 1;
        }
    }
    printf("svcmain: service %s ready\n", s->name);
    return 0;
}
