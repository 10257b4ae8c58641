/* The IDC fast path: where sysenter lands first (unless the command line
 * says fastpath=off).  It serves the three commonest transfers on the raw
 * registers, with no trap frame and no C:
 *
 *   call    user -> user, no buffers or only an out-buffer (a descriptor
 *           whose in_len is 0), the callee domain has a cached activation
 *           slot: push the activation, switch CR3, sysexit into the
 *           callee's upcall entry;
 *   return  user callee -> user caller, no out-buffer bytes, a status of 0
 *           or a portal without a reply contract (kernel/reply.c): pop it,
 *           switch back, sysexit to the caller;
 *   kcall   user -> kernel-placed service, no buffers: run the handler here
 *           through kservice_call() (the one call into a kernel-placed
 *           service, kernel/idc.c) and sysexit back.
 *
 * Everything else -- in-buffer data, a portal some remap may redirect
 * (system-wide, or rooted while the caller's root has rooted remaps), a
 * kernel-placed service with buffers, a portal held by a migration, a dead or
 * missing portal, a full activation stack, no cached slot, a kernel caller
 * to resume, I/O bitmaps in use, a nonzero status to check against a
 * reply contract -- jumps to the general entry
 * (idc_entry.S, sysenter_slow) with every register as sysenter left it.
 * The general path alone is complete: these are shortcuts of it, never
 * different semantics.
 *
 * Discipline (after seL4's fastpath): first decide, reading only; a miss
 * restores the registers it borrowed and falls back.  After the line
 * marked POINT OF NO RETURN nothing can miss and everything is committed.
 *
 * Trust: every register, flag and data selector is the user's.  The first
 * two instructions load a known EFLAGS (TF, DF, NT, AC, IOPL cleared; a
 * single step trapped in them is the region trap.c recognises).  Until a
 * kernel-placed handler needs them, the data selectors are not loaded:
 * every memory access here is %ss-relative (%ss is the kernel's flat data
 * segment after sysenter; push/pop use it anyway).  The way out loads the
 * user data selectors and the user TLS selector from constants, never the
 * caller's, so nothing of one domain's segment state reaches another; the
 * EFLAGS sysexit leaves are the kernel's clean ones plus IF.  Registers the
 * callee receives are those of the convention (include/kea/idc.h): the
 * words pass through, eax/ebp are set, ecx/edx carry sysexit's esp/eip.
 *
 * Structure offsets come from the generated asm-offsets.h (asm-offsets.c);
 * idc.c asserts the rest (portal slot size, IDC_RETURN). */
#include "x86.h"
#include "arch.h"
#include "asm-offsets.h"

/* The checks and commits of a call into a user domain, for both kinds:
 * bufs = 0: no buffers (ebp = 0 on entry; borrowed, restored as 0);
 * bufs = 1: a buffer descriptor at ebp whose in_len is 0 (checked, and
 *           its 16 bytes found on one mapped page, before this runs; ebp
 *           is saved on the stack first).  Only the out-buffer's address
 *           and capacity are recorded; the return copies nothing unless
 *           the callee returns bytes, and then the C path does it.
 * On entry eax = pp, ebx/esi/edi = words, ecx/edx = user esp/eip. */
.macro CALL_PATH bufs, miss, kernel_target
        pushl   %ebx                    /* borrowed: ebx, ebp */
        pushl   %ecx                    /* [esp+4] user esp */
        pushl   %edx                    /* [esp]   user eip */
        movl    %ss:cur, %ecx                           /* t */
        movl    %ss:TH_DEPTH(%ecx), %edx
        cmpl    $MAX_DEPTH_ASM - 1, %edx                /* no activation left */
        jge     \miss
        imull   $ACT_SIZE, %edx, %edx
        movl    %ss:TH_ACT+ACT_DOM(%ecx,%edx), %ebp     /* from */
        movzwl  %ax, %edx                               /* IDC_PP_PORTAL */
        cmpl    $IDC_MAX_PORTALS_ASM, %edx
        jae     \miss
        movl    %ss:DOM_PTAB+PSLOT_CUR(%ebp,%edx,PSLOT_SIZE), %edx   /* p */
        testl   %edx, %edx
        jz      \miss
        movl    %ss:P_DOM(%edx), %ebx                   /* to */
        testl   %ebx, %ebx
        jz      \miss
        cmpl    $0, %ss:P_ROOTED(%edx)  /* some root remaps it: is it ours? */
        jne     9f
