/* The migration benchmark of `make bench` (scripts/bench.sh), run under
 * QEMU -icount shift=0 where rdtsc counts guest instructions: the downtime
 * of a migration (instructions from holding the service's portals to
 * releasing them, as the kernel reports it) for the ATA driver, a 4 MiB
 * RAM disk full of data and simplefs, each way; and what one block read
 * costs through the ATA driver and the RAM disk in each placement, before
 * and after the moves.  Then restart time (docs/reliability.md): a fault
 * injected into the ATA driver, user-placed (restart) and kernel-placed
 * (demotion to a user domain), measured as the instructions of the block
 * read that strikes it: the fault, its unwinding, the wait for the
 * restart, the restart and the stub's second call, served by the new
 * instance.  Then checkpoints (restart's policy ckcalls/ckms): what one
 * costs (sys.recovery "checkpoint NAME": hold, drain, state_export into
 * the kernel's copy, release, and the one-line report on the console) for
 * the ATA driver and the 4 MiB RAM disk, and how many checkpoints a policy
 * of every 10 calls takes under 2,000 ATA reads, and what they add per read.  Output: "BENCH name value"
 * lines; a service that cannot be loaded (no disk) gives no line. */
#include <stdio.h>
#include <string.h>
#include <kea/sysinfo.h>
#include "block_client.h"
#include "sys_client.h"
#include "kea_bench.h"

extern const kea_binding_t kea_base_sys;

#define CALLS 200

static uint8_t buf[4096];

static int load(const char *spec)
{
    uint32_t dom;
    return sys_load(&kea_base_sys, spec, &dom);
}

static void downtime(const char *row, const char *name, const char *to)
{
    char spec[64];
    struct sys_migration m;
    size_t len = 0;
    snprintf(spec, sizeof spec, "%s %s", name, to);
    if (sys_migrate(&kea_base_sys, spec, &m, sizeof m, &len) == 0 && row[0])
        printf("BENCH %s %u\n", row, m.downtime_lo);
    if (row[0] && strcmp(to, "user") == 0)
        printf("BENCH state_bytes_%s %u\n", name, m.state_bytes);
}

/* Instructions per read of `blocks` blocks from block 0. */
static void read_cost(const char *row, const char *name, uint32_t blocks)
{
    kea_binding_t b;
    size_t len;
    if (BLOCK_BIND(name, &b) < 0) return;
    block_read(&b, 0, blocks, buf, sizeof buf, &len);         /* warm */
    uint64_t t0 = rdtsc();
    for (int i = 0; i < CALLS; i++) block_read(&b, 0, blocks, buf, sizeof buf, &len);
    printf("BENCH %s %u\n", row, (unsigned)((rdtsc() - t0) / CALLS));
}

/* Instructions from a fault (armed at the next call) to the first call
 * served by the new instance: one block read, averaged over `n` faults. */
static void restart_time(const char *row, const char *kind, int back_to_kernel, int n)
{
    kea_binding_t b;
    size_t len;
    char spec[48];
    uint64_t sum = 0;
    if (BLOCK_BIND("ata", &b) < 0) return;
    for (int i = 0; i < n; i++) {
        if (back_to_kernel) downtime("", "ata", "kernel");
        block_read(&b, 0, 1, buf, sizeof buf, &len);          /* warm */
        snprintf(spec, sizeof spec, "inject ata %s", kind);
        if (sys_recovery(&kea_base_sys, spec) < 0) return;
        uint64_t t0 = rdtsc();
        if (block_read(&b, 0, 1, buf, sizeof buf, &len) < 0) return;
        sum += rdtsc() - t0;
    }
    printf("BENCH %s %u\n", row, (unsigned)(sum / (uint64_t)n));
}

/* Instructions of one checkpoint of `name`, averaged over 5 (the first,
 * not measured, allocates the kernel's copy). */
static uint32_t checkpoint_cost(const char *row, const char *name)
{
    char spec[48];
    snprintf(spec, sizeof spec, "checkpoint %s", name);
    if (sys_recovery(&kea_base_sys, spec) < 0) return 0;
    uint64_t t0 = rdtsc();
    for (int i = 0; i < 5; i++)
        if (sys_recovery(&kea_base_sys, spec) < 0) return 0;
    uint32_t cost = (uint32_t)((rdtsc() - t0) / 5);
    printf("BENCH %s %u\n", row, cost);
    return cost;
}

