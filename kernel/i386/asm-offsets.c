/* Structure offsets for the assembly entry and return code, generated at
 * build time (as Linux's asm-offsets): this file is compiled to assembly
 * only, never linked; kernel.mk turns its "->NAME value" markers into
 * build/gen/asm-offsets.h.  Assembly uses these names, never numbers typed
 * by hand, and arch.h checks the trap frame layout with _Static_assert. */
#include <stddef.h>
#include "arch.h"
#include "x86.h"
#include "../proc.h"

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

    /* The IDC fast path (idc_fast.S) reads and writes these directly. */
    OFFSET(TH_DEPTH, thread, depth);
    OFFSET(TH_ACT, thread, act);
    OFFSET(TH_SPACE, thread, space);
    OFFSET(TH_END_CALL, thread, end_call);
    OFFSET(TH_ROOT, thread, root);
    OFFSET(DOM_ROOTED, domain, rooted);
    DEFINE(ACT_SIZE, sizeof(struct activation));
    OFFSET(ACT_DOM, activation, dom);
    OFFSET(ACT_PORTAL, activation, portal);
    OFFSET(ACT_SLOT, activation, slot);
    OFFSET(ACT_RET_EIP, activation, ret_eip);
    OFFSET(ACT_RET_ESP, activation, ret_esp);
    OFFSET(ACT_OUT_UPTR, activation, out_uptr);
    OFFSET(ACT_OUT_CAP, activation, out_cap);
    OFFSET(ACT_KARGS, activation, kargs);
    OFFSET(ACT_SINCE, activation, since);
    OFFSET(ACT_PROC, activation, proc);
    OFFSET(DOM_ID, domain, id);
    OFFSET(DOM_IS_KERNEL, domain, is_kernel);
    OFFSET(DOM_CR3, domain, cr3);
    OFFSET(DOM_UPCALL, domain, upcall_entry);
    OFFSET(DOM_PTAB, domain, ptab);
    OFFSET(DOM_FREE_SLOTS, domain, free_slots);
    OFFSET(DOM_ACTIVE, domain, active);
    DEFINE(PSLOT_SIZE, sizeof(struct portal_slot));
    OFFSET(PSLOT_CUR, portal_slot, cur);
    OFFSET(P_DOM, portal, dom);
    OFFSET(P_HANDLER, portal, handler);
    OFFSET(P_ARG, portal, arg);
    OFFSET(P_GLOBAL, portal, global);
    OFFSET(P_CALLS, portal, calls);
    OFFSET(P_ROOTED, portal, rooted);
    OFFSET(P_HELD, portal, held);
    OFFSET(P_OUT_MAX, portal, out_max);
    OFFSET(P_CONTRACT, portal, contract);
    OFFSET(SLOT_NEXT, actslot, next);
    OFFSET(SLOT_BASE, actslot, base);
    OFFSET(SLOT_ENTRY_KVA, actslot, entry_kva);
    DEFINE(SLOT_STACK_TOP_OFF, 0x1000u + ACT_STACK_SIZE);   /* SLOT_STACK_TOP - base */
    DEFINE(MAX_DEPTH_ASM, MAX_DEPTH);
    DEFINE(IDC_MAX_PORTALS_ASM, IDC_MAX_PORTALS);
    DEFINE(IDC_PROC_MASK, 0x7fff);
    DEFINE(IDC_CALL_SIZE, sizeof(struct idc_call));
    DEFINE(USER_TOP_MB, USER_TOP >> 20);    /* (USER_TOP itself would print negative) */
}
