/* Sleeping and waking.  Until the scheduler runs, the only "thread" is the
 * boot thread, and sleeping means halting until the next interrupt. */
#ifndef KEA_SCHED_H
#define KEA_SCHED_H

/* Called with interrupts disabled; returns with interrupts disabled, after
 * some wakeup(chan) (or any interrupt: callers re-check their condition). */
void sleep_on(void *chan);
void wakeup(void *chan);
#endif