8:      cmpl    $0, %ss:P_GLOBAL(%edx)  /* remapped system-wide */
        jne     \miss
        cmpl    $0, %ss:P_HELD(%edx)    /* its service is being replaced */
        jne     \miss
        cmpl    $0, %ss:DOM_IS_KERNEL(%ebx)
        jne     \kernel_target
        cmpl    $0, %ss:DOM_FREE_SLOTS(%ebx)    /* no cached slot: slot_get allocates */
        je      \miss
        cmpl    $0, %ss:io_domains      /* switch_space would load an I/O bitmap */
        jne     \miss

/* ==== POINT OF NO RETURN (call): ecx = t, ebp = from, edx = p, ebx = to ==== */
        incl    %ss:idc_fast_calls
        shrl    $16, %eax
        andl    $IDC_PROC_MASK, %eax
        movl    %ss:DOM_ID(%ebp), %ebp
        shll    $16, %ebp
        orl     %eax, %ebp                      /* callee ebp: proc | caller << 16 */
        movl    %ss:TH_DEPTH(%ecx), %eax
        incl    %eax
        movl    %eax, %ss:TH_DEPTH(%ecx)
        imull   $ACT_SIZE, %eax, %eax
        leal    TH_ACT(%ecx,%eax), %eax         /* a = &t->act[++t->depth] */
        movw    %bp, %ss:ACT_PROC(%eax)         /* the proc: its reply's contract */
        movl    %ebx, %ss:ACT_DOM(%eax)
        movl    %edx, %ss:ACT_PORTAL(%eax)
        movl    $0, %ss:ACT_KARGS(%eax)
        pushl   %ss:timer_ticks                 /* a->since: the call's deadline counts */
        popl    %ss:ACT_SINCE(%eax)             /* from here (low word, kernel/recover.c) */
        popl    %ss:ACT_RET_EIP(%eax)
        popl    %ss:ACT_RET_ESP(%eax)
.if \bufs
        /* [esp] = ebx, [esp+4] = the descriptor's address; the caller's
         * space is still loaded, and its page was read already. */
        pushl   %ecx
        movl    %ss:8(%esp), %ecx
        pushl   %ss:8(%ecx)                     /* out */
        popl    %ss:ACT_OUT_UPTR(%eax)
        movl    %ss:12(%ecx), %ecx              /* out_cap, at most the portal's */
        cmpl    %ss:P_OUT_MAX(%edx), %ecx
        jbe     2f
        movl    %ss:P_OUT_MAX(%edx), %ecx
2:      movw    %cx, %ss:ACT_OUT_CAP(%eax)
        shll    $16, %ecx
        movl    %ecx, %ss:8(%esp)               /* in_len | out_cap << 16, for the callee */
        popl    %ecx
.else
        movl    $0, %ss:ACT_OUT_UPTR(%eax)
        movw    $0, %ss:ACT_OUT_CAP(%eax)
.endif
        incl    %ss:P_CALLS(%edx)
        incl    %ss:DOM_ACTIVE(%ebx)
        cmpl    %ebx, %ss:TH_SPACE(%ecx)        /* switch_space(t, to) */
        je      1f
        movl    %ebx, %ss:TH_SPACE(%ecx)
        movl    %ss:DOM_CR3(%ebx), %ecx
        movl    %ecx, %cr3
1:      movl    %ss:DOM_FREE_SLOTS(%ebx), %ecx  /* s, off the free list */
        movl    %ecx, %ss:ACT_SLOT(%eax)
        movl    %ss:SLOT_NEXT(%ecx), %eax
        movl    %eax, %ss:DOM_FREE_SLOTS(%ebx)
        movl    %ss:SLOT_ENTRY_KVA(%ecx), %eax  /* the two words at its stack top */
        pushl   %ss:P_ARG(%edx)
        popl    %ss:(%eax)                      /* [esp] = handler argument */
.if \bufs
        pushl   4(%esp)
        popl    %ss:4(%eax)                     /* [esp+4] = in_len | out_cap << 16 */
.else
        movl    $0, %ss:4(%eax)
