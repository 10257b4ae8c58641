/* The IDC register convention (include/kea/idc.h) as it lands in a trap
 * frame: the only place the generic IDC code (kernel/idc.c,
 * kernel/idc_fault.c) learns which i386 register carries what.  The same
 * convention is read and written by the assembly entries (idc_entry.S,
 * idc_fast.S) directly in the registers.
 *
 *   call:    eax = pp, ebx/esi/edi = w[0..2], ebp = user address of the
 *            caller's struct idc_bufs or 0, ecx/edx = user esp/eip (sysenter)
 *   return:  eax = IDC_RETURN, ecx = status, edx = out_len, ebx/esi/edi = w
 *   result:  eax = status, ebx/esi/edi = w, ebp = out_len
 *   callee:  eax = handler, ebp = proc | caller << 16, ebx/esi/edi = w,
 *            eip/esp = the runtime's upcall entry on the activation stack */
#ifndef KEA_I386_IDC_REGS_H
#define KEA_I386_IDC_REGS_H
#include <stdint.h>
#include <kea/idc.h>
#include "arch.h"

static inline uint32_t idc_tf_pp(const struct trapframe *tf)      { return tf->eax; }
static inline uint32_t idc_tf_bufs(const struct trapframe *tf)    { return tf->ebp; }
static inline int      idc_tf_ret_status(const struct trapframe *tf) { return (int)tf->ecx; }
static inline uint32_t idc_tf_ret_len(const struct trapframe *tf) { return tf->edx; }
static inline uint32_t idc_tf_eip(const struct trapframe *tf)     { return tf->eip; }
static inline uint32_t idc_tf_esp(const struct trapframe *tf)     { return tf->esp; }

/* The three argument (and result) words. */
static inline void idc_tf_get_words(const struct trapframe *tf, uint32_t w[3])
{
    w[0] = tf->ebx;
    w[1] = tf->esi;
    w[2] = tf->edi;
}
static inline void idc_tf_set_words(struct trapframe *tf, const uint32_t w[3])
{
    tf->ebx = w[0];
    tf->esi = w[1];
    tf->edi = w[2];
}

/* A status alone (the return trap of an activation nobody called). */
static inline void idc_tf_status(struct trapframe *tf, int status) { tf->eax = (uint32_t)status; }

/* What the caller sees: a status and the bytes written to its out-buffer. */
static inline void idc_tf_result(struct trapframe *tf, int status, uint32_t out_len)
{
    tf->eax = (uint32_t)status;
    tf->ebp = out_len;
}

/* Resume user code at eip/esp (a caller after its callee returned). */
static inline void idc_tf_resume(struct trapframe *tf, uint32_t eip, uint32_t esp)
{
    tf->eip = eip;
    tf->esp = esp;
}

/* Enter a callee's runtime upcall entry; the words stay where they are. */
static inline void idc_tf_enter(struct trapframe *tf, uint32_t entry, uint32_t esp,
                                uint32_t handler, uint32_t proc, uint32_t caller)
{
    tf->ebp = proc | caller << 16;
    tf->eax = handler;
    tf->eip = entry;
    tf->esp = esp;
}
#endif
