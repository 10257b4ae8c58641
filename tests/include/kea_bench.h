/* What the benchmark programs (tests/apps/bench.c, zbench.c, migbench.c) measure with,
 * defined once.  They run under QEMU -icount shift=0, where rdtsc counts
 * guest instructions exactly; each figure is the median of a few rounds. */
#ifndef KEA_TEST_BENCH_H
#define KEA_TEST_BENCH_H
#include <stdint.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The median of v[0..n) (sorts v: n is a handful of rounds). */
static inline uint32_t median(uint32_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint32_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return v[n / 2];
}

#endif