.endif
        movl    %ss:P_HANDLER(%edx), %eax       /* callee eax */
        movl    %ss:DOM_UPCALL(%ebx), %edx      /* callee eip */
        movl    %ss:SLOT_BASE(%ecx), %ecx
        addl    $SLOT_STACK_TOP_OFF - 8, %ecx   /* callee esp */
        popl    %ebx                            /* the first word again */
.if \bufs
        addl    $4, %esp
.endif
        jmp     fast_exit

        /* The portal is remapped for some root: go on only if the thread's
         * root has no rooted remaps at all (resolve() would not probe). */
9:      pushl   %ebx
        movl    %ss:TH_ROOT(%ecx), %ebx
        cmpl    $0, %ss:DOM_ROOTED(%ebx)
        popl    %ebx                    /* (flags survive) */
        jne     \miss
        jmp     8b
.endm

        .text
        .globl idc_fast_entry, idc_fast_singlestep_end
idc_fast_entry:
        pushl   $EFLAGS_FIXED           /* as the general entry: clean EFLAGS */
        popfl                           /* IF stays 0 */
idc_fast_singlestep_end:
        testl   %ebp, %ebp              /* a call with buffers (or an odd return) */
        jnz     call_bufs
        cmpl    $-1, %eax               /* IDC_RETURN */
        je      fast_return

/* ---- call: no buffers */
fast_call:
        CALL_PATH 0, call_miss, kcall

call_miss:                              /* registers back as sysenter left them */
        popl    %edx
        popl    %ecx
        popl    %ebx
        xorl    %ebp, %ebp
        jmp     sysenter_slow

/* ---- call with a buffer descriptor at ebp: only an empty in-buffer here.
 * The descriptor must lie below USER_TOP on one page; reading its in_len
 * may fault (unmapped): uaccess.S's fixup table resumes at sysenter_slow,
 * nothing borrowed yet, and the C path reports -KEA_EFAULT. */
call_bufs:
        cmpl    $-1, %eax               /* a return with ebp set: the C path */
        je      sysenter_slow
        cmpl    $(USER_TOP_MB << 20) - 16, %ebp
        ja      sysenter_slow
        pushl   %ebp
        andl    $0xfff, %ebp
        cmpl    $0x1000 - 16, %ebp      /* all 16 bytes on one page */
        popl    %ebp                    /* (flags survive) */
        ja      sysenter_slow
        .globl  idc_fast_uread
idc_fast_uread:
        cmpl    $0, %ss:4(%ebp)         /* in_len: data to copy in, the C path */
        jne     sysenter_slow
        pushl   %ebp
        CALL_PATH 1, call_bufs_miss, call_bufs_miss

call_bufs_miss:
        popl    %edx
        popl    %ecx
        popl    %ebx
        popl    %ebp
        jmp     sysenter_slow

/* ---- kcall: a kernel-placed service, no buffers.  Same state as above. */
kcall:
/* ==== POINT OF NO RETURN (kcall) ==== */
        incl    %ss:idc_fast_kcalls
        pushl   %ss:DOM_ID(%ebp)        /* struct idc_call, from its end: caller */
        pushl   $0                      /* out_len */
        pushl   $0                      /* out_cap */
        pushl   $0                      /* out */
        pushl   $0                      /* in_len */
        pushl   $0                      /* in */
        pushl   %edi                    /* w[2] */
        pushl   %esi                    /* w[1] */
        pushl   32+8(%esp)              /* w[0], saved above (esp-based: read before the push) */
        shrl    $16, %eax
        andl    $IDC_PROC_MASK, %eax
        pushl   %eax                    /* proc */
        movl    %esp, %eax              /* &c */
        movw    $KDATA_SEL, %bx         /* C code: the kernel's selectors */
        movw    %bx, %ds
        movw    %bx, %es
        movw    %bx, %fs
        movw    $KTLS_SEL, %bx          /* the service's stack canary: %gs:0x14 */
        movw    %bx, %gs
        pushl   %eax
        pushl   %edx
        pushl   %ecx
        call    kservice_call           /* (t, p, &c); ebp (from) survives */
        addl    $12, %esp
        movl    cur, %ecx
        cmpl    %ebp, TH_SPACE(%ecx)    /* the service called out: restore the space */
        jne     kcall_tail
        cmpl    $0, TH_END_CALL(%ecx)   /* the caller exited inside: unwind in C */
        jne     kcall_tail
        movl    4(%esp), %ebx           /* results: c.w[0..2] */
        movl    8(%esp), %esi
        movl    12(%esp), %edi
        addl    $IDC_CALL_SIZE, %esp
        popl    %edx                    /* back to the caller */
        popl    %ecx
        addl    $4, %esp                /* the saved first word */
        xorl    %ebp, %ebp              /* out_len 0 */
        jmp     fast_exit

