/* zbench: what compression costs, in guest instructions per KiB, for
 * scripts/zbench.sh (run under QEMU -icount shift=0, where rdtsc counts
 * guest instructions exactly).  The caller has loaded ramdisk, simplefs
 * and compress (in the placement being measured); this program formats
 * simplefs on the RAM disk, mounts compress on it, then times 4 KiB
 * writes and reads of text through simplefs alone and through compress:
 * the difference is what compressing (and the container) adds.  If the
 * service has the zlib interface, it also times zlib alone on 4 KiB of
 * the same text (compress at level 6, uncompress).
 *
 * Output: "ZBENCH name value" lines, then "ZBENCH done". */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "fs_client.h"
#include "zlib_client.h"
#include "kea_bench.h"

#define FILE_KIB 64
#define ROUNDS   5

/* Text: words drawn at random from a small vocabulary, in lines, so that
 * it compresses about as well as prose (2-3 times), and no two chunks are
 * alike. */
static void text(uint8_t *p, uint32_t n, uint32_t seed)
{
    static const char *const words[] = {
        "the", "kernel", "places", "a", "service", "in", "user", "domain", "or", "portal",
        "remaps", "call", "of", "to", "object", "file", "block", "disk", "thread", "and",
        "interface", "compress", "stacked", "on", "simplefs", "reads", "writes", "is", "when",
        "loader", "relocates", "its", "imports", "environment", "zlib", "chunk", "data",
        "returns", "error", "for", "every", "new", "client", "binds", "by", "name", "IDC",
    };
    uint32_t x = seed * 2654435761u + 1, col = 0, i = 0;
    while (i < n) {
        x = x * 1103515245u + 12345u;
        const char *w = words[(x >> 16) % (sizeof words / sizeof words[0])];
        for (; *w && i < n; w++, col++) p[i++] = (uint8_t)*w;
        if (i < n) p[i++] = col > 60 ? '\n' : ' ';
        if (col > 60) col = 0;
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

/* zlib alone, through the interface: instructions per KiB of input. */
static void measure_zlib(const kea_binding_t *z)
{
    static uint8_t packed[4096], back[4096];
    uint32_t c[ROUNDS], u[ROUNDS];
    size_t plen = 0, blen;
    for (int k = 0; k < ROUNDS; k++) {
        text(buf, sizeof buf, 100u + (uint32_t)k);
        uint64_t t0 = rdtsc();
        if (zlib_compress(z, 6, buf, sizeof buf, packed, sizeof packed, &plen) < 0) failed = 1;
        uint64_t t1 = rdtsc();
        if (zlib_uncompress(z, packed, plen, back, sizeof back, &blen) < 0 || blen != sizeof buf) failed = 1;
        uint64_t t2 = rdtsc();
        c[k] = (uint32_t)((t1 - t0) / 4);
        u[k] = (uint32_t)((t2 - t1) / 4);
    }
    printf("ZBENCH zlib_compress %u\n", median(c, ROUNDS));
    printf("ZBENCH zlib_uncompress %u\n", median(u, ROUNDS));
    printf("ZBENCH zlib_packed_4k %u\n", (unsigned)plen);
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
    kea_binding_t zl;
    if (ZLIB_BIND("compress", &zl) == 0) measure_zlib(&zl);
    printf(failed ? "ZBENCH failed: an operation failed\n" : "ZBENCH done\n");
    return failed;
}
