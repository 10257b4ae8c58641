/* LMM — list-based memory manager: region list, free lists, allocation.
 *
 * Each region keeps its free memory as a singly linked list of blocks sorted
 * by address; the list node is stored in the first bytes of the free block it
 * describes, so the LMM needs no memory of its own.  Adjacent free blocks of
 * a region are always merged, so the list is as short as the fragmentation
 * allows.  Blocks never cross region boundaries: every allocation has the
 * attributes of exactly one region.
 *
 * All ranges are handled as inclusive [lo, hi] pairs of addresses, which can
 * describe memory that ends at the top of the address space without
 * computing an end address that wraps to 0.
 *
 * Checking (lmm_check), statistics and dumping live in lmm_debug.c.
 */
#include <kea/lmm.h>

#define GRAIN ((uintptr_t)LMM_GRAIN)
#define GMASK (GRAIN - 1)
#define PTR_BITS ((int)(sizeof(uintptr_t) * 8))

_Static_assert((LMM_GRAIN & (LMM_GRAIN - 1)) == 0, "LMM_GRAIN must be a power of 2");
_Static_assert(sizeof(size_t) == sizeof(uintptr_t), "sizes and addresses must have one width");

/* An allocation request, normalised: the block [x, x+size-1] must satisfy
 * lo <= x, x+size-1 <= hi and (x & mask) == ofs. */
struct request {
	uintptr_t size;  /* grain multiple, nonzero */
	uintptr_t mask;  /* 2^align_bits - 1, at least GMASK */
	uintptr_t ofs;   /* grain multiple, <= mask */
	uintptr_t lo, hi;
};

static uintptr_t
node_addr(struct lmm_node *n)
{
	return (uintptr_t)n;
}

static uintptr_t
node_last(struct lmm_node *n)
{
	return (uintptr_t)n + (n->size - 1);
}

static struct lmm_node *
make_node(uintptr_t addr, uintptr_t size, struct lmm_node *next)
{
	struct lmm_node *n = (struct lmm_node *)addr;

	n->size = size;
	n->next = next;
	return n;
}

/* Last byte of [a, a+size), clipped to the top of the address space. */
static uintptr_t
range_last(uintptr_t a, size_t size)
{
	if (size - 1 > UINTPTR_MAX - a)
		return UINTPTR_MAX;
	return a + (size - 1);
}

/* Shrink [*lo, *hi] to the whole grains inside it.  Returns 0 if none. */
static int
round_in(uintptr_t *lo, uintptr_t *hi)
{
	if (*lo & GMASK) {
		if ((*lo | GMASK) == UINTPTR_MAX)
			return 0;
		*lo = (*lo | GMASK) + 1;
	}
	if ((*hi & GMASK) != GMASK) {
		if (*hi < GRAIN)
			return 0;
		*hi = (*hi & ~GMASK) - 1;
	}
	return *lo <= *hi;
}

/* Intersect [*lo, *hi] with region r.  Returns 0 if they do not meet. */
static int
clip(struct lmm_region *r, uintptr_t *lo, uintptr_t *hi)
{
	if (*lo < r->min)
		*lo = r->min;
	if (*hi > r->max)
		*hi = r->max;
	return *lo <= *hi;
}

void
lmm_init(struct lmm *lmm)
{
	lmm->regions = NULL;
}

void
lmm_add_region(struct lmm *lmm, struct lmm_region *region, uintptr_t start,
               size_t size, lmm_flags_t flags, lmm_pri_t pri)
{
	struct lmm_region **pp;
	uintptr_t lo = start, hi = 0;

	region->nodes = NULL;
	region->free = 0;
	region->flags = flags;
	region->pri = pri;
	if (size > 0)
		hi = range_last(start, size);
	if (size == 0 || !round_in(&lo, &hi)) {
		/* Empty: min > max makes every intersection test fail. */
		lo = GRAIN;
		hi = GRAIN - 1;
	}
	region->min = lo;
	region->max = hi;

	/* Insert after every region of the same or higher priority, so equal
	 * priorities are searched in the order they were added. */
	for (pp = &lmm->regions; *pp != NULL && (*pp)->pri >= pri; pp = &(*pp)->next)
		;
	region->next = *pp;
	*pp = region;
}

/* Remove [lo, hi] from block *pp, which it overlaps, keeping the parts of
 * the block outside the range.  Returns the link to continue scanning from. */
