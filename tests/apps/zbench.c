/* zbench: what compression costs, in guest instructions per KiB, for
 * scripts/zbench.sh (run under QEMU -icount shift=0, where rdtsc counts
 * guest instructions exactly).  The caller has loaded ramdisk, simplefs
 * and compress (in the placement being measured); this program formats
 * simplefs on the RAM disk, mounts compress on it, then times 4 KiB
 * writes and reads of text through simplefs alone and through compress:
 * the difference is what compressing (and the container) adds.
 *
 * Output: "ZBENCH name value" lines, then "ZBENCH done". */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "fs_client.h"
#include "kea_bench.h"

#define FILE_KIB 64
#define ROUNDS   5

/* Text as tests/apps/fsclient.c makes it, varied per chunk so that no two
 * chunks are alike. */
static void text(uint8_t *p, uint32_t n, uint32_t seed)
{
    static const char line[] = "the quick kea remaps the lazy portal, file after file\n";
    for (uint32_t i = 0; i < n; i++) {
        p[i] = (uint8_t)line[(i + seed) % (sizeof line - 1)];
        if (i % 61 == 0) p[i] = (uint8_t)('0' + (i / 61 + seed) % 10);
    }
}

static uint8_t buf[4096];
static int failed;

/* Instructions per KiB written, then read, through b; blocks stored. */
static void measure(const kea_binding_t *b, const char *name)
{
    uint32_t w[ROUNDS], r[ROUNDS], h = 0, size, blocks = 0;
    bool dir;
    for (int k = 0; k < ROUNDS; k++) {
        char path[32];
        snprintf(path, sizeof path, "%s-%d", name, k);
        if (fs_create(b, path, false, &h) < 0) { failed = 1; return; }
        uint64_t t = 0;
        for (uint32_t c = 0; c < FILE_KIB / 4; c++) {
            text(buf, sizeof buf, c * 7 + (uint32_t)k);
            uint64_t t0 = rdtsc();
            if (fs_write(b, h, c * 4096, buf, sizeof buf, &size) < 0) failed = 1;
            t += rdtsc() - t0;
        }
        w[k] = (uint32_t)(t / FILE_KIB);
        size_t got;
        uint64_t t0 = rdtsc();
        for (uint32_t c = 0; c < FILE_KIB / 4; c++)
            if (fs_read(b, h, c * 4096, buf, sizeof buf, &got) < 0 || got != sizeof buf) failed = 1;
        r[k] = (uint32_t)((rdtsc() - t0) / FILE_KIB);
    }
    fs_stat(b, h, &size, &blocks, &dir);
    printf("ZBENCH write_%s %u\n", name, median(w, ROUNDS));
    printf("ZBENCH read_%s %u\n", name, median(r, ROUNDS));
    printf("ZBENCH blocks_%s %u\n", name, blocks);
}

int main(void)
{
    kea_binding_t s, z;
    if (FS_BIND("simplefs", &s) < 0 || FS_BIND("compress", &z) < 0 ||
        fs_format(&s, "ramdisk", 0) < 0 || fs_mount(&z, "simplefs") < 0) {
        printf("ZBENCH failed: load ramdisk, simplefs and compress first\n");
        return 1;
    }
    measure(&s, "simplefs");
    measure(&z, "compress");
    printf(failed ? "ZBENCH failed: an operation failed\n" : "ZBENCH done\n");
    return failed;
}
