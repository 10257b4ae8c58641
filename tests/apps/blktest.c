/* A client of the block services (services/ramdisk, services/ata), run in a
 * user domain by tests/qemu/test_block.py after it has loaded a service:
 *
 *     spawn blktest.o 0 ARG      ARG = service | mode << 8 | seed << 16
 *
 * service indexes names[] below (the names the test loads the services
 * as).  Modes:
 *   0  exercise: the whole device written and read back in random runs,
 *      random writes and reads, boundary blocks, refused requests (which
 *      must change nothing), two threads at once, sync; for an ATA driver
 *      also its counters (every sector transferred took an interrupt);
 *   1  persist: write the whole device with the seed's pattern, then sync;
 *   2  verify: read the whole device and compare it with that pattern,
 *      printing each block that differs;
 *   3  smoke: a few random runs written and read back;
 *   4  scan: write then read the whole device in runs of 4096 bytes,
 *      printing each run that fails (a disk with injected errors), then
 *      check that the runs that worked hold their data and that the
 *      device still works.
 * Prints "PASS: blk/NAME/CHECK" or "FAIL: blk/NAME/CHECK: why" per check
 * and ends with "blktest: NAME done, N failed".
 *
 * The pattern of block b written with generation g (a count of the
 * program's block writes) is a header ("kea-blk!", b, g, seed as
 * little-endian words) and 492 bytes of xorshift32 from a hash of the
 * three; tests/qemu/test_block.py computes the same bytes to check the
 * disk image from the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "block_client.h"
#include "atastat_client.h"
#include "thread_client.h"
#define CHECK_AREA "blk"
#include "kea_check.h"

extern const kea_binding_t kea_base_thread;

static const char *const names[] = { "rd_k", "rd_u", "ata_k", "ata_u" };

#define BLK       512u
#define MAX_RUN   (IDC_BUF_MAX / BLK)

static kea_binding_t blk;
static uint32_t nblocks, seed;
static uint32_t *gen;                   /* each block's last generation written (0: none yet) */
static uint32_t next_gen = 1;
static volatile uint32_t blocks_read, blocks_written;   /* what this program transferred */

/* ---- patterns ---- */

static uint32_t hash(uint32_t x)
{
    x ^= x >> 16; x *= 0x7feb352du;
    x ^= x >> 15; x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static void pattern(uint8_t *p, uint32_t block, uint32_t g)
{
    memcpy(p, "kea-blk!", 8);
    put32(p + 8, block);
    put32(p + 12, g);
    put32(p + 16, seed);
    uint32_t s = hash(seed ^ hash(block ^ hash(g))) | 1;
    for (uint32_t i = 20; i < BLK; i += 4) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        put32(p + i, s);
    }
}

/* A small generator for positions and lengths, from the seed. */
static uint32_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 17; rng_state ^= rng_state << 5;
    return rng_state % n;
}

/* ---- runs ---- */

/* Write `count` blocks from first, each with a new generation. */
static int write_run(uint32_t first, uint32_t count)
{
    uint8_t buf[IDC_BUF_MAX];
    uint32_t g[MAX_RUN];
    for (uint32_t i = 0; i < count; i++) {
        g[i] = __atomic_fetch_add(&next_gen, 1, __ATOMIC_RELAXED);
        pattern(buf + i * BLK, first + i, g[i]);
    }
    int r = block_write(&blk, first, buf, count * BLK);
    if (r != (int)(count * BLK)) {
        printf("blktest: write of %u blocks at %u: %d (%s)\n", count, first, r,
               r < 0 ? kea_strerror(r) : "short");
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) gen[first + i] = g[i];
    __atomic_add_fetch(&blocks_written, count, __ATOMIC_RELAXED);
    return 0;
}

/* Compare `count` blocks read from first with what was written last;
 * *bad counts the blocks that differ. */
static void compare(const uint8_t *buf, uint32_t first, uint32_t count, uint32_t *bad)
{
    uint8_t want[BLK];
    for (uint32_t i = 0; i < count; i++) {
        pattern(want, first + i, gen[first + i]);
        if (memcmp(buf + i * BLK, want, BLK) != 0) {
            if (*bad < 5)
                printf("blktest: block %u differs from its generation %u\n", first + i,
                       gen[first + i]);
            (*bad)++;
        }
    }
}

/* Read `count` blocks from first and compare them. */
static int read_run(uint32_t first, uint32_t count, uint32_t *bad)
{
    uint8_t buf[IDC_BUF_MAX];
    size_t len = 0;
    int r = block_read(&blk, first, count, buf, sizeof buf, &len);
    if (r != (int)(count * BLK) || len != count * BLK) {
        printf("blktest: read of %u blocks at %u: %d (%s), %u bytes\n", count, first, r,
               r < 0 ? kea_strerror(r) : "short", (unsigned)len);
        return -1;
    }
    __atomic_add_fetch(&blocks_read, count, __ATOMIC_RELAXED);
    compare(buf, first, count, bad);
    return 0;
}

