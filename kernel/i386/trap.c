/* Interrupt descriptor table and trap dispatch.
 *
 * CPU exceptions raised by kernel code are fatal: trap() prints the exception,
 * the registers, the faulting address for page faults and a symbolized
 * backtrace, then halts the machine with a distinct status.  Two kernel-mode
 * exceptions are expected and handled: a page fault inside copy_from_user /
 * copy_to_user (resumed at its fixup), and the single-step trap a user
 * domain causes by entering with sysenter while EFLAGS.TF is set (sysenter
 * does not clear TF, so the trap is taken at the entry's first
 * instructions; idc_entry.S clears TF right there).  Hardware interrupts go
 * to the handler attached to their IRQ line.  Every frame that returns to
 * user mode is checked on the way out (user_frame_check). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "x86.h"
#include "arch.h"
#include "../kernel.h"
#include "../proc.h"

struct gatedesc {
    uint16_t off_lo, sel;
    uint8_t  zero, type_attr;
    uint16_t off_hi;
} __attribute__((packed));

static struct gatedesc idt[256];
extern uint32_t trap_vectors[48];
extern void vector128(void);

static struct { irq_handler_t fn; void *arg; } irq_table[NIRQ];

/* type_attr: present | DPL | 32-bit interrupt gate (IF cleared on entry). */
static void set_gate(int vec, uint32_t handler, int dpl)
{
    idt[vec].off_lo = handler & 0xffff;
    idt[vec].sel = KCODE_SEL;
    idt[vec].zero = 0;
    idt[vec].type_attr = (uint8_t)(0x8e | (dpl << 5));
    idt[vec].off_hi = handler >> 16;
}

