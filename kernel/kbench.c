/* "kernel.bench": what the IDC benchmarks cannot measure from a user
 * domain, namely a portal invocation from kernel code to a kernel-placed
 * service (it goes through the same lookup, with no trap). */
#include <kea/binding.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "bench_server.h"

static kea_binding_t self;

static int null_op(void *s) { (void)s; return 0; }

static int kernel_to_kernel(void *s, uint32_t n, uint32_t *instructions)
{
    (void)s;
    if (n == 0 || n > 1000000) return -KEA_EINVAL;
    struct idc_args a = { .w = { 0, 0, 0 } };
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < n; i++)
        portal_invoke(IDC_PP(self.portal, BENCH_PROC_NULL), &a);
    *instructions = (uint32_t)((rdtsc() - t0) / n);
    return 0;
}

static const struct bench_ops ops = { null_op, kernel_to_kernel };
static struct bench_server server = { &ops, 0 };

void kbench_init(void)
{
    struct portal *p = portal_create(kernel_domain, "kernel.bench", bench_dispatch, &server,
                                     BENCH_IFACE_ID, 0, 0);
    if (!p || kea_bind("kernel", BENCH_IFACE_NAME, BENCH_IFACE_ID, &self) < 0)
        panic("cannot create kernel.bench");
}
