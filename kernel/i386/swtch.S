/* Kernel context switching and resumable kernel contexts. */

/* void swtch(uint32_t *save_esp, uint32_t new_esp)
 * Saves the callee-saved registers on the current stack, stores esp in
 * *save_esp, switches to new_esp and pops the registers saved there. */
        .text
        .globl swtch
swtch:
        movl    4(%esp), %eax
        movl    8(%esp), %edx
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, (%eax)
        movl    %edx, %esp
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret

/* int kctx_save(uint32_t ctx[6]): like setjmp.  Returns 0; returns 1 when
 * kctx_resume(ctx) is called later (from deeper on the same stack). */
        .globl kctx_save
kctx_save:
        movl    4(%esp), %eax
        movl    %ebx, 0(%eax)
        movl    %esi, 4(%eax)
        movl    %edi, 8(%eax)
        movl    %ebp, 12(%eax)
        leal    4(%esp), %ecx
        movl    %ecx, 16(%eax)
        movl    (%esp), %ecx
        movl    %ecx, 20(%eax)
        xorl    %eax, %eax
        ret

        .globl kctx_resume
kctx_resume:
        movl    4(%esp), %eax
        movl    0(%eax), %ebx
        movl    4(%eax), %esi
        movl    8(%eax), %edi
        movl    12(%eax), %ebp
        movl    16(%eax), %esp
        movl    20(%eax), %ecx
        movl    $1, %eax
        jmp     *%ecx

/* A new kernel thread starts here (its first swtch "returns" here) with
 * the function in ebx and its argument in esi. */
        .globl kthread_start
kthread_start:
        sti
        pushl   %esi
        call    *%ebx
        pushl   %eax
        call    kthread_exit

/* A new user thread starts here: its trap frame is on the stack. */
        .globl uthread_start
uthread_start:
        jmp     trapret
