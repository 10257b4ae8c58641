/* The IDC path: portal_invoke() from a user domain (idc_syscall) or from
 * kernel code (portal_invoke), into a user domain or a kernel-placed service.
 *
 * An invocation pushes an activation of the portal's domain on the calling
 * thread and runs the handler there; the return pops it.  No scheduler, no
 * allocation in the common case: activation slots are cached per domain, the
 * activation records live in the thread.  Interrupts are off throughout
 * (sysenter and interrupt gates clear IF), which is what makes a remap atomic
 * with respect to invocations on our single CPU.
 *
 * This is the general path, complete on its own.  The commonest calls and
 * returns from user domains never reach it: sysenter lands first in the
 * assembly fast path (kernel/i386/idc_fast.S), which falls back here for
 * everything else (and for everything when the command line says
 * fastpath=off).  Faults in user domains and the pager upcall are
 * kernel/idc_fault.c; the register convention on a trap frame is
 * kernel/i386/idc_regs.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "i386/idc_regs.h"
#include "kernel.h"
#include "proc.h"
#include "idc.h"
#include "irqsvc.h"
#include "service.h"

extern void sysenter_entry(void), idc_fast_entry(void);

/* Transfers the assembly fast path (kernel/i386/idc_fast.S) served: it
 * counts them past its point of no return. */
uint32_t idc_fast_calls, idc_fast_returns, idc_fast_kcalls;
int idc_fast_on;

/* idc_fast.S indexes the portal table with a scaled index and compares
 * eax with -1 for the return trap. */
_Static_assert(sizeof(struct portal_slot) == 8 && offsetof(struct portal_slot, cur) == 0,
               "idc_fast.S: ptab scale");
_Static_assert(IDC_RETURN == 0xffffffffu, "idc_fast.S: cmpl $-1");
_Static_assert(sizeof(((struct activation *)0)->proc) == 2, "idc_fast.S: movw to ACT_PROC");
_Static_assert(sizeof(((struct activation *)0)->out_cap) == 2 && IDC_BUF_MAX <= 0xffff,
               "idc_fast.S: movw to ACT_OUT_CAP");
_Static_assert(sizeof(((struct portal *)0)->contract) == 4, "idc_fast.S: cmpl of P_CONTRACT");

/* Use sysenter where the CPU has it unless the kernel command line says
 * idc=int (kernel/i386/sysenter.c); int 0x80 otherwise.  sysenter lands in
 * the assembly fast path unless the command line says fastpath=off: then
 * the general path serves every call (both stay tested). */
void idc_init(void)
{
    int fast = !cmdline_has("fastpath=off");
    if (sysenter_init(fast ? (uint32_t)idc_fast_entry : (uint32_t)sysenter_entry))
        idc_fast_on = fast;
    printf("idc: portal_invoke through %s%s\n", idc_have_sysenter ? "sysenter" : "int 0x80",
           idc_have_sysenter ? (fast ? ", fast path on" : ", fast path off") : "");
}

/* The caller's buffer descriptor: the four fields of struct idc_args from `in`. */
struct idc_bufs { uint32_t in, in_len, out, out_cap; };

/* Local id -> system portal, through the invoking thread's rooted remaps
 * (a hash on the root domain, skipped entirely when it has none), then the
 * table and a system-wide remap.  Remaps never redirect the replacement's
 * own calls (interposers reach the original; no loops): `me` is the caller's
 * owner, its domain, or for code placed in the kernel its loaded object. */
static inline struct portal *resolve(struct domain *from, uint32_t local, struct domain *root,
                                     const void *me)
{
    if (local >= IDC_MAX_PORTALS)
        return 0;
    struct portal *p = from->ptab[local].cur;
    if (!p)
        return 0;
    if (p->rooted && root->rooted) {     /* (p->rooted: no root remaps it, no probe) */
        struct portal *q = rooted_lookup(root->rooted, p);
        if (q && q->owner != me)
            return q;
    }
    if (p->global && p->global->owner != me)
        return p->global;
    return p;
}

