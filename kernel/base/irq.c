/* kernel.irq: the interrupt base service (kernel/base/irq.idl): attach
 * and detach interrupt portals, grant I/O ports; all need the io right.
 * The mechanism is kernel/irqsvc.c. */
#include <stdio.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "../irqsvc.h"
#include "irq_server.h"

static int irq_attach_op(void *self, uint32_t irq, uint32_t local)
{
    (void)self;
    if (!has_right(RIGHT_IO)) return -KEA_EPERM;
    return irqsvc_attach(caller_domain(), (int)irq, (int)local);
}

static int irq_detach_op(void *self, uint32_t irq)
{
    (void)self;
    if (!has_right(RIGHT_IO)) return -KEA_EPERM;
    return irqsvc_detach(caller_domain(), (int)irq);
}

static int irq_ioports_op(void *self, uint32_t base, uint32_t count)
{
    (void)self;
    if (!has_right(RIGHT_IO)) return -KEA_EPERM;
    return ioports_grant(caller_domain(), base, count);
}

static const struct irq_ops irq_ops = { irq_attach_op, irq_detach_op, irq_ioports_op };

static struct irq_server irq_srv = { &irq_ops, 0 };

struct portal *base_irq_portal(void)
{
    return kportal_create(kernel_domain, "kernel.irq", irq_dispatch, &irq_srv,
                          IRQ_IFACE_ID, 0, 0);
}
