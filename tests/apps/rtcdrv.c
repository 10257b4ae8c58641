/* A user-level driver for the CMOS real-time clock's periodic interrupt
 * (IRQ 8): it is granted ports 0x70-0x71, programs 64 Hz interrupts, and
 * counts the interrupts the kernel delivers through its portal.  Exercises
 * irq.ioports, irq.attach/detach and kernel-to-user upcalls. */
#include <stdio.h>
#include "irqev_server.h"
#include "irq_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_irq, kea_base_portal, kea_base_thread;

#define RTC_INDEX 0x70
#define RTC_DATA  0x71
#define RTC_IRQ   8

static volatile uint32_t events;

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static uint8_t rtc_read(uint8_t reg) { outb(RTC_INDEX, reg); return inb(RTC_DATA); }
static void rtc_write(uint8_t reg, uint8_t v) { outb(RTC_INDEX, reg); outb(RTC_DATA, v); }

static int event(void *self, uint32_t irq)
{
    (void)self;
    if (irq == RTC_IRQ) events++;
    rtc_read(0x0c);                     /* acknowledge: the RTC interrupts again */
    return 0;
}

static const struct irqev_ops ops = { event };
static struct irqev_server server = { &ops, 0 };

static void result(const char *name, int ok, const char *fmt, long a)
{
    if (ok) printf("PASS: irq/%s\n", name);
    else { printf("FAIL: irq/%s: ", name); printf(fmt, a); printf("\n"); }
}

int main(void)
{
    uint32_t sys, local;
    int r = portal_create(&kea_base_portal, (uint32_t)irqev_dispatch, (uint32_t)&server,
                          IRQEV_IFACE_ID, "rtc.irq", &sys, &local);
    result("portal", r == 0, "status %ld", r);
    r = irq_ioports(&kea_base_irq, RTC_INDEX, 2);
    result("ioports", r == 0, "status %ld", r);
    r = irq_attach(&kea_base_irq, RTC_IRQ, local);
    result("attach", r == 0, "status %ld", r);
    result("attach-twice", irq_attach(&kea_base_irq, RTC_IRQ, local) == -KEA_EBUSY, "%ld", 0);
    result("attach-timer-refused", irq_attach(&kea_base_irq, 0, local) == -KEA_EINVAL, "%ld", 0);
    rtc_write(0x0a, (uint8_t)((rtc_read(0x0a) & 0xf0) | 10));    /* rate 10: 64 Hz */
    rtc_write(0x0b, (uint8_t)(rtc_read(0x0b) | 0x40));           /* periodic interrupt on */
    rtc_read(0x0c);
    thread_sleep(&kea_base_thread, 500);
    uint32_t seen = events;
    result("delivered", seen >= 10, "%ld interrupts in 500 ms", (long)seen);
    rtc_write(0x0b, (uint8_t)(rtc_read(0x0b) & ~0x40));
    r = irq_detach(&kea_base_irq, RTC_IRQ);
    result("detach", r == 0, "status %ld", r);
    printf("rtcdrv: done, %u interrupts\n", seen);
    return 0;
}
