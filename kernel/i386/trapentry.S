/* Entry points for every vector the kernel handles.  Each stub pushes an
 * error code (a dummy 0 where the CPU pushes none) and its vector number,
 * then joins alltraps, which saves the rest of struct trapframe, loads the
 * kernel segments and calls trap(tf).
 *
 * Every gate is an interrupt gate: the CPU clears IF, TF and NT on entry but
 * not DF or AC, and the data segment registers still hold whatever the
 * interrupted code (possibly a user domain) loaded.  alltraps loads a known
 * EFLAGS and the kernel's selectors before any C code runs.  On the way
 * back, trap() has checked a user frame (user_frame_check), so the
 * selectors popped and the EFLAGS iret loads are ones the user may hold. */
#include "x86.h"
#include "arch.h"
#include "asm-offsets.h"

#define TRAP_NOERR(n) \
        .globl vector##n; vector##n: pushl $0; pushl $n; jmp alltraps
#define TRAP_ERR(n) \
        .globl vector##n; vector##n: pushl $n; jmp alltraps

        .text
TRAP_NOERR(0);  TRAP_NOERR(1);  TRAP_NOERR(2);  TRAP_NOERR(3)
TRAP_NOERR(4);  TRAP_NOERR(5);  TRAP_NOERR(6);  TRAP_NOERR(7)
TRAP_ERR(8);    TRAP_NOERR(9);  TRAP_ERR(10);   TRAP_ERR(11)
TRAP_ERR(12);   TRAP_ERR(13);   TRAP_ERR(14);   TRAP_NOERR(15)
TRAP_NOERR(16); TRAP_ERR(17);   TRAP_NOERR(18); TRAP_NOERR(19)
TRAP_NOERR(20); TRAP_ERR(21);   TRAP_NOERR(22); TRAP_NOERR(23)
TRAP_NOERR(24); TRAP_NOERR(25); TRAP_NOERR(26); TRAP_NOERR(27)
TRAP_NOERR(28); TRAP_ERR(29);   TRAP_ERR(30);   TRAP_NOERR(31)
TRAP_NOERR(32); TRAP_NOERR(33); TRAP_NOERR(34); TRAP_NOERR(35)
TRAP_NOERR(36); TRAP_NOERR(37); TRAP_NOERR(38); TRAP_NOERR(39)
TRAP_NOERR(40); TRAP_NOERR(41); TRAP_NOERR(42); TRAP_NOERR(43)
TRAP_NOERR(44); TRAP_NOERR(45); TRAP_NOERR(46); TRAP_NOERR(47)
TRAP_NOERR(128)

        .globl alltraps
alltraps:
        pushl   %ds
        pushl   %es
        pushl   %fs
        pushl   %gs
        pushal
        pushl   $EFLAGS_FIXED           /* DF, AC = 0 (IF, TF, NT are already) */
        popfl
        movw    $KDATA_SEL, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    $KTLS_SEL, %ax
        movw    %ax, %gs
        pushl   %esp                    /* struct trapframe * */
        call    trap
        addl    $4, %esp
        .globl trapret
trapret:
        popal
        popl    %gs
        popl    %fs
        popl    %es
        popl    %ds
        addl    $TF_EIP - TF_TRAPNO, %esp       /* trapno and err */
        iret

/* Table of entry points, indexed by vector, for idt_init(). */
        .section .rodata
        .align 4
        .globl trap_vectors
trap_vectors:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .long vector\n
        .endr
        .irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
        .long vector\n
        .endr
