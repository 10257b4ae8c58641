/* portal_invoke() entry through sysenter, and the way back with sysexit.
 *
 * sysenter arrives with interrupts off, CS/SS flat kernel, esp = the thread's
 * kernel stack top (MSR_SYSENTER_ESP, kept equal to the TSS esp0), the user's
 * return address in edx and stack in ecx (the runtime's stub puts them
 * there).  We build the same struct trapframe an int 0x80 would, so
 * idc_syscall() serves both and may rewrite any field: the exit restores
 * every register from the frame and resumes at frame eip/esp, which after an
 * IDC belong to another domain. */
#include "x86.h"
#include "arch.h"

        .text
        .globl sysenter_entry
sysenter_entry:
        pushl   $UDATA_SEL              /* ss */
        pushl   %ecx                    /* esp */
        pushl   $0x202                  /* eflags: IF */
        pushl   $UCODE_SEL              /* cs */
        pushl   %edx                    /* eip */
        pushl   $0                      /* err */
        pushl   $T_SYSCALL              /* trapno */
        pushl   %ds
        pushl   %es
        pushl   %fs
        pushl   %gs
        pushal
        movw    $KTLS_SEL, %cx          /* kernel-placed services read their */
        movw    %cx, %gs                /* stack canary at %gs:0x14 */
        pushl   %esp
        call    idc_syscall
        addl    $4, %esp
        popal
        popl    %gs
        popl    %fs
        popl    %es
        popl    %ds
        addl    $8, %esp                /* trapno, err */
        movl    (%esp), %edx            /* eip */
        movl    12(%esp), %ecx          /* esp */
        sti                             /* takes effect after sysexit */
        sysexit

/* void enter_user(struct trapframe *tf): leave the kernel through tf. */
        .globl enter_user
enter_user:
        movl    4(%esp), %esp
        jmp     trapret
