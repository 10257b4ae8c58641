/* copy_from_user / copy_to_user: copies between the kernel and the current
 * user address space that fail with -KEA_EFAULT instead of faulting the
 * kernel.  The range is checked against USER_TOP here; a page that is not
 * mapped (or read-only, for writes: CR0.WP is on) faults inside the copy
 * instruction, and trap() resumes at the fixup listed in uaccess_fixups. */
#include <kea/memlayout.h>
#include <kea/idc.h>

        .text
/* int copy_from_user(void *dst, uint32_t usrc, uint32_t n) */
        .globl copy_from_user
copy_from_user:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %edi
        movl    16(%esp), %esi
        movl    20(%esp), %ecx
        movl    %esi, %eax
        jmp     copy_checked

/* int copy_to_user(uint32_t udst, const void *src, uint32_t n) */
        .globl copy_to_user
copy_to_user:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %edi
        movl    16(%esp), %esi
        movl    20(%esp), %ecx
        movl    %edi, %eax

copy_checked:                           /* eax = the user address */
        addl    %ecx, %eax
        jc      copy_bad
        cmpl    $USER_TOP, %eax
        ja      copy_bad
        movl    %ecx, %eax
        shrl    $2, %ecx
        cld
copy_words:
        rep movsl
        movl    %eax, %ecx
        andl    $3, %ecx
copy_bytes:
        rep movsb
        xorl    %eax, %eax
        popl    %edi
        popl    %esi
        ret
copy_bad:
        movl    $-KEA_EFAULT, %eax
        popl    %edi
        popl    %esi
        ret

        .section .rodata
        .align 4
        .globl uaccess_fixups, uaccess_nfixups
uaccess_fixups:                         /* faulting instruction, where to resume */
        .long   copy_words, copy_bad
        .long   copy_bytes, copy_bad
        .long   idc_fast_uread, sysenter_slow   /* idc_fast.S: the caller's buffer descriptor */
uaccess_nfixups:
        .long   3
