/* Checksummed file I/O through simplefs on the ATA disk while faults are
 * injected into the ATA driver (tests/qemu/test_restart.py, make demo
 * NAME=restart, docs/reliability.md).
 *
 *   spawn --rights all rsload.o FAULTS [kernel] [KINDS]
 *
 * Formats the disk, then writes files (each a checksummed pattern of its
 * round) and reads them back, round after round.  Whenever the driver has
 * restarted since the last fault it armed (its restart count in `services`
 * went up), it arms the next one with sys.recovery "inject ata KIND", KIND
 * drawn at random from KINDS (default: every kind that traps, garbage and
 * loop; in the kernel not stack, which the kernel cannot contain);
 * with `kernel` it first moves the driver back into the kernel if a fault
 * demoted it.  It stops once FAULTS faults have been followed by a
 * restart, checks every file once more and reports:
 *
 *   rsload: F faults injected, R restarts, W writes acknowledged, E errors, L lost
 *
 * An error is any call that failed (the block stubs retry a call the
 * driver failed in: none should reach the file service); lost is an
 * acknowledged write that does not read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/base.h>
#include <kea/sysinfo.h>
#include "fs_client.h"
#include "fsread.h"
#include "sys_client.h"
#include "thread_client.h"

#define NFILES     8
#define FILE_BYTES 4096
#define CHUNK      1024

static uint8_t data[FILE_BYTES], back[FILE_BYTES];
static uint32_t acked[NFILES];          /* round whose contents each file holds, 0: none */
static uint32_t rnd = 12345;

static uint32_t next_rand(void)
{
    rnd = rnd * 1103515245u + 12345u;
    return rnd >> 8;
}

/* The pattern of round r, its last 4 bytes a checksum of the rest. */
static void fill(uint8_t *p, uint32_t r)
{
    uint32_t x = r * 2654435761u, sum = 0;
    for (int i = 0; i < FILE_BYTES - 4; i++) {
        x = x * 1664525u + 1013904223u;
        p[i] = (uint8_t)(x >> 24);
        sum = sum * 31 + p[i];
    }
    memcpy(p + FILE_BYTES - 4, &sum, 4);
}

static int write_file(const kea_binding_t *fs, const char *name, const uint8_t *src)
{
    kea_handle_t h;
    uint32_t size;
    int r = fs_create(fs, name, false, &h);
    if (r == -KEA_EEXIST) {
        bool dir;
        r = fs_open(fs, name, &h, &size, &dir);
    }
    for (uint32_t off = 0; r >= 0 && off < FILE_BYTES; off += CHUNK)
        r = fs_write(fs, h, off, src + off, CHUNK, &size);
    if (r >= 0) r = fs_sync(fs);
    return r < 0 ? r : 0;
}

static int read_file(const kea_binding_t *fs, const char *name, uint8_t *dst)
{
    return fs_read_whole(fs, name, dst, FILE_BYTES, CHUNK);
}

/* ata's restarts and placement, from sys.services. */
static int ata_state(uint32_t *restarts, int *in_kernel)
{
    static struct sys_service recs[16];
    size_t len = 0;
    uint32_t next = 0;
    if (sys_services(&kea_base_sys, 0, recs, sizeof recs, &len, &next) < 0) return -1;
    for (size_t i = 0; i < len / sizeof recs[0]; i++)
        if (strcmp(recs[i].name, "ata") == 0) {
            *restarts = recs[i].restarts;
            *in_kernel = (int)recs[i].kernel;
            return 0;
        }
    return -1;
}

int main(uint32_t n, const char *args)
{
    (void)n;
    char buf[128], *save, *w;
    strlcpy(buf, args, sizeof buf);
    int faults = 0, kernel = 0;
    const char *kinds[8];
    int nkinds = 0;
    for (w = strtok_r(buf, " ", &save); w; w = strtok_r(0, " ", &save)) {
        if (strcmp(w, "kernel") == 0) kernel = 1;
        else if (w[0] >= '0' && w[0] <= '9') faults = atoi(w);
        else if (nkinds < 8) kinds[nkinds++] = w;
    }
    if (faults <= 0) {
        printf("rsload: usage: FAULTS [kernel] [KIND...]\n");
        return 1;
    }
    if (!nkinds) {
        static const char *const all[] = { "null", "wild", "div", "ud", "garbage", "loop", "stack" };
        for (int i = 0; i < (kernel ? 6 : 7); i++) kinds[nkinds++] = all[i];   /* the kernel: no stack */
    }
    kea_binding_t fs;
    int r = FS_BIND("simplefs", &fs);
    if (r == 0) r = fs_format(&fs, "ata", 64);
    if (r < 0) {
        printf("rsload: cannot use simplefs on ata: %s\n", kea_strerror(r));
        return 1;
    }
    uint32_t restarts0, restarts, armed_at = 0, round = 0, writes = 0, errors = 0;
    int in_kernel, injected = 0, armed = 0;
    if (ata_state(&restarts0, &in_kernel) < 0) {
        printf("rsload: no ata service\n");
        return 1;
    }
    for (;;) {
        ata_state(&restarts, &in_kernel);
        if (armed && restarts > armed_at) armed = 0;        /* it struck; the driver is back */
        if (!armed && (int)(restarts - restarts0) >= faults) break;
        if (!armed) {
            if (kernel && !in_kernel && sys_migrate(&kea_base_sys, "ata kernel", buf, sizeof buf, 0) < 0) {
                printf("rsload: cannot move ata back into the kernel\n");
                errors++;
                break;
            }
            char spec[48];
            snprintf(spec, sizeof spec, "inject ata %s", kinds[next_rand() % (uint32_t)nkinds]);
            if (sys_recovery(&kea_base_sys, spec) == 0) {
                armed = 1;
                armed_at = restarts;
                injected++;
            }
        }
        /* One round: write one file, read another back. */
        round++;
        uint32_t i = round % NFILES, j = next_rand() % NFILES;
        char name[16];
        snprintf(name, sizeof name, "f%u", i);
        fill(data, round);
        if ((r = write_file(&fs, name, data)) < 0) {
            printf("rsload: round %u: writing %s failed: %s\n", round, name, kea_strerror(r));
            errors++;
        } else {
            acked[i] = round;
            writes++;
        }
        if (acked[j]) {
            snprintf(name, sizeof name, "f%u", j);
            fill(data, acked[j]);
            if ((r = read_file(&fs, name, back)) < 0 || memcmp(back, data, FILE_BYTES) != 0) {
                printf("rsload: round %u: %s does not read back: %s\n", round, name,
                       r < 0 ? kea_strerror(r) : "contents differ");
                errors++;
            }
        }
        if (errors > 20) break;
    }
    uint32_t lost = 0;
    for (uint32_t i = 0; i < NFILES; i++) {
        if (!acked[i]) continue;
        char name[16];
        snprintf(name, sizeof name, "f%u", i);
        fill(data, acked[i]);
        if (read_file(&fs, name, back) < 0 || memcmp(back, data, FILE_BYTES) != 0) lost++;
    }
    ata_state(&restarts, &in_kernel);
    printf("rsload: %d faults injected, %u restarts, %u writes acknowledged, %u errors, %u lost\n",
           injected, restarts - restarts0, writes, errors, lost);
    return errors || lost;
}
