/* LMM — list-based memory manager.
 *
 * Manages a pool of memory made of *regions*, each with attribute flags
 * (e.g. "below 1 MiB", "below 16 MiB" for ISA DMA) and a priority.  Callers
 * allocate blocks with constraints on size, alignment, address range and
 * region flags; the LMM finds the first fit, trying regions from the highest
 * priority down, so clients can keep precious memory (low, DMA-able) for the
 * allocations that really need it by giving it a low priority.
 *
 * Environment: none.  The LMM never allocates memory of its own and calls no
 * other code.  Region descriptors are caller-provided structs that must stay
 * valid (and not move) while the lmm is in use; the free list of a region is
 * kept inside the free memory itself: each free block begins with a struct
 * lmm_node.  So free memory must be readable and writable at the addresses the
 * LMM is given (use virtual addresses that map the memory).  No locking: the
 * caller serialises all calls on one struct lmm.
 *
 * There is no per-allocation header: lmm_free() must be given the size that
 * was allocated (any value that rounds to the same LMM_GRAIN multiple works).
 *
 * Granularity: every block the LMM hands out or keeps on a free list starts
 * on an LMM_GRAIN boundary and is a multiple of LMM_GRAIN bytes long.
 * LMM_GRAIN is the size of a free-list node, 8 bytes on i386 (16 on x86_64
 * hosts, where the node's two fields are 8 bytes each).  Requested sizes are
 * rounded up to it.  Memory given with lmm_add_free() is rounded *inward* to
 * whole grains (partial grains were not donated); ranges given to
 * lmm_remove_free() are rounded *outward* (reserved bytes must never be handed
 * out).  Address 0 is never handed out (it would be indistinguishable from
 * failure), so the first grain of the address space is never put on a free
 * list.
 *
 * Address arithmetic never overflows: a region or block may end at the very
 * top of the address space (start + size == 0 in uintptr_t arithmetic).  Ranges
 * given as (address, size) whose end would wrap past the top are clipped to
 * the top.
 *
 * Costs: with R regions and N free blocks in the regions searched, allocation,
 * lmm_add_free and lmm_remove_free are O(R + N); lmm_free is O(R + N of the
 * block's region); lmm_avail is O(R); lmm_check is O(R^2 + N).
 */
#ifndef KEA_LMM_H
#define KEA_LMM_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t lmm_flags_t;   /* region attribute bits, meaning defined by the client */
typedef int lmm_pri_t;          /* region priority: higher is tried first */

/* Header of a free block, stored in the first bytes of the block itself.
 * Private to the LMM; public only so that LMM_GRAIN can be computed. */
struct lmm_node {
	struct lmm_node *next;  /* next free block of the region, at a higher address */
	size_t size;            /* bytes in this block, a nonzero multiple of LMM_GRAIN */
};

#define LMM_GRAIN sizeof(struct lmm_node)

/* A region of the address space.  Allocated by the client, filled in by
 * lmm_add_region(); all fields are private to the LMM. */
struct lmm_region {
	struct lmm_region *next;  /* next region, same or lower priority */
	struct lmm_node *nodes;   /* free blocks, sorted by address, never adjacent */
	uintptr_t min;            /* first byte, LMM_GRAIN aligned */
	uintptr_t max;            /* last byte (inclusive, so a region may end at the
	                           * top); min > max means the region is empty */
	lmm_flags_t flags;
	lmm_pri_t pri;
	size_t free;              /* sum of the sizes of the free blocks */
};

struct lmm {
	struct lmm_region *regions;  /* sorted by priority, highest first */
};

/* Make lmm an empty pool with no regions. */
void lmm_init(struct lmm *lmm);

/* Add the region [start, start+size) to the pool, described by the caller's
 * struct region.  The region is shrunk inward to whole grains and starts with
 * no free memory: donate memory with lmm_add_free().  Regions must not overlap
 * each other (lmm_check reports it if they do).  Among regions of equal
 * priority, earlier-added ones are searched first. */
void lmm_add_region(struct lmm *lmm, struct lmm_region *region, uintptr_t start,
                    size_t size, lmm_flags_t flags, lmm_pri_t pri);

/* Donate [block, block+size) to the pool.  Parts outside every region are
 * ignored, the range may span several regions, and parts that are already
 * free are fine (the free pool becomes the union).  Donating memory that is
 * currently allocated is a caller error the LMM cannot detect. */
void lmm_add_free(struct lmm *lmm, void *block, size_t size);