/* Who kernel code on thread t is: the owner of the portal that entered the
 * kernel-placed service running now, or the kernel itself. */
static inline const void *kernel_caller(const struct thread *t)
{
    const struct activation *a = &t->act[t->depth];
    return a->portal ? a->portal->owner : (const void *)kernel_domain;
}

void switch_space(struct thread *t, struct domain *d)
{
    if (t->space != d) {
        t->space = d;
        lcr3(d->cr3);
        if (io_domains)
            io_switch(d);
    }
}

/* What kservice_call does after a call only now and then: a status
 * outside the reply contract, a reschedule the timer asked for. */
static __attribute__((noinline)) int kservice_call_end(struct thread *t, struct portal *p,
                                                       struct idc_call *c, int status)
{
    if (status != 0 && p->contract && !reply_ok(p, c->proc, status))
        status = reply_kernel_fault(t, p, c, status);   /* demoted, as a fault (kernel/reply.c) */
    /* A loaded service's code runs with interrupts on (recover.c), so the
     * timer tick that asks for a reschedule may have come during the call,
     * in kernel mode, where nothing is preempted: a user thread calling the
     * service in a loop would then hardly ever be.  Give the CPU up on the
     * way back to user mode instead, as the tick would have on arrival. */
    if (need_resched && !t->act[t->depth].dom->is_kernel) {
        need_resched = 0;
        sched_yield();
    }
    return status;
}

/* A loaded object's handler (or the injector's): guarded, interrupts on. */
static __attribute__((noinline)) int kservice_call_loaded(struct thread *t, struct activation *a,
                                                          struct portal *p, struct idc_call *c)
{
    int status = kernel_call_guarded(a, p, c);    /* a fault in it unwinds here (recover.c) */
    t->depth--;
    if (__builtin_expect(status | need_resched, 0))
        return kservice_call_end(t, p, c, status);
    return status;
}

/* The one way into a kernel-placed service, from every caller (a user
 * domain's trap, kernel code, the assembly fast path): push its activation
 * on t, run the handler on this stack, pop.  The caller copies buffers and
 * restores its address space (the handler may have called out). */
int kservice_call(struct thread *t, struct portal *p, struct idc_call *c)
{
    struct activation *a = &t->act[++t->depth];
    a->dom = kernel_domain;
    a->portal = p;
    a->slot = 0;
    p->calls++;
    if (!kernel_own_handler(p))
        return kservice_call_loaded(t, a, p, c);
    int status = p->handler(p->arg, c);           /* a base service: plainly */
    t->depth--;
    return status;
}

/* The callee on top called exit() (thread.exit set end_call): its call ends,
 * and its caller gets -KEA_ECALLEEFAULT, as if it had faulted. */
static void end_exiting_call(struct thread *t, struct trapframe *tf)
{
    t->end_call = 0;
    printf("kea: domain %s exited inside a call (thread %d): the call ends, caller gets %s\n",
           t->act[t->depth].dom->name, t->id, kea_strerror(-KEA_ECALLEEFAULT));
    recover_fault(t->act[t->depth].dom, "exited inside a call");    /* kernel/restart.c */
    idc_return(t, tf, -KEA_ECALLEEFAULT, 0);
}

/* A user domain invoked a kernel-placed service: copy its buffers through
 * the thread's kernel buffer of this depth, call, copy back. */
