/* "kernel.bench": what the IDC benchmarks cannot measure from a user
 * domain, namely a portal invocation from kernel code to a kernel-placed
 * service (it goes through the same lookup, with no trap), the cost of
 * booting (kmain to the console's first prompt) and of loading (a domain's
 * runtime, the shell's object). */
#include <stdio.h>
#include <kea/binding.h>
#include "../i386/x86.h"
#include "../kernel.h"
#include "../proc.h"
#include "../load.h"
#include "../udomain.h"
#include "bench_server.h"

#define ROUNDS 7                /* batches; the median is reported, as in bench.c */

static kea_binding_t self;

static int null_op(void *s) { (void)s; return 0; }

static uint32_t median(uint32_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint32_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return v[n / 2];
}

static int kernel_to_kernel(void *s, uint32_t n, uint32_t *instructions)
{
    (void)s;
    if (n == 0 || n > 1000000) return -KEA_EINVAL;
    uint32_t loop[ROUNDS], call[ROUNDS];
    for (int k = 0; k < ROUNDS; k++) {
        /* The same loop with nothing in it: its cost is subtracted. */
        uint64_t t0 = rdtsc();
        for (uint32_t i = 0; i < n; i++)
            __asm__ volatile("" ::: "memory");
        loop[k] = (uint32_t)((rdtsc() - t0) / n);
        struct idc_args a = { .w = { 0, 0, 0 } };
        t0 = rdtsc();
        for (uint32_t i = 0; i < n; i++) {
            portal_invoke(IDC_PP(self.portal, BENCH_PROC_NULL), &a);
            __asm__ volatile("" ::: "memory");
        }
        call[k] = (uint32_t)((rdtsc() - t0) / n);
    }
    uint32_t l = median(loop, ROUNDS), c = median(call, ROUNDS);
    *instructions = c > l ? c - l : 0;
    return 0;
}

static int boot_cost(void *s, uint32_t *instructions)
{
    (void)s;
    *instructions = tty_first_read_tsc ? (uint32_t)(tty_first_read_tsc - kmain_tsc) : 0;
    return 0;
}

static int load_cost(void *s, uint32_t *runtime, uint32_t *program, uint32_t *relocate)
{
    (void)s;
    char err[160];
    uint64_t t0 = rdtsc();
    struct domain *d = udomain_create("bench.load", 0, err, sizeof err);
    uint64_t t1 = rdtsc();
    if (!d) {
        printf("kernel.bench: %s\n", err);
        return -KEA_ENOMEM;
    }
    struct kobj *o = udomain_place(d, "shell.o", 0, err, sizeof err);
    uint64_t t2 = rdtsc();
    if (o) {                 /* the same work again: zero, copy, apply every relocation */
        struct elfobj_error e;
        uint64_t t3 = rdtsc();
        int r = elfobj_relocate(&o->eo, &e);
        uint32_t n = elfobj_nrelocs(&o->eo);
        *relocate = r == 0 && n ? (uint32_t)(rdtsc() - t3) / n : 0;
    } else
        printf("kernel.bench: %s\n", err);
    kdomain_destroy(d);
    *runtime = (uint32_t)(t1 - t0);
    *program = (uint32_t)(t2 - t1);
    return o ? 0 : -KEA_ENOENT;
}

static const struct bench_ops ops = { null_op, kernel_to_kernel, boot_cost, load_cost };
static struct bench_server server = { &ops, 0 };

void kbench_init(void)
{
    struct portal *p = kportal_create(kernel_domain, "kernel.bench", bench_dispatch, &server,
                                     BENCH_IFACE_ID, 0, 0);
    if (!p || kea_bind("kernel", BENCH_IFACE_NAME, BENCH_IFACE_ID, &self) < 0)
        panic("cannot create kernel.bench");
}
