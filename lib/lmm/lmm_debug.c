/* LMM — introspection: invariant checking, statistics and dumping.
 *
 * Kept apart from the allocator so that a kernel that never checks or dumps
 * does not link this code.  The LMM depends on no library, so the little
 * text formatting needed here is done by hand.
 */
#include <kea/lmm.h>

#define GMASK ((uintptr_t)LMM_GRAIN - 1)

/* A bounded string being built; always NUL-terminated when cap > 0. */
struct text {
	char *buf;
	size_t len, cap;
};

static void
put_char(struct text *t, char c)
{
	if (t->len + 1 < t->cap) {
		t->buf[t->len++] = c;
		t->buf[t->len] = '\0';
	}
}

static void
put_str(struct text *t, const char *s)
{
	while (*s != '\0')
		put_char(t, *s++);
}

static void
put_hex(struct text *t, uintptr_t v)
{
	int shift;

	put_str(t, "0x");
	for (shift = (int)sizeof(v) * 8 - 4; shift >= 0; shift -= 4)
		put_char(t, "0123456789abcdef"[(v >> shift) & 0xf]);
}

/* uintptr_t, not uintmax_t: 64-bit division would need libgcc on i386. */
static void
put_dec(struct text *t, uintptr_t v)
{
	char digits[24];
	int i = 0;

	do {
		digits[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (i > 0)
		put_char(t, digits[--i]);
}

static void
put_int(struct text *t, int v)
{
	if (v < 0) {
		put_char(t, '-');
		put_dec(t, -(uintptr_t)v);
	} else {
		put_dec(t, (uintptr_t)v);
	}
}

/* "[min-max]" with max inclusive, so regions ending at the top print sanely. */
static void
put_range(struct text *t, uintptr_t min, uintptr_t max)
{
	put_char(t, '[');
	put_hex(t, min);
	put_char(t, '-');
	put_hex(t, max);
	put_char(t, ']');
}

/* Record the first violation found by lmm_check and return -1. */
static int
violation(char *why, size_t whylen, struct lmm_region *r, const char *what,
          uintptr_t addr)
{
	struct text t = { why, 0, why != NULL ? whylen : 0 };

	if (t.cap > 0)
		why[0] = '\0';
	put_str(&t, what);
	if (r != NULL) {
		put_str(&t, " (region at ");
		put_hex(&t, (uintptr_t)r);
		put_str(&t, " covering ");
		put_range(&t, r->min, r->max);
		put_str(&t, ", at ");
		put_hex(&t, addr);
		put_char(&t, ')');
	}
	return -1;
}

/* Floyd's cycle finding: the region list must end, or the loops below would
 * not. */
static int
regions_cyclic(struct lmm *lmm)
{
	struct lmm_region *slow = lmm->regions, *fast = lmm->regions;

	while (fast != NULL && fast->next != NULL) {
		slow = slow->next;
		fast = fast->next->next;
		if (slow == fast)
			return 1;
	}
	return 0;
}

static int
overlaps_another(struct lmm *lmm, struct lmm_region *r)
{
	struct lmm_region *o;

	for (o = lmm->regions; o != NULL; o = o->next)
		if (o != r && o->min <= o->max && o->min <= r->max && r->min <= o->max)
			return 1;
	return 0;
}

/* Check one region and its free list.  Blocks must be strictly increasing
 * and inside the region, which also guarantees the walk terminates. */
static int
check_region(struct lmm *lmm, struct lmm_region *r, char *why, size_t whylen)
{
	struct lmm_node *n;
	uintptr_t a, prev_last = 0;
	size_t total = 0;
	int first = 1;

	if (r->min > r->max) {
		if (r->nodes != NULL || r->free != 0)
			return violation(why, whylen, r, "empty region has free memory", 0);
		return 0;
	}
	if ((r->min & GMASK) != 0 || (r->max & GMASK) != GMASK)
		return violation(why, whylen, r, "region not grain aligned", r->min);
	if (overlaps_another(lmm, r))
		return violation(why, whylen, r, "regions overlap", r->min);
	for (n = r->nodes; n != NULL; n = n->next) {
		a = (uintptr_t)n;
		if (a == 0 || (a & GMASK) != 0)
			return violation(why, whylen, r, "free block misaligned", a);
		if (a < r->min || a > r->max)
			return violation(why, whylen, r, "free block outside its region", a);
		if (!first && a <= prev_last)
			return violation(why, whylen, r, "free blocks unsorted or overlapping", a);
		if (!first && a == prev_last + 1)
			return violation(why, whylen, r, "adjacent free blocks not coalesced", a);
		if (n->size == 0 || (n->size & GMASK) != 0)
			return violation(why, whylen, r, "free block size not a grain multiple", a);
		if (n->size - 1 > r->max - a)
			return violation(why, whylen, r, "free block extends past its region", a);
		prev_last = a + (n->size - 1);
		total += n->size;
		first = 0;
	}
	if (total != r->free)
		return violation(why, whylen, r, "free byte count does not match free list", total);
	return 0;
}

int
lmm_check(struct lmm *lmm, char *why, size_t whylen)
{
	struct lmm_region *r;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (regions_cyclic(lmm))
		return violation(why, whylen, NULL, "region list has a cycle", 0);
	for (r = lmm->regions; r != NULL; r = r->next) {
		if (r->next != NULL && r->next->pri > r->pri)
			return violation(why, whylen, r, "regions not sorted by priority", r->min);
		if (check_region(lmm, r, why, whylen) != 0)
			return -1;
	}
	return 0;
}

void
lmm_stats(struct lmm *lmm, lmm_flags_t flags, struct lmm_stats *st)
{
	struct lmm_region *r;
	struct lmm_node *n;

	st->regions = st->free_blocks = st->free_bytes = st->largest_free = 0;
	for (r = lmm->regions; r != NULL; r = r->next) {
		if ((r->flags & flags) != flags)
			continue;
		st->regions++;
		st->free_bytes += r->free;
		for (n = r->nodes; n != NULL; n = n->next) {
			st->free_blocks++;
			if (n->size > st->largest_free)
				st->largest_free = n->size;
		}
	}
}

void
lmm_dump(struct lmm *lmm, lmm_print_fn print, void *arg)
{
	struct lmm_region *r;
	struct lmm_node *n;
	char line[160];
	struct text t;

	for (r = lmm->regions; r != NULL; r = r->next) {
		t = (struct text){ line, 0, sizeof(line) };
		put_str(&t, "lmm region ");
		put_range(&t, r->min, r->max);
		put_str(&t, " flags ");
		put_hex(&t, r->flags);
		put_str(&t, " pri ");
		put_int(&t, r->pri);
		put_str(&t, " free ");
		put_dec(&t, r->free);
		put_char(&t, '\n');
		print(arg, line);
		for (n = r->nodes; n != NULL; n = n->next) {
			t = (struct text){ line, 0, sizeof(line) };
			put_str(&t, "  free ");
			put_range(&t, (uintptr_t)n, (uintptr_t)n + (n->size - 1));
			put_char(&t, ' ');
			put_dec(&t, n->size);
			put_char(&t, '\n');
			print(arg, line);
		}
	}
}