static void call_kernel(struct thread *t, struct trapframe *tf, struct portal *p,
                        struct idc_bufs *b, struct domain *from)
{
    uint8_t *kb = t->kbuf[t->depth + 1];
    if (!kb && (b->in_len || b->out_cap)) {
        kb = t->kbuf[t->depth + 1] = kmalloc(2 * IDC_BUF_MAX);
        if (!kb) { idc_tf_result(tf, -KEA_ENOMEM, 0); return; }
    }
    if (b->in_len && copy_from_user(kb, b->in, b->in_len)) {
        idc_tf_result(tf, -KEA_EFAULT, 0);
        return;
    }
    struct idc_call c = {
        .proc = IDC_PP_PROC(idc_tf_pp(tf)),
        .in = kb, .in_len = b->in_len, .out = kb ? kb + IDC_BUF_MAX : 0, .out_cap = b->out_cap,
        .caller = (uint32_t)from->id,
    };
    idc_tf_get_words(tf, c.w);
    int status = kservice_call(t, p, &c);
    switch_space(t, from);          /* in case the handler called out */
    if (t->end_call) {
        end_exiting_call(t, tf);
        return;
    }
    if (c.out_len > b->out_cap) { status = -KEA_E2BIG; c.out_len = 0; }
    if (c.out_len && copy_to_user(b->out, kb + IDC_BUF_MAX, c.out_len)) status = -KEA_EFAULT;
    idc_tf_set_words(tf, c.w);
    idc_tf_result(tf, status, c.out_len);
}

/* Push the callee's activation on slot s and make the trap return into
 * the callee's runtime entry (register convention: include/kea/idc.h). */
static inline void enter_callee(struct thread *t, struct trapframe *tf, struct portal *p,
                                struct actslot *s, struct domain *from, uint32_t out_uptr,
                                uint32_t lens)
{
    struct domain *to = p->dom;
    struct activation *a = &t->act[++t->depth];
    a->dom = to;
    a->portal = p;
    a->slot = s;
    a->kargs = 0;
    a->ret_eip = idc_tf_eip(tf);
    a->ret_esp = idc_tf_esp(tf);
    a->out_uptr = out_uptr;
    a->out_cap = lens >> 16;
    a->since = (uint32_t)timer_ticks;
    a->proc = (uint16_t)IDC_PP_PROC(idc_tf_pp(tf));
    p->calls++;
    to->active++;
    switch_space(t, to);
    s->entry_kva[0] = (uint32_t)p->arg;
    s->entry_kva[1] = lens;
    idc_tf_enter(tf, to->upcall_entry, SLOT_STACK_TOP(s) - 8, (uint32_t)p->handler,
                 IDC_PP_PROC(idc_tf_pp(tf)), (uint32_t)from->id);
}

/* A call from a user domain to portal p (resolved, or NULL): check, copy
 * the in-buffer, then enter the callee (or run a kernel-placed service here). */
static __attribute__((noinline)) void idc_call(struct thread *t, struct trapframe *tf,
                                               struct portal *p, struct domain *from)
{
    int err = KEA_EBADPORTAL;
    if (!p) goto fail;
    err = KEA_EDEAD;                     /* its service is being replaced: wait (or it failed) */
    if (p->held && svc_hold_wait(p)) goto fail;
    struct domain *to = p->dom;
    if (!to) goto fail;
    err = KEA_EDEPTH;
    if (t->depth + 1 >= MAX_DEPTH) goto fail;
    struct idc_bufs b = { 0, 0, 0, 0 };
    if (idc_tf_bufs(tf)) {
        err = KEA_EFAULT;
        if (copy_from_user(&b, idc_tf_bufs(tf), sizeof b)) goto fail;
        err = KEA_E2BIG;
        if (b.in_len > p->in_max) goto fail;
        if (b.out_cap > p->out_max) b.out_cap = p->out_max;
    }
    if (to->is_kernel) {
        call_kernel(t, tf, p, &b, from);
        return;
    }
    err = KEA_ENOMEM;
    struct actslot *s = slot_get(to);
    if (!s) goto fail;
    if (b.in_len && copy_from_user(s->in_kva, b.in, b.in_len)) {
        slot_put(to, s);
        err = KEA_EFAULT;
        goto fail;
    }
    enter_callee(t, tf, p, s, from, b.out, b.in_len | b.out_cap << 16);
    return;
fail:
    idc_tf_result(tf, -err, 0);          /* no out-buffer bytes */
}

