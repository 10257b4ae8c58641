/* The user side of the IDC trap: portal_invoke(), the entry a callee is
 * started at, and the start of every thread.  Register conventions are in
 * include/kea/idc.h. */
#include <kea/idc.h>
#include <kea/tls.h>

/* struct idc_args offsets */
#define A_W0      0
#define A_IN      12
#define A_INLEN   16
#define A_OUTCAP  24
#define A_OUTLEN  28

        .text
/* int portal_invoke(uint32_t pp, struct idc_args *a) */
        .globl portal_invoke
        .type portal_invoke, @function
portal_invoke:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    20(%esp), %eax
        movl    24(%esp), %ebp
        pushl   %ebp
        movl    A_W0(%ebp), %ebx
        movl    A_W0+4(%ebp), %esi
        movl    A_W0+8(%ebp), %edi
        movl    A_INLEN(%ebp), %ecx
        orl     A_OUTCAP(%ebp), %ecx
        jz      1f
        leal    A_IN(%ebp), %ebp        /* buffers: the kernel reads in..out_cap */
        jmp     2f
1:      xorl    %ebp, %ebp
2:      cmpb    $0, %gs:TLS_SYSENTER
        je      3f
        movl    %esp, %ecx
        movl    $4f, %edx
        sysenter
3:      int     $0x80
4:      popl    %ecx
        movl    %ebx, A_W0(%ecx)
        movl    %esi, A_W0+4(%ecx)
        movl    %edi, A_W0+8(%ecx)
        movl    %ebp, A_OUTLEN(%ecx)
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret
        .size portal_invoke, .-portal_invoke

/* The callee side: build struct idc_call on the fresh activation stack,
 * call handler(arg, &call), return its status and results. */
        .globl __kea_upcall
        .type __kea_upcall, @function
__kea_upcall:
        popl    %ecx                    /* handler argument */
        popl    %edx                    /* in_len | out_cap << 16 */
        subl    $40, %esp
        movl    %ebx, 4(%esp)           /* w[0..2] */
        movl    %esi, 8(%esp)
        movl    %edi, 12(%esp)
        leal    40(%esp), %ebx          /* in: where the stack started */
        movl    %ebx, 16(%esp)
        movzwl  %dx, %esi
        movl    %esi, 20(%esp)          /* in_len */
        addl    $4096, %ebx
        movl    %ebx, 24(%esp)          /* out */
        shrl    $16, %edx
        movl    %edx, 28(%esp)          /* out_cap */
        movl    $0, 32(%esp)            /* out_len */
        movzwl  %bp, %edx
        movl    %edx, 0(%esp)           /* proc */
        shrl    $16, %ebp
        movl    %ebp, 36(%esp)          /* caller */
        movl    %esp, %edx
        xorl    %ebp, %ebp              /* ends backtraces here */
        pushl   %edx
        pushl   %ecx
        call    *%eax
        addl    $8, %esp
        movl    %eax, %ecx              /* status */
        movl    4(%esp), %ebx
        movl    8(%esp), %esi
        movl    12(%esp), %edi
        movl    32(%esp), %edx          /* out_len */
        movl    $IDC_RETURN, %eax
        cmpb    $0, %gs:TLS_SYSENTER
        je      1f
        sysenter
1:      int     $0x80
        ud2                             /* a return with no caller */
        .size __kea_upcall, .-__kea_upcall

/* Every thread starts here with eax = function, ecx and edx = its two
 * arguments (a spawned program's main(n, args)). */
        .globl __kea_thread_start
        .type __kea_thread_start, @function
__kea_thread_start:
        xorl    %ebp, %ebp
        pushl   %edx
        pushl   %ecx
        call    *%eax
        pushl   %eax
        call    exit
        ud2
        .size __kea_thread_start, .-__kea_thread_start
