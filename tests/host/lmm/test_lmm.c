/* Host tests for the LMM (lib/lmm).
 *
 * The directed groups run against a 4 MiB arena (4 MiB aligned, so offsets
 * behave like physical addresses) split into regions that imitate a PC:
 *
 *   offset  0       - 1 MiB     "dma1m"   F1M|F16M  pri -2   (below 1 MiB)
 *           1 MiB   - 2 MiB     "dma16m"  F16M      pri -1   (below 16 MiB)
 *           2 MiB   - 3 MiB     "high"    0         pri  0
 *           3 MiB   - +64 KiB   (no region: a hole)
 *           3 MiB+64 KiB - 4 MiB "high2"  0         pri  0
 *
 * and "lmm/random" checks every step of a long random run against a shadow
 * model that keeps the state of every grain of the arena.  "lmm/top" uses a
 * region that ends at the top of the address space.
 *
 * Usage: test_lmm [seed].  Prints PASS:/FAIL: lines, exits 1 if any failed.
 */
#include <kea/lmm.h>

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LMM_TEST_SUFFIX
#define LMM_TEST_SUFFIX ""
#endif

#define G        ((uintptr_t)LMM_GRAIN)
#define KiB      ((uintptr_t)1024)
#define MiB      (1024 * KiB)
#define TOP      UINTPTR_MAX
#define ROUND(n) (((uintptr_t)(n) + G - 1) & ~(G - 1))
#define PTR_BITS ((int)sizeof(uintptr_t) * 8)

/* Region attributes, defined by the client as the LMM leaves them open. */
#define F1M   0x1u
#define F16M  0x2u
#define FNONE 0x100u  /* no region has it */

/* ---- reporting ---------------------------------------------------------- */

static char why[768];
static const char *current = "setup";
static uint64_t seed = 20240601;
static int failures;

