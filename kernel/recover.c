/* Recovery of calls that cannot end by themselves (docs/reliability.md):
 * the call deadline, and faults in kernel-placed services.
 *
 * A kernel-placed service runs on the caller's kernel stack, as a plain C
 * call (kernel_call_guarded below, from kservice_call in kernel/idc.c).
 * It first saves the caller's kernel context in the activation (kctx_save,
 * as an upcall does): that is the IDC boundary.  (The kernel's own base
 * services are called plainly: kernel_own_handler in proc.h.)  The service's code
 * then runs with interrupts ON, while the kernel's own code keeps them off:
 * every export a service can call that touches kernel state turns them off
 * for its part (the gates of kernel/kenv.c; portal_invoke itself).  So at
 * any instruction a service's call executes with interrupts on, kernel
 * state is whole, and the call can be dropped there.
 *
 * A CPU exception during such a call, at the service's own code (or the
 * fault injector in front of its portals), or with interrupts on (in a
 * pure export it called, memcpy with a bad pointer), or a stack-protector
 * failure, a panic, abort or failed assertion of the service, resumes that
 * context with -KEA_ECALLEEFAULT: the service's frames are dropped, the
 * caller goes on.  The service is then demoted: restarted in a user domain
 * of its own (kernel/restart.c, migration's machinery), where the hardware
 * contains its next fault.  What cannot be contained is listed in
 * docs/reliability.md: a wild write into kernel memory (kernel-placed code
 * can write anywhere and nothing traps), a fault inside a gate (kernel
 * state may be half updated there), a kernel stack overflow.
 *
 * Every service has a deadline for one call (its restart policy's
 * `deadline`, default 5 s; kernel/restart.c).  A thread past it in a
 * service is looping or lost.  User placement: at a timer tick that finds
 * it running in the service's domain (user mode), its activation is
 * aborted as a fault would abort it (the caller gets -KEA_ETIMEDOUT) and
 * the service is restarted, so `kill` of its caller and `unload` of the
 * service work on a service that loops.  Kernel placement: at an
 * interrupt that lands in the service's call with interrupts on, the call
 * is unwound to its boundary (-KEA_ETIMEDOUT) and the service demoted.
 * Only the top activation is checked: a thread asleep inside a service
 * (waiting for its device) is not running it, and one that called further
 * on is checked in the callee it is in.  Kernel code is not preempted, so
 * a loop in a kernel-placed service holds the CPU (interrupts are still
 * served) until its deadline. */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"
#include "load.h"

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

/* ---- kernel-placed services ---- */

extern const char inject_code_end[];

int kernel_call_guarded(struct activation *a, struct portal *p, struct idc_call *c)
{
    uint32_t f = irq_save();
    a->since = (uint32_t)timer_ticks;
    if (kctx_save(a->kctx)) {           /* unwound by kernel_unwind, interrupts off */
        irq_restore(f);
        return a->status;
    }
    sti();                              /* the service's code runs with interrupts on */
    int status = p->handler(p->arg, c);
    cli();
    irq_restore(f);
    return status;
}

/* The kernel-placed service whose activation is on top of the current
 * thread, if the CPU was at `eip` in its code, or anywhere in its call
 * with interrupts on (`if_on`: kernel code running then is pure; the
 * gates in kernel/kenv.c), or `eip` is 0 (it called for its own end);
 * else NULL. */
static struct service *top_service(uint32_t eip, int if_on)
{
    struct thread *t = cur;
    if (!t || t->depth == 0) return 0;
    struct activation *a = &t->act[t->depth];
    if (!a->dom->is_kernel || !a->portal) return 0;
    for (struct service *s = service_list(); s; s = s->next) {
        if (s->where != PLACE_KERNEL || !s->obj || s->migrating) continue;
        int mine = kobj_region_of(s->obj, (uint32_t)a->portal->handler) >= 0;
        for (uint32_t i = 0; i < s->nifaces; i++) mine |= a->portal == s->was[i];
        if (!mine) continue;
        if (!eip || if_on || kobj_region_of(s->obj, eip) == EO_TEXT ||
            (eip >= (uint32_t)inject_code_start && eip < (uint32_t)inject_code_end))
            return s;
    }
    return 0;
}

static void __attribute__((noreturn)) kernel_unwind(struct service *s, const char *why, int status)
{
    struct thread *t = cur;
    struct activation *a = &t->act[t->depth];
    printf("kea: %s in kernel-placed service %s (thread %d): call unwound to its IDC boundary, "
           "caller gets %s\n", why, s->name, t->id, kea_strerror(status));
    recover_demote(s, why);
    a->status = status;
    kctx_resume(a->kctx);
}

/* An interrupt landed in a kernel-placed service's call with interrupts
 * on: past the service's deadline, the call is dropped there. */
void recover_kernel_deadline(struct trapframe *tf)
{
    struct thread *t = cur;
    struct activation *a = &t->act[t->depth];
    uint32_t ran = (uint32_t)timer_ticks - a->since;
    if (ran < 2 || !a->dom->is_kernel) return;          /* the common case: one compare */
    struct service *s = top_service(tf->eip, 1);
    if (!s) return;
    uint32_t limit_ms = restart_deadline_ms(s);
    if (!limit_ms || (uint64_t)ran * 1000 < (uint64_t)limit_ms * timer_hz) return;
    char why[64];
    snprintf(why, sizeof why, "deadline %u ms passed at eip %08x", limit_ms, tf->eip);
    kernel_unwind(s, why, -KEA_ETIMEDOUT);
}

int recover_kernel_fault(struct trapframe *tf)
{
    struct service *s = top_service(tf->eip, (tf->eflags & EFLAGS_IF) != 0);
    if (!s) return 0;
    char why[64];
    snprintf(why, sizeof why, "%s at eip %08x", trap_name(tf->trapno), tf->eip);
    if (tf->trapno == T_PGFLT)
        snprintf(why + strlen(why), sizeof why - strlen(why), ", address %08x", rcr2());
    kernel_unwind(s, why, -KEA_ECALLEEFAULT);
}

void recover_kernel_abort(const char *why)
{
    struct service *s = top_service(0, 0);
    if (s) kernel_unwind(s, why, -KEA_ECALLEEFAULT);
}
