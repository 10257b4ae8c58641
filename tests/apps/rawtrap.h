/* A trap into the kernel with every register chosen by the caller: the
 * attack programs (trapattack.c) and the trap-boundary fuzzer (trapfuzz.c)
 * use it to hand the kernel CPU state the runtime's portal_invoke never
 * would.  rawtrap_sysenter() and rawtrap_int80() load the general
 * registers, %ds %es %fs %gs and EFLAGS from *r (EFLAGS by the popfl right
 * before the trapping instruction, so TF takes effect on the trap itself),
 * trap, and store what came back in *r, restoring the caller's own
 * selectors before touching memory.  For sysenter, ecx and edx are the
 * stack and return address the entry needs (include/kea/idc.h), so r->ecx
 * and r->edx are ignored.  Selectors must be ones ring 3 may load. */
#ifndef KEA_TESTS_RAWTRAP_H
#define KEA_TESTS_RAWTRAP_H
#include <stdint.h>

struct rawtrap {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;    /* in, then out */
    uint32_t eflags;                               /* in, then out */
    uint32_t ds, es, fs, gs;                       /* in, then out */
};

void rawtrap_sysenter(struct rawtrap *r);
void rawtrap_int80(struct rawtrap *r);

#define RAWTRAP_BODY(name, setup, insn)                                          \
    "    .text\n"                                                                \
    "    .globl " name "\n"                                                      \
    "    .type " name ", @function\n"                                            \
    name ":\n"                                                                   \
    "    pushl %ebp; pushl %ebx; pushl %esi; pushl %edi\n"                       \
    "    pushl %ds; pushl %es; pushl %fs; pushl %gs\n"                           \
    "    movl 36(%esp), %eax\n"                                                  \
    "    pushl %eax\n"                   /* r, at 0(%esp) after the trap */       \
    "    pushl 28(%eax)\n"               /* eflags */                             \
    "    pushl 32(%eax); pushl 36(%eax); pushl 40(%eax); pushl 44(%eax)\n"       \
    "    pushl 24(%eax); pushl 20(%eax); pushl 16(%eax); pushl 12(%eax)\n"       \
    "    pushl 8(%eax); pushl 4(%eax); pushl 0(%eax)\n"                          \
    "    popl %eax; popl %ebx; popl %ecx; popl %edx; popl %esi; popl %edi; popl %ebp\n" \
    "    popl %gs; popl %fs; popl %es; popl %ds\n"                              \
    setup                                                                        \
    "    popfl\n"                                                                \
    "    " insn "\n"                                                             \
    "1:  pushfl\n"                                                               \
    "    pushl %eax; pushl %ebx; pushl %ecx; pushl %edx; pushl %esi; pushl %edi; pushl %ebp\n" \
    "    movl %ds, %eax; pushl %eax\n"                                           \
    "    movl %es, %eax; pushl %eax\n"                                           \
    "    movl %fs, %eax; pushl %eax\n"                                           \
    "    movl %gs, %eax; pushl %eax\n"                                           \
    /* 0 gs 4 fs 8 es 12 ds 16 ebp 20 edi 24 esi 28 edx 32 ecx 36 ebx 40 eax  \
       44 eflags 48 r 52 own gs 56 own fs 60 own es 64 own ds */               \
    "    movl 52(%esp), %eax; movw %ax, %gs\n"                                   \
    "    movl 56(%esp), %eax; movw %ax, %fs\n"                                   \
    "    movl 60(%esp), %eax; movw %ax, %es\n"                                   \
    "    movl 64(%esp), %eax; movw %ax, %ds\n"                                   \
    "    movl 48(%esp), %eax\n"                                                  \
    "    popl 44(%eax); popl 40(%eax); popl 36(%eax); popl 32(%eax)\n"           \
    "    popl 24(%eax); popl 20(%eax); popl 16(%eax); popl 12(%eax)\n"           \
    "    popl 8(%eax); popl 4(%eax); popl 0(%eax); popl 28(%eax)\n"              \
    "    addl $20, %esp\n"               /* r and the caller's selectors */       \
    "    popl %edi; popl %esi; popl %ebx; popl %ebp\n"                          \
    "    ret\n"                                                                  \
    "    .size " name ", .-" name "\n"

/* The stack after popfl is 4 bytes above where it is now. */
__asm__(RAWTRAP_BODY("rawtrap_sysenter", "    leal 4(%esp), %ecx; movl $1f, %edx\n", "sysenter")
        RAWTRAP_BODY("rawtrap_int80", "", "int $0x80"));

/* Selectors (kernel/i386/x86.h): what ring 3 can load. */
#define RT_UCODE 0x1b
#define RT_UDATA 0x23
#define RT_UTLS  0x3b
#define RT_KDATA 0x10

#define RT_TF 0x100
#define RT_DF 0x400
#define RT_NT 0x4000
#define RT_AC 0x40000
#define RT_IOPL 0x3000
#endif