/* Checkpoints taken of `name` so far (sys.services). */
static uint32_t checkpoints_of(const char *name)
{
    static struct sys_service recs[16];
    size_t len = 0;
    uint32_t next = 0;
    if (sys_services(&kea_base_sys, 0, recs, sizeof recs, &len, &next) < 0) return 0;
    for (size_t i = 0; i < len / sizeof recs[0]; i++)
        if (strcmp(recs[i].name, name) == 0) return recs[i].checkpoints;
    return 0;
}

/* The policy "checkpoint after every 10 calls" under `reads` block reads:
 * how many checkpoints the restarter took (it looks once per timer tick),
 * and what they add per read at `cost` each.  (Measured by count rather
 * than by timing the reads: the ATA device model's timing varies more
 * than that.)  Then the policy off again. */
static void checkpoint_policy(const char *row, const char *name, uint32_t reads, uint32_t cost)
{
    kea_binding_t b;
    size_t len;
    char spec[64];
    if (!cost || BLOCK_BIND(name, &b) < 0) return;
    snprintf(spec, sizeof spec, "policy %s ckcalls=10", name);
    if (sys_recovery(&kea_base_sys, spec) < 0) return;
    uint32_t c0 = checkpoints_of(name);
    for (uint32_t i = 0; i < reads; i++) block_read(&b, 0, 1, buf, sizeof buf, &len);
    uint32_t taken = checkpoints_of(name) - c0;
    printf("BENCH %s_taken %u\n", row, taken);
    printf("BENCH %s_per_read %u\n", row, (unsigned)((uint64_t)taken * cost / reads));
    snprintf(spec, sizeof spec, "policy %s ckcalls=0", name);
    sys_recovery(&kea_base_sys, spec);
}

int main(void)
{
    if (load("ata.o kernel ata") == 0) {
        read_cost("migrate_ata_read_kernel_before", "ata", 1);
        downtime("migrate_ata_downtime_to_user", "ata", "user");
        read_cost("migrate_ata_read_user", "ata", 1);
        downtime("migrate_ata_downtime_to_kernel", "ata", "kernel");
        read_cost("migrate_ata_read_kernel_after", "ata", 1);
    }
    if (load("ramdisk4m.o kernel rd4") == 0) {
        kea_binding_t b;
        if (BLOCK_BIND("rd4", &b) == 0)             /* fill it: 4 MiB of data */
            for (uint32_t blk = 0; blk < 8192; blk += 8) {
                for (uint32_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(blk + i);
                block_write(&b, blk, buf, sizeof buf);
            }
        read_cost("migrate_ramdisk_read4k_kernel_before", "rd4", 8);
        downtime("migrate_ramdisk4m_downtime_to_user", "rd4", "user");
        read_cost("migrate_ramdisk_read4k_user", "rd4", 8);
        downtime("migrate_ramdisk4m_downtime_to_kernel", "rd4", "kernel");
        read_cost("migrate_ramdisk_read4k_kernel_after", "rd4", 8);
    }
    if (load("ramdisk.o kernel ramdisk") == 0 && load("simplefs.o kernel simplefs") == 0) {
        downtime("migrate_simplefs_downtime_to_user", "simplefs", "user");
        downtime("migrate_simplefs_downtime_to_kernel", "simplefs", "kernel");
    }
    /* ata is in the kernel again here. */
    sys_recovery(&kea_base_sys, "policy ata max=7 window=1");
    restart_time("restart_ata_kernel_demoted", "null", 1, 5);
    restart_time("restart_ata_user", "null", 0, 5);
    /* ata is in a user domain now, rd4 in the kernel. */
    uint32_t cost = checkpoint_cost("checkpoint_ata_user", "ata");
    checkpoint_policy("checkpoint_ata_every10", "ata", 2000, cost);
    checkpoint_cost("checkpoint_ramdisk4m_kernel", "rd4");
    printf("migbench: done\n");
    return 0;
}
