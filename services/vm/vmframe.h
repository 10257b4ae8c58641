/* What the VM service tells a page-selection policy about one frame of a
 * domain (the `frames` buffer of policy.select, services/vm/policy.idl).
 *
 * The VM service alone reads and clears the hardware accessed and dirty
 * bits of its domains' pages (memory.accessed_in clears both at once, so a
 * second reader would make the VM service lose dirty pages).  Just before
 * asking for a victim it samples every resident page and passes on what it
 * saw: whether the page was referenced since the previous selection for
 * the domain, and two stamps counted in the domain's page faults, which
 * order pages by loading and by last use.  That is enough for clock
 * (second chance on `referenced`, the hand walking the frames in order),
 * LRU (least `used`) and MRU (most `used`, ties to the latest `loaded`). */
#ifndef KEA_VMFRAME_H
#define KEA_VMFRAME_H
#include <stdint.h>

#define VM_MAX_FRAMES   256u      /* frames a domain may have: the table fits one call */

#define VM_F_REFERENCED 0x1u      /* accessed since the previous selection */
#define VM_F_DIRTY      0x2u      /* modified since it was last written to swap */
#define VM_F_FLAGS      0xfffu    /* the flags share `va`'s word: pages are aligned */

struct vm_frame {
    uint32_t va;        /* page address | VM_F_* flags */
    uint32_t loaded;    /* the domain's fault count when the page came in */
    uint32_t used;      /* the fault count when it was last seen referenced
                           (or loaded) */
};

_Static_assert(VM_MAX_FRAMES * sizeof(struct vm_frame) <= 4096,
               "a domain's frame table must fit one IDC buffer");

static inline uint32_t vm_frame_va(const struct vm_frame *f) { return f->va & ~VM_F_FLAGS; }
#endif
