/* zlibtest: a client of the zlib interface (services/compress/zlib.idl)
 * of the compress service loaded as ARGS ("compress" if none), for
 * tests/qemu/test_zlib.py.  It compresses generated inputs at several
 * levels and prints every compressed stream in hex, with the input's
 * CRC-32, for the test to compare with the host's zlib; it checks the
 * round trips and the errors itself (PASS:/FAIL: lines).
 *
 *   ZL name level len crc packed-hex     one per case
 *   zlibtest: done, N failed */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "zlib_client.h"
#include "kea_pattern.h"

static int failures;

static void check(int ok, const char *name, long got)
{
    printf(ok ? "PASS: zlib/%s\n" : "FAIL: zlib/%s (got %ld)\n", name, got);
    if (!ok) failures++;
}

/* The same bytes as text() in tests/qemu/test_zlib.py (pat(): kea_pattern.h). */
static uint8_t text(uint32_t seed, uint32_t i)
{
    static const char line[] = "the quick kea remaps the lazy portal, file after file\n";
    return i % 97 == 0 ? (uint8_t)('0' + (i / 97 + seed) % 10) : (uint8_t)line[(i + seed) % (sizeof line - 1)];
}

static uint8_t zero(uint32_t seed, uint32_t i) { (void)seed; (void)i; return 0; }
static uint8_t mixed(uint32_t seed, uint32_t i) { return i / 512 % 2 ? pat(seed, i) : text(seed, i); }

static const struct {
    const char *name;
    uint8_t (*gen)(uint32_t, uint32_t);
    uint32_t seed, len, level;
} cases[] = {
    { "text-6", text, 1, 4096, 6 },  { "text-1", text, 2, 4000, 1 },  { "text-9", text, 3, 3000, 9 },
    { "text-0", text, 4, 700, 0 },   { "noise-6", pat, 5, 300, 6 },   { "mixed-6", mixed, 6, 4096, 6 },
    { "mixed-9", mixed, 7, 2500, 9 }, { "zeros-6", zero, 0, 4096, 6 }, { "byte-6", text, 8, 1, 6 },
    { "empty-6", zero, 0, 0, 6 },
};

static uint8_t data[4096], packed[4096], back[4096];

int main(uint32_t n, const char *args)
{
    (void)n;
    const char *svc = args && *args ? args : "compress";
    kea_binding_t z;
    int r = ZLIB_BIND(svc, &z);
    if (r < 0) {
        printf("zlibtest: cannot bind %s.zlib: %s\nzlibtest: done, 1 failed\n", svc, kea_strerror(r));
        return 1;
    }
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t plen = 0, blen = 0;
        uint32_t crc = 0;
        for (uint32_t i = 0; i < cases[k].len; i++) data[i] = cases[k].gen(cases[k].seed, i);
        r = zlib_compress(&z, cases[k].level, data, cases[k].len, packed, sizeof packed, &plen);
        check(r == 0, cases[k].name, r);
        if (r < 0) continue;
        zlib_crc32(&z, 0, data, cases[k].len, &crc);
        printf("ZL %s %u %u %08x ", cases[k].name, cases[k].level, cases[k].len, crc);
        for (size_t i = 0; i < plen; i++) printf("%02x", packed[i]);
        printf("\n");
        r = zlib_uncompress(&z, packed, plen, back, sizeof back, &blen);
        char what[48];
        snprintf(what, sizeof what, "%s-round-trip", cases[k].name);
        check(r == 0 && blen == cases[k].len && memcmp(back, data, blen) == 0, what, r < 0 ? r : (long)blen);
    }

    /* Bad input: errors, nothing else. */
    size_t len;
    for (uint32_t i = 0; i < 4096; i++) data[i] = pat(9, i);
    r = zlib_compress(&z, 6, data, 4096, packed, sizeof packed, &len);
    check(r == -KEA_E2BIG, "noise-4096-does-not-fit", r);
    r = zlib_compress(&z, 10, data, 10, packed, sizeof packed, &len);
    check(r == -KEA_EINVAL, "level-10-refused", r);
    r = zlib_uncompress(&z, "not a zlib stream", 17, back, sizeof back, &len);
    check(r == -KEA_EBADOBJ, "garbage-refused", r);
    r = zlib_compress(&z, 6, data, 100, packed, sizeof packed, &len);
    if (r == 0) r = zlib_uncompress(&z, packed, len - 1, back, sizeof back, &len);
    check(r == -KEA_EBADOBJ, "cut-stream-refused", r);
    memset(data, 'k', 4096);
    r = zlib_compress(&z, 9, data, 4096, packed, sizeof packed, &len);
    if (r == 0) r = zlib_uncompress(&z, packed, len, back, 4095, &len);
    check(r == -KEA_E2BIG, "too-long-for-out-buffer", r);
    printf("zlibtest: done, %d failed\n", failures);
    return failures;
}