static struct lmm_node **
cut(struct lmm_region *r, struct lmm_node **pp, uintptr_t lo, uintptr_t hi)
{
	struct lmm_node *n = *pp, *next = n->next;
	uintptr_t a = node_addr(n), last = node_last(n);

	r->free -= (last < hi ? last : hi) - (a > lo ? a : lo) + 1;
	if (last > hi)
		next = make_node(hi + 1, last - hi, next);
	if (a < lo) {
		n->size = lo - a;
		n->next = next;
		return &n->next;
	}
	*pp = next;
	return pp;
}

/* Remove every free byte of [lo, hi] (grain aligned, inside r) from r. */
static void
region_take(struct lmm_region *r, uintptr_t lo, uintptr_t hi)
{
	struct lmm_node **pp = &r->nodes, *n;

	while ((n = *pp) != NULL && node_addr(n) <= hi) {
		if (node_last(n) < lo)
			pp = &n->next;
		else
			pp = cut(r, pp, lo, hi);
	}
}

/* Put [lo, hi] (grain aligned, inside r, lo != 0) on r's free list, merging
 * it with the blocks that touch it.  Returns -1, changing nothing, if part of
 * it is already free. */
static int
region_put(struct lmm_region *r, uintptr_t lo, uintptr_t hi)
{
	struct lmm_node **pp = &r->nodes, *prev = NULL, *n;
	uintptr_t size = hi - lo + 1;

	/* prev: last block below lo; n: first block at or above lo. */
	while ((n = *pp) != NULL && node_addr(n) < lo) {
		prev = n;
		pp = &n->next;
	}
	if ((prev != NULL && node_last(prev) >= lo) || (n != NULL && node_addr(n) <= hi))
		return -1;

	r->free += size;
	if (n != NULL && node_addr(n) == hi + 1) {
		size += n->size;
		n = n->next;
	}
	if (prev != NULL && node_last(prev) + 1 == lo) {
		prev->size += size;
		prev->next = n;
	} else {
		*pp = make_node(lo, size, n);
	}
	return 0;
}

void
lmm_add_free(struct lmm *lmm, void *block, size_t size)
{
	struct lmm_region *r;
	uintptr_t lo = (uintptr_t)block, hi;

	if (size == 0)
		return;
	hi = range_last(lo, size);
	if (!round_in(&lo, &hi))
		return;
	if (lo == 0)
		lo = GRAIN;
	for (r = lmm->regions; r != NULL; r = r->next) {
		uintptr_t a = lo, b = hi;

		if (!clip(r, &a, &b))
			continue;
		/* Taking first makes donating already-free memory harmless. */
		region_take(r, a, b);
		region_put(r, a, b);
	}
}

void
lmm_remove_free(struct lmm *lmm, void *block, size_t size)
{
	struct lmm_region *r;
	uintptr_t lo, hi;

	if (size == 0)
		return;
	hi = range_last((uintptr_t)block, size) | GMASK;
	lo = (uintptr_t)block & ~GMASK;
	for (r = lmm->regions; r != NULL; r = r->next) {
		uintptr_t a = lo, b = hi;

		if (clip(r, &a, &b))
			region_take(r, a, b);
	}
}

/* Fill in q from the caller's constraints.  Returns 0 if they cannot be met
 * by any grain-aligned block. */
static int
make_request(struct request *q, size_t size, int align_bits, uintptr_t align_ofs,
             uintptr_t in_min, size_t in_size)
{
	if (size == 0 || size > UINTPTR_MAX - GMASK)
		return 0;
	if (align_bits < 0 || align_bits >= PTR_BITS)
		return 0;
	q->size = (size + GMASK) & ~GMASK;
	q->mask = ((uintptr_t)1 << align_bits) - 1;
	if (q->mask < GMASK) {
		/* Weaker than the grain: met by every grain-aligned block, or
		 * by none if the offset is not a multiple of 2^align_bits. */
		if (align_ofs & q->mask)
			return 0;
		q->mask = GMASK;
		q->ofs = 0;
	} else {
		if (align_ofs & GMASK)
			return 0;
		q->ofs = align_ofs & q->mask;
	}
	q->lo = in_min;
	q->hi = in_size == 0 ? UINTPTR_MAX : range_last(in_min, in_size);
	return 1;
}