static int
fail_at(int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, sizeof why, "line %d: ", line);

	va_start(ap, fmt);
	vsnprintf(why + n, sizeof why - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

#define CHECK(cond, ...) \
	do { if (!(cond)) return fail_at(__LINE__, __VA_ARGS__); } while (0)

#define CHECK_LMM(l) \
	do { \
		char w_[256]; \
		if (lmm_check((l), w_, sizeof w_) != 0) \
			return fail_at(__LINE__, "lmm_check: %s", w_); \
	} while (0)

static void
run(const char *name, int (*fn)(void))
{
	current = name;
	why[0] = '\0';
	if (fn() == 0) {
		printf("PASS: lmm/%s%s\n", name, LMM_TEST_SUFFIX);
	} else {
		printf("FAIL: lmm/%s%s: %s\n", name, LMM_TEST_SUFFIX, why);
		failures++;
	}
	fflush(stdout);
}

/* A wild write by the LMM would most likely crash: still report it in the
 * runner's format. */
static void
on_crash(int sig)
{
	printf("FAIL: lmm/%s%s: crashed with signal %d (seed %" PRIu64 ")\n",
	       current, LMM_TEST_SUFFIX, sig, seed);
	fflush(stdout);
	_Exit(1);
}

/* xorshift64*: small, fast, and the same sequence on every host. */
static uint64_t rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uintptr_t
rnd_below(uintptr_t n)
{
	return (uintptr_t)(rnd() % n);
}

/* ---- the standard arena ------------------------------------------------- */

#define ARENA (4 * MiB)

enum { R_DMA1M, R_DMA16M, R_HIGH, R_HIGH2, NREG };

static const struct {
	const char *name;
	uintptr_t off, size;
	lmm_flags_t flags;
	lmm_pri_t pri;
} layout[NREG] = {
	[R_DMA1M]  = { "dma1m",  0,                  1 * MiB,        F1M | F16M, -2 },
	[R_DMA16M] = { "dma16m", 1 * MiB,            1 * MiB,        F16M,       -1 },
	[R_HIGH]   = { "high",   2 * MiB,            1 * MiB,        0,           0 },
	[R_HIGH2]  = { "high2",  3 * MiB + 64 * KiB, MiB - 64 * KiB, 0,           0 },
};

/* Added out of priority order on purpose; the LMM must sort them. */
static const int add_order[NREG] = { R_DMA16M, R_HIGH, R_DMA1M, R_HIGH2 };
/* The order the LMM must search them in (equal priorities: oldest first). */
static const int pri_order[NREG] = { R_HIGH, R_HIGH2, R_DMA16M, R_DMA1M };

static uintptr_t A;  /* arena base */
static struct lmm lmm;
static struct lmm_region reg[NREG];

#define AT(off) ((void *)(A + (uintptr_t)(off)))
#define OFF(p)  ((uintptr_t)(p) - A)

/* Free memory right after setup(1): one block per region. */
#define LOW_FREE  (636 * KiB)
#define DONATED   (LOW_FREE + 3 * MiB - 64 * KiB)

static void
setup(int donate)
{
	int i, k;

	lmm_init(&lmm);
	for (i = 0; i < NREG; i++) {
		k = add_order[i];
		lmm_add_region(&lmm, &reg[k], A + layout[k].off, layout[k].size,
		               layout[k].flags, layout[k].pri);
	}
	if (donate) {
		/* Conventional memory above the BIOS data page, then all memory
		 * above 1 MiB in one call (it spans three regions and the hole). */
		lmm_add_free(&lmm, AT(4 * KiB), LOW_FREE);
		lmm_add_free(&lmm, AT(1 * MiB), 3 * MiB);
	}
}

/* Index of the standard region wholly containing [p, p+n), or -1. */
static int
region_of(uintptr_t p, uintptr_t n)
{
	int k;

	for (k = 0; k < NREG; k++) {
		uintptr_t lo = A + layout[k].off;
		if (p >= lo && n <= layout[k].size && p - lo <= layout[k].size - n)
			return k;
	}
	return -1;
}

/* ---- free-list snapshots ------------------------------------------------ */

struct blk {
	uintptr_t addr;
	uintptr_t size;
	lmm_flags_t flags;
};

/* Every free block, in address order, via lmm_find_free.  Stores at most max
 * and returns the count. */
static size_t
list_free(struct lmm *l, struct blk *b, size_t max)
{
	uintptr_t a = 0;
	size_t n, count = 0;
	lmm_flags_t f;

	for (;;) {
		lmm_find_free(l, &a, &n, &f);
		if (n == 0)
			break;
		if (count < max)
			b[count] = (struct blk){ a, n, f };
		count++;
		a += n;
		if (a == 0)
			break;
	}
	return count;
}

#define MAXSNAP 64

struct snap {
	size_t n;
	size_t avail;
	struct blk b[MAXSNAP];
};

static void
take_snap(struct lmm *l, struct snap *s)
{
	s->n = list_free(l, s->b, MAXSNAP);
	s->avail = lmm_avail(l, 0);
}

static int
same_snap(const struct snap *x, const struct snap *y)
{
	size_t i;

	if (x->n != y->n || x->avail != y->avail)
		return 0;
	for (i = 0; i < x->n && i < MAXSNAP; i++)
		if (x->b[i].addr != y->b[i].addr || x->b[i].size != y->b[i].size ||
		    x->b[i].flags != y->b[i].flags)
			return 0;
	return 1;
}

/* Compare the free list with exp[0..n) (offsets relative to the arena). */
static int
expect_blocks(struct lmm *l, const struct blk *exp, size_t n, int line)
{
	struct blk got[MAXSNAP];
	size_t i, count = list_free(l, got, MAXSNAP);

	if (count != n)
		return fail_at(line, "%zu free blocks, expected %zu", count, n);
	for (i = 0; i < n; i++) {
		if (got[i].addr != A + exp[i].addr || got[i].size != exp[i].size ||
		    got[i].flags != exp[i].flags)
			return fail_at(line, "free block %zu is +%#" PRIxPTR " size %#" PRIxPTR
			               " flags %#x, expected +%#" PRIxPTR " size %#" PRIxPTR " flags %#x",
			               i, got[i].addr - A, got[i].size, got[i].flags,
			               exp[i].addr, exp[i].size, exp[i].flags);
	}
	return 0;
}

#define CHECK_BLOCKS(l, exp) \
	do { \
		if (expect_blocks((l), (exp), sizeof(exp) / sizeof((exp)[0]), __LINE__)) \
			return -1; \
	} while (0)

/* The free list right after setup(1). */
static const struct blk initial[] = {
	{ 4 * KiB,            LOW_FREE,          F1M | F16M },
	{ 1 * MiB,            1 * MiB,           F16M },
	{ 2 * MiB,            1 * MiB,           0 },
	{ 3 * MiB + 64 * KiB, MiB - 64 * KiB,    0 },
};

/* ---- directed groups ---------------------------------------------------- */

static int
t_basic(void)
{
	void *p, *q, *r;

	setup(0);
	CHECK_LMM(&lmm);
	CHECK(lmm_avail(&lmm, 0) == 0, "new regions must start empty");
	CHECK(lmm_alloc(&lmm, 1, 0) == NULL, "allocated from an empty pool");

	setup(1);
	CHECK_LMM(&lmm);
	CHECK_BLOCKS(&lmm, initial);
	CHECK(lmm_avail(&lmm, 0) == DONATED, "avail %zu", lmm_avail(&lmm, 0));
	CHECK(lmm_avail(&lmm, F16M) == LOW_FREE + MiB, "avail(F16M) %zu", lmm_avail(&lmm, F16M));
	CHECK(lmm_avail(&lmm, F1M) == LOW_FREE, "avail(F1M) %zu", lmm_avail(&lmm, F1M));
	CHECK(lmm_avail(&lmm, FNONE) == 0, "avail(FNONE)");

	CHECK(lmm_alloc(&lmm, 0, 0) == NULL, "size 0 must give NULL");
	p = lmm_alloc(&lmm, 100, 0);
	CHECK(p == AT(2 * MiB), "first fit in the first region: got +%#" PRIxPTR, OFF(p));
	q = lmm_alloc(&lmm, 1, 0);
	CHECK(q == AT(2 * MiB + ROUND(100)), "sizes round to the grain: got +%#" PRIxPTR, OFF(q));
	r = lmm_alloc(&lmm, 3 * G - 1, 0);
	CHECK(r == AT(2 * MiB + ROUND(100) + G), "got +%#" PRIxPTR, OFF(r));
	CHECK(lmm_avail(&lmm, 0) == DONATED - ROUND(100) - 4 * G, "avail after allocating");
	CHECK_LMM(&lmm);

	CHECK(lmm_free(&lmm, q, 1) == 0, "free q");
	CHECK(lmm_free(&lmm, p, 100) == 0, "free p");
	CHECK_LMM(&lmm);
	CHECK(lmm_free(&lmm, r, 3 * G) == 0, "free with the rounded size");
	CHECK_LMM(&lmm);
	CHECK_BLOCKS(&lmm, initial);
	CHECK(lmm_free(&lmm, NULL, 64) == 0, "free(NULL) is a no-op");
	CHECK(lmm_free(&lmm, AT(2 * MiB), 0) == 0, "free of size 0 is a no-op");
	CHECK_BLOCKS(&lmm, initial);
	return 0;
}

static int
t_priority(void)
{
	static struct lmm_region boost;
	struct lmm_region *r;
	void *p[8];
	int i;

	setup(1);
	for (i = 0, r = lmm.regions; i < NREG; i++, r = r->next)
		CHECK(r == &reg[pri_order[i]], "region %d in the list is not %s", i,
		      layout[pri_order[i]].name);
	CHECK(r == NULL, "region list too long");

	CHECK(lmm_alloc(&lmm, 4096, 0) == AT(2 * MiB), "flags 0: highest priority region");
	CHECK(lmm_alloc(&lmm, 4096, F16M) == AT(1 * MiB), "F16M: dma16m before dma1m");
	CHECK(lmm_alloc(&lmm, 4096, F1M) == AT(4 * KiB), "F1M: only dma1m has it");
	CHECK(lmm_alloc(&lmm, 4096, F1M | F16M) == AT(8 * KiB), "F1M|F16M: all flags needed");
	CHECK(lmm_alloc(&lmm, 4096, FNONE) == NULL, "no region has FNONE");
	CHECK_LMM(&lmm);

	/* Exhaust the regions one by one: each must fall through to the next
	 * in priority order. */
	setup(1);
	p[0] = lmm_alloc(&lmm, 1 * MiB, 0);
	p[1] = lmm_alloc(&lmm, 64, 0);
	p[2] = lmm_alloc(&lmm, MiB - 64 * KiB - 64, 0);
	p[3] = lmm_alloc(&lmm, 64, 0);
	p[4] = lmm_alloc(&lmm, MiB - 64, 0);
	p[5] = lmm_alloc(&lmm, 64, 0);
	p[6] = lmm_alloc(&lmm, LOW_FREE - 64, 0);
	CHECK(p[0] == AT(2 * MiB), "all of high");
	CHECK(p[1] == AT(3 * MiB + 64 * KiB), "then high2: +%#" PRIxPTR, OFF(p[1]));
	CHECK(p[2] == AT(3 * MiB + 64 * KiB + 64), "rest of high2");
	CHECK(p[3] == AT(1 * MiB), "then dma16m: +%#" PRIxPTR, OFF(p[3]));
	CHECK(p[4] == AT(1 * MiB + 64), "rest of dma16m");
	CHECK(p[5] == AT(4 * KiB), "then dma1m: +%#" PRIxPTR, OFF(p[5]));
	CHECK(p[6] == AT(4 * KiB + 64), "rest of dma1m");
	CHECK(lmm_avail(&lmm, 0) == 0, "pool should be empty");
	CHECK(lmm_alloc(&lmm, G, 0) == NULL, "allocated from an empty pool");
	CHECK_LMM(&lmm);
	CHECK(lmm_free(&lmm, p[6], LOW_FREE - 64) == 0 && lmm_free(&lmm, p[5], 64) == 0 &&
	      lmm_free(&lmm, p[4], MiB - 64) == 0 && lmm_free(&lmm, p[3], 64) == 0 &&
	      lmm_free(&lmm, p[2], MiB - 64 * KiB - 64) == 0 && lmm_free(&lmm, p[1], 64) == 0 &&
	      lmm_free(&lmm, p[0], 1 * MiB) == 0, "freeing everything");
	CHECK_BLOCKS(&lmm, initial);

	/* A region added later with a higher priority is used first, even
	 * for requests that lower regions with more flags could serve. */
	lmm_add_region(&lmm, &boost, A + 3 * MiB, 64 * KiB, F16M, 5);
	lmm_add_free(&lmm, AT(3 * MiB), 64 * KiB);
	CHECK(lmm.regions == &boost, "boost region should head the list");
	CHECK(lmm_alloc(&lmm, 64, 0) == AT(3 * MiB), "boost first");
	CHECK(lmm_alloc(&lmm, 64, F16M) == AT(3 * MiB + 64), "boost has F16M too");
	CHECK(lmm_alloc(&lmm, 64, F1M) == AT(4 * KiB), "only dma1m has F1M");
	CHECK_LMM(&lmm);
	return 0;
}

static int
t_reserve(void)
{
	/* Kernel image at 1 MiB (odd start and size: rounded outward), a boot
	 * module inside "high", and a range across high, the hole and high2. */
	const uintptr_t kend = 1 * MiB + ROUND(300 * KiB + 3);
	const uintptr_t mod = 2 * MiB + 512 * KiB, modend = mod + ROUND(37 * KiB + 5);
	const struct blk reserved[] = {
		{ 4 * KiB,              LOW_FREE,                  F1M | F16M },
		{ kend,                 2 * MiB - kend,            F16M },
		{ 2 * MiB,              512 * KiB,                 0 },
		{ modend,               3 * MiB - 4 * KiB - modend, 0 },
		{ 3 * MiB + 68 * KiB,   MiB - 68 * KiB,            0 },
	};
	static void *ptrs[8192];
	static uintptr_t sizes[8192];
	size_t n = 0, total = 0, before, i;
	void *p;
	int inside;

	setup(1);
	lmm_remove_free(&lmm, AT(1 * MiB + 3), 300 * KiB);
	lmm_remove_free(&lmm, AT(mod + 5), 37 * KiB);
	lmm_remove_free(&lmm, AT(3 * MiB - 4 * KiB), 72 * KiB);
	CHECK_LMM(&lmm);
	CHECK_BLOCKS(&lmm, reserved);
	lmm_remove_free(&lmm, AT(1 * MiB), 4 * KiB);  /* already reserved: no-op */
	CHECK_BLOCKS(&lmm, reserved);
	before = lmm_avail(&lmm, 0);

	/* Fill the pool: nothing may land in a reserved range. */
	for (;;) {
		uintptr_t sz = ROUND(1000);

		if ((p = lmm_alloc(&lmm, 1000, 0)) == NULL)
			p = lmm_alloc(&lmm, sz = G, 0);
		if (p == NULL)
			break;
		for (i = 0, inside = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
			if (OFF(p) >= reserved[i].addr &&
			    OFF(p) + sz <= reserved[i].addr + reserved[i].size)
				inside = 1;
		CHECK(inside, "allocation +%#" PRIxPTR " is not in free memory", OFF(p));
		CHECK(n < sizeof(ptrs) / sizeof(ptrs[0]), "too many allocations");
		ptrs[n] = p;
		sizes[n++] = sz;
		total += sz;
	}
	CHECK(total == before && lmm_avail(&lmm, 0) == 0,
	      "allocated %zu of %zu bytes", total, before);
	CHECK_LMM(&lmm);
	while (n > 0) {
		n--;
		CHECK(lmm_free(&lmm, ptrs[n], sizes[n]) == 0, "free +%#" PRIxPTR, OFF(ptrs[n]));
	}
	CHECK_LMM(&lmm);
	CHECK_BLOCKS(&lmm, reserved);

	/* Reserving allocated memory does nothing; freeing it later returns it. */
	p = lmm_alloc(&lmm, 4 * KiB, 0);
	CHECK(p == AT(2 * MiB), "alloc in high");
	lmm_remove_free(&lmm, p, 4 * KiB);
	CHECK(lmm_avail(&lmm, 0) == before - 4 * KiB, "remove_free of allocated memory");
	CHECK(lmm_free(&lmm, p, 4 * KiB) == 0, "free");
	CHECK_BLOCKS(&lmm, reserved);

	/* Donating a range that is partly free already gives the union. */
	lmm_add_free(&lmm, AT(2 * MiB), 1 * MiB);
	CHECK(lmm_avail(&lmm, 0) == before + (modend - mod) + 4 * KiB, "union of free memory");
	/* Inward rounding: only whole grains are donated. */
	lmm_add_free(&lmm, AT(1 * MiB + 1), 2 * G);
	lmm_add_free(&lmm, AT(1 * MiB + 64 + 1), G - 2);
	/* Parts outside every region are ignored. */
	lmm_add_free(&lmm, AT(3 * MiB), 68 * KiB);
	{
		const struct blk donated[] = {
			{ 4 * KiB,            LOW_FREE,        F1M | F16M },
			{ 1 * MiB + G,        G,               F16M },
			{ kend,               2 * MiB - kend,  F16M },
			{ 2 * MiB,            1 * MiB,         0 },
			{ 3 * MiB + 64 * KiB, MiB - 64 * KiB,  0 },
		};
		CHECK_BLOCKS(&lmm, donated);
	}
	CHECK_LMM(&lmm);
	return 0;
}

static int
t_fail(void)
{
	struct snap before, after;
	void *p;

#define EXPECT_NULL(expr) \
	do { \
		p = (expr); \
		CHECK(p == NULL, #expr " gave +%#" PRIxPTR, OFF(p)); \
		take_snap(&lmm, &after); \
		CHECK(same_snap(&before, &after), #expr " changed the free list"); \
		CHECK_LMM(&lmm); \
	} while (0)

	setup(1);
	lmm_remove_free(&lmm, AT(1 * MiB), 300 * KiB);
	take_snap(&lmm, &before);

	/* Sizes. */
	EXPECT_NULL(lmm_alloc(&lmm, 0, 0));
	EXPECT_NULL(lmm_alloc(&lmm, 1 * MiB + 1, 0));
	EXPECT_NULL(lmm_alloc(&lmm, SIZE_MAX, 0));
	EXPECT_NULL(lmm_alloc(&lmm, SIZE_MAX - G + 2, 0));
	EXPECT_NULL(lmm_alloc(&lmm, LOW_FREE + G, F1M));  /* high could, dma1m can't */
	/* Flags. */
	EXPECT_NULL(lmm_alloc(&lmm, 16, FNONE));
	EXPECT_NULL(lmm_alloc(&lmm, 16, F1M | FNONE));
	/* Alignment. */
	EXPECT_NULL(lmm_alloc_aligned(&lmm, 16, 0, -1, 0));
	EXPECT_NULL(lmm_alloc_aligned(&lmm, 16, 0, PTR_BITS, 0));
	EXPECT_NULL(lmm_alloc_aligned(&lmm, 16, 0, 12, 4));      /* offset not grain aligned */
	EXPECT_NULL(lmm_alloc_aligned(&lmm, 16, 0, 2, 2));       /* weaker than a grain, still impossible */
	EXPECT_NULL(lmm_alloc_aligned(&lmm, 16, 0, 22, 0));      /* only 4 MiB boundaries: arena start, end */
	EXPECT_NULL(lmm_alloc_aligned(&lmm, 4 * KiB, 0, 20, 1 * MiB - 2 * KiB)); /* would span regions */
	/* Ranges. */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 64, 0, 0, 0, A + ARENA, 1 * MiB));          /* above the arena */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 64, 0, 0, 0, A + 3 * MiB, 64 * KiB));       /* the hole */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 64, 0, 0, 0, A + 1 * MiB, 300 * KiB));      /* reserved */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 64, 0, 0, 0, A + 2 * MiB, 32));             /* range too small */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 64, F1M, 0, 0, A + 2 * MiB, 1 * MiB));      /* flags vs range */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 8 * KiB, 0, 0, 0, A + 1 * MiB - 4 * KiB, 8 * KiB)); /* spans regions */
	EXPECT_NULL(lmm_alloc_gen(&lmm, 64, 0, 12, 64, A + 2 * MiB, 64));           /* alignment vs range */

	/* The same kinds of requests succeed when they can. */
	p = lmm_alloc_aligned(&lmm, 16, 0, 2, 4);
	CHECK(p == AT(2 * MiB), "align 4, offset 4 is any grain: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc(&lmm, LOW_FREE, F1M);
	CHECK(p == AT(4 * KiB), "all of dma1m");
	CHECK_LMM(&lmm);
#undef EXPECT_NULL
	return 0;
}

