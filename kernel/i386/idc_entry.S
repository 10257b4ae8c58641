/* portal_invoke() entry through sysenter, and the way back with sysexit.
 *
 * sysenter arrives with interrupts off, CS/SS flat kernel, esp = the thread's
 * kernel stack top (MSR_SYSENTER_ESP, kept equal to the TSS esp0), the user's
 * return address in edx and stack in ecx (the runtime's stub puts them
 * there).  We lay out a struct trapframe like an int 0x80 would, filling
 * only what idc_syscall() reads and writes (general registers, eip, esp), so
 * one C function serves both entries and may rewrite those fields: the exit
 * restores the registers and resumes at frame eip/esp, which after an IDC
 * belong to another domain.  ds/es/fs need no saving: kernel and user use
 * the same flat data selector for them (gdt.c); only %gs differs. */
#include "x86.h"
#include "arch.h"

        .text
        .globl sysenter_entry
sysenter_entry:
        subl    $4, %esp                /* ss: not used on this path */
        pushl   %ecx                    /* esp */
        subl    $8, %esp                /* eflags, cs */
        pushl   %edx                    /* eip */
        subl    $24, %esp               /* err, trapno, ds, es, fs, gs */
        pushal
        movw    $KTLS_SEL, %cx          /* kernel-placed services read their */
        movw    %cx, %gs                /* stack canary at %gs:0x14 */
        pushl   %esp
        call    idc_syscall
        addl    $4, %esp
        movw    $UTLS_SEL, %cx          /* before popal: no register is free after */
        movw    %cx, %gs
        popal
        addl    $24, %esp
        popl    %edx                    /* eip */
        addl    $8, %esp
        popl    %ecx                    /* esp */
        sti                             /* takes effect after sysexit */
        sysexit

/* void enter_user(struct trapframe *tf): leave the kernel through tf. */
        .globl enter_user
enter_user:
        movl    4(%esp), %esp
        jmp     trapret