/* Lowest address x in block [a, last] where q fits, or 0 if there is none
 * (a is a node address, never 0). */
static uintptr_t
fit(const struct request *q, uintptr_t a, uintptr_t last)
{
	uintptr_t x, top;

	if (a < q->lo)
		a = q->lo;
	x = a + ((q->ofs - a) & q->mask);
	if (x < a)
		return 0;  /* the aligned address would wrap past the top */
	top = last < q->hi ? last : q->hi;
	if (x > top || top - x < q->size - 1)
		return 0;
	return x;
}

static void *
region_alloc(struct lmm_region *r, const struct request *q)
{
	struct lmm_node **pp, *n;
	uintptr_t x;

	for (pp = &r->nodes; (n = *pp) != NULL; pp = &n->next) {
		if (node_addr(n) > q->hi)
			break;  /* sorted: no later block can be in range */
		if ((x = fit(q, node_addr(n), node_last(n))) != 0) {
			cut(r, pp, x, x + (q->size - 1));
			return (void *)x;
		}
	}
	return NULL;
}

void *
lmm_alloc_gen(struct lmm *lmm, size_t size, lmm_flags_t flags, int align_bits,
              uintptr_t align_ofs, uintptr_t in_min, size_t in_size)
{
	struct request q;
	struct lmm_region *r;
	void *p;

	if (!make_request(&q, size, align_bits, align_ofs, in_min, in_size))
		return NULL;
	for (r = lmm->regions; r != NULL; r = r->next) {
		if ((r->flags & flags) != flags || r->free < q.size)
			continue;
		if (r->max < q.lo || r->min > q.hi)
			continue;
		if ((p = region_alloc(r, &q)) != NULL)
			return p;
	}
	return NULL;
}

void *
lmm_alloc(struct lmm *lmm, size_t size, lmm_flags_t flags)
{
	return lmm_alloc_gen(lmm, size, flags, 0, 0, 0, 0);
}

void *
lmm_alloc_aligned(struct lmm *lmm, size_t size, lmm_flags_t flags, int align_bits,
                  uintptr_t align_ofs)
{
	return lmm_alloc_gen(lmm, size, flags, align_bits, align_ofs, 0, 0);
}

void *
lmm_alloc_page(struct lmm *lmm, lmm_flags_t flags)
{
	return lmm_alloc_gen(lmm, 4096, flags, 12, 0, 0, 0);
}

int
lmm_free(struct lmm *lmm, void *block, size_t size)
{
	struct lmm_region *r;
	uintptr_t lo = (uintptr_t)block, hi;

	if (block == NULL || size == 0)
		return 0;
	if ((lo & GMASK) != 0 || size > UINTPTR_MAX - GMASK)
		return -1;
	size = (size + GMASK) & ~GMASK;
	if (size - 1 > UINTPTR_MAX - lo)
		return -1;  /* wraps past the top: never allocated */
	hi = lo + (size - 1);
	for (r = lmm->regions; r != NULL; r = r->next)
		if (lo >= r->min && hi <= r->max)
			return region_put(r, lo, hi);
	return -1;
}

size_t
lmm_avail(struct lmm *lmm, lmm_flags_t flags)
{
	struct lmm_region *r;
	size_t n = 0;

	for (r = lmm->regions; r != NULL; r = r->next)
		if ((r->flags & flags) == flags)
			n += r->free;
	return n;
}

void
lmm_find_free(struct lmm *lmm, uintptr_t *inout_addr, size_t *out_size,
              lmm_flags_t *out_flags)
{
	struct lmm_region *r;
	struct lmm_node *n;
	uintptr_t want = *inout_addr, best = 0, start;
	size_t size = 0;
	lmm_flags_t flags = 0;

	/* Regions are ordered by priority, not address: look at each one's
	 * first block reaching want and keep the lowest. */
	for (r = lmm->regions; r != NULL; r = r->next) {
		for (n = r->nodes; n != NULL && node_last(n) < want; n = n->next)
			;
		if (n == NULL)
			continue;
		start = node_addr(n) > want ? node_addr(n) : want;
		if (size == 0 || start < best) {
			best = start;
			size = node_last(n) - start + 1;
			flags = r->flags;
		}
	}
	if (size != 0)
		*inout_addr = best;
	*out_size = size;
	*out_flags = flags;
}