/* portal_invoke from a user domain, through either entry (int 0x80, or
 * sysenter when the assembly fast path declined the call): the general
 * path, complete on its own. */
void idc_syscall(struct trapframe *tf)
{
    struct thread *t = cur;
    if (idc_tf_pp(tf) == IDC_RETURN) {
        int status = idc_tf_ret_status(tf);
        uint32_t out_len = idc_tf_ret_len(tf);
        if (__builtin_expect(status != 0, 0))       /* outside the reply contract: a fault */
            status = reply_check(t, tf, status, &out_len);      /* (kernel/reply.c) */
        idc_return(t, tf, status, out_len);
        return;
    }
    struct domain *from = t->act[t->depth].dom;
    idc_call(t, tf, resolve(from, IDC_PP_PORTAL(idc_tf_pp(tf)), t->root, from), from);
}

/* The fast path's kernel-placed call came back to something unusual: the
 * service called out (another address space is loaded) or the caller
 * exited inside it.  Finish as call_kernel would, on a trap frame the
 * assembly built (tf: eip/esp of the caller). */
void idc_fast_kcall_tail(struct trapframe *tf, struct idc_call *c, int status, struct domain *from)
{
    struct thread *t = cur;
    user_frame_reset(tf);
    idc_tf_set_words(tf, c->w);          /* every register the exit loads is set here, */
    idc_tf_result(tf, status, 0);        /* whatever happens next (nothing of the stack leaks) */
    switch_space(t, from);
    if (t->end_call)
        end_exiting_call(t, tf);
}

/* The callee returned (or faulted: status -KEA_ECALLEEFAULT): pop its
 * activation, copy the out-buffer to the caller, resume the caller. */
void idc_return(struct thread *t, struct trapframe *tf, int status, uint32_t out_len)
{
    if (t->depth == 0) {                 /* nobody called this activation */
        idc_tf_status(tf, -KEA_EINVAL);
        return;
    }
    struct activation *a = &t->act[t->depth];
    struct actslot *s = a->slot;
    if (out_len > a->out_cap) {
        status = -KEA_E2BIG;
        out_len = 0;
    }
    t->depth--;
    a->dom->active--;
    if (a->kargs) {                      /* a kernel caller: resume it */
        struct idc_args *k = a->kargs;
        if (out_len)
            memcpy(k->out, s->out_kva, out_len);
        idc_tf_get_words(tf, k->w);
        k->out_len = out_len;
        a->status = status;
        slot_put(a->dom, s);
        t->kstack_top = a->saved_kstack;
        set_kstack(t->kstack_top);
        switch_space(t, a->saved_dom);
        kctx_resume(a->kctx);
    }
    switch_space(t, t->act[t->depth].dom);
    if (out_len && copy_to_user(a->out_uptr, s->out_kva, out_len))
        status = -KEA_EFAULT;
    s->next = a->dom->free_slots;        /* slot_put, inline on this path */
    a->dom->free_slots = s;
    idc_tf_result(tf, status, out_len);
    idc_tf_resume(tf, a->ret_eip, a->ret_esp);
}

/* Kernel code invoking a portal in a user domain: push the activation, save
 * our kernel context, and enter user mode below it; the callee's return
 * (idc_return) resumes us here. */
static int upcall(struct thread *t, struct portal *p, uint32_t pp, struct idc_args *args,
                  struct domain *from)
{
    struct domain *to = p->dom;
    struct actslot *s = slot_get(to);
    if (!s) return -KEA_ENOMEM;
    if (args->in_len)
        memcpy(s->in_kva, args->in, args->in_len);
    struct activation *a = &t->act[++t->depth];
    a->dom = to;
    a->portal = p;
    a->slot = s;
    a->kargs = args;
    a->out_cap = args->out_cap < p->out_max ? args->out_cap : p->out_max;
    a->saved_kstack = t->kstack_top;
    a->saved_dom = t->space;
    a->since = (uint32_t)timer_ticks;
    a->proc = (uint16_t)IDC_PP_PROC(pp);
    p->calls++;
    to->active++;
    if (kctx_save(a->kctx))
        return a->status;                /* resumed by idc_return */

