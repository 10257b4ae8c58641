/* The base services: the kernel's functions offered as portals, created at
 * initialization (portal_invoke() is the only system call).  Each is a
 * kernel-placed implementation of an interface in kernel/base/ (one .idl
 * each, its implementation in the .c beside it), called through the
 * generated dispatchers.  The caller is the domain of the activation below
 * the service's own (caller.h).  This file creates their portals and hands
 * them to user domains. */
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "../udomain.h"
#include "base.h"

void basesvc_init(void)
{
    struct portal *p[BASE_NPORTALS];
    p[BASE_CONSOLE] = base_console_portal();
    p[BASE_THREAD] = base_thread_portal();
    p[BASE_DOMAIN] = base_domain_portal();
    p[BASE_MEMORY] = base_memory_portal();
    p[BASE_PORTAL] = base_portal_portal();
    p[BASE_IRQ] = base_irq_portal();
    p[BASE_SYS] = sysinfo_portal();
    for (int i = 0; i < BASE_NPORTALS; i++)
        if (!p[i]) panic("cannot create the base portals");
    udomain_set_base_portals(p);
}