void idt_init(void)
{
    for (int v = 0; v < 48; v++)
        set_gate(v, trap_vectors[v], 0);
    set_gate(T_BRKPT, trap_vectors[T_BRKPT], 3);     /* int3 allowed from user */
    set_gate(T_SYSCALL, (uint32_t)vector128, 3);     /* portal_invoke fallback */
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr =
        { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

int kirq_attach(int irq, irq_handler_t fn, void *arg)
{
    if (irq < 0 || irq >= NIRQ || (irq_table[irq].fn && fn))
        return -1;
    irq_table[irq].fn = fn;
    irq_table[irq].arg = arg;
    pic_set_mask(irq, fn == 0);
    return 0;
}

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved",
    "x87 floating point", "alignment check", "machine check", "SIMD floating point",
    "virtualization", "control protection",
};

const char *trap_name(uint32_t trapno)
{
    if (trapno < 32)
        return exception_names[trapno] ? exception_names[trapno] : "reserved";
    if (trapno >= T_IRQ0 && trapno < T_IRQ0 + NIRQ) return "hardware interrupt";
    if (trapno == T_SYSCALL) return "system call";
    return "unknown";
}

void dump_trapframe(const struct trapframe *tf)
{
    printf("  eax=%08x ebx=%08x ecx=%08x edx=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    printf("  esi=%08x edi=%08x ebp=%08x esp=%08x\n", tf->esi, tf->edi, tf->ebp,
           (tf->cs & 3) ? tf->esp : tf->oesp + 20);
    printf("  eip=%08x eflags=%08x cs=%04x ds=%04x es=%04x fs=%04x gs=%04x",
           tf->eip, tf->eflags, tf->cs & 0xffff, tf->ds & 0xffff, tf->es & 0xffff,
           tf->fs & 0xffff, tf->gs & 0xffff);
    if (tf->cs & 3) printf(" ss=%04x", tf->ss & 0xffff);
    printf("\n  cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", rcr0(), rcr2(), rcr3(), rcr4());
}

static void kernel_exception(struct trapframe *tf)
{
    recover_kernel_fault(tf);            /* in a kernel-placed service: unwound, no return */
    printf("\n*** kernel exception %u (%s), error code %#x, at eip %08x",
           tf->trapno, trap_name(tf->trapno), tf->err, tf->eip);
    const char *fn = ksym_name(tf->eip, 0);
    if (fn) printf(" <%s>", fn);
    printf("\n");
    if (tf->trapno == T_PGFLT)
        printf("  page fault address %08x (%s, %s, %s mode)\n", rcr2(),
               (tf->err & 1) ? "protection violation" : "page not present",
               (tf->err & 2) ? "write" : "read", (tf->err & 4) ? "user" : "kernel");
    dump_trapframe(tf);
    backtrace_from(tf->eip, tf->ebp);
    printf("kea: halted after fatal exception\n");
    arch_halt(KEA_EXIT_FAULT);
}

extern const uint32_t uaccess_fixups[][2];
extern const uint32_t uaccess_nfixups;

/* A page fault inside copy_from_user/copy_to_user: resume at its fixup. */
int fixup_fault(struct trapframe *tf)
{
    for (uint32_t i = 0; i < uaccess_nfixups; i++)
        if (tf->eip == uaccess_fixups[i][0]) {
            tf->eip = uaccess_fixups[i][1];
            return 1;
        }
    return 0;
}

extern const char sysenter_entry[], sysenter_singlestep_end[];
extern const char idc_fast_entry[], idc_fast_singlestep_end[];

/* A debug trap in kernel mode at the start of the sysenter entry, before
 * (or just after) its popfl cleared TF: the user's single step reached the
 * kernel.  Linux's i386 entry treats it the same way (its "SYSENTER
 * single-step region").  Return to the entry with TF clear.  Either
 * entry: the fast path's (idc_fast.S) starts the same way. */
static int sysenter_singlestep(struct trapframe *tf)
{
    if (tf->trapno != T_DEBUG)
        return 0;
    if ((tf->eip < (uint32_t)sysenter_entry || tf->eip > (uint32_t)sysenter_singlestep_end) &&
        (tf->eip < (uint32_t)idc_fast_entry || tf->eip > (uint32_t)idc_fast_singlestep_end))
        return 0;
    tf->eflags &= ~EFLAGS_TF;
    return 1;
}

/* A data segment selector a user domain may return with: null, the flat
 * user data segment or its TLS segment, at RPL 3; anything else becomes
 * `dflt`.  (The CPU lets ring 3 load a few more, such as its code segment
 * or RPL 0 copies; none is needed and none is kept.) */
static uint32_t user_sel(uint32_t sel, uint32_t dflt)
{
    sel &= 0xffff;
    if ((sel & ~3u) == 0) return 0;
    sel |= 3;
    return sel == UDATA_SEL || sel == UTLS_SEL ? sel : dflt;
}

/* The frame a new user context starts from (a thread's first entry, an
 * upcall from the kernel): user selectors, interrupts on, nothing else. */
void user_frame_init(struct trapframe *tf, uint32_t eip, uint32_t esp)
{
    memset(tf, 0, sizeof *tf);
    tf->cs = UCODE_SEL;
    tf->ds = tf->es = tf->fs = tf->ss = UDATA_SEL;
    tf->gs = UTLS_SEL;
    tf->eflags = EFLAGS_IF;
    tf->eip = eip;
    tf->esp = esp;
}

void user_frame_check(struct trapframe *tf)
{
    tf->cs = UCODE_SEL;
    tf->ss = UDATA_SEL;
    tf->ds = user_sel(tf->ds, UDATA_SEL);
    tf->es = user_sel(tf->es, UDATA_SEL);
    tf->fs = user_sel(tf->fs, UDATA_SEL);
    tf->gs = user_sel(tf->gs, UTLS_SEL);
    tf->eflags = (tf->eflags & EFLAGS_USER) | EFLAGS_IF | EFLAGS_FIXED;
}

static void trap_dispatch(struct trapframe *tf)
{
    if (tf->trapno == T_SYSCALL) {
        /* Whatever domain this int 0x80 returns to gets clean segments and
         * flags, nothing of the caller's (the sysenter path has them from
         * its sysexit, which takes none of them from the frame). */
        user_frame_reset(tf);
        idc_syscall(tf);
        return;
    }
    if (tf->trapno >= T_IRQ0 && tf->trapno < T_IRQ0 + NIRQ) {
        int irq = (int)tf->trapno - T_IRQ0;
        /* IRQ 7 and 15 can be spurious (8259 quirk): no EOI for those. */
        if (irq_table[irq].fn)
            irq_table[irq].fn(tf, irq_table[irq].arg);
        pic_eoi(irq);
        /* A call running too long is ended (kernel/recover.c): in a user
         * domain, or in a kernel-placed service's code (interrupts on). */
        if (cur && cur->depth && (tf->cs & 3))
            deadline_check(tf);
        else if (cur && cur->depth && (tf->eflags & EFLAGS_IF))
            recover_kernel_deadline(tf);
        /* Preempt user-mode execution only, after the EOI: kernel code runs
         * until it sleeps, yields or returns to user mode. */
        if (need_resched && cur && (tf->cs & 3)) {
            need_resched = 0;
            sched_yield();
        }
        return;
    }
    if (tf->cs & 3) {
        user_exception(tf);
        return;
    }
    if (tf->trapno == T_PGFLT && fixup_fault(tf))
        return;
    if (sysenter_singlestep(tf))
        return;
    kernel_exception(tf);
}

void trap(struct trapframe *tf)
{
    trap_dispatch(tf);
    if (tf->cs & 3)
        user_frame_check(tf);
}
