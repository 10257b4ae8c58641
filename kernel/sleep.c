/* sleep_on/wakeup for the boot thread, before threads exist: halting until
 * the next interrupt is enough, since only interrupt handlers call wakeup. */
#include "i386/x86.h"
#include "sched.h"

void sleep_on(void *chan)
{
    (void)chan;
    sti_hlt();
    cli();
}

void wakeup(void *chan)
{
    (void)chan;
}
