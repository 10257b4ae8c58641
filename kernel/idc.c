/* The IDC path: portal_invoke() from a user domain (idc_syscall) or from
 * kernel code (portal_invoke), into a user domain or a kernel-placed service.
 *
 * An invocation pushes an activation of the portal's domain on the calling
 * thread and runs the handler there; the return pops it.  No scheduler, no
 * allocation in the common case: activation slots are cached per domain, the
 * activation records live in the thread.  Interrupts are off throughout
 * (sysenter and interrupt gates clear IF), which is what makes a remap atomic
 * with respect to invocations on our single CPU. */
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "irqsvc.h"
#include "pager_client.h"
#include "service.h"

int idc_have_sysenter;

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_EIP 0x176
extern void sysenter_entry(void);

/* Use sysenter where the CPU has it (CPUID.1:EDX.SEP) unless the kernel
 * command line says idc=int; int 0x80 otherwise.  The runtime reads the
 * choice from its domain's TLS block. */
void idc_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if ((d & (1u << 11)) && !cmdline_has("idc=int")) {
        wrmsr(MSR_SYSENTER_CS, KCODE_SEL);
        wrmsr(MSR_SYSENTER_EIP, (uint32_t)sysenter_entry);
        idc_have_sysenter = 1;
    }
    printf("idc: portal_invoke through %s\n", idc_have_sysenter ? "sysenter" : "int 0x80");
}

/* The caller's buffer descriptor: the four fields of struct idc_args from `in`. */
struct idc_bufs { uint32_t in, in_len, out, out_cap; };

/* The rooted part of resolve, out of line (a root with rooted remaps is the
 * rare case) and static, so that gcc knows which registers it uses and the
 * common path keeps its allocation.  A portal no root remaps (p->rooted is
 * 0) cannot be in the map: one test, however many remaps of other portals
 * the map holds. */