/* The whole device in runs of random length (the last one clipped). */
static int whole_device(int writing, uint32_t *bad)
{
    for (uint32_t b = 0; b < nblocks; ) {
        uint32_t n = 1 + rnd(MAX_RUN);
        if (n > nblocks - b) n = nblocks - b;
        if (writing ? write_run(b, n) : read_run(b, n, bad)) return -1;
        b += n;
    }
    return 0;
}

/* ---- the checks ---- */

static void fill_and_verify(void)
{
    uint32_t bad = 0;
    int r = whole_device(1, &bad);
    check(r == 0, "write-whole-device", "status %ld", r, 0);
    r = whole_device(0, &bad);
    check(r == 0 && bad == 0, "read-back-whole-device", "status %ld, %ld blocks differ", r, bad);
}

static void random_runs(uint32_t ops)
{
    uint32_t bad = 0, failed = 0, maxrun = 0;
    for (uint32_t i = 0; i < ops; i++) {
        uint32_t n = 1 + rnd(MAX_RUN);
        uint32_t first = rnd(nblocks - n + 1);
        if (n > maxrun) maxrun = n;
        if (rnd(2) ? write_run(first, n) : read_run(first, n, &bad)) failed++;
    }
    check(failed == 0 && bad == 0 && maxrun == MAX_RUN, "random-runs",
          "%ld calls failed, %ld blocks differ", failed, bad);
}

static void boundaries(void)
{
    uint32_t bad = 0;
    int r = write_run(0, 1) | read_run(0, 1, &bad);
    check(r == 0 && bad == 0, "first-block", "status %ld, %ld differ", r, bad);
    r = write_run(nblocks - 1, 1) | read_run(nblocks - 1, 1, &bad);
    check(r == 0 && bad == 0, "last-block", "status %ld, %ld differ", r, bad);
    r = write_run(nblocks - MAX_RUN, MAX_RUN) | read_run(nblocks - MAX_RUN, MAX_RUN, &bad);
    check(r == 0 && bad == 0, "run-ending-at-last-block", "status %ld, %ld differ", r, bad);
    r = write_run(0, MAX_RUN) | read_run(0, MAX_RUN, &bad);
    check(r == 0 && bad == 0, "4096-bytes-from-block-0", "status %ld, %ld differ", r, bad);
    /* One read spanning blocks written by different calls. */
    r = write_run(100, 3) | write_run(103, 5) | read_run(99, MAX_RUN, &bad);
    check(r == 0 && bad == 0, "read-across-writes", "status %ld, %ld differ", r, bad);
}

/* Requests the service must refuse, and the blocks a refused write would
 * have touched, which must not change. */
static void refused(void)
{
    static uint8_t buf[IDC_BUF_MAX + BLK];
    size_t len = 0;
    memset(buf, 0xa5, sizeof buf);
    EXPECT_EQ("read-past-end", block_read(&blk, nblocks, 1, buf, IDC_BUF_MAX, &len), -KEA_EINVAL);
    EXPECT_EQ("read-across-end", block_read(&blk, nblocks - 1, 2, buf, IDC_BUF_MAX, &len),
              -KEA_EINVAL);
    EXPECT_EQ("read-block-max", block_read(&blk, 0xffffffffu, 1, buf, IDC_BUF_MAX, &len),
              -KEA_EINVAL);
    EXPECT_EQ("read-wrapping-run", block_read(&blk, 0xfffffff9u, MAX_RUN, buf, IDC_BUF_MAX, &len),
              -KEA_EINVAL);
    EXPECT_EQ("read-zero-blocks", block_read(&blk, 0, 0, buf, IDC_BUF_MAX, &len), -KEA_EINVAL);
    EXPECT_EQ("read-over-4096", block_read(&blk, 0, MAX_RUN + 1, buf, IDC_BUF_MAX, &len),
              -KEA_EINVAL);
    EXPECT_EQ("read-huge-count", block_read(&blk, 0, 0x80000001u, buf, IDC_BUF_MAX, &len),
              -KEA_EINVAL);
    EXPECT_EQ("read-buffer-too-small", block_read(&blk, 0, 3, buf, 3 * BLK - 1, &len), -KEA_E2BIG);
    EXPECT_EQ("write-past-end", block_write(&blk, nblocks, buf, BLK), -KEA_EINVAL);
    EXPECT_EQ("write-across-end", block_write(&blk, nblocks - 1, buf, 2 * BLK), -KEA_EINVAL);
    EXPECT_EQ("write-wrapping-run", block_write(&blk, 0xfffffff9u, buf, IDC_BUF_MAX), -KEA_EINVAL);
    EXPECT_EQ("write-empty", block_write(&blk, 0, buf, 0), -KEA_EINVAL);
    EXPECT_EQ("write-partial-block", block_write(&blk, 0, buf, 100), -KEA_EINVAL);
    EXPECT_EQ("write-block-and-a-byte", block_write(&blk, 0, buf, BLK + 1), -KEA_EINVAL);
    EXPECT_EQ("write-over-4096", block_write(&blk, 0, buf, IDC_BUF_MAX + BLK), -KEA_E2BIG);
    uint32_t bad = 0;
    int r = read_run(0, 1, &bad) | read_run(nblocks - 1, 1, &bad);
    check(r == 0 && bad == 0, "refused-writes-changed-nothing", "status %ld, %ld blocks differ",
          r, bad);
}