/* The rare ends of a kernel call, in C on a trap frame built here: the
 * general exit (sysenter_exit) then leaves through it. */
kcall_tail:
        movl    %esp, %edx              /* &c */
        subl    $TF_SIZE, %esp
        movl    IDC_CALL_SIZE(%edx), %ecx
        movl    %ecx, TF_EIP(%esp)
        movl    IDC_CALL_SIZE+4(%edx), %ecx
        movl    %ecx, TF_ESP(%esp)
        movl    %esp, %ecx
        pushl   %ebp                    /* from */
        pushl   %eax                    /* status */
        pushl   %edx                    /* &c */
        pushl   %ecx                    /* tf */
        call    idc_fast_kcall_tail
        addl    $16, %esp
        jmp     sysenter_exit

/* ---- return: eax = IDC_RETURN, ecx = status, edx = out_len, ebx/esi/edi = words */
fast_return:
        testl   %edx, %edx              /* out-buffer bytes to copy */
        jnz     sysenter_slow
        movl    %ss:cur, %eax                           /* t (eax, ebp, edx borrowed) */
        movl    %ss:TH_DEPTH(%eax), %edx
        testl   %edx, %edx              /* nobody called this activation */
        jz      return_miss
        imull   $ACT_SIZE, %edx, %ebp
        leal    TH_ACT(%eax,%ebp), %ebp                 /* a = &t->act[t->depth] */
        cmpl    $0, %ss:ACT_KARGS(%ebp) /* a kernel caller to resume */
        jne     return_miss
        cmpl    $0, %ss:io_domains
        jne     return_miss
        testl   %ecx, %ecx              /* status 0: within every reply contract */
        jz      2f
        movl    %ss:ACT_PORTAL(%ebp), %edx
        cmpl    $0, %ss:P_CONTRACT(%edx) /* another status on a portal with a contract: */
        jne     return_miss             /* the C path checks it (kernel/reply.c) */
2:

/* ==== POINT OF NO RETURN (return): eax = t, ebp = a, ecx = status ==== */
        incl    %ss:idc_fast_returns
        pushl   %ebx
        pushl   %ecx
        decl    %ss:TH_DEPTH(%eax)
        movl    %ss:ACT_DOM(%ebp), %edx                 /* the callee's domain */
        decl    %ss:DOM_ACTIVE(%edx)
        movl    %ss:ACT_SLOT(%ebp), %ecx                /* slot_put */
        movl    %ss:DOM_FREE_SLOTS(%edx), %ebx
        movl    %ebx, %ss:SLOT_NEXT(%ecx)
        movl    %ecx, %ss:DOM_FREE_SLOTS(%edx)
        movl    %ss:ACT_DOM-ACT_SIZE(%ebp), %edx        /* the caller's domain */
        cmpl    %edx, %ss:TH_SPACE(%eax)
        je      1f
        movl    %edx, %ss:TH_SPACE(%eax)
        movl    %ss:DOM_CR3(%edx), %ebx
        movl    %ebx, %cr3
1:      movl    %ss:ACT_RET_EIP(%ebp), %edx
        movl    %ss:ACT_RET_ESP(%ebp), %ecx
        popl    %eax                    /* status */
        popl    %ebx
        xorl    %ebp, %ebp              /* out_len 0 */
        jmp     fast_exit

return_miss:
        movl    $-1, %eax
        xorl    %edx, %edx
        xorl    %ebp, %ebp
        jmp     sysenter_slow

/* Into user mode at edx with stack ecx: the user's data selectors from
 * constants (memory operands: every general register is live here). */
fast_exit:
        movw    %ss:user_data_sel, %ds
        movw    %ss:user_data_sel, %es
        movw    %ss:user_data_sel, %fs
        movw    %ss:user_tls_sel, %gs
        sti                             /* takes effect after sysexit */
        sysexit

        .section .rodata
        .align 2
user_data_sel:  .word UDATA_SEL
user_tls_sel:   .word UTLS_SEL