/* Take [block, block+size) out of the free pool wherever it is free, e.g. to
 * reserve the kernel image or boot modules after donating all of RAM.  Parts
 * that are not free (allocated, or outside every region) are left alone. */
void lmm_remove_free(struct lmm *lmm, void *block, size_t size);

/* Allocate size bytes from a region that has ALL the given flags (flags 0
 * means any region).  Returns NULL if size is 0 or no region can satisfy the
 * request; a failed call changes nothing.  Allocation is first fit: the lowest
 * suitable address in the highest-priority region that has one. */
void *lmm_alloc(struct lmm *lmm, size_t size, lmm_flags_t flags);

/* As lmm_alloc, and the result is align_ofs bytes past a multiple of
 * 2^align_bits, i.e. (result - align_ofs) % 2^align_bits == 0.  Because
 * results are grain aligned, requests whose align_ofs is not a multiple of
 * min(2^align_bits, LMM_GRAIN) cannot be satisfied and return NULL, as do
 * align_bits < 0 and align_bits >= the width of a pointer in bits. */
void *lmm_alloc_aligned(struct lmm *lmm, size_t size, lmm_flags_t flags,
                        int align_bits, uintptr_t align_ofs);

/* As lmm_alloc_aligned, and the whole block lies in [in_min, in_min+in_size).
 * in_size == 0 means "up to the top of the address space" (which a size_t
 * cannot express when in_min is 0); a range whose end wraps is clipped to
 * the top as well. */
void *lmm_alloc_gen(struct lmm *lmm, size_t size, lmm_flags_t flags,
                    int align_bits, uintptr_t align_ofs,
                    uintptr_t in_min, size_t in_size);

/* Allocate one 4 KiB page, 4 KiB aligned. */
void *lmm_alloc_page(struct lmm *lmm, lmm_flags_t flags);

/* Return [block, block+size) to the pool, coalescing it with free neighbours.
 * size is rounded up to LMM_GRAIN as lmm_alloc did.  A NULL block or a size
 * of 0 does nothing and returns 0.  Bad frees that are cheap to detect are
 * rejected, leaving the pool untouched, and return -1: a block that is not
 * grain aligned, that wraps past the top of the address space, that does not
 * lie inside a single region, or that overlaps free memory (e.g. a double
 * free).  Returns 0 on success. */
int lmm_free(struct lmm *lmm, void *block, size_t size);

/* Free bytes in the regions having all the given flags (0: all regions). */
size_t lmm_avail(struct lmm *lmm, lmm_flags_t flags);

/* Find the lowest free address >= *inout_addr.  On return *inout_addr is that
 * address (so it is unchanged if it lies inside a free block), *out_size the
 * number of free bytes from there to the end of its block and *out_flags the
 * flags of the block's region.  If there is no free memory at or above
 * *inout_addr, *out_size is 0 and *out_flags 0.  Free blocks of different
 * regions are reported separately even when they touch.  To visit every free
 * block:
 *
 *     uintptr_t a = 0; size_t n; lmm_flags_t f;
 *     for (;;) {
 *             lmm_find_free(lmm, &a, &n, &f);
 *             if (n == 0)
 *                     break;
 *             visit(a, n, f);
 *             a += n;
 *             if (a == 0)     // that block ended at the top of the address space
 *                     break;
 *     }
 */
void lmm_find_free(struct lmm *lmm, uintptr_t *inout_addr, size_t *out_size,
                   lmm_flags_t *out_flags);

/* Verify every invariant of the pool: regions sorted by priority, disjoint
 * and grain aligned; free blocks grain aligned, nonzero, inside their region,
 * sorted, not overlapping, not adjacent (i.e. coalesced), and summing to the
 * region's free count.  Returns 0 if all hold; otherwise -1 and, if why is
 * not NULL, a NUL-terminated description of the first violation (truncated
 * to whylen bytes). */
int lmm_check(struct lmm *lmm, char *why, size_t whylen);

struct lmm_stats {
	size_t regions;       /* regions having the flags */
	size_t free_blocks;   /* free blocks in them */
	size_t free_bytes;    /* == lmm_avail(lmm, flags) */
	size_t largest_free;  /* size of the largest free block */
};

/* Fill *st with statistics over the regions having all the given flags. */
void lmm_stats(struct lmm *lmm, lmm_flags_t flags, struct lmm_stats *st);

/* Output callback for lmm_dump: called once per line, line ends in '\n'. */
typedef void (*lmm_print_fn)(void *arg, const char *line);

/* Describe every region and free block, one line each, through print. */
void lmm_dump(struct lmm *lmm, lmm_print_fn print, void *arg);

#endif