/* Alignment outcome check for one request: NULL iff impossible, else the
 * result is grain aligned, (p - ofs) % 2^bits == 0 and in a region. */
static int
check_aligned(void *p, int bits, uintptr_t ofs, uintptr_t size, int line)
{
	uintptr_t mask = ((uintptr_t)1 << bits) - 1, a = (uintptr_t)p;
	int possible = mask < G - 1 ? (ofs & mask) == 0 : (ofs & (G - 1)) == 0;

	if (!possible)
		return p == NULL ? 0 : fail_at(line, "bits %d ofs %#" PRIxPTR ": impossible "
		                               "request satisfied", bits, ofs);
	if (p == NULL)
		return fail_at(line, "bits %d ofs %#" PRIxPTR " size %#" PRIxPTR " failed",
		               bits, ofs, size);
	if ((a & (G - 1)) != 0 || ((a - ofs) & mask) != 0)
		return fail_at(line, "bits %d ofs %#" PRIxPTR ": got +%#" PRIxPTR, bits, ofs, a - A);
	if (region_of(a, ROUND(size)) < 0)
		return fail_at(line, "+%#" PRIxPTR " is not inside one region", a - A);
	return 0;
}

static int
t_align(void)
{
	int bits, kind;
	void *p;

	/* Each request on a fresh pool: the lowest suitable address in "high"
	 * (2 MiB, so aligned to everything tried) is 2 MiB + ofs mod 2^bits. */
	setup(1);
	for (bits = 0; bits <= 20; bits++) {
		for (kind = 0; kind < 3; kind++) {
			uintptr_t mask = ((uintptr_t)1 << bits) - 1;
			uintptr_t ofs = kind == 0 ? 0 :
			                kind == 1 ? (3 * G) & mask : ((3 * G) & mask) + (5 << bits);
			uintptr_t size = 100 + (uintptr_t)bits * 37;

			if (kind == 1 && bits < 6)
				ofs = (uintptr_t)bits;  /* sometimes impossible, sometimes not */
			p = lmm_alloc_aligned(&lmm, size, 0, bits, ofs);
			if (check_aligned(p, bits, ofs, size, __LINE__))
				return -1;
			if (p == NULL)
				continue;
			CHECK(p == AT(2 * MiB + (mask < G - 1 ? 0 : ofs & mask)),
			      "bits %d ofs %#" PRIxPTR ": not the lowest fit: +%#" PRIxPTR,
			      bits, ofs, OFF(p));
			CHECK_LMM(&lmm);
			CHECK(lmm_free(&lmm, p, size) == 0, "free");
			CHECK_BLOCKS(&lmm, initial);
		}
	}
	p = lmm_alloc_page(&lmm, F16M);
	CHECK(p == AT(1 * MiB), "lmm_alloc_page(F16M) gave +%#" PRIxPTR, OFF(p));
	CHECK(lmm_free(&lmm, p, 4096) == 0, "free page");
	CHECK_BLOCKS(&lmm, initial);

	/* Aligning leaves the skipped space free, and first fit reuses it. */
	CHECK(lmm_alloc(&lmm, G, 0) == AT(2 * MiB), "small block first");
	CHECK(lmm_alloc_page(&lmm, 0) == AT(2 * MiB + 4 * KiB), "page after it");
	CHECK(list_free(&lmm, NULL, 0) == 5, "the skipped space should be a free block");
	CHECK(lmm_alloc(&lmm, 4 * KiB - G, 0) == AT(2 * MiB + G), "first fit fills the gap");
	CHECK(list_free(&lmm, NULL, 0) == 4, "gap should be used up");
	CHECK(lmm_alloc_aligned(&lmm, 64, F1M, 20, 0) == NULL, "dma1m's 1 MiB boundary is not free");
	CHECK(lmm_alloc_aligned(&lmm, 64, F16M, 20, 0) == AT(1 * MiB), "1 MiB aligned in dma16m");
	CHECK(lmm_alloc_aligned(&lmm, 64, 0, 20, 128) == AT(1 * MiB + 128), "with an offset");
	p = lmm_alloc_aligned(&lmm, 64, 0, 12, 5 * 4096 + 64);
	CHECK(p == AT(2 * MiB + 8 * KiB + 64), "offset above 2^bits is taken modulo: +%#" PRIxPTR,
	      OFF(p));
	CHECK_LMM(&lmm);
	return 0;
}