    uint32_t top = ((uint32_t)__builtin_frame_address(0) - 256) & ~15u;
    struct trapframe *tf = (struct trapframe *)(top - sizeof *tf);
    user_frame_init(tf, 0, 0);
    s->entry_kva[0] = (uint32_t)p->arg;
    s->entry_kva[1] = args->in_len | a->out_cap << 16;
    idc_tf_set_words(tf, args->w);
    idc_tf_enter(tf, to->upcall_entry, SLOT_STACK_TOP(s) - 8, (uint32_t)p->handler,
                 IDC_PP_PROC(pp), (uint32_t)from->id);
    t->kstack_top = top;
    set_kstack(top);
    switch_space(t, to);
    enter_user(tf);
}

/* An invocation by kernel code of a portal already resolved (inlined in its
 * three callers: the kernel -> kernel-placed call is the common one). */
static inline __attribute__((always_inline))
int invoke_resolved(struct thread *t, struct domain *from, struct portal *p, uint32_t pp,
                    struct idc_args *args)
{
    if (!p) return -KEA_EBADPORTAL;
    if (p->held && svc_hold_wait(p)) return -KEA_EDEAD;  /* replaced: wait; or failed */
    if (!p->dom) return -KEA_EDEAD;
    if (t->depth + 1 >= MAX_DEPTH) return -KEA_EDEPTH;
    if (args->in_len > p->in_max) return -KEA_E2BIG;
    if (!p->dom->is_kernel) return upcall(t, p, pp, args, from);
    struct idc_call c = {
        .proc = IDC_PP_PROC(pp), .w = { args->w[0], args->w[1], args->w[2] },
        .in = args->in, .in_len = args->in_len, .out = args->out,
        .out_cap = args->out_cap < p->out_max ? args->out_cap : p->out_max,
        .caller = (uint32_t)from->id,
    };
    int status = kservice_call(t, p, &c);
    args->w[0] = c.w[0];                 /* not memcpy: a call on this path */
    args->w[1] = c.w[1];
    args->w[2] = c.w[2];
    args->out_len = c.out_len <= c.out_cap ? c.out_len : 0;
    return status;
}

/* portal_invoke() for code running in the kernel domain. */
int portal_invoke(uint32_t pp, struct idc_args *args)
{
    struct thread *t = cur;
    if (!t) return -KEA_EINVAL;
    uint32_t f = irq_save();
    struct domain *from = t->act[t->depth].dom;
    const void *me = from->is_kernel ? kernel_caller(t) : from;
    int status = invoke_resolved(t, from, resolve(from, IDC_PP_PORTAL(pp), t->root, me), pp, args);
    irq_restore(f);
    return status;
}

/* Invoke a portal the kernel holds by pointer (interrupt delivery, a
 * domain's pager). */
int portal_call(struct portal *p, uint32_t proc, struct idc_args *a)
{
    if (!cur) return -KEA_EINVAL;
    uint32_t f = irq_save();
    int status = invoke_resolved(cur, cur->act[cur->depth].dom, p, IDC_PP(0, proc), a);
    irq_restore(f);
    return status;
}

/* Run fn(arg) in domain d on the current thread, as an IDC through a
 * portal that exists only for this call (constructors, destructors). */
int domain_call(struct domain *d, uint32_t fn, uint32_t arg)
{
    struct portal p = { .id = -1, .dom = d, .handler = (idc_handler_t)fn, .arg = (void *)arg };
    struct idc_args args = { .w = { 0, 0, 0 } };
    if (!cur) return -KEA_EINVAL;
    uint32_t f = irq_save();
    int status = invoke_resolved(cur, cur->act[cur->depth].dom, &p, 0, &args);
    irq_restore(f);
    return status;
}
