/* The glue between kea and Debian's zlib: the compress service's calls
 * into the library (zs_pack, zs_unpack, for the file container) and the
 * zlib interface (zlib.idl), which offers the same on one buffer.
 *
 * The library is the ten objects of /usr/lib32/libz.a that compress2,
 * uncompress2 and crc32 need (adler32 crc32 deflate inffast inflate
 * inftrees trees zutil compress uncompr), taken from the installed archive
 * at build time and linked to this glue with `ld -r`, never recompiled
 * (services/services.mk; tests/host/zlib checks they stay byte-identical).
 * They are PIC and stack-protected, and import only malloc, free, memcpy,
 * memset, __stack_chk_fail_local and libgcc's __moddi3: both placements'
 * environments have them (docs/services.md, "Using third-party objects").
 *
 * zlib keeps no global state (compress2 allocates its work memory, about
 * 270 KiB at the default settings, and frees it before it returns), so any
 * number of calls may run at once; nothing here needs the file side's
 * lock. */
#include <stdio.h>
#include <kea/idc.h>
#include "zlibabi.h"
#include "zlibsvc.h"

int zs_pack(const uint8_t *in, size_t n, uint8_t *out, size_t cap, uint32_t level, size_t *used)
{
    if (level > 9) return -KEA_EINVAL;
    uLongf len = cap;
    int zr = compress2(out, &len, in, n, (int)level);
    if (zr == Z_OK) {
        *used = len;
        return 0;
    }
    return zr == Z_BUF_ERROR ? -KEA_E2BIG : zr == Z_MEM_ERROR ? -KEA_ENOMEM : -KEA_EINVAL;
}

int zs_unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *got)
{
    if (n == 0) return -KEA_EBADOBJ;
    uLongf len = cap;
    uLong used = n;
    int zr = uncompress2(out, &len, in, &used);
    if (zr == Z_MEM_ERROR) return -KEA_ENOMEM;
    /* The stream made more than cap bytes: uncompress2 stopped at cap. */
    if (zr == Z_BUF_ERROR) return -KEA_E2BIG;
    if (zr != Z_OK || used != n) return -KEA_EBADOBJ;       /* damaged, short, or bytes after it */
    *got = len;
    return 0;
}

/* ---- the zlib interface ---------------------------------------------------- */

static int op_compress(void *self, uint32_t level, const void *data, size_t data_len, void *packed,
                       size_t packed_cap, size_t *packed_len)
{
    (void)self;
    return zs_pack(data, data_len, packed, packed_cap, level, packed_len);
}

static int op_uncompress(void *self, const void *packed, size_t packed_len, void *data,
                         size_t data_cap, size_t *data_len)
{
    (void)self;
    return zs_unpack(packed, packed_len, data, data_cap, data_len);
}

static int op_crc32(void *self, uint32_t crc, const void *data, size_t data_len, uint32_t *value)
{
    (void)self;
    /* zlib's crc32 answers 0 for a NULL buffer (its way of giving the
     * initial value); an empty buffer leaves crc as it is. */
    *value = data_len ? crc32(crc, data, (uInt)data_len) : crc;
    return 0;
}

static const struct zlib_ops ops = { op_compress, op_uncompress, op_crc32 };

struct zlib_server zs_server = { &ops, 0 };