static __attribute__((noinline, regparm(3))) struct portal *
rooted_redirect(const struct domain *root, struct portal *p, const void *me)
{
    if (!p->rooted)
        return 0;
    struct portal *q = rooted_lookup(root->rooted, p);
    return q && q->owner != me ? q : 0;
}

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
    if (root->rooted) {
        struct portal *q = rooted_redirect(root, p, me);
        if (q)
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

static void switch_space(struct thread *t, struct domain *d)
{
    if (t->space != d) {
        t->space = d;
        lcr3(d->cr3);
        if (io_domains)
            io_switch(d);
    }
}

static void idc_return(struct thread *t, struct trapframe *tf, int status, uint32_t out_len);

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

/* A user domain invoked a kernel-placed service: run it on this stack. */
static void call_kernel(struct thread *t, struct trapframe *tf, struct portal *p,
                        struct idc_bufs *b, struct domain *from)
{
    int depth = t->depth + 1;
    uint8_t *kb = t->kbuf[depth];
    if (!kb && (b->in_len || b->out_cap)) {
        kb = t->kbuf[depth] = kmalloc(2 * IDC_BUF_MAX);
        if (!kb) { tf->eax = (uint32_t)-KEA_ENOMEM; tf->ebp = 0; return; }
    }
    if (b->in_len && copy_from_user(kb, b->in, b->in_len)) {
        tf->eax = (uint32_t)-KEA_EFAULT;
        tf->ebp = 0;
        return;
    }
    struct idc_call c = {
        .proc = IDC_PP_PROC(tf->eax), .w = { tf->ebx, tf->esi, tf->edi },
        .in = kb, .in_len = b->in_len, .out = kb + IDC_BUF_MAX, .out_cap = b->out_cap,
        .caller = (uint32_t)from->id,
    };
    struct activation *a = &t->act[depth];
    a->dom = kernel_domain;
    a->portal = p;
    a->slot = 0;
    t->depth = depth;
    p->calls++;
    int status = kernel_call(a, p, &c);
    t->depth = depth - 1;
    switch_space(t, from);          /* in case the handler called out */
    if (t->end_call) {
        end_exiting_call(t, tf);
        return;
    }
    if (c.out_len > b->out_cap) { status = -KEA_E2BIG; c.out_len = 0; }
    if (c.out_len && copy_to_user(b->out, kb + IDC_BUF_MAX, c.out_len)) status = -KEA_EFAULT;
    tf->eax = (uint32_t)status;
    tf->ebx = c.w[0];
    tf->esi = c.w[1];
    tf->edi = c.w[2];
    tf->ebp = c.out_len;
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
    a->ret_eip = tf->eip;
    a->ret_esp = tf->esp;
    a->out_uptr = out_uptr;
    a->out_cap = lens >> 16;
    a->since = (uint32_t)timer_ticks;
    p->calls++;
    to->active++;
    switch_space(t, to);
    tf->ebp = IDC_PP_PROC(tf->eax) | (uint32_t)from->id << 16;
    tf->eax = (uint32_t)p->handler;
    s->entry_kva[0] = (uint32_t)p->arg;
    s->entry_kva[1] = lens;
    tf->eip = to->upcall_entry;
    tf->esp = SLOT_STACK_TOP(s) - 8;
}


/* Every invocation the fast path does not take: errors, buffers, kernel
 * targets, a domain with no cached activation slot. */
static __attribute__((noinline)) void idc_call_general(struct thread *t, struct trapframe *tf,
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
    if (tf->ebp) {
        err = KEA_EFAULT;
        if (copy_from_user(&b, tf->ebp, sizeof b)) goto fail;
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
    tf->eax = (uint32_t)-err;
    tf->ebp = 0;                         /* no out-buffer bytes */
}

/* portal_invoke from a user domain.  The fast path is a call between user
 * domains without buffers into a domain with a cached activation slot:
 * look up, push the activation, switch address space, enter the callee. */
void idc_syscall(struct trapframe *tf)
{
    struct thread *t = cur;
    uint32_t pp = tf->eax;
    /* Whatever domain the trap returns to gets clean segments and flags:
     * the same on both entries, and nothing of the caller's reaches a callee. */
    user_frame_reset(tf);
    if (pp == IDC_RETURN) {
        idc_return(t, tf, (int)tf->ecx, tf->edx);
        return;
    }
    struct domain *from = t->act[t->depth].dom;
    struct portal *p = resolve(from, IDC_PP_PORTAL(pp), t->root, from);
    struct domain *to;
    struct actslot *s;
    if (__builtin_expect(!p || !(to = p->dom) || tf->ebp || t->depth + 1 >= MAX_DEPTH || p->held, 0)) {
        idc_call_general(t, tf, p, from);
        return;
    }
    if (to->is_kernel) {                 /* a kernel-placed service, no buffers */
        struct idc_call c = {
            .proc = IDC_PP_PROC(pp), .w = { tf->ebx, tf->esi, tf->edi }, .caller = (uint32_t)from->id,
        };
        struct activation *a = &t->act[++t->depth];
        a->dom = to;
        a->portal = p;
        a->slot = 0;
        p->calls++;
        tf->eax = (uint32_t)kernel_call(a, p, &c);
        t->depth--;
        switch_space(t, from);           /* in case the service called out */
        if (t->end_call) {
            end_exiting_call(t, tf);
            return;
        }
        tf->ebx = c.w[0];
        tf->esi = c.w[1];
        tf->edi = c.w[2];
        tf->ebp = 0;
        return;
    }
    if (!(s = to->free_slots)) {
        idc_call_general(t, tf, p, from);
        return;
    }
    to->free_slots = s->next;
    enter_callee(t, tf, p, s, from, 0, 0);
}

/* The callee returned (or faulted: status -KEA_ECALLEEFAULT): pop its
 * activation, copy the out-buffer to the caller, resume the caller. */
static void idc_return(struct thread *t, struct trapframe *tf, int status, uint32_t out_len)
{
    if (t->depth == 0) {                 /* nobody called this activation */
        tf->eax = (uint32_t)-KEA_EINVAL;
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
        k->w[0] = tf->ebx;
        k->w[1] = tf->esi;
        k->w[2] = tf->edi;
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
    tf->eax = (uint32_t)status;
    tf->ebp = out_len;
    tf->eip = a->ret_eip;
    tf->esp = a->ret_esp;
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
    p->calls++;
    to->active++;
    if (kctx_save(a->kctx))
        return a->status;                /* resumed by idc_return */

    uint32_t top = ((uint32_t)__builtin_frame_address(0) - 256) & ~15u;
    struct trapframe *tf = (struct trapframe *)(top - sizeof *tf);
    user_frame_init(tf, to->upcall_entry, SLOT_STACK_TOP(s) - 8);
    s->entry_kva[0] = (uint32_t)p->arg;
    s->entry_kva[1] = args->in_len | a->out_cap << 16;
    tf->eax = (uint32_t)p->handler;
    tf->ebx = args->w[0];
    tf->esi = args->w[1];
    tf->edi = args->w[2];
    tf->ebp = IDC_PP_PROC(pp) | (uint32_t)from->id << 16;
    t->kstack_top = top;
    set_kstack(top);
    switch_space(t, to);
    enter_user(tf);
}

static int invoke_resolved(struct thread *t, struct domain *from, struct portal *p,
                           uint32_t pp, struct idc_args *args)
{
    int status;
    if (!p) status = -KEA_EBADPORTAL;
    else if (p->held && svc_hold_wait(p)) status = -KEA_EDEAD;  /* replaced: wait; or failed */
    else if (!p->dom) status = -KEA_EDEAD;
    else if (t->depth + 1 >= MAX_DEPTH) status = -KEA_EDEPTH;
    else if (args->in_len > p->in_max) status = -KEA_E2BIG;
    else if (!p->dom->is_kernel) status = upcall(t, p, pp, args, from);
    else {
        struct idc_call c = {
            .proc = IDC_PP_PROC(pp), .w = { args->w[0], args->w[1], args->w[2] },
            .in = args->in, .in_len = args->in_len, .out = args->out,
            .out_cap = args->out_cap < p->out_max ? args->out_cap : p->out_max,
            .caller = (uint32_t)from->id,
        };
        struct activation *a = &t->act[++t->depth];
        a->dom = kernel_domain;
        a->portal = p;
        a->slot = 0;
        p->calls++;
        status = kernel_call(a, p, &c);
        t->depth--;
        args->w[0] = c.w[0];             /* not memcpy: a call on this path */
        args->w[1] = c.w[1];
        args->w[2] = c.w[2];
        args->out_len = c.out_len <= c.out_cap ? c.out_len : 0;
    }
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

/* Invoke a portal the kernel holds by pointer (interrupt delivery). */
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

/* A CPU exception in user mode.  Inside an IDC, the callee's activation is
 * unwound and its caller gets -KEA_ECALLEEFAULT; in a thread's own domain
 * (no caller) the thread ends. */
/* A page fault in the paged area of a domain with a pager: ask the pager,
 * on this thread, to make the page present.  1 = resolved, retry. */
static int page_in(struct thread *t, struct domain *d, struct trapframe *tf)
{
    uint32_t va = rcr2();
    if (tf->trapno != T_PGFLT || !d->pager || va < PAGED_BASE || va >= PAGED_TOP)
        return 0;
    struct idc_args a = { .w = { (uint32_t)d->id, va & ~(PGSIZE - 1), (tf->err & 2) ? 1u : 0u } };
    d->faults++;
    int r = invoke_resolved(t, d, d->pager, IDC_PP(0, PAGER_PROC_FAULT), &a);
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
    if (page_in(t, d, tf))
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
