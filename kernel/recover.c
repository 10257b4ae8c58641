/* Recovery of calls that cannot end by themselves (docs/reliability.md):
 * the call deadline.
 *
 * Every service has a deadline for one call (its restart policy's
 * `deadline`, default 5 s; kernel/restart.c).  A thread running in a
 * user-placed service's domain past it is looping or lost: at a timer
 * tick that finds it running there, its activation is aborted as a fault
 * would abort it (the caller gets -KEA_ETIMEDOUT) and the service is
 * restarted.  So `kill` of its caller and `unload` of the service work on
 * a service that loops.  Only the top activation is checked, and only when
 * it runs in user mode: a thread asleep inside a service (waiting for its
 * device) has not looped, and one that called further on is checked in
 * the callee it is in. */
#include <stdio.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

void deadline_check(struct trapframe *tf)
{
    struct thread *t = cur;
    struct activation *a = &t->act[t->depth];
    uint32_t ran = (uint32_t)timer_ticks - a->since;
    if (ran < 2 || a->dom->is_kernel) return;           /* the common case: one compare */
    struct service *s = service_of_domain(a->dom);
    if (!s) return;
    uint32_t limit_ms = restart_deadline_ms(s);
    if (!limit_ms || (uint64_t)ran * 1000 < (uint64_t)limit_ms * timer_hz) return;
    printf("kea: thread %d (%s) past its %u ms deadline in %s at eip %08x: call aborted, caller "
           "gets %s\n", t->id, t->name, limit_ms, s->name, tf->eip, kea_strerror(-KEA_ETIMEDOUT));
    char why[64];
    snprintf(why, sizeof why, "deadline %u ms passed at eip %08x", limit_ms, tf->eip);
    recover_fault(a->dom, why);
    idc_abort_callee(tf, -KEA_ETIMEDOUT);
}
