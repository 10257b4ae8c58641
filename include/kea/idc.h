/* The inter-domain call ABI: what crosses a portal.
 *
 * portal_invoke() is the only system call.  The same C signature exists in
 * every environment: in a user domain it traps (sysenter, or int 0x80), in
 * the kernel it is a function; a service object imports it by name and the
 * loader binds it to the one of the placement.
 *
 * A portal is one entry point of one service interface.  The caller names it
 * by a small local id (an index into its domain's portal table) and picks
 * the procedure of the interface; both travel in one word:
 *
 *     pp = IDC_PP(portal_id, proc)
 *
 * Arguments: three words and optionally one in-buffer (copied into the
 * callee by the kernel) and one out-buffer (copied back on return), each at
 * most IDC_BUF_MAX bytes.  Results: a status (negative: an error, either
 * one of the kernel's KEA_E* codes or the service's own) plus three words and
 * the out-buffer.
 *
 * Register convention of the trap (user level; generated stubs never see it):
 *   call:    eax = pp, ebx/esi/edi = w[0..2], ebp = &args->in (struct idc_bufs)
 *            or 0 when no buffer is passed, ecx = user esp, edx = return eip
 *   callee:  entered at the runtime's upcall entry on a fresh activation
 *            stack holding two words, [esp] = handler argument and
 *            [esp+4] = in_len | out_cap << 16 (sysexit takes ecx and edx for
 *            itself); the in-buffer starts at esp+8, the out-buffer 4 KiB
 *            above it; eax = handler, ebx/esi/edi = w[0..2],
 *            ebp = proc | caller << 16
 *   return:  eax = IDC_RETURN, ecx = status, ebx/esi/edi = w[0..2] results,
 *            edx = out_len
 *   caller:  eax = status, ebx/esi/edi = w[0..2] results, ebp = out_len
 */
#ifndef KEA_IDC_H
#define KEA_IDC_H

#define IDC_BUF_MAX     4096u
#define IDC_MAX_PORTALS 256            /* size of a domain's portal table */
#define IDC_PROC_SHIFT  16
#define IDC_PP(portal, proc) ((unsigned)(portal) | ((unsigned)(proc) << IDC_PROC_SHIFT))
#define IDC_PP_PORTAL(pp)   ((pp) & 0xffffu)
#define IDC_PP_PROC(pp)     (((pp) >> IDC_PROC_SHIFT) & 0x7fffu)
#define IDC_RETURN      0xffffffffu     /* the callee's "return" trap */

/* Error codes returned by the IDC path and base services (negated). */
#define KEA_EOK          0
#define KEA_EBADPORTAL   1   /* no such portal id in the caller's table */
#define KEA_EDEAD        2   /* the portal's domain or service is gone */
#define KEA_EFAULT       3   /* a buffer pointer is not valid caller memory */
#define KEA_E2BIG        4   /* a buffer is larger than the portal allows */
#define KEA_EDEPTH       5   /* activation stack exhausted (calls nested too deep) */
#define KEA_ECALLEEFAULT 6   /* the callee faulted; its activation was unwound */
#define KEA_ENOMEM       7   /* out of memory */
#define KEA_EPERM        8   /* the caller lacks the right for this operation */
#define KEA_EINVAL       9   /* an argument is out of range */
#define KEA_ENOENT      10   /* no such name (service, domain, thread, module) */
#define KEA_EBUSY       11   /* in use (e.g. unloading a service with callers) */
#define KEA_EIFACE      12   /* interfaces do not match (remap refused) */
#define KEA_EBADPROC    13   /* no such procedure in the interface */
#define KEA_EEXIST      14   /* the name is taken */
#define KEA_EBADOBJ     15   /* a malformed or unloadable object */
#define KEA_EIO         16   /* a device reported an error */
#define KEA_ETIMEDOUT   17   /* a device or peer did not answer in time */
#define KEA_NERRORS     18

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* What portal_invoke() takes and fills in. */
struct idc_args {
    uint32_t w[3];           /* argument words in, result words out */
    const void *in;          /* in-buffer (may be NULL when in_len == 0) */
    uint32_t in_len;
    void *out;               /* out-buffer (may be NULL when out_cap == 0) */
    uint32_t out_cap;
    uint32_t out_len;        /* set on return: bytes written to out */
};

/* What a service's handler receives, in either placement. */
struct idc_call {
    uint32_t proc;           /* procedure number within the interface */
    uint32_t w[3];           /* argument words in, result words out */
    const void *in;
    uint32_t in_len;
    void *out;
    uint32_t out_cap;
    uint32_t out_len;        /* the handler sets the bytes it produced */
    uint32_t caller;         /* id of the calling domain */
};

/* A portal's code: generated server glue (`<iface>_dispatch`) or hand-written. */
typedef int (*idc_handler_t)(void *arg, struct idc_call *call);

/* The only system call.  Returns the status; a->w and a->out_len are updated. */
int portal_invoke(uint32_t pp, struct idc_args *a);

/* Human-readable name of a KEA_E* code (positive or negative). */
const char *kea_strerror(int err);
#endif
#endif
