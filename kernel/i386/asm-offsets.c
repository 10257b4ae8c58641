/* Structure offsets for the assembly entry and return code, generated at
 * build time (as Linux's asm-offsets): this file is compiled to assembly
 * only, never linked; kernel.mk turns its "->NAME value" markers into
 * build/gen/asm-offsets.h.  Assembly uses these names, never numbers typed
 * by hand, and arch.h checks the trap frame layout with _Static_assert. */
#include <stddef.h>
#include "arch.h"
#include "x86.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define OFFSET(sym, type, field) DEFINE(sym, offsetof(struct type, field))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(TF_EDI, trapframe, edi);
    OFFSET(TF_ESI, trapframe, esi);
    OFFSET(TF_EBP, trapframe, ebp);
    OFFSET(TF_EBX, trapframe, ebx);
    OFFSET(TF_EDX, trapframe, edx);
    OFFSET(TF_ECX, trapframe, ecx);
    OFFSET(TF_EAX, trapframe, eax);
    OFFSET(TF_GS, trapframe, gs);
    OFFSET(TF_FS, trapframe, fs);
    OFFSET(TF_ES, trapframe, es);
    OFFSET(TF_DS, trapframe, ds);
    OFFSET(TF_TRAPNO, trapframe, trapno);
    OFFSET(TF_ERR, trapframe, err);
    OFFSET(TF_EIP, trapframe, eip);
    OFFSET(TF_CS, trapframe, cs);
    OFFSET(TF_EFLAGS, trapframe, eflags);
    OFFSET(TF_ESP, trapframe, esp);
    OFFSET(TF_SS, trapframe, ss);
    DEFINE(TF_SIZE, sizeof(struct trapframe));
}
