/* Migration under load (tests/qemu/test_migrate.py, issue 8): clients
 * write and read checksummed blocks through block services while this
 * program migrates those services back and forth.
 *
 *     spawn --wait --rights all migload.o ROUNDS SERVICE...
 *
 * One client thread per SERVICE writes runs of blocks (each block holds
 * its number, a generation and a checksum of its bytes) in the first
 * REGION blocks and reads each run back at once; the main thread migrates
 * the first SERVICE to the other placement ROUNDS times (the others every
 * tenth round), then stops the clients, which read every block they wrote
 * once more.  It prints, per service, the blocks the clients wrote and
 * read, the ATA counters' change where the service has them, the callers
 * held by the migrations, and a FAIL line for anything that went wrong:
 * a request that failed, a block not as last acknowledged, a migration
 * refused.  It ends with "migload: done, N failed".
 *
 *     spawn --wait migload.o once SERVICE kernel|user
 *
 * asks for one migration and prints its status (a domain without the
 * domains right is refused).
 *
 *     spawn --rights all migload.o flip SERVICE COUNT MS
 *
 * waits MS milliseconds, then COUNT times moves SERVICE to the other
 * placement, MS milliseconds apart, and ends with "migload: flip done, N
 * moved" (a test's own commands would be garbled by a program printing
 * meanwhile; this makes the moves from a program instead). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/sysinfo.h>
#include "block_client.h"
#include "atastat_client.h"
#include "sys_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_thread, kea_base_sys;

#define BLK      512u
#define REGION   256u
#define RUN      4u                     /* blocks per request */
#define MAXSVC   4

struct client {
    const char *name;
    kea_binding_t blk;
    uint32_t gen[REGION];               /* last generation acknowledged per block */
    uint32_t next_gen;
    uint32_t wrote, read;               /* blocks */
    uint32_t failed;
    uint32_t seed;
    uint32_t tid;
};

static struct client cl[MAXSVC];
static int nclients;
static volatile int stop;
static uint32_t failures;

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16; x *= 0x7feb352du;
    x ^= x >> 15; x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* Block b, generation g: words b, g, then a stream from (b, g), then the
 * sum of the words before the last. */
static void fill(uint8_t *p, uint32_t b, uint32_t g)
{
    uint32_t *w = (uint32_t *)p, s = mix(b * 2654435761u ^ g) | 1, sum = 0;
    w[0] = b;
    w[1] = g;
    for (uint32_t i = 2; i < BLK / 4 - 1; i++) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        w[i] = s;
    }
    for (uint32_t i = 0; i < BLK / 4 - 1; i++) sum += w[i] * (i + 1);
    w[BLK / 4 - 1] = sum;
}

static int intact(const uint8_t *p, uint32_t b, uint32_t g)
{
    uint8_t want[BLK];
    fill(want, b, g);
    return memcmp(p, want, BLK) == 0;
}

static void fail(struct client *c, const char *what, uint32_t b, int r)
{
    if (c->failed++ < 5)
        printf("FAIL: migload/%s/%s: block %u, status %d\n", c->name, what, b, r);
}

static int client(uint32_t i)
{
    struct client *c = &cl[i];
    static uint8_t bufs[MAXSVC][RUN * BLK];
    uint8_t *buf = bufs[i];
    uint32_t s = c->seed;
    while (!stop) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        uint32_t first = s % (REGION - RUN + 1);
        uint32_t g = ++c->next_gen;
        for (uint32_t k = 0; k < RUN; k++) fill(buf + k * BLK, first + k, g);
        int r = block_write(&c->blk, first, buf, RUN * BLK);
        if (r != (int)(RUN * BLK)) {
            fail(c, "write", first, r);
            continue;
        }
        c->wrote += RUN;
        for (uint32_t k = 0; k < RUN; k++) c->gen[first + k] = g;
        size_t len = 0;
        r = block_read(&c->blk, first, RUN, buf, sizeof bufs[0], &len);
        if (r < 0 || len != RUN * BLK) {
            fail(c, "read", first, r);
            continue;
        }
        c->read += RUN;
        for (uint32_t k = 0; k < RUN; k++)
            if (!intact(buf + k * BLK, first + k, g)) fail(c, "read-back", first + k, 0);
    }
    /* Every acknowledged write reads back. */
    for (uint32_t b = 0; b < REGION; b++) {
        if (!c->gen[b]) continue;
        size_t len = 0;
        int r = block_read(&c->blk, b, 1, buf, BLK, &len);
        if (r < 0) {
            fail(c, "final-read", b, r);
            continue;
        }
        c->read++;
        if (!intact(buf, b, c->gen[b])) fail(c, "final-check", b, 0);
    }
    return 0;
}

