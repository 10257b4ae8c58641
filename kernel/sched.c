/* The scheduler: round robin over runnable threads, preempting user-mode
 * execution on every timer tick.  Kernel code is not preempted: it runs until
 * it sleeps, yields or returns to user mode.  The scheduler loop runs on the
 * boot stack; threads switch to it and it switches to the next thread. */
#include <stdio.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"
#include "proc.h"
#include "sched.h"
#include "irqsvc.h"

struct thread *cur;
static uint32_t scheduler_esp;
static int last;                      /* round-robin position */
int need_resched;

void swtch(uint32_t *save_esp, uint32_t new_esp);

void set_kstack(uint32_t top)
{
    tss_set_kstack(top);
    sysenter_set_stack(top);
}

static struct thread *pick_next(void)
{
    for (int n = 1; n <= MAX_THREADS; n++) {
        struct thread *t = thread_at((last + n) % MAX_THREADS);
        if (t && t->state == T_RUNNABLE) {
            last = (last + n) % MAX_THREADS;
            return t;
        }
    }
    return 0;
}

static void reap_zombies(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (t && t->state == T_ZOMBIE && t != cur)
            thread_reap(t);
    }
}

void scheduler(void)
{
    for (;;) {
        cli();
        reap_zombies();
        struct thread *t = pick_next();
        if (!t) {
            sti_hlt();                /* idle until an interrupt wakes someone */
            continue;
        }
        cur = t;
        t->state = T_RUNNING;
        t->switches++;
        set_kstack(t->kstack_top);
        if (rcr3() != t->space->cr3)
            lcr3(t->space->cr3);
        if (io_domains)
            io_switch(t->space);
        swtch(&scheduler_esp, t->kesp);
        cur = 0;
    }
}

/* Give the CPU back to the scheduler; interrupts are off, state is set. */
void sched(void)
{
    swtch(&cur->kesp, scheduler_esp);
}

void sched_yield(void)
{
    uint32_t f = irq_save();
    cur->state = T_RUNNABLE;
    sched();
    irq_restore(f);
}

/* For a thread waiting on a condition other threads or an interrupt will
 * change, without a channel to sleep on (kernel/migrate.c's drain): let
 * the other runnable threads run; if there are none, wait for the next
 * interrupt (a device's, the tick) instead of spinning with interrupts off
 * in the scheduler.  Interrupts are off before and after. */
void sched_pause(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (t && t != cur && t->state == T_RUNNABLE) {
            sched_yield();
            return;
        }
    }
    sti_hlt();
    cli();
}

void sleep_on(void *chan)
{
    if (!cur) {                       /* before the scheduler runs */
        sti_hlt();
        cli();
        return;
    }
    cur->chan = chan;
    cur->state = T_SLEEPING;
    sched();
    cur->chan = 0;
}

void wakeup(void *chan)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (t && t->state == T_SLEEPING && t->chan == chan)
            t->state = T_RUNNABLE;
    }
}

static int timed_chan;                /* what timed sleepers sleep on */

void sleep_ticks(uint32_t ticks)
{
    uint32_t f = irq_save();
    cur->wake_tick = timer_ticks + ticks;
    while (timer_ticks < cur->wake_tick)
        sleep_on(&timed_chan);
    cur->wake_tick = 0;
    irq_restore(f);
}

/* Every timer interrupt: wake timed sleepers whose time has come, and ask
 * for a reschedule (done by trap() once the interrupt is acknowledged). */
void sched_tick(struct trapframe *tf)
{
    (void)tf;
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (t && t->state == T_SLEEPING && t->chan == &timed_chan && t->wake_tick <= timer_ticks)
            t->state = T_RUNNABLE;
    }
    need_resched = 1;
}
