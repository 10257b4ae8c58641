/* What the IDC path's files share among themselves (kernel/idc.c, the
 * fault and pager upcalls in kernel/idc_fault.c, the assembly fast path in
 * kernel/i386/idc_fast.S); the rest of the kernel sees proc.h. */
#ifndef KEA_IDC_INTERNAL_H
#define KEA_IDC_INTERNAL_H
#include "proc.h"

/* Run t in d's address space (CR3 and the I/O bitmap), if not already. */
void switch_space(struct thread *t, struct domain *d);

/* The one call into a kernel-placed service: push its activation on t, run
 * p's handler with c, pop; returns the handler's status. */
int  kservice_call(struct thread *t, struct portal *p, struct idc_call *c);

/* Pop the top activation of t and resume its caller with status and the
 * first out_len bytes of the callee's out-buffer (tf: the trap frame that
 * will return to a user caller; a kernel caller resumes inside). */
void idc_return(struct thread *t, struct trapframe *tf, int status, uint32_t out_len);

/* idc_fast.S: its counters (past its point of no return), whether sysenter
 * lands in it, and the C end of its kernel-placed call for the rare cases. */
extern uint32_t idc_fast_calls, idc_fast_returns, idc_fast_kcalls;
extern int idc_fast_on;
void idc_fast_kcall_tail(struct trapframe *tf, struct idc_call *c, int status, struct domain *from);
#endif
