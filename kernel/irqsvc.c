/* Hardware access for user-level drivers: interrupts delivered through
 * portals, and I/O port grants.
 *
 * An attached interrupt gets a kernel thread that waits for it and invokes
 * the driver's portal (procedure 0, word 0 = the irq number); the interrupt
 * handler itself only counts and wakes that thread, since a portal
 * invocation needs a thread to run on.
 *
 * A live replacement of the driver (kernel/migrate.c) first names the
 * new instance heir of its lines, so that its attach is staged; then
 * parks them: masked at the controller, deliveries deferred (counted in
 * `pending`).  The switch moves each line to the staged portal, and
 * unparking unmasks it and delivers what was deferred, to whichever
 * instance then holds it.  No interrupt is lost.
 *
 * I/O ports: each domain with a grant has its own I/O permission bitmap,
 * copied into the TSS when the CPU switches into that domain's address
 * space (and cleared when it leaves), so a grant is exactly the domain's. */
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"
#include "proc.h"
#include "sched.h"
#include "irqsvc.h"

static struct irqslot {
    struct domain *dom;
    struct portal *portal;
    struct thread *thread;
    volatile uint32_t pending;
    uint32_t delivered;
    int parked;                     /* a replacement holds delivery */
    struct domain *heir;            /* the replacement's new domain */
    struct portal *staged;          /* the heir's attach, made live by the switch */
} slots[NIRQ];

static void irq_to_thread(struct trapframe *tf, void *arg)
{
    (void)tf;
    struct irqslot *s = arg;
    s->pending++;
    wakeup(s);
}

static void irq_thread(void *arg)
{
    struct irqslot *s = arg;
    int irq = (int)(s - slots);
    cli();
    while (s->portal) {
        if (!s->pending || s->parked) {
            sleep_on(s);
            continue;
        }
        s->pending--;
        struct idc_args a = { .w = { (uint32_t)irq, 0, 0 } };
        int r = portal_call(s->portal, 0, &a);
        s->delivered++;
        if (r == -KEA_EDEAD || r == -KEA_ECALLEEFAULT) {
            printf("kea: irq %d: driver portal failed (%s), detaching\n", irq, kea_strerror(r));
            irqsvc_detach(s->dom, irq);
        }
    }
    sti();
}

/* IRQs the kernel uses itself. */
static int reserved_irq(int irq) { return irq == 0 || irq == 2 || irq == 4; }

int irqsvc_attach(struct domain *d, int irq, int local)
{
    if (irq < 0 || irq >= NIRQ || reserved_irq(irq)) return -KEA_EINVAL;
    if (local < 0 || local >= IDC_MAX_PORTALS || !d->ptab[local].cur) return -KEA_EBADPORTAL;
    struct irqslot *s = &slots[irq];
    if (s->portal && s->heir && d == s->heir && !s->staged) {
        s->staged = d->ptab[local].cur;  /* the new instance of a replacement */
        s->staged->refs++;
        return 0;
    }
    if (s->portal) return -KEA_EBUSY;
    s->dom = d;
    s->portal = d->ptab[local].cur;
    s->portal->refs++;
    s->pending = 0;
    char name[16];
    snprintf(name, sizeof name, "irq%d", irq);
    s->thread = thread_create_kernel(name, irq_thread, s);
    if (!s->thread || kirq_attach(irq, irq_to_thread, s) < 0) {
        s->portal->refs--;
        s->portal = 0;
        return -KEA_ENOMEM;
    }
    return 0;
}

int irqsvc_detach(struct domain *d, int irq)
{
    if (irq < 0 || irq >= NIRQ) return -KEA_EINVAL;
    struct irqslot *s = &slots[irq];
    if (s->staged && s->heir == d) {      /* a new instance dropped before the switch */
        s->staged->refs--;
        s->staged = 0;
        return 0;
    }
    if (!s->portal || s->dom != d) return -KEA_ENOENT;
    kirq_attach(irq, 0, 0);
    s->portal->refs--;            /* its domain still holds it in its table */
    s->portal = 0;
    wakeup(s);                    /* the thread sees no portal and ends */
    return 0;
}

void irqsvc_forget_domain(struct domain *d)
{
    for (int i = 0; i < NIRQ; i++)
        if (slots[i].portal && slots[i].dom == d)
            irqsvc_detach(d, i);
}

/* ---- live replacement (kernel/migrate.c) ---- */

/* The next line from `from` on whose portal `mine` recognises, or -1. */
int irqsvc_next(int from, int (*mine)(const struct domain *d, const struct portal *p, void *ctx),
                void *ctx)
{
    for (int i = from < 0 ? 0 : from; i < NIRQ; i++)
        if (slots[i].portal && mine(slots[i].dom, slots[i].portal, ctx))
            return i;
    return -1;
}

/* heir's attach of the line will be staged (made live by the switch);
 * deliveries still go to the old instance. */
void irqsvc_handover(int irq, struct domain *heir)
{
    slots[irq].heir = heir;
}

/* Mask the line and hold its deliveries. */
void irqsvc_park(int irq)
{
    struct irqslot *s = &slots[irq];
    uint32_t f = irq_save();
    pic_set_mask(irq, 1);
    s->parked = 1;
    irq_restore(f);
}

int irqsvc_staged(int irq) { return slots[irq].staged != 0; }

/* The switch: the line now leads to the staged portal, in the heir. */
void irqsvc_commit(int irq)
{
    struct irqslot *s = &slots[irq];
    s->portal->refs--;                  /* the old instance still holds it in its table */
    s->portal = s->staged;
    s->dom = s->heir;
    s->staged = 0;
}

/* Deliver what was held, to whoever holds the line now; unmask it. */
void irqsvc_unpark(int irq)
{
    struct irqslot *s = &slots[irq];
    uint32_t f = irq_save();
    if (s->staged) {                    /* rolled back: the heir's attach is dropped */
        s->staged->refs--;
        s->staged = 0;
    }
    s->parked = 0;
    s->heir = 0;
    if (s->portal) pic_set_mask(irq, 0);
    wakeup(s);
    irq_restore(f);
}

/* ---- I/O ports ---- */
static struct domain *io_owner;          /* whose bitmap is in the TSS */
int io_domains;                          /* domains holding grants */

int ioports_grant(struct domain *d, uint32_t base, uint32_t count)
{
    if (count == 0 || base > 0xffff || count > 0x10000 - base) return -KEA_EINVAL;
    if (d->is_kernel) return 0;          /* ring 0 reaches every port already */
    if (!d->iomap) {
        d->iomap = kmalloc(IOMAP_BYTES);
        if (!d->iomap) return -KEA_ENOMEM;
        memset(d->iomap, 0xff, IOMAP_BYTES);
        io_domains++;
    }
    for (uint32_t p = base; p < base + count; p++)
        d->iomap[p / 8] &= (uint8_t)~(1u << (p % 8));
    if (cur && cur->space == d) {        /* running there now: load it at once */
        io_owner = 0;
        io_switch(d);
    }
    return 0;
}

/* The CPU now runs in d's address space. */
void io_switch(struct domain *d)
{
    if (io_owner == d) return;
    tss_load_iomap(d->iomap);            /* NULL: deny every port */
    io_owner = d;
}

void ioports_forget_domain(struct domain *d)
{
    if (!d->iomap) return;
    if (io_owner == d) io_switch(kernel_domain);
    kfree(d->iomap);
    d->iomap = 0;
    io_domains--;
}
