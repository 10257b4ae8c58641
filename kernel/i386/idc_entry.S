/* portal_invoke() entry through sysenter, and the way back with sysexit.
 *
 * sysenter arrives with interrupts off, CS/SS flat kernel, esp = the thread's
 * kernel stack top (MSR_SYSENTER_ESP, kept equal to the TSS esp0), the user's
 * return address in edx and stack in ecx (the runtime's stub puts them
 * there).  Everything else is the user's and is not trusted:
 *
 *   EFLAGS  sysenter clears only IF and VM.  With TF set the CPU raises a
 *           single-step debug exception at our first instruction (trap.c
 *           recognises the region up to sysenter_singlestep_end and clears
 *           TF in the frame it returns to); DF, NT, AC and IOPL the user
 *           set would reach C code.  The first two instructions load a
 *           known EFLAGS (only bit 1), as Linux's i386 entry does.
 *   %ds %es %fs %gs  still the user's: a user selector with a base (the
 *           domain's TLS segment) would shift every kernel data access.
 *           Nothing here touches memory except through %ss/%esp until they
 *           hold the kernel's selectors.
 *
 * Unless the command line says fastpath=off, sysenter lands in the fast
 * path (idc_fast.S) first, which jumps to sysenter_slow below for anything
 * it does not serve, with EFLAGS already clean and the registers untouched.
 *
 * We lay out a struct trapframe like an int 0x80 would (offsets from the
 * generated asm-offsets.h), filling what idc_syscall() reads and writes
 * (general registers, eip, esp, trapno), so one C function serves both
 * entries and may rewrite those fields: the exit restores the registers and
 * resumes at frame eip/esp, which after an IDC belong to another domain.
 * The frame's segment, cs, ss and eflags fields are not filled and never
 * used: this frame only ever leaves through the sysexit below.
 * The way out loads the flat user data selectors and the user %gs, never
 * values from the frame; EFLAGS on return is the kernel's (clean) plus IF. */
#include "x86.h"
#include "arch.h"
#include "asm-offsets.h"

        .text
        .globl sysenter_entry, sysenter_singlestep_end, sysenter_slow, sysenter_exit
sysenter_entry:
        pushl   $EFLAGS_FIXED           /* (ss-relative: no data segment used) */
        popfl                           /* TF, DF, NT, AC, IOPL = 0; IF stays 0 */
sysenter_singlestep_end:                /* a trap after popfl reports this eip */
sysenter_slow:                          /* the fast path's misses join here: EFLAGS clean,
                                           registers as sysenter left them */
        subl    $TF_SIZE, %esp
        movl    %eax, TF_EAX(%esp)
        movl    %ebx, TF_EBX(%esp)
        movl    %ecx, TF_ECX(%esp)
        movl    %edx, TF_EDX(%esp)
        movl    %esi, TF_ESI(%esp)
        movl    %edi, TF_EDI(%esp)
        movl    %ebp, TF_EBP(%esp)
        movl    %ecx, TF_ESP(%esp)      /* user stack */
        movl    %edx, TF_EIP(%esp)      /* user return address */
        movl    $T_SYSCALL, TF_TRAPNO(%esp)
        movw    $KDATA_SEL, %ax         /* the kernel's data segments */
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    $KTLS_SEL, %ax          /* kernel-placed services read their */
        movw    %ax, %gs                /* stack canary at %gs:0x14 */
        pushl   %esp
        call    idc_syscall
        addl    $4, %esp
sysenter_exit:                          /* esp = the frame to leave through */
        movw    $UDATA_SEL, %ax         /* user selectors: constants, not the frame's */
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    $UTLS_SEL, %ax
        movw    %ax, %gs
        movl    TF_EAX(%esp), %eax      /* from here on only %ss/%esp addressing */
        movl    TF_EBX(%esp), %ebx
        movl    TF_ESI(%esp), %esi
        movl    TF_EDI(%esp), %edi
        movl    TF_EBP(%esp), %ebp
        movl    TF_EIP(%esp), %edx
        movl    TF_ESP(%esp), %ecx
        addl    $TF_SIZE, %esp
        sti                             /* takes effect after sysexit */
        sysexit

/* void enter_user(struct trapframe *tf): leave the kernel through tf. */
        .globl enter_user
enter_user:
        movl    4(%esp), %esp
        jmp     trapret
