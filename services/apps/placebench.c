/* The `placement` demo's application: the same RAM disk object is loaded
 * twice, in the kernel (rd_k) and in a user domain (rd_u); this program
 * makes the same calls to each and reports what one call costs.  Under
 * `make demo` QEMU runs with -icount shift=0, where rdtsc counts guest
 * instructions, so the figures are exact and repeatable. */
#include <stdio.h>
#include <string.h>
#include <kea/base.h>
#include "block_client.h"

#define CALLS 200

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint8_t buf[4096];

static void measure(const char *service, const char *where)
{
    kea_binding_t b;
    if (BLOCK_BIND(service, &b) < 0) {
        printf("placebench: no service %s (load it first)\n", service);
        return;
    }
    uint32_t n, bs;
    size_t len;
    uint64_t t0 = rdtsc();
    for (int i = 0; i < CALLS; i++) block_info(&b, &n, &bs);
    uint64_t t1 = rdtsc();
    for (int i = 0; i < CALLS; i++) block_read(&b, (uint32_t)i % 8, 8, buf, sizeof buf, &len);
    uint64_t t2 = rdtsc();
    printf("placebench: %-4s (%s): info %6u, read 4 KiB %6u instructions per call\n", service, where,
           (unsigned)((t1 - t0) / CALLS), (unsigned)((t2 - t1) / CALLS));
}

int main(void)
{
    measure("rd_k", "in the kernel");
    measure("rd_u", "in a user domain");
    return 0;
}
