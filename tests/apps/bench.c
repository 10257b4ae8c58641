/* IDC benchmarks, run under QEMU -icount shift=0 where rdtsc counts guest
 * instructions exactly: each figure is instructions per operation, the
 * median of several batches.  Output: "BENCH name value" lines. */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "echo_client.h"
#include "thread_client.h"
#include "domain_client.h"
#include "portal_client.h"
#include "bench_client.h"
#include "kea_bench.h"

extern const kea_binding_t kea_base_thread, kea_base_domain, kea_base_portal;
uint32_t kea_domain_id(void);

#define BATCH 200
#define ROUNDS 7

/* Instructions per call of op(), minus the empty loop. */
#define MEASURE(name, setup, op) do { \
        uint32_t r[ROUNDS]; \
        setup; \
        for (int k = 0; k < ROUNDS; k++) { \
            uint64_t t0 = rdtsc(); \
            for (int i = 0; i < BATCH; i++) { op; } \
            uint64_t t1 = rdtsc(); \
            r[k] = (uint32_t)((t1 - t0) / BATCH); \
        } \
        printf("BENCH %s %u\n", name, median(r, ROUNDS) - loop_cost); \
    } while (0)

static uint32_t loop_cost;
__attribute__((noinline)) static int plain_function(int x) { __asm__ volatile(""); return x + 1; }
static uint8_t buf_in[4096], buf_out[4096];

int main(void)
{
    uint32_t id;
    domain_spawn(&kea_base_domain, "srv_f.o", 0, &id, 0);
    uint32_t sys;
    while (portal_lookup(&kea_base_portal, "f.echo", &sys) < 0)
        thread_sleep(&kea_base_thread, 10);
    kea_binding_t f;
    ECHO_BIND("f", &f);
    {   /* the loop itself */
        uint32_t r[ROUNDS];
        for (int k = 0; k < ROUNDS; k++) {
            uint64_t t0 = rdtsc();
            for (int i = 0; i < BATCH; i++) __asm__ volatile("");
            r[k] = (uint32_t)((rdtsc() - t0) / BATCH);
        }
        loop_cost = median(r, ROUNDS);
    }
    volatile int sink = 0;
    uint32_t y, tid;
    struct idc_args a;
    MEASURE("function_call", , sink = plain_function(sink));
    MEASURE("null_idc_user_user", memset(&a, 0, sizeof a), portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a));
    MEASURE("stub_ping_user_user", , echo_ping(&f, 1, &y));
    MEASURE("thread_id_user_kernel", , thread_id(&kea_base_thread, &tid));
    static const uint32_t sizes[] = { 0, 1, 1024, 4096 };     /* 1 B: beside Linux's pipe */
    for (int s = 0; s < 4; s++) {
        char name[48];
        size_t n;
        /* copy: the service copies data to back itself (its memcpy counts);
         * transport: it touches neither, only the kernel's copies count. */
        snprintf(name, sizeof name, "copy_in_out_%u", (unsigned)sizes[s]);
        MEASURE(name, , echo_copy(&f, buf_in, sizes[s], buf_out, sizeof buf_out, &n));
        snprintf(name, sizeof name, "transport_in_out_%u", (unsigned)sizes[s]);
        MEASURE(name, , echo_transport(&f, buf_in, sizes[s], buf_out, sizeof buf_out, &n));
        snprintf(name, sizeof name, "memcpy_%u", (unsigned)sizes[s]);
        MEASURE(name, , memcpy(buf_out, buf_in, sizes[s]); __asm__ volatile("" ::: "memory"));
    }
    /* Kernel code to a kernel-placed service, before any rooted remap is
     * installed (kernel.bench measures and subtracts its own loop). */
    kea_binding_t kb;
    int have_kb = BENCH_BIND("kernel", &kb) == 0;
    if (have_kb)    /* as the user -> user row: portal_invoke alone, no stub */
        MEASURE("null_idc_user_kernel", memset(&a, 0, sizeof a),
                portal_invoke(IDC_PP(kb.portal, BENCH_PROC_NULL), &a));
    uint32_t kk = 0;
    if (have_kb && bench_kernel_to_kernel(&kb, BATCH, &kk) == 0)
        printf("BENCH null_idc_kernel_kernel %u\n", kk);
    uint32_t boot = 0;
    if (have_kb && bench_boot_cost(&kb, &boot) == 0 && boot)
        printf("BENCH boot_kmain_to_prompt %u\n", boot);
    uint32_t rt_cost, shell_cost, per_reloc;
    if (have_kb && bench_load_cost(&kb, &rt_cost, &shell_cost, &per_reloc) == 0) {
        printf("BENCH load_runtime %u\n", rt_cost);
        printf("BENCH load_shell %u\n", shell_cost);
        printf("BENCH relocate_per_reloc %u\n", per_reloc);
    }
    /* Rooted lookup: the null IDC with f's portal remapped for another
     * root, then (that remap undone) with remaps of other portals for this
     * root; last, both at once: then the caller's map must be probed. */
    uint32_t gsys = 0, other = 0;
    domain_spawn(&kea_base_domain, "srv_g.o", 0, &id, 0);
    while (portal_lookup(&kea_base_portal, "g.echo", &gsys) < 0)
        thread_sleep(&kea_base_thread, 10);
    portal_lookup(&kea_base_portal, "kernel.console", &other);
    portal_remap_rooted(&kea_base_portal, id, sys, gsys);
    MEASURE("null_idc_rooted_other_root", memset(&a, 0, sizeof a), portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a));
    portal_unremap_rooted(&kea_base_portal, id, sys);
    portal_remap_rooted(&kea_base_portal, kea_domain_id(), gsys, sys);
    MEASURE("null_idc_rooted_1_mine", memset(&a, 0, sizeof a), portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a));
    /* 10,000 rooted remaps for this root, of other portals: the lookup of
     * f's portal probes a map that large. */
    int made = 1;
    for (int i = 1; i < 10000; i++) {
        char name[16];
        uint32_t psys, plocal;
        snprintf(name, sizeof name, "bench.%d", i);
        if (portal_create(&kea_base_portal, 0x1000, 0, ECHO_IFACE_ID, name, &psys, &plocal) < 0 ||
            portal_remap_rooted(&kea_base_portal, kea_domain_id(), psys, gsys) < 0 ||
            portal_release(&kea_base_portal, plocal) < 0)
            break;
        made++;
    }
    if (made == 10000) {
        MEASURE("null_idc_rooted_10000_mine", memset(&a, 0, sizeof a), portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a));
        if (have_kb && bench_kernel_to_kernel(&kb, BATCH, &kk) == 0)
            printf("BENCH null_idc_kernel_kernel_10000 %u\n", kk);
        portal_remap_rooted(&kea_base_portal, id, sys, gsys);
        MEASURE("null_idc_rooted_10000_mine_and_other_root", memset(&a, 0, sizeof a),
                portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a));
    } else
        printf("bench: only %d rooted remaps could be installed\n", made);
    MEASURE("remap_op", , portal_remap_global(&kea_base_portal, sys, gsys); portal_unremap_global(&kea_base_portal, sys));
    printf("BENCH done 0\n");
    return 0;
}
