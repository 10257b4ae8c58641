/* The 8253/8254 programmable interval timer on IRQ 0: the periodic tick
 * that drives preemption and sleeping. */
#include "x86.h"
#include "arch.h"
#include "../kernel.h"

#define PIT_HZ   1193182u
#define PIT_CH0  0x40
#define PIT_CMD  0x43

volatile uint64_t timer_ticks;
unsigned timer_hz;

static void timer_irq(struct trapframe *tf, void *arg)
{
    (void)arg;
    timer_ticks++;
    sched_tick(tf);
}

void timer_init(unsigned hz)
{
    unsigned divisor = PIT_HZ / hz;
    timer_hz = hz;
    outb(PIT_CMD, 0x34);                 /* channel 0, lo/hi byte, rate generator */
    outb(PIT_CH0, divisor & 0xff);
    outb(PIT_CH0, (divisor >> 8) & 0xff);
    kirq_attach(0, timer_irq, 0);
}