/* Two threads on disjoint halves of the device at once: requests of one
 * must not corrupt or be answered with the other's. */
static volatile uint32_t worker_failed, worker_bad;

static int worker(uint32_t half)
{
    uint32_t lo = half ? nblocks / 2 : 0, hi = half ? nblocks : nblocks / 2;
    uint32_t state = seed * 2654435761u + half + 1, bad = 0, failed = 0;
    for (int i = 0; i < 120; i++) {
        state ^= state << 13; state ^= state >> 17; state ^= state << 5;
        uint32_t n = 1 + state % MAX_RUN;
        uint32_t first = lo + (state >> 8) % (hi - lo - n + 1);
        if ((state >> 4) & 1 ? write_run(first, n) : read_run(first, n, &bad)) failed++;
    }
    __atomic_add_fetch(&worker_failed, failed, __ATOMIC_RELAXED);
    __atomic_add_fetch(&worker_bad, bad, __ATOMIC_RELAXED);
    return 0;
}

static void concurrent(void)
{
    uint32_t tid = 0;
    int32_t status = 0;
    int r = thread_create(&kea_base_thread, (uint32_t)worker, 1, &tid);
    if (r == 0) {
        worker(0);
        r = thread_join(&kea_base_thread, tid, &status);
    }
    check(r == 0 && worker_failed == 0 && worker_bad == 0, "two-threads-at-once",
          "status %ld, failures and differing blocks %ld", r, (long)(worker_failed + worker_bad));
}

static void exercise(void)
{
    gen = calloc(nblocks, sizeof *gen);
    if (!gen) {
        check(0, "memory", "no memory for %ld generations", (long)nblocks, 0);
        return;
    }
    kea_binding_t st;
    int have_stats = ATASTAT_BIND(svc, &st) == 0;
    uint32_t irq0 = 0, rd0 = 0, wr0 = 0;
    if (have_stats)
        EXPECT_EQ("counters", atastat_counters(&st, &irq0, &rd0, &wr0), 0);

    fill_and_verify();
    random_runs(nblocks < 4096 ? 300 : 600);
    boundaries();
    refused();
    concurrent();
    EXPECT_EQ("sync", block_sync(&blk), 0);
    uint32_t bad = 0;
    int r = whole_device(0, &bad);
    check(r == 0 && bad == 0, "final-read-back", "status %ld, %ld blocks differ", r, bad);

    if (have_stats) {
        uint32_t irq1 = 0, rd1 = 0, wr1 = 0;
        EXPECT_EQ("counters-again", atastat_counters(&st, &irq1, &rd1, &wr1), 0);
        /* The driver counted exactly what this program transferred, and
         * took an interrupt for every sector (and one for the flush). */
        EXPECT_EQ("sectors-read-counted", rd1 - rd0, blocks_read);
        EXPECT_EQ("sectors-written-counted", wr1 - wr0, blocks_written);
        check(irq1 - irq0 >= blocks_read + blocks_written, "interrupt-per-sector",
              "%ld interrupts for %ld sectors", (long)(irq1 - irq0),
              (long)(blocks_read + blocks_written));
        printf("blktest: %s: %u interrupts for %u sectors read and %u written\n", svc,
               irq1 - irq0, blocks_read, blocks_written);
    }
    free(gen);
}

/* Persistence: generation 1 of every block, this seed. */
static void persist_write(void)
{
    static uint8_t buf[IDC_BUF_MAX];
    uint32_t failed = 0;
    for (uint32_t b = 0; b < nblocks; b += MAX_RUN) {
        uint32_t n = nblocks - b < MAX_RUN ? nblocks - b : MAX_RUN;
        for (uint32_t i = 0; i < n; i++) pattern(buf + i * BLK, b + i, 1);
        if (block_write(&blk, b, buf, n * BLK) != (int)(n * BLK)) failed++;
    }
    check(failed == 0, "persist-write", "%ld writes failed", failed, 0);
    EXPECT_EQ("persist-sync", block_sync(&blk), 0);
}

