/* Interface between the generic kernel and the i386 architecture code. */
#ifndef KEA_ARCH_H
#define KEA_ARCH_H

#define T_DIVIDE  0
#define T_DEBUG   1
#define T_NMI     2
#define T_BRKPT   3
#define T_GPFLT   13
#define T_PGFLT   14
#define T_IRQ0    32
#define T_SYSCALL 0x80
#define NIRQ      16

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "x86.h"

/* Register state saved on every trap, interrupt and system call
 * (the layout is fixed by trapentry.S). */
struct trapframe {
    uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;   /* pushal */
    uint32_t gs, fs, es, ds;
    uint32_t trapno, err;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;          /* only valid when the trap came from ring 3 */
};
/* trapentry.S and idc_entry.S rely on this layout (pushal, then the four
 * data segments, then what the CPU pushes); they use the offsets that
 * asm-offsets.c generates, and these asserts keep the order pushal fixes. */
_Static_assert(__builtin_offsetof(struct trapframe, edi) == 0, "pushal order");
_Static_assert(__builtin_offsetof(struct trapframe, eax) == 28, "pushal order");
_Static_assert(__builtin_offsetof(struct trapframe, gs) == 32, "segments after pushal");
_Static_assert(__builtin_offsetof(struct trapframe, ds) == 44, "segments after pushal");
_Static_assert(__builtin_offsetof(struct trapframe, trapno) == 48, "vector, error code");
_Static_assert(__builtin_offsetof(struct trapframe, eip) == 56, "the CPU's iret frame");
_Static_assert(__builtin_offsetof(struct trapframe, ss) == 72, "the CPU's iret frame");
_Static_assert(sizeof(struct trapframe) == 76, "trap frame size");

/* The return to user mode (trap.c).  user_frame_reset: the frame of a
 * transfer into another activation (IDC call, return, unwind) gets clean
 * segments and flags, nothing of the previous domain's.  user_frame_check:
 * any other frame keeps only what a user domain may hold itself (its own
 * valid data selectors, EFLAGS_USER bits), with interrupts on. */
static inline void user_frame_reset(struct trapframe *tf)
{
    tf->cs = UCODE_SEL;
    tf->ss = tf->ds = tf->es = tf->fs = UDATA_SEL;
    tf->gs = UTLS_SEL;
    tf->eflags = EFLAGS_IF | EFLAGS_FIXED;
}
void user_frame_check(struct trapframe *tf);
void user_frame_init(struct trapframe *tf, uint32_t eip, uint32_t esp);

/* sysenter.c: the MSRs of the sysenter entry. */
extern int idc_have_sysenter;
int  sysenter_init(uint32_t entry);    /* 1 if sysenter is in use */
void sysenter_set_stack(uint32_t top);

/* The block %gs points at: gcc's stack protector reads %gs:0x14. */
struct kernel_tls {
    void *self;                /* 0x00 */
    uint32_t pad[4];
    uint32_t stack_guard;      /* 0x14 */
};
extern struct kernel_tls kernel_tls;

void gdt_init(void);
void tss_set_kstack(uint32_t esp0);
void tss_load_iomap(const uint8_t *map);

void idt_init(void);
typedef void (*irq_handler_t)(struct trapframe *tf, void *arg);
int  kirq_attach(int irq, irq_handler_t fn, void *arg);
void irq_mask(int irq, int masked);

void pic_init(void);
void pic_eoi(int irq);
void pic_set_mask(int irq, int masked);

void timer_init(unsigned hz);
extern volatile uint64_t timer_ticks;
extern unsigned timer_hz;

void paging_init(uint32_t phys_top);   /* maps [0, phys_top) at KERNBASE */
uint32_t directmap_top(void);          /* that phys_top, rounded up to 4 MiB */
uint32_t *kernel_pgdir(void);

void backtrace_from(uint32_t eip, uint32_t ebp);
void dump_trapframe(const struct trapframe *tf);

__attribute__((noreturn)) void arch_poweroff(void);
__attribute__((noreturn)) void arch_halt(int status);

#endif /* __ASSEMBLER__ */
#endif
