/* The `migrate` demo's application (modules/demo-migrate.kea): it copies
 * files on the ATA disk through simplefs while the demo moves the ATA
 * driver from the kernel to a user domain and back.
 *
 *   spawn migcopy.o copy ROUNDS   format the disk, then each round write a
 *                                 file, copy it, check the copy and
 *                                 remove the original,
 *                                 printing progress; at the end check
 *                                 every copy once more
 *   spawn migcopy.o cost          what one read of a sector through the
 *                                 driver costs where it is now (guest
 *                                 instructions under make demo) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/base.h>
#include <kea/sysinfo.h>
#include "block_client.h"
#include "fs_client.h"
#include "fsread.h"
#include "sys_client.h"
#include "thread_client.h"

#define FILE_BYTES 8192
#define CHUNK      1024

static char data[FILE_BYTES], back[FILE_BYTES];

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void fill(int round)
{
    for (int i = 0; i < FILE_BYTES; i++)
        data[i] = "the driver moves, the files stay put; "[(i + round * 5) % 39];
}

static int write_file(const kea_binding_t *fs, const char *name, const char *src)
{
    kea_handle_t h;
    uint32_t size;
    int r = fs_create(fs, name, false, &h);
    for (uint32_t off = 0; r >= 0 && off < FILE_BYTES; off += CHUNK)
        r = fs_write(fs, h, off, src + off, CHUNK, &size);
    return r < 0 ? r : 0;
}

static int read_file(const kea_binding_t *fs, const char *name, char *dst)
{
    return fs_read_whole(fs, name, dst, FILE_BYTES, CHUNK);
}

static int copy(int rounds)
{
    kea_binding_t fs;
    int r = FS_BIND("simplefs", &fs);
    if (r == 0) r = fs_format(&fs, "ata", 256);
    if (r < 0) {
        printf("migcopy: cannot use simplefs on ata: %s\n", kea_strerror(r));
        return 1;
    }
    int lost = 0;
    for (int round = 1; round <= rounds && !lost; round++) {
        char src[32], dst[32];
        snprintf(src, sizeof src, "file-%d.txt", round);
        snprintf(dst, sizeof dst, "copy-%d.txt", round);
        fill(round);
        r = write_file(&fs, src, data);
        if (r == 0) r = read_file(&fs, src, back);
        if (r == 0) r = write_file(&fs, dst, back);
        if (r == 0) r = read_file(&fs, dst, back);
        if (r == 0 && memcmp(back, data, FILE_BYTES) != 0) r = -KEA_EIO;
        if (r == 0) r = fs_remove(&fs, src);             /* the disk keeps the copies */
        if (r < 0) {
            printf("migcopy: round %d: copying %s failed: %s\n", round, src, kea_strerror(r));
            lost = 1;
        } else if (round % 5 == 0) {
            printf("migcopy: %d files copied, %d KiB\n", round, round * FILE_BYTES / 1024);
        }
        thread_sleep(&kea_base_thread, 2);
    }
    /* Every copy, once more. */
    int ok = 0;
    for (int k = 1; k <= rounds; k++) {
        char name[32];
        snprintf(name, sizeof name, "copy-%d.txt", k);
        fill(k);
        if (read_file(&fs, name, back) == 0 && memcmp(back, data, FILE_BYTES) == 0) ok++;
    }
    printf("migcopy: %d of %d copies intact\n", ok, rounds);
    if (ok != rounds) lost = 1;
    printf(lost ? "migcopy: DATA LOST\n" : "migcopy: done, every copy intact\n");
    return lost;
}

static int cost(void)
{
    static struct sys_service recs[32];
    static uint8_t buf[512];
    size_t len = 0;
    uint32_t next = 0;
    const char *where = "?";
    if (sys_services(&kea_base_sys, 0, recs, sizeof recs, &len, &next) == 0)
        for (size_t i = 0; i < len / sizeof recs[0]; i++)
            if (strcmp(recs[i].name, "ata") == 0) where = recs[i].kernel ? "the kernel" : "a user domain";
    kea_binding_t b;
    if (BLOCK_BIND("ata", &b) < 0) {
        printf("migcopy: no ata driver\n");
        return 1;
    }
    block_read(&b, 0, 1, buf, sizeof buf, &len);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < 100; i++) block_read(&b, 0, 1, buf, sizeof buf, &len);
    printf("migcopy: ata in %s: %u instructions per sector read\n", where,
           (unsigned)((rdtsc() - t0) / 100));
    return 0;
}

int main(uint32_t n, const char *args)
{
    (void)n;
    if (strncmp(args, "copy", 4) == 0) return copy(atoi(args + 4) > 0 ? atoi(args + 4) : 6);
    if (strcmp(args, "cost") == 0) return cost();
    printf("migcopy: usage: copy ROUNDS | cost\n");
    return 1;
}
