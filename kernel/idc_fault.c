/* CPU exceptions in user domains, as the IDC model sees them: a page fault
 * in a domain's paged area is an upcall to its pager, on the faulting
 * thread; any other fault inside an IDC unwinds the callee's activation and
 * its caller gets -KEA_ECALLEEFAULT; a fault in a thread's own domain (no
 * caller) ends the thread. */
#include <stdio.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "idc.h"
#include "service.h"
#include "pager_client.h"

/* A page fault in the paged area of a domain with a pager: ask the pager,
 * on this thread, to make the page present.  1 = resolved, retry. */
static int page_in(struct domain *d, struct trapframe *tf)
{
    uint32_t va = rcr2();
    if (tf->trapno != T_PGFLT || !d->pager || va < PAGED_BASE || va >= PAGED_TOP)
        return 0;
    struct idc_args a = { .w = { (uint32_t)d->id, va & ~(PGSIZE - 1), (tf->err & 2) ? 1u : 0u } };
    d->faults++;
    int r = portal_call(d->pager, PAGER_PROC_FAULT, &a);
    if (r < 0) {
        printf("kea: pager of domain %s failed for %08x: %s\n", d->name, va, kea_strerror(r));
        return 0;
    }
    return domain_kva(d, va) != 0;       /* the pager must have mapped it */
}

/* The callee on top of the current thread's activations is aborted (its
 * call deadline passed, kernel/recover.c): its caller gets `status`. */
void idc_abort_callee(struct trapframe *tf, int status)
{
    user_frame_reset(tf);
    idc_return(cur, tf, status, 0);
}

void user_exception(struct trapframe *tf)
{
    struct thread *t = cur;
    struct domain *d = t->act[t->depth].dom;
    if (page_in(d, tf))
        return;
    printf("kea: %s in domain %s (thread %d): eip %08x", trap_name(tf->trapno), d->name, t->id, tf->eip);
    if (tf->trapno == T_PGFLT)
        printf(", address %08x (%s)", rcr2(), (tf->err & 2) ? "write" : "read");
    printf("\n");
    if (t->depth == 0) {
        printf("kea: thread %d ended by the fault\n", t->id);
        kthread_exit(-KEA_ECALLEEFAULT);
    }
    printf("kea: call unwound, caller gets %s\n", kea_strerror(-KEA_ECALLEEFAULT));
    recover_user_fault(d, tf);           /* a service's: restart it (kernel/restart.c) */
    user_frame_reset(tf);                /* the callee's segments and flags stay behind */
    idc_return(t, tf, -KEA_ECALLEEFAULT, 0);
}
