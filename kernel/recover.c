/* Recovery of calls that cannot end by themselves (docs/reliability.md):
 * the call deadline, and faults in kernel-placed services.
 *
 * A kernel-placed service runs on the caller's kernel stack, as a plain C
 * call (kernel_call below, from the three call sites in kernel/idc.c).
 * kernel_call first saves the caller's kernel context in the activation
 * (kctx_save, as an upcall does): that is the IDC boundary.  (The
 * kernel's own base services are called plainly: kernel_call in proc.h.)  A CPU
 * exception whose EIP lies in the code of the service whose activation is
 * on top (its object's code, or the fault injector in front of its
 * portals), or a stack-protector failure on that activation, resumes
 * that context with -KEA_ECALLEEFAULT: the service's frames are dropped,
 * the caller goes on.  The service is then demoted: restarted in a user
 * domain of its own (kernel/restart.c, migration's machinery), where the
 * hardware contains its next fault.  What cannot be contained is listed
 * in docs/reliability.md: a wild write into kernel memory (kernel-placed
 * code can write anywhere and nothing traps), a fault in kernel code the
 * service called, a kernel stack overflow, an endless loop with interrupts
 * off (the timer cannot interrupt it; that would need an NMI watchdog).
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
    a->since = (uint32_t)timer_ticks;
    if (kctx_save(a->kctx))
        return a->status;               /* unwound by kernel_unwind */
    return p->handler(p->arg, c);
}

/* The kernel-placed service whose activation is on top of the current
 * thread, if `eip` (0: any) is in its code; else NULL. */
static struct service *top_service(uint32_t eip)
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
        if (!eip || kobj_region_of(s->obj, eip) == EO_TEXT ||
            (eip >= (uint32_t)inject_code_start && eip < (uint32_t)inject_code_end))
            return s;
    }
    return 0;
}

static void __attribute__((noreturn)) kernel_unwind(struct service *s, const char *why)
{
    struct thread *t = cur;
    struct activation *a = &t->act[t->depth];
    printf("kea: %s in kernel-placed service %s (thread %d): call unwound to its IDC boundary, "
           "caller gets %s\n", why, s->name, t->id, kea_strerror(-KEA_ECALLEEFAULT));
    recover_demote(s, why);
    a->status = -KEA_ECALLEEFAULT;
    kctx_resume(a->kctx);
}

int recover_kernel_fault(struct trapframe *tf)
{
    struct service *s = top_service(tf->eip);
    if (!s) return 0;
    char why[64];
    snprintf(why, sizeof why, "%s at eip %08x", trap_name(tf->trapno), tf->eip);
    if (tf->trapno == T_PGFLT)
        snprintf(why + strlen(why), sizeof why - strlen(why), ", address %08x", rcr2());
    kernel_unwind(s, why);
}

void recover_kernel_abort(const char *why)
{
    struct service *s = top_service(0);
    if (s) kernel_unwind(s, why);
}
