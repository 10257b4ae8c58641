/* fshost: the file services' own i386 objects (simplefs, cachefs, compress,
 * built for kea) run on the host, linked with a loopback portal_invoke that
 * does what the kernel does for a call: copies the in-buffer in and the
 * out-buffer back, at most 4096 bytes each.  The RAM disk is fssuite.c's.
 *
 *   fshost --suite [GROUP]           the tests of fssuite.c, and of compress's
 *                                    zlib interface (group zlib; PASS:/FAIL:)
 *   fshost IMAGE SERVICE CMD [ARG..] one operation on a disk image file,
 *                                    through simplefs, cachefs or compress:
 *       format [NINODES] | check | ls [PATH] | put HOSTFILE PATH |
 *       get PATH HOSTFILE | mkdir PATH | rm PATH | mv FROM TO | stat PATH |
 *       statfs
 *
 * The second form is how tests/host/kfs/test_kfs.py checks that the C code
 * and scripts/kfs.py agree on the disk format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include <kea/service.h>
#include "fs_client.h"
#include "fsproto.h"
#include "thread_client.h"
#include "fssuite.h"
#include "zlib_client.h"

extern const struct kea_service simplefs_service, cachefs_service, compress_service;

/* Portal 0 is the thread service, whose only use here (yield, by a lock
 * never contended on one thread) needs no action. */
const kea_binding_t kea_base_thread = { 0, THREAD_IFACE_ID };

static struct {
    char name[40];
    idc_handler_t handler;
    void *arg;
    uint32_t iface_id;
} portals[8];
static uint32_t nportals = 1;

int portal_invoke(uint32_t pp, struct idc_args *a)
{
    uint32_t id = IDC_PP_PORTAL(pp);
    if (id >= nportals) return -KEA_EBADPORTAL;
    if (id == 0) return 0;
    if (a->in_len > IDC_BUF_MAX || a->out_cap > IDC_BUF_MAX) return -KEA_E2BIG;
    uint8_t in[IDC_BUF_MAX], out[IDC_BUF_MAX];
    if (a->in_len) memcpy(in, a->in, a->in_len);
    struct idc_call c = {
        .proc = IDC_PP_PROC(pp), .w = { a->w[0], a->w[1], a->w[2] }, .in = in,
        .in_len = a->in_len, .out = out, .out_cap = a->out_cap, .caller = 1,
    };
    int r = portals[id].handler(portals[id].arg, &c);
    a->out_len = 0;
    if (c.out_len > a->out_cap) return -KEA_E2BIG;
    if (c.out_len) memcpy(a->out, out, c.out_len);  /* as the kernel: also with an error */
    a->out_len = c.out_len;
    if (r < 0) return r;
    memcpy(a->w, c.w, sizeof a->w);
    return r;
}

int kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b)
{
    char name[64];
    snprintf(name, sizeof name, "%s.%s", service, iface);
    for (uint32_t i = 1; i < nportals; i++)
        if (strcmp(portals[i].name, name) == 0) {
            if (portals[i].iface_id != iface_id) return -KEA_EIFACE;
            b->portal = i;
            b->iface_id = iface_id;
            return 0;
        }
    return -KEA_ENOENT;
}

/* Debian 12's C library has no strlcpy; kea's has, and the objects use it. */
size_t strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(dst, src, k);
        dst[k] = 0;
    }
    return len;
}

static void add(const char *name, idc_handler_t h, void *arg, uint32_t iface_id)
{
    snprintf(portals[nportals].name, sizeof portals[nportals].name, "%s", name);
    portals[nportals].handler = h;
    portals[nportals].arg = arg;
    portals[nportals].iface_id = iface_id;
    nportals++;
}

static void add_service(const struct kea_service *s)
{
    if (s->init && s->init() < 0) {
        printf("FAIL: fs/init-%s\n", s->name);
        exit(1);
    }
    for (uint32_t i = 0; i < s->nifaces; i++) {
        char name[40];
        snprintf(name, sizeof name, "%s.%s", s->name, s->ifaces[i].name);
        add(name, s->ifaces[i].dispatch, s->ifaces[i].server, s->ifaces[i].iface_id);
    }
}

/* ---- the zlib interface (services/compress/zlibsvc.c, Debian's zlib) ---- */

static int z_failures;

static void z_check(int ok, const char *name)
{
    printf("%s: fs/zlib/%s\n", ok ? "PASS" : "FAIL", name);
    if (!ok) z_failures++;
}

/* Uncompress into a buffer with guard bytes after cap: the status, or
 * -1000 if it wrote past cap. */