static void persist_verify(void)
{
    static uint8_t buf[IDC_BUF_MAX];
    uint8_t want[BLK];
    uint32_t failed = 0, bad = 0;
    for (uint32_t b = 0; b < nblocks; b += MAX_RUN) {
        uint32_t n = nblocks - b < MAX_RUN ? nblocks - b : MAX_RUN;
        size_t len = 0;
        if (block_read(&blk, b, n, buf, sizeof buf, &len) != (int)(n * BLK)) {
            failed++;
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            pattern(want, b + i, 1);
            if (memcmp(buf + i * BLK, want, BLK) != 0) {
                printf("blktest: block %u is not as written\n", b + i);
                bad++;
            }
        }
    }
    printf("blktest: %s: %u blocks verified, %u differ\n", svc, nblocks, bad);
    check(failed == 0 && bad == 0, "persist-verify", "%ld reads failed, %ld blocks differ",
          failed, bad);
}

/* A few random runs written, then read back. */
static void smoke(void)
{
    uint32_t first[16], count[16], failed = 0, bad = 0;
    gen = calloc(nblocks, sizeof *gen);
    if (!gen) {
        check(0, "memory", "no memory for %ld generations", (long)nblocks, 0);
        return;
    }
    for (int i = 0; i < 16; i++) {
        count[i] = 1 + rnd(MAX_RUN);
        first[i] = rnd(nblocks - count[i] + 1);
        if (write_run(first[i], count[i]) < 0) failed++;
    }
    for (int i = 0; i < 16; i++)
        if (read_run(first[i], count[i], &bad) < 0) failed++;
    check(failed == 0 && bad == 0, "smoke", "%ld calls failed, %ld blocks differ", failed, bad);
    free(gen);
}

static void scan(void)
{
    gen = calloc(nblocks, sizeof *gen);
    uint8_t *failed = calloc(nblocks / MAX_RUN + 1, 1);
    if (!gen || !failed) {
        check(0, "memory", "no memory for %ld blocks", (long)nblocks, 0);
        free(gen);
        return;
    }
    uint32_t wfail = 0, rfail = 0, bad = 0;
    for (uint32_t b = 0; b + MAX_RUN <= nblocks; b += MAX_RUN)
        if (write_run(b, MAX_RUN) < 0) {
            printf("blktest: %s: write run %u failed\n", svc, b);
            failed[b / MAX_RUN] = 1;
            wfail++;
        }
    for (uint32_t b = 0; b + MAX_RUN <= nblocks; b += MAX_RUN) {
        uint8_t buf[IDC_BUF_MAX];
        size_t len = 0;
        int r = block_read(&blk, b, MAX_RUN, buf, sizeof buf, &len);
        if (r < 0) {
            printf("blktest: %s: read run %u failed: %s\n", svc, b, kea_strerror(r));
            rfail++;
        } else if (!failed[b / MAX_RUN]) {
            compare(buf, b, MAX_RUN, &bad);
        }
    }
    printf("blktest: %s: %u write runs and %u read runs failed\n", svc, wfail, rfail);
    check(bad == 0, "scan-data-intact", "%ld blocks differ", bad, 0);
    random_runs(16);                    /* the disk was written whole: every block is known */
    free(failed);
    free(gen);
}

int main(uint32_t arg)
{
    uint32_t which = arg & 0xff, mode = (arg >> 8) & 0xff;
    seed = arg >> 16;
    rng_state = hash(seed) | 1;
    if (which >= sizeof names / sizeof names[0]) {
        printf("blktest: no service %u\n", which);
        return 1;
    }
    svc = names[which];
    uint32_t size = 0;
    int r = BLOCK_BIND(svc, &blk);
    EXPECT_EQ("bind", r, 0);
    if (r == 0) {
        r = block_info(&blk, &nblocks, &size);
        check(r == 0 && size == BLK && nblocks >= 2 * MAX_RUN, "info",
              "status %ld, block size %ld", r, (long)size);
        printf("blktest: %s: %u blocks of %u bytes\n", svc, nblocks, size);
    }
    if (r == 0 && size == BLK && nblocks >= 2 * MAX_RUN) {
        if (mode == 0) exercise();
        else if (mode == 1) persist_write();
        else if (mode == 2) persist_verify();
        else if (mode == 3) smoke();
        else if (mode == 4) scan();
        else check(0, "mode", "no mode %ld", (long)mode, 0);
    }
    printf("blktest: %s done, %d failed\n", svc, failures);
    return failures;
}