static int migrate(const char *name, int to_kernel, uint32_t *held)
{
    char spec[64];
    struct sys_migration m;
    size_t len = 0;
    snprintf(spec, sizeof spec, "%s %s", name, to_kernel ? "kernel" : "user");
    int r = sys_migrate(&kea_base_sys, spec, &m, sizeof m, &len);
    if (r == 0) *held += m.held;
    return r;
}

/* Is service `name` in the kernel now? */
static int in_kernel(const char *name)
{
    static struct sys_service recs[32];
    size_t len = 0;
    uint32_t next = 0;
    if (sys_services(&kea_base_sys, 0, recs, sizeof recs, &len, &next) < 0) return -1;
    for (size_t i = 0; i < len / sizeof recs[0]; i++)
        if (strcmp(recs[i].name, name) == 0) return (int)recs[i].kernel;
    return -1;
}

int main(uint32_t n, const char *args)
{
    (void)n;
    static char words[128];
    strlcpy(words, args, sizeof words);
    char *save, *w = strtok_r(words, " ", &save);
    if (w && strcmp(w, "once") == 0) {
        char *name = strtok_r(0, " ", &save), *to = strtok_r(0, " ", &save);
        uint32_t held = 0;
        int r = name && to ? migrate(name, strcmp(to, "kernel") == 0, &held) : -KEA_EINVAL;
        printf("migload: once: %s\n", kea_strerror(r));
        return r < 0;
    }
    if (w && strcmp(w, "flip") == 0) {
        char *name = strtok_r(0, " ", &save), *cnt = strtok_r(0, " ", &save),
             *ms = strtok_r(0, " ", &save);
        if (!name || !cnt || !ms) return 1;
        uint32_t count = (uint32_t)strtoul(cnt, 0, 10), pause = (uint32_t)strtoul(ms, 0, 10), moved = 0;
        for (uint32_t i = 0; i < count; i++) {
            thread_sleep(&kea_base_thread, pause);
            int k = in_kernel(name), held = 0;
            int r = k < 0 ? k : migrate(name, !k, (uint32_t *)&held);
            if (r == 0) moved++;
            printf("migload: flip %u: %s%s\n", i + 1, r < 0 ? kea_strerror(r) : "now in ",
                   r < 0 ? "" : k ? "a user domain" : "the kernel");
        }
        printf("migload: flip done, %u moved\n", moved);
        return moved == count ? 0 : 1;
    }
    uint32_t rounds = w ? (uint32_t)strtoul(w, 0, 10) : 0;
    while ((w = strtok_r(0, " ", &save)) && nclients < MAXSVC) {
        struct client *c = &cl[nclients];
        c->name = w;
        c->seed = mix(nclients + 7) | 1;
        if (BLOCK_BIND(w, &c->blk) < 0) {
            printf("FAIL: migload/%s/bind\n", w);
            failures++;
            continue;
        }
        nclients++;
    }
    if (!rounds || !nclients) {
        printf("migload: usage: ROUNDS SERVICE...\n");
        return 1;
    }
    kea_binding_t st;
    int have_stats = ATASTAT_BIND(cl[0].name, &st) == 0;
    uint32_t irq0 = 0, rd0 = 0, wr0 = 0, irq1 = 0, rd1 = 0, wr1 = 0;
    if (have_stats) atastat_counters(&st, &irq0, &rd0, &wr0);
    for (int i = 0; i < nclients; i++)
        if (thread_create(&kea_base_thread, (uint32_t)client, (uint32_t)i, &cl[i].tid) < 0) {
            printf("FAIL: migload/%s/thread\n", cl[i].name);
            failures++;
        }
    uint32_t held = 0, moves = 0;
    for (uint32_t round = 0; round < rounds; round++) {
        for (int i = 0; i < nclients; i++) {
            if (i > 0 && round % 10) continue;
            int k = in_kernel(cl[i].name);
            int r = k < 0 ? k : migrate(cl[i].name, !k, &held);
            if (r < 0) {
                if (failures++ < 5)
                    printf("FAIL: migload/%s/migrate: round %u: %s\n", cl[i].name, round,
                           kea_strerror(r));
            } else {
                moves++;
            }
        }
        thread_yield(&kea_base_thread);
    }
    stop = 1;
    for (int i = 0; i < nclients; i++) {
        int32_t status;
        thread_join(&kea_base_thread, cl[i].tid, &status);
    }
    if (have_stats) atastat_counters(&st, &irq1, &rd1, &wr1);
    for (int i = 0; i < nclients; i++) {
        struct client *c = &cl[i];
        printf("migload: %s: wrote %u blocks, read %u blocks, %u failed\n", c->name, c->wrote,
               c->read, c->failed);
        failures += c->failed;
    }
    if (have_stats)
        printf("migload: %s counted %u sectors read, %u written, %u interrupts\n", cl[0].name,
               rd1 - rd0, wr1 - wr0, irq1 - irq0);
    printf("migload: %u migrations, %u callers held\n", moves, held);
    printf("migload: done, %u failed\n", failures);
    return failures ? 1 : 0;
}