static int guarded(const kea_binding_t *z, const uint8_t *in, size_t n, size_t cap)
{
    static uint8_t out[4096 + 64];
    size_t len;
    memset(out, 0xa5, sizeof out);
    int r = zlib_uncompress(z, in, n, out, cap, &len);
    for (size_t i = cap; i < sizeof out; i++)
        if (out[i] != 0xa5) return -1000;
    return r;
}

static void zlib_tests(void)
{
    kea_binding_t z;
    static uint8_t in[4096], packed[4096], out[4096];
    size_t plen, olen;
    uint32_t x = 12345, crc;
    int ok = ZLIB_BIND("compress", &z) == 0;
    for (int kind = 0; ok && kind < 6; kind++)
        for (size_t n = 0; n <= 4000; n += n < 8 ? 1 : 509)
            for (uint32_t level = 0; level <= 9; level += 3) {
                for (size_t i = 0; i < n; i++) {
                    x = x * 1103515245u + 12345u;
                    in[i] = kind == 0 ? 0 : kind == 1 ? 'k' : kind == 2 ? (uint8_t)(x >> 16) :
                            kind == 3 ? (uint8_t)"portal remap "[i % 13] : kind == 4 ? (uint8_t)(i % 251) :
                            (uint8_t)(i / 300 % 2 ? x >> 16 : 'z');
                }
                if (zlib_compress(&z, level, in, n, packed, sizeof packed, &plen) != 0 ||
                    zlib_uncompress(&z, packed, plen, out, sizeof out, &olen) != 0 || olen != n ||
                    memcmp(in, out, n) != 0)
                    ok = 0;
            }
    z_check(ok, "round-trips");
    memset(in, 'q', 4096);
    z_check(zlib_compress(&z, 6, in, 4096, packed, sizeof packed, &plen) == 0 && plen < 64,
            "long-runs-compress");
    z_check(zlib_compress(&z, 10, in, 10, packed, sizeof packed, &plen) == -KEA_EINVAL, "bad-level");
    for (size_t i = 0; i < 4096; i++) in[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
    z_check(zlib_compress(&z, 6, in, 4096, packed, sizeof packed, &plen) == -KEA_E2BIG,
            "noise-does-not-fit");
    z_check(zlib_compress(&z, 6, in, 100, packed, sizeof packed, &plen) == 0 &&
            guarded(&z, packed, plen, 99) == -KEA_E2BIG, "too-long-for-out-buffer");
    z_check(guarded(&z, packed, plen - 1, 4096) == -KEA_EBADOBJ, "refuses-cut-stream");
    memcpy(packed + plen, "xy", 2);
    z_check(guarded(&z, packed, plen + 2, 4096) == -KEA_EBADOBJ, "refuses-bytes-after-end");
    packed[plen - 1] ^= 1;
    z_check(guarded(&z, packed, plen, 4096) == -KEA_EBADOBJ, "refuses-bad-adler32");
    z_check(guarded(&z, (const uint8_t *)"", 0, 4096) == -KEA_EBADOBJ, "refuses-empty");
    z_check(zlib_crc32(&z, 0, "123456789", 9, &crc) == 0 && crc == 0xcbf43926u, "crc32-check-value");
    z_check(zlib_crc32(&z, 0, "12345", 5, &crc) == 0 && zlib_crc32(&z, crc, "6789", 4, &crc) == 0 &&
            crc == 0xcbf43926u, "crc32-continues");
    z_check(zlib_crc32(&z, 0x1234, "", 0, &crc) == 0 && crc == 0x1234, "crc32-empty-keeps-crc");
    /* Garbage never makes it write past what it was asked for. */
    int wild = 0;
    for (int k = 0; k < 5000; k++) {
        size_t n = (x = x * 1103515245u + 12345u) % 64, cap = (x >> 8) % 600;
        for (size_t i = 0; i < n; i++) in[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
        if (n >= 2 && k % 2) { in[0] = 0x78; in[1] = 0x9c; }       /* a valid header, mostly */
        if (guarded(&z, in, n, cap) == -1000) wild++;
    }
    z_check(wild == 0, "garbage-stays-in-bounds");
}

static int fail(const char *what, int r)
{
    fprintf(stderr, "fshost: %s: %s\n", what, kea_strerror(r));
    return 1;
}

static int command(const char *image, const char *service, int argc, char **argv)
{
    FILE *f = fopen(image, "rb");
    if (!f) { perror(image); return 1; }
    size_t n = fread(fssuite_disk, 1, sizeof fssuite_disk, f);
    fclose(f);
    if (n == 0 || n % 512) {
        fprintf(stderr, "fshost: %s: not a whole number of 512-byte blocks (at most %u)\n", image,
                MEMBLK_MAX);
        return 1;
    }
    fssuite_nblocks = (uint32_t)(n / 512);
    kea_binding_t b, lower;
    int r = FS_BIND(service, &b);
    if (r < 0) return fail(service, r);
    const char *cmd = argv[0];
    int is_format = strcmp(cmd, "format") == 0;
    if (strcmp(service, "compress") == 0) {
        FS_BIND("simplefs", &lower);
        if (!is_format && (r = fs_mount(&lower, "memblk")) < 0) return fail("mount", r);
    } else if (!is_format && (r = fs_mount(&b, "memblk")) < 0) {
        return fail("mount", r);
    }
    static uint8_t data[4096];
    uint32_t h, size, blocks, a, c;
    bool dir;
    size_t len;
    if (is_format) {
        r = fs_format(&b, "memblk", argc > 1 ? (uint32_t)strtoul(argv[1], 0, 0) : 0);
    } else if (strcmp(cmd, "check") == 0) {
        printf("ok\n");
    } else if (strcmp(cmd, "ls") == 0) {
        static struct fs_entry e[FS_ENTRIES_PER_CALL];
        uint32_t start = 0, next;
        do {
            if ((r = fs_list(&b, argc > 1 ? argv[1] : "", start, e, sizeof e, &len, &next)) < 0) break;
            for (size_t i = 0; i < len / sizeof e[0]; i++)
                printf("%s%s %u\n", e[i].name, e[i].dir ? "/" : "", e[i].size);
            start = next;
        } while (next);
    } else if (strcmp(cmd, "put") == 0 && argc == 3) {
        FILE *in = fopen(argv[1], "rb");
        if (!in) { perror(argv[1]); return 1; }
        if ((r = fs_create(&b, argv[2], false, &h)) == 0)
            for (uint32_t off = 0; (len = fread(data, 1, sizeof data, in)) > 0; off += (uint32_t)len)
                if ((r = fs_write(&b, h, off, data, len, &size)) < 0) break;
        fclose(in);
    } else if (strcmp(cmd, "get") == 0 && argc == 3) {
        FILE *out = fopen(argv[2], "wb");
        if (!out) { perror(argv[2]); return 1; }
        if ((r = fs_open(&b, argv[1], &h, &size, &dir)) == 0)
            for (uint32_t off = 0; off < size; off += (uint32_t)len) {
                if ((r = fs_read(&b, h, off, data, sizeof data, &len)) < 0 || len == 0) break;
                fwrite(data, 1, len, out);
            }
        fclose(out);
    } else if (strcmp(cmd, "mkdir") == 0 && argc == 2) {
        r = fs_create(&b, argv[1], true, &h);
    } else if (strcmp(cmd, "rm") == 0 && argc == 2) {
        r = fs_remove(&b, argv[1]);
    } else if (strcmp(cmd, "mv") == 0 && argc == 3) {
        char paths[512];
        int k = snprintf(paths, sizeof paths, "%s%c%s", argv[1], 0, argv[2]);
        r = fs_rename(&b, paths, (size_t)k + 1);
    } else if (strcmp(cmd, "stat") == 0 && argc == 2) {
        if ((r = fs_open(&b, argv[1], &h, &size, &dir)) == 0 &&
            (r = fs_stat(&b, h, &size, &blocks, &dir)) == 0)
            printf("size %u blocks %u dir %d\n", size, blocks, dir);
    } else if (strcmp(cmd, "statfs") == 0) {
        if ((r = fs_statfs(&b, &blocks, &a, &c)) == 0)
            printf("blocks %u free %u inodes %u\n", blocks, a, c);
    } else {
        fprintf(stderr, "fshost: bad command or arguments: %s\n", cmd);
        return 2;
    }
    if (r < 0) return fail(cmd, r);
    if (!(f = fopen(image, "r+b")) || fwrite(fssuite_disk, 1, n, f) != n) {
        perror(image);
        return 1;
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    add("memblk.block", fssuite_memblk_dispatch, &fssuite_memblk, BLOCK_IFACE_ID);
    add_service(&simplefs_service);
    add_service(&cachefs_service);
    add_service(&compress_service);
    if (argc >= 2 && strcmp(argv[1], "--suite") == 0) {
        const char *group = argc > 2 ? argv[2] : "all";
        if (strcmp(group, "all") == 0 || strcmp(group, "zlib") == 0) zlib_tests();
        int failed = z_failures + (strcmp(group, "zlib") ? fssuite_run(group) : 0);
        printf("fshost: %d failed\n", failed);
        return failed != 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: fshost --suite [GROUP] | fshost IMAGE SERVICE COMMAND [ARG...]\n");
        return 2;
    }
    return command(argv[1], argv[2], argc - 3, argv + 3);
}