static int
t_gen(void)
{
	void *p;

	setup(1);
	lmm_add_free(&lmm, AT(640 * KiB), 384 * KiB);  /* fill dma1m up to 1 MiB */
	p = lmm_alloc_gen(&lmm, 4 * KiB, 0, 12, 0, A + 1 * MiB + 512 * KiB, 64 * KiB);
	CHECK(p == AT(1 * MiB + 512 * KiB), "range selects dma16m: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 4 * KiB, 0, 0, 0, A + 1 * MiB - 4 * KiB, 8 * KiB);
	CHECK(p == AT(1 * MiB), "range across two regions: the higher priority one wins: +%#"
	      PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 4 * KiB, 0, 0, 0, A + 1 * MiB - 4 * KiB, 8 * KiB);
	CHECK(p == AT(1 * MiB - 4 * KiB), "then the lower one: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 64, 0, 0, 0, A + 3 * MiB + 64 * KiB, 0);
	CHECK(p == AT(3 * MiB + 64 * KiB), "in_size 0 reaches the top: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 64, 0, 0, 0, A + 3 * MiB + 64 * KiB, SIZE_MAX);
	CHECK(p == AT(3 * MiB + 64 * KiB + 64), "wrapping range is clipped: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 100, 0, 8, 32, A + 2 * MiB + 33, 1024);
	CHECK(p == AT(2 * MiB + 256 + 32), "range start and alignment: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 256, 0, 0, 0, A + 2 * MiB + 1024 - 256, 256);
	CHECK(p == AT(2 * MiB + 1024 - 256), "range exactly the block: +%#" PRIxPTR, OFF(p));
	p = lmm_alloc_gen(&lmm, 64, F16M, 0, 0, A + 500 * KiB, 2 * MiB);
	CHECK(p == AT(1 * MiB + 4 * KiB), "flags and range: +%#" PRIxPTR, OFF(p));
	CHECK_LMM(&lmm);
	return 0;
}

static int
t_badfree(void)
{
	struct snap before, after;
	void *a, *b;

#define EXPECT_REJECT(blk, size) \
	do { \
		CHECK(lmm_free(&lmm, (void *)(blk), (size)) == -1, \
		      "lmm_free(" #blk ", " #size ") accepted"); \
		take_snap(&lmm, &after); \
		CHECK(same_snap(&before, &after), "lmm_free(" #blk ", " #size ") changed the pool"); \
		CHECK_LMM(&lmm); \
	} while (0)

	setup(1);
	a = lmm_alloc(&lmm, 100, 0);
	b = lmm_alloc(&lmm, 100, 0);
	CHECK(lmm_free(&lmm, a, 100) == 0, "free a");
	take_snap(&lmm, &before);
	EXPECT_REJECT(a, 100);                                  /* double free */
	EXPECT_REJECT(a, 2 * ROUND(100));                       /* covers free a and live b */
	EXPECT_REJECT((uintptr_t)b - G, 2 * G);                 /* starts inside free a */
	EXPECT_REJECT((uintptr_t)b + ROUND(100) - G, 2 * G);    /* ends in the free rest */
	EXPECT_REJECT((uintptr_t)b + 1, 8);                     /* misaligned */
	EXPECT_REJECT(A + 3 * MiB, 64);                         /* the hole */
	EXPECT_REJECT(A + ARENA, 64);                           /* beyond every region */
	EXPECT_REJECT(A + 1 * MiB - G, 2 * G);                  /* spans two regions */
	EXPECT_REJECT(b, SIZE_MAX);                             /* absurd size */
	EXPECT_REJECT(b, SIZE_MAX - G);                         /* wraps past the top */
	EXPECT_REJECT(TOP - G + 1, G);                          /* top of the address space */
	CHECK(lmm_free(&lmm, b, 100) == 0, "free b");
	CHECK_BLOCKS(&lmm, initial);
#undef EXPECT_REJECT
	return 0;
}

static int
t_find(void)
{
	uintptr_t a;
	size_t n;
	lmm_flags_t f;

	setup(1);
	CHECK_BLOCKS(&lmm, initial);
	a = A + 100 * KiB;
	lmm_find_free(&lmm, &a, &n, &f);
	CHECK(a == A + 100 * KiB && n == 540 * KiB && f == (F1M | F16M),
	      "inside a block: +%#" PRIxPTR " %zu %#x", a - A, n, f);
	a = A + 700 * KiB;
	lmm_find_free(&lmm, &a, &n, &f);
	CHECK(a == A + 1 * MiB && n == 1 * MiB && f == F16M, "between blocks: +%#" PRIxPTR, a - A);
	a = A + 3 * MiB;
	lmm_find_free(&lmm, &a, &n, &f);
	CHECK(a == A + 3 * MiB + 64 * KiB && n == MiB - 64 * KiB && f == 0, "in the hole");
	a = A + ARENA - G;
	lmm_find_free(&lmm, &a, &n, &f);
	CHECK(a == A + ARENA - G && n == G, "last grain");
	a = A + ARENA;
	lmm_find_free(&lmm, &a, &n, &f);
	CHECK(n == 0 && f == 0 && a == A + ARENA, "above everything: n %zu", n);
	a = 0;
	lmm_find_free(&lmm, &a, &n, &f);
	CHECK(a == A + 4 * KiB && n == LOW_FREE, "from 0");
	return 0;
}

static int
expect_corrupt(const char *what, int line)
{
	char w[256];

	if (lmm_check(&lmm, w, sizeof w) == 0)
		return fail_at(line, "lmm_check missed: %s", what);
	if (w[0] == '\0')
		return fail_at(line, "lmm_check gave no reason for: %s", what);
	return 0;
}

#define EXPECT_CORRUPT(what) \
	do { if (expect_corrupt((what), __LINE__)) return -1; } while (0)

static int
t_check(void)
{
	struct lmm_region *h = &reg[R_HIGH];
	struct lmm_node *n, *saved;
	char small[10];
	void *a;

	setup(1);
	a = lmm_alloc(&lmm, 64, 0);
	lmm_alloc(&lmm, 64, 0);
	lmm_free(&lmm, a, 64);  /* high: [2M, 2M+64) and [2M+128, 3M) */
	CHECK_LMM(&lmm);
	n = h->nodes;
	CHECK(n == AT(2 * MiB) && n->size == 64, "unexpected layout");

	n->size += 64;
	EXPECT_CORRUPT("adjacent blocks");
	n->size -= 64;
	CHECK_LMM(&lmm);
	n->size += 128;
	EXPECT_CORRUPT("overlapping blocks");
	n->size -= 128;
	n->size = 0;
	EXPECT_CORRUPT("empty block");
	n->size = 64;
	h->free += G;
	EXPECT_CORRUPT("free count");
	h->free -= G;
	h->pri = -10;
	EXPECT_CORRUPT("priority order");
	h->pri = 0;
	saved = h->nodes;
	h->nodes = (struct lmm_node *)(A + 2 * MiB + 4);
	EXPECT_CORRUPT("misaligned block");
	h->nodes = (struct lmm_node *)AT(1 * MiB);
	EXPECT_CORRUPT("block outside its region");
	h->nodes = saved;
	saved->next = saved;  /* a walk would loop forever if not caught */
	EXPECT_CORRUPT("self-linked block");
	saved->next = (struct lmm_node *)AT(2 * MiB + 128);
	CHECK_LMM(&lmm);
	h->max += 64 * KiB + G;
	EXPECT_CORRUPT("overlapping regions");
	h->max -= 64 * KiB + G;
	reg[R_HIGH2].next = h;
	EXPECT_CORRUPT("cyclic region list");
	reg[R_HIGH2].next = &reg[R_DMA16M];
	CHECK_LMM(&lmm);

	n->size += 64;
	CHECK(lmm_check(&lmm, small, sizeof small) == -1, "corruption missed");
	CHECK(strlen(small) == sizeof small - 1, "reason not truncated to fit: '%s'", small);
	CHECK(lmm_check(&lmm, NULL, 0) == -1, "corruption missed without a buffer");
	n->size -= 64;
	CHECK_LMM(&lmm);
	return 0;
}

struct capture {
	char text[4096];
	size_t len;
	int lines;
};

static void
capture_line(void *arg, const char *line)
{
	struct capture *c = arg;
	size_t n = strlen(line);

	if (c->len + n < sizeof c->text) {
		memcpy(c->text + c->len, line, n + 1);
		c->len += n;
	}
	if (n > 0 && line[n - 1] == '\n')
		c->lines++;
}

static int
t_dump_stats(void)
{
	static struct capture cap;
	struct lmm_stats st;
	char expect[64];

	setup(1);
	lmm_alloc(&lmm, 64, 0);
	lmm_alloc_page(&lmm, 0);  /* high: [2M+64, 2M+4K) and [2M+8K, 3M) */
	lmm_dump(&lmm, capture_line, &cap);
	CHECK(cap.lines == NREG + 5, "%d dump lines:\n%s", cap.lines, cap.text);
	CHECK(strstr(cap.text, "pri -2") != NULL && strstr(cap.text, "flags") != NULL,
	      "dump lacks region details:\n%s", cap.text);
	snprintf(expect, sizeof expect, "free [0x%0*" PRIxPTR "-0x%0*" PRIxPTR "] %u\n",
	         (int)sizeof(uintptr_t) * 2, A + 2 * MiB + 64,
	         (int)sizeof(uintptr_t) * 2, A + 2 * MiB + 4 * KiB - 1, (unsigned)(4 * KiB - 64));
	CHECK(strstr(cap.text, expect) != NULL, "dump lacks '%s':\n%s", expect, cap.text);

	lmm_stats(&lmm, 0, &st);
	CHECK(st.regions == NREG && st.free_blocks == 5 && st.free_bytes == lmm_avail(&lmm, 0) &&
	      st.largest_free == 1 * MiB, "stats(0): %zu %zu %zu %zu",
	      st.regions, st.free_blocks, st.free_bytes, st.largest_free);
	lmm_stats(&lmm, F16M, &st);
	CHECK(st.regions == 2 && st.free_blocks == 2 && st.free_bytes == LOW_FREE + MiB,
	      "stats(F16M): %zu %zu %zu", st.regions, st.free_blocks, st.free_bytes);
	lmm_stats(&lmm, FNONE, &st);
	CHECK(st.regions == 0 && st.free_blocks == 0 && st.largest_free == 0, "stats(FNONE)");
	return 0;
}

/* Fill the pool with random-sized blocks, free them in random order: the
 * free list must come back to exactly one block per donated range. */
static int
t_coalesce(void)
{
	static void *ptrs[40000];
	static uintptr_t sizes[40000];
	size_t n = 0, i, j;
	lmm_flags_t flags[] = { 0, F16M, F1M };
	void *p, *tp;
	uintptr_t ts;

	rng_state = seed ^ 0xC0A1E5CEULL;
	setup(1);
	for (;;) {
		uintptr_t size = 1 + rnd_below(rnd_below(4) == 0 ? 8192 : 256);

		p = lmm_alloc(&lmm, size, flags[rnd_below(3)]);
		if (p == NULL)
			p = lmm_alloc(&lmm, size = G, 0);
		if (p == NULL)
			break;
		CHECK(n < sizeof(ptrs) / sizeof(ptrs[0]), "seed %" PRIu64 ": too many blocks", seed);
		ptrs[n] = p;
		sizes[n++] = size;
	}
	CHECK(lmm_avail(&lmm, 0) == 0, "seed %" PRIu64 ": pool not full", seed);
	for (i = n; i > 1; i--) {  /* Fisher-Yates */
		j = rnd_below(i);
		tp = ptrs[i - 1], ptrs[i - 1] = ptrs[j], ptrs[j] = tp;
		ts = sizes[i - 1], sizes[i - 1] = sizes[j], sizes[j] = ts;
	}
	for (i = 0; i < n; i++) {
		CHECK(lmm_free(&lmm, ptrs[i], sizes[i]) == 0, "seed %" PRIu64 ": free %zu", seed, i);
		if (i % 64 == 0)
			CHECK_LMM(&lmm);
	}
	CHECK_LMM(&lmm);
	CHECK_BLOCKS(&lmm, initial);
	return 0;
}

/* A region ending at the very top of the address space, start + size == 0.
 * Only the first 64 KiB of it is real memory, so the steps are chosen so the
 * LMM never needs to write a free-list node above that: any overflow bug
 * that misplaces a node crashes or fails a check. */
static int
t_top(void)
{
	static struct lmm l, l2;
	static struct lmm_region r, r2;
	void *mem = aligned_alloc(64 * KiB, 64 * KiB);
	uintptr_t base = (uintptr_t)mem, a;
	size_t whole = (size_t)(0 - base), n;
	lmm_flags_t f;
	void *p, *q;

	CHECK(mem != NULL, "no memory");
	lmm_init(&l);
	lmm_add_region(&l, &r, base, whole, F16M, 0);
	CHECK_LMM(&l);
	lmm_add_free(&l, mem, whole);
	CHECK_LMM(&l);
	CHECK(lmm_avail(&l, 0) == whole, "avail %zu, expected %zu", lmm_avail(&l, 0), whole);
	a = 0;
	lmm_find_free(&l, &a, &n, &f);
	CHECK(a == base && n == whole && f == F16M && a + n == 0, "whole region free");

	/* The top page, then the top grains, each carved from the top end. */
	p = lmm_alloc_gen(&l, 4096, 0, 12, 0, 0 - (uintptr_t)4096, 0);
	CHECK(p == (void *)(0 - (uintptr_t)4096), "top page: %p", p);
	CHECK(lmm_avail(&l, 0) == whole - 4096, "avail after top page");
	CHECK_LMM(&l);
	CHECK(lmm_free(&l, p, 4096) == 0, "free top page");
	CHECK(lmm_free(&l, p, 4096) == -1, "double free of the top page accepted");
	CHECK(lmm_avail(&l, 0) == whole && list_free(&l, NULL, 0) == 1, "top page not merged");
	p = lmm_alloc_gen(&l, G, 0, 0, 0, TOP - G + 1, G);
	q = lmm_alloc_gen(&l, G, 0, 0, 0, TOP - 2 * G + 1, G);
	CHECK(p == (void *)(TOP - G + 1) && q == (void *)(TOP - 2 * G + 1), "top grains");
	CHECK_LMM(&l);
	CHECK(lmm_free(&l, p, 2 * G) == -1, "free wrapping past the top accepted");
	CHECK(lmm_free(&l, q, 2 * G) == 0, "free both top grains");
	CHECK_LMM(&l);
	CHECK(lmm_avail(&l, 0) == whole && list_free(&l, NULL, 0) == 1, "top grains not merged");

	/* Reserve and donate back at the top, also with sizes that wrap. */
	lmm_remove_free(&l, (void *)(0 - 8 * KiB), 8 * KiB);
	CHECK(lmm_avail(&l, 0) == whole - 8 * KiB, "remove_free at the top");
	lmm_add_free(&l, (void *)(0 - 8 * KiB), 8 * KiB);
	CHECK(lmm_avail(&l, 0) == whole && list_free(&l, NULL, 0) == 1, "add_free at the top");
	lmm_remove_free(&l, (void *)(0 - 4 * KiB), SIZE_MAX);
	CHECK(lmm_avail(&l, 0) == whole - 4 * KiB, "remove_free clipped at the top");
	lmm_add_free(&l, (void *)(0 - 4 * KiB), SIZE_MAX);
	CHECK(lmm_avail(&l, 0) == whole && list_free(&l, NULL, 0) == 1, "add_free clipped");
	CHECK_LMM(&l);

	a = TOP - 99;
	lmm_find_free(&l, &a, &n, &f);
	CHECK(a == TOP - 99 && n == 100, "find_free near the top: %zu", n);
	a = base + 5;
	lmm_find_free(&l, &a, &n, &f);
	CHECK(a == base + 5 && n == whole - 5, "find_free inside");

	/* The whole region as one block, and one byte-grain more. */
	CHECK(lmm_alloc(&l, whole + G, 0) == NULL, "more than the region");
	p = lmm_alloc(&l, whole, F16M);
	CHECK(p == mem && lmm_avail(&l, 0) == 0, "whole region: %p", p);
	CHECK(lmm_free(&l, p, whole) == 0, "free whole region");
	CHECK_LMM(&l);
	p = lmm_alloc(&l, 64, 0);
	CHECK(p == mem, "first fit at the bottom");
	CHECK(lmm_free(&l, p, 64) == 0 && list_free(&l, NULL, 0) == 1, "free bottom");

	/* A region ending at 0xFFFFF000 (top page excluded), and a region whose
	 * start + size would overflow (clipped to the top). */
	lmm_init(&l2);
	lmm_add_region(&l2, &r2, base, whole - 4096, 0, 0);
	lmm_add_free(&l2, mem, SIZE_MAX);
	CHECK_LMM(&l2);
	CHECK(lmm_avail(&l2, 0) == whole - 4096, "region below the top page");
	CHECK(lmm_alloc_gen(&l2, 4096, 0, 12, 0, 0 - 4 * KiB, 0) == NULL, "top page is outside");
	p = lmm_alloc_gen(&l2, 4096, 0, 12, 0, 0 - 8 * KiB, 0);
	CHECK(p == (void *)(0 - 8 * KiB), "page below the top page: %p", p);
	CHECK(lmm_free(&l2, p, 4096) == 0 && lmm_avail(&l2, 0) == whole - 4096, "free it");
	CHECK_LMM(&l2);
	lmm_init(&l2);
	lmm_add_region(&l2, &r2, base, SIZE_MAX, 0, 0);
	lmm_add_free(&l2, mem, SIZE_MAX);
	CHECK_LMM(&l2);
	CHECK(lmm_avail(&l2, 0) == whole, "overflowing region clipped to the top");
	free(mem);
	return 0;
}

/* ---- random run against a shadow model --------------------------------- */

enum { S_OUT, S_FREE, S_LIVE };  /* grain state: not in the pool, free, allocated */

#define NGRAINS  (ARENA / G)
#define MAXLIVE  3000
#define STEPS    40000

static uint8_t *state;       /* per grain of the arena */
static int8_t *region_at;    /* per grain: standard region index or -1 */
static uintptr_t rfree[NREG]; /* expected free bytes per region */

struct live {
	uintptr_t addr, size;  /* as requested */
	uint32_t tag;          /* fill pattern */
};

static struct live lives[MAXLIVE];
static size_t nlive;
static long step;

/* What the run exercised, printed at the end so a vacuous run shows. */
static struct {
	long allocs, failed, frees, bad_frees, pool_ops;
	size_t max_live, max_blocks;
} tally;

static void
set_state(uintptr_t g, int s)
{
	int k = region_at[g];

	if (k >= 0 && state[g] == S_FREE)
		rfree[k] -= G;
	state[g] = (uint8_t)s;
	if (k >= 0 && s == S_FREE)
		rfree[k] += G;
}

/* Model of lmm_add_free on the arena: inward to whole grains, regions only. */
static void
model_add_free(uintptr_t a, uintptr_t n)
{
	uintptr_t lo = ROUND(a), end = (a + n) & ~(G - 1), g;

	for (; lo < end; lo += G) {
		if (lo < A || lo >= A + ARENA)
			continue;
		g = (lo - A) / G;
		if (region_at[g] >= 0)
			set_state(g, S_FREE);
	}
}

/* Model of lmm_remove_free: outward to whole grains, free grains only. */
static void
model_remove_free(uintptr_t a, uintptr_t n)
{
	uintptr_t lo = a & ~(G - 1), end = ROUND(a + n), g;

	for (; lo < end; lo += G) {
		if (lo < A || lo >= A + ARENA)
			continue;
		g = (lo - A) / G;
		if (state[g] == S_FREE)
			set_state(g, S_OUT);
	}
}

static uintptr_t
model_avail(lmm_flags_t flags)
{
	uintptr_t sum = 0;
	int k;

	for (k = 0; k < NREG; k++)
		if ((layout[k].flags & flags) == flags)
			sum += rfree[k];
	return sum;
}

struct req {
	uintptr_t size;
	lmm_flags_t flags;
	int bits;
	uintptr_t ofs, in_min, in_size;
};

/* The address the LMM must return for q, computed by brute force from the
 * model: the lowest address in the first region (priority order) with the
 * flags where a grain-aligned, suitably aligned block in range covers only
 * free grains.  Returns 0 for "must fail". */
static uintptr_t
model_alloc(const struct req *q)
{
	uint64_t size = ROUND(q->size), L, c, lo = q->in_min, hi, g, gend, s, x, last;
	uint64_t mask = q->bits < 64 ? ((uint64_t)1 << q->bits) - 1 : 0;
	int i, k;

	if (q->size == 0 || q->bits < 0 || q->bits >= PTR_BITS)
		return 0;
	if (q->in_size == 0 || (uint64_t)q->in_size - 1 > (uint64_t)TOP - q->in_min)
		hi = TOP;
	else
		hi = (uint64_t)q->in_min + (q->in_size - 1);
	if (hi > TOP)
		hi = TOP;
	/* Residue class mod L that every valid address is in, if any. */
	L = mask + 1 > G ? mask + 1 : G;
	for (c = 0; c < L; c += G)
		if (((c - q->ofs) & mask) == 0)
			break;
	if (c >= L)
		return 0;

	for (i = 0; i < NREG; i++) {
		k = pri_order[i];
		if ((layout[k].flags & q->flags) != q->flags)
			continue;
		g = layout[k].off / G;
		gend = (layout[k].off + layout[k].size) / G;
		while (g < gend) {
			/* Next maximal run of free grains [s, g) in the region. */
			while (g < gend && state[g] != S_FREE)
				g++;
			for (s = g; g < gend && state[g] == S_FREE; g++)
				;
			if (s == g)
				break;
			x = A + s * G;
			last = A + g * G - 1;
			if (x < lo)
				x = lo;
			x += (c - x) & (L - 1);
			if (last > hi)
				last = hi;
			if (x <= last && last - x >= size - 1)
				return (uintptr_t)x;
		}
	}
	return 0;
}

static uint8_t
pattern(uint32_t tag, uintptr_t i)
{
	return (uint8_t)(tag * 151u + i * 7u + (i >> 9));
}

/* Random request: mostly small, sometimes large; all four entry points. */
static void *
random_alloc(struct req *q)
{
	static const lmm_flags_t fl[] = { 0, 0, 0, 0, F16M, F16M, F1M, F1M | F16M, FNONE };
	uintptr_t r = rnd_below(100);

	q->size = r < 60 ? 1 + rnd_below(128) : r < 90 ? 1 + rnd_below(4096) :
	          r < 99 ? 1 + rnd_below(64 * KiB) : 1 + rnd_below(512 * KiB);
	if (rnd_below(500) == 0)
		q->size = 0;
	q->flags = fl[rnd_below(sizeof(fl) / sizeof(fl[0]))];
	q->bits = 0;
	q->ofs = 0;
	q->in_min = 0;
	q->in_size = 0;
	switch (rnd_below(4)) {
	case 0:
		return lmm_alloc(&lmm, q->size, q->flags);
	case 1:
		q->size = 4096;
		q->bits = 12;
		return lmm_alloc_page(&lmm, q->flags);
	case 2:
	case 3:
		q->bits = (int)rnd_below(17);
		r = rnd_below(10);
		q->ofs = r < 7 ? rnd_below((uintptr_t)1 << q->bits) & ~(G - 1) :
		         r < 9 ? rnd_below((uintptr_t)1 << q->bits) :
		         ((uintptr_t)rnd_below(8) << q->bits) + (G & (((uintptr_t)1 << q->bits) - 1));
		if (rnd_below(4) != 0)
			return lmm_alloc_aligned(&lmm, q->size, q->flags, q->bits, q->ofs);
		q->in_min = A - 64 * KiB + rnd_below(ARENA + 64 * KiB);
		r = rnd_below(10);
		q->in_size = r == 0 ? 0 : r == 1 ? SIZE_MAX : 1 + rnd_below(r < 6 ? 256 * KiB : ARENA);
		return lmm_alloc_gen(&lmm, q->size, q->flags, q->bits, q->ofs, q->in_min, q->in_size);
	}
	return NULL;
}

/* As fail_at, naming the seed and step so that the run can be replayed. */
static int
rfail_at(int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, sizeof why, "seed %" PRIu64 " step %ld: line %d: ", seed, step, line);

	va_start(ap, fmt);
	vsnprintf(why + n, sizeof why - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

#define RFAIL(...) return rfail_at(__LINE__, __VA_ARGS__)

#define RCHECK(cond, ...) do { if (!(cond)) RFAIL(__VA_ARGS__); } while (0)

static int
random_alloc_step(void)
{
	struct req q;
	struct lmm_stats st0, st1;
	void *p;
	uintptr_t a, rs, g, hi, expect;
	int k;

	lmm_stats(&lmm, 0, &st0);
	if (st0.free_blocks > tally.max_blocks)
		tally.max_blocks = st0.free_blocks;
	p = random_alloc(&q);
	a = (uintptr_t)p;
	tally.allocs++;
	tally.failed += p == NULL;
	expect = model_alloc(&q);
	RCHECK(a == expect, "alloc size %#" PRIxPTR " flags %#x bits %d ofs %#" PRIxPTR
	       " range %#" PRIxPTR "+%#" PRIxPTR ": got %#" PRIxPTR ", model says %#" PRIxPTR,
	       q.size, q.flags, q.bits, q.ofs, q.in_min, q.in_size, a, expect);
	if (p == NULL) {
		lmm_stats(&lmm, 0, &st1);
		RCHECK(st0.free_blocks == st1.free_blocks && st0.free_bytes == st1.free_bytes,
		       "failed alloc changed the pool");
		return 0;
	}
	rs = ROUND(q.size);
	hi = q.in_size == 0 || q.in_size - 1 > TOP - q.in_min ? TOP : q.in_min + (q.in_size - 1);
	RCHECK((a & (G - 1)) == 0 && ((a - q.ofs) & (((uintptr_t)1 << q.bits) - 1)) == 0,
	       "%#" PRIxPTR " misaligned for bits %d ofs %#" PRIxPTR, a, q.bits, q.ofs);
	RCHECK(a >= q.in_min && a + (rs - 1) <= hi, "%#" PRIxPTR " outside the range", a);
	k = region_of(a, rs);
	RCHECK(k >= 0 && (layout[k].flags & q.flags) == q.flags,
	       "%#" PRIxPTR "+%#" PRIxPTR " not in one region with flags %#x", a, rs, q.flags);
	for (g = (a - A) / G; g < (a - A + rs) / G; g++)
		RCHECK(state[g] == S_FREE, "%#" PRIxPTR " overlaps %s memory at +%#" PRIxPTR, a,
		       state[g] == S_LIVE ? "allocated" : "unavailable", g * G);
	for (g = (a - A) / G; g < (a - A + rs) / G; g++)
		set_state(g, S_LIVE);
	if (nlive == MAXLIVE) {  /* table full: give the block straight back */
		for (g = (a - A) / G; g < (a - A + rs) / G; g++)
			set_state(g, S_FREE);
		RCHECK(lmm_free(&lmm, p, q.size) == 0, "free of fresh block");
		return 0;
	}
	lives[nlive] = (struct live){ a, q.size, (uint32_t)step };
	for (g = 0; g < rs; g++)
		((uint8_t *)p)[g] = pattern((uint32_t)step, g);
	if (++nlive > tally.max_live)
		tally.max_live = nlive;
	return 0;
}

static int
random_free_step(void)
{
	size_t i = rnd_below(nlive);
	struct live l = lives[i];
	uintptr_t rs = ROUND(l.size), g;

	for (g = 0; g < rs; g++)
		RCHECK(((uint8_t *)l.addr)[g] == pattern(l.tag, g),
		       "block %#" PRIxPTR " (step %" PRIu32 ") overwritten at +%#" PRIxPTR,
		       l.addr, l.tag, g);
	lives[i] = lives[--nlive];
	tally.frees++;
	/* Free with the requested size, or with the rounded one. */
	RCHECK(lmm_free(&lmm, (void *)l.addr, rnd_below(2) ? l.size : rs) == 0,
	       "free %#" PRIxPTR " size %#" PRIxPTR " rejected", l.addr, l.size);
	for (g = (l.addr - A) / G; g < (l.addr - A + rs) / G; g++)
		set_state(g, S_FREE);
	return 0;
}

/* A free the LMM can tell is bad: it must say so and change nothing. */
static int
random_bad_free_step(void)
{
	struct lmm_stats st0, st1;
	uintptr_t a = 0, n = 0, g;
	struct live *l;

	lmm_stats(&lmm, 0, &st0);
	switch (rnd_below(4)) {
	case 0:  /* a range touching a free grain */
		g = rnd_below(NGRAINS);
		while (g < NGRAINS && state[g] != S_FREE)
			g++;
		if (g == NGRAINS)
			return 0;
		n = rnd_below(4);
		a = A + g * G - G * n;
		n = G * (n + 1 + rnd_below(8));
		if (a < A || region_of(a, n) < 0)
			a = A + g * G;
		break;
	case 1:  /* a live block one grain too long, into free memory */
		if (nlive == 0)
			return 0;
		l = &lives[rnd_below(nlive)];
		a = l->addr;
		n = ROUND(l->size) + G;
		g = (a + n - G - A) / G;
		if (g >= NGRAINS || state[g] != S_FREE)
			return 0;
		break;
	case 2:  /* misaligned */
		if (nlive == 0)
			return 0;
		a = lives[rnd_below(nlive)].addr + 1 + rnd_below(G - 1);
		n = 1;
		break;
	case 3:  /* outside every region, or across two */
		a = rnd_below(2) ? A + 3 * MiB + (rnd_below(64 * KiB - 64) & ~(G - 1)) :
		    A + layout[1 + rnd_below(NREG - 1)].off - G;
		n = 2 * G;
		break;
	}
	tally.bad_frees++;
	RCHECK(lmm_free(&lmm, (void *)a, n) == -1, "bad free %#" PRIxPTR "+%#" PRIxPTR
	       " accepted", a, n);
	lmm_stats(&lmm, 0, &st1);
	RCHECK(st0.free_blocks == st1.free_blocks && st0.free_bytes == st1.free_bytes,
	       "rejected free changed the pool");
	return 0;
}

/* Reserve a random range, or donate one that holds no live block. */
static int
random_pool_step(void)
{
	uintptr_t a = A - 16 * KiB + rnd_below(ARENA + 16 * KiB), n = 1 + rnd_below(64 * KiB), p;

	tally.pool_ops++;
	if (rnd_below(2)) {
		lmm_remove_free(&lmm, (void *)a, n);
		model_remove_free(a, n);
		return 0;
	}
	for (p = a & ~(G - 1); p < a + n; p += G)
		if (p >= A && p < A + ARENA && state[(p - A) / G] == S_LIVE)
			return 0;
	lmm_add_free(&lmm, (void *)a, n);
	model_add_free(a, n);
	return 0;
}

/* The free list, walked with lmm_find_free, must be exactly the maximal runs
 * of free grains of the model within each region. */
static int
compare_full(void)
{
	uintptr_t a = 0, g, s;
	size_t n;
	lmm_flags_t f;
	int k;

	for (k = 0; k < NREG; k++) {  /* regions are in address order */
		g = layout[k].off / G;
		uintptr_t gend = (layout[k].off + layout[k].size) / G;
		for (;;) {
			while (g < gend && state[g] != S_FREE)
				g++;
			if (g == gend)
				break;
			for (s = g; g < gend && state[g] == S_FREE; g++)
				;
			lmm_find_free(&lmm, &a, &n, &f);
			RCHECK(a == A + s * G && n == (g - s) * G && f == layout[k].flags,
			       "free block %#" PRIxPTR "+%#zx flags %#x, model has %#" PRIxPTR
			       "+%#" PRIxPTR " flags %#x", a, n, f, A + s * G, (g - s) * G,
			       layout[k].flags);
			a += n;
		}
	}
	lmm_find_free(&lmm, &a, &n, &f);
	RCHECK(n == 0, "extra free block %#" PRIxPTR "+%#zx", a, n);
	return 0;
}

static int
random_check_step(void)
{
	static const lmm_flags_t fl[] = { 0, F16M, F1M, FNONE };
	char w[256];
	size_t i;

	if (lmm_check(&lmm, w, sizeof w) != 0)
		RFAIL("lmm_check: %s", w);
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		RCHECK(lmm_avail(&lmm, fl[i]) == model_avail(fl[i]),
		       "lmm_avail(%#x) %zu, model %" PRIuPTR, fl[i], lmm_avail(&lmm, fl[i]),
		       model_avail(fl[i]));
	return 0;
}

static int
t_random(void)
{
	uintptr_t g;
	int rc = 0;

	printf("# lmm/random%s: seed %" PRIu64 ", %d steps (rerun: test_lmm SEED)\n",
	       LMM_TEST_SUFFIX, seed, STEPS);
	rng_state = seed;
	state = calloc(NGRAINS, 1);
	region_at = malloc(NGRAINS);
	if (state == NULL || region_at == NULL)
		return fail_at(__LINE__, "no memory");
	for (g = 0; g < NGRAINS; g++)
		region_at[g] = (int8_t)region_of(A + g * G, G);
	memset(rfree, 0, sizeof rfree);
	nlive = 0;

	setup(1);
	model_add_free(A + 4 * KiB, LOW_FREE);
	model_add_free(A + 1 * MiB, 3 * MiB);
	lmm_remove_free(&lmm, AT(1 * MiB + 3), 300 * KiB);
	model_remove_free(A + 1 * MiB + 3, 300 * KiB);
	lmm_remove_free(&lmm, AT(2 * MiB + 512 * KiB + 5), 37 * KiB);
	model_remove_free(A + 2 * MiB + 512 * KiB + 5, 37 * KiB);

	for (step = 0; step < STEPS && rc == 0; step++) {
		uintptr_t r = rnd_below(1000);

		if (nlive == 0 || r < 560)
			rc = random_alloc_step();
		else if (r < 960)
			rc = random_free_step();
		else if (r < 990)
			rc = random_bad_free_step();
		else
			rc = random_pool_step();
		if (rc == 0)
			rc = random_check_step();
		if (rc == 0 && step % 2000 == 0)
			rc = compare_full();
	}
	/* Free everything: the free list must coalesce back to the model's
	 * runs, one block per donated range minus the reservations. */
	while (rc == 0 && nlive > 0)
		rc = random_free_step();
	if (rc == 0)
		rc = random_check_step();
	if (rc == 0)
		rc = compare_full();
	printf("# lmm/random%s: %ld allocs (%ld failed), %ld frees, "
	       "%ld bad frees, %ld add/remove_free; up to %zu live, %zu free blocks\n",
	       LMM_TEST_SUFFIX, tally.allocs, tally.failed, tally.frees,
	       tally.bad_frees, tally.pool_ops, tally.max_live, tally.max_blocks);
	free(state);
	free(region_at);
	return rc;
}

int
main(int argc, char **argv)
{
	void *arena;

	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	arena = aligned_alloc(ARENA, ARENA);
	if (arena == NULL) {
		printf("FAIL: lmm/setup%s: cannot allocate the arena\n", LMM_TEST_SUFFIX);
		return 1;
	}
	A = (uintptr_t)arena;

	run("basic", t_basic);
	run("priority", t_priority);
	run("reserve", t_reserve);
	run("fail", t_fail);
	run("align", t_align);
	run("gen", t_gen);
	run("badfree", t_badfree);
	run("find_free", t_find);
	run("check", t_check);
	run("dump_stats", t_dump_stats);
	run("coalesce", t_coalesce);
	run("random", t_random);
	run("top", t_top);  /* last: a bug here may well crash the process */
	free(arena);
	return failures != 0;
}
