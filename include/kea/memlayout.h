/* Virtual memory layout, shared by the kernel, boot code and (for the user
 * half) user-domain runtimes.
 *
 *   0x00000000 - 0x00000fff   never mapped (NULL dereferences fault)
 *   0x00001000 - 0xbfffffff   user domain (each domain its own page directory):
 *       0x00400000  loaded objects (runtime first), then the heap at 0x40000000,
 *       activation slots from 0xa0000000, the %gs block at 0xbffff000
 *   0xc0000000 - 0xf7ffffff   physical memory 0..896 MiB, mapped 1:1 ("direct map"),
 *                             global pages, kernel-only
 *   0xf8000000 - 0xffffffff   kernel virtual areas (reserved for later use)
 *
 * The kernel image is linked at KERNBASE + 1 MiB and loaded at 1 MiB.  Every
 * kernel page table exists from boot on, so user page directories copy the
 * kernel's upper quarter once and never need resynchronising. */
#ifndef KEA_MEMLAYOUT_H
#define KEA_MEMLAYOUT_H

#define KERNBASE      0xC0000000u
#define KERNLINK      (KERNBASE + 0x100000u)
#define DIRECTMAP_MAX 0x38000000u            /* 896 MiB of physical memory */
#define KVA_START     (KERNBASE + DIRECTMAP_MAX)
#define USER_TOP      KERNBASE

#define PGSIZE        4096u
#define PGSHIFT       12
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

/* The user half, the same in every domain. */
#define USER_IMAGE_BASE 0x00400000u /* loaded objects (runtime, program, services) */
#define USER_HEAP_BASE  0x40000000u /* grows up: the runtime's malloc */
#define PAGED_BASE      0x60000000u /* demand-paged by the domain's pager */
#define PAGED_TOP       0x70000000u
#define USER_HEAP_TOP   0xa0000000u
#define ACT_SLOTS_BASE  0xa0000000u /* activation slots */
#define ACT_SLOT_SIZE   0x8000u     /* guard | stack | in | out | unmapped */
#define ACT_STACK_SIZE  0x4000u
#define ACT_MAX_SLOTS   ((0xbf000000u - ACT_SLOTS_BASE) / ACT_SLOT_SIZE)
#define USER_TLS_BASE   0xbffff000u /* one page: %gs block, canary at 0x14 */

#ifndef __ASSEMBLER__
#include <stdint.h>
#define P2V(pa) ((void *)((uintptr_t)(pa) + KERNBASE))
#define V2P(va) ((uintptr_t)(va) - KERNBASE)
#endif
#endif
