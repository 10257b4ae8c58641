/* compress: the fs interface (services/fs/fs.idl) stacked on another file
 * service (the paper's Fig. 3).  Files written through it are stored
 * compressed in the file below; reading decompresses; everything else
 * (names, directories, handles) is the lower service's, passed through.
 * So a client's fs portal can be remapped onto compress and back at any
 * time: handles stay valid, files written before stay readable.
 *
 * A compressed file holds a container (docs/fs-format.md): a 32-byte
 * header with the real size, a table of one 16-bit entry per 4 KiB chunk,
 * and from byte 4608 on one 4 KiB slot per chunk with the chunk as a zlib
 * stream (RFC 1950, level 6: Debian's zlib objects do the work, zlibsvc.c),
 * stored raw when that would not save a block, or left a hole when the
 * chunk is all zeros.  The rest of each slot is punched, so the lower file
 * takes only the blocks the compressed data needs: its `stat` blocks show
 * what compression saves.  Any file that does not start with the header is
 * a plain file and is passed through as it is; an empty file becomes
 * compressed at its first write through here.
 *
 * The service also serves zlib itself on one buffer (zlib.idl; its portal
 * is <name>.zlib).
 *
 * It stacks on the service named COMPRESS_LOWER ("simplefs" unless the
 * build says otherwise) until a client mounts it on another (fs_mount with
 * a file service's name).  Writes are not atomic: a call interrupted by a
 * crash can leave a chunk that fails to decompress (-KEA_EBADOBJ). */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include <kea/service.h>
#include "fs_server.h"
#include "fs_client.h"
#include "thread_client.h"
#include "fsproto.h"
#include "zlibsvc.h"

#ifndef COMPRESS_LOWER
#define COMPRESS_LOWER "simplefs"
#endif

#define CZ_MAGIC0    0x7a61656bu        /* "keaz" */
#define CZ_MAGIC1    0x31626c7au        /* "zlb1": chunks are zlib streams */
#define CZ_OLDMAGIC1 0x31737a6cu        /* "lzs1": kea's former LZSS chunks */
#define CZ_VERSION   2u
#define CZ_LEVEL     6u                 /* zlib's default level */
#define CZ_HDR       32u                /* header bytes */
#define CZ_CHUNK     4096u
#define CZ_MAXCHUNKS 2048u              /* 8 MiB of data */
#define CZ_TABLE     CZ_HDR             /* the table of uint16_t entries */
#define CZ_DATA      4608u              /* slot 0: the table's end, block-aligned */
#define CZ_RAW       4096u              /* table entry: stored uncompressed */
#define CZ_PACKED    3584u              /* longest compressed chunk kept (7 blocks) */
#define CZ_MAX_SIZE  (CZ_MAXCHUNKS * CZ_CHUNK)

_Static_assert(CZ_TABLE + 2 * CZ_MAXCHUNKS <= CZ_DATA && CZ_DATA % 512 == 0, "container layout");
_Static_assert(CZ_DATA + CZ_MAX_SIZE <= FS_MAX_FILE, "the container fits a lower file");

struct cz_header {
    uint32_t magic[2];
    uint32_t version;
    uint32_t size;                      /* bytes of the uncompressed file */
    uint32_t chunk;                     /* CZ_CHUNK */
    uint32_t maxchunks;                 /* CZ_MAXCHUNKS */
    uint32_t unused[2];                 /* zero */
};
_Static_assert(sizeof(struct cz_header) == CZ_HDR, "header size");

extern const kea_binding_t kea_base_thread;

static kea_binding_t lower;
static char lower_name[32] = COMPRESS_LOWER;
static int bound;

/* Scratch for one call at a time (the lock). */
static uint8_t chunk[CZ_CHUNK], packed[CZ_CHUNK];
static char pathbuf[IDC_BUF_MAX + FS_NAME_MAX + 2];
static uint32_t packed_bytes, plain_bytes;      /* statistics, for fini */

static volatile int busy;

static void lock(void)
{
    while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
        thread_yield(&kea_base_thread);
}

static void unlock(void) { __atomic_store_n(&busy, 0, __ATOMIC_RELEASE); }

static int unlock_ret(int r)
{
    unlock();
    return r;
}

/* The lower service, bound on first use (it may be loaded after us). */
static int below(void)
{
    if (bound) return 0;
    int r = FS_BIND(lower_name, &lower);
    if (r < 0) return r;
    bound = 1;
    return 0;
}

/* A dead lower portal (its service unloaded): bind again next time. */
static int lower_err(int r)
{
    if (r == -KEA_EDEAD || r == -KEA_EBADPORTAL) bound = 0;
    return r;
}

static int damaged(uint32_t h, const char *what)
{
    printf("compress: file %#x: %s\n", h, what);
    return -KEA_EBADOBJ;
}

/* ---- the container --------------------------------------------------------- */

enum kind { PLAIN, EMPTY, PACKED };

/* Is file h a container?  Reads its header into *hd. */
static int kind_of(uint32_t h, struct cz_header *hd, enum kind *k)
{
    size_t n = 0;
    int r = fs_read(&lower, h, 0, hd, sizeof *hd, &n);
    if (r < 0) return lower_err(r);
    if (n == 0) { *k = EMPTY; return 0; }
    if (n < sizeof *hd || hd->magic[0] != CZ_MAGIC0 ||
        (hd->magic[1] != CZ_MAGIC1 && hd->magic[1] != CZ_OLDMAGIC1)) {
        *k = PLAIN;
        return 0;
    }
    if (hd->magic[1] == CZ_OLDMAGIC1)
        return damaged(h, "an LZSS container of an older kea (chunks are zlib streams now)");
    if (hd->version != CZ_VERSION || hd->chunk != CZ_CHUNK || hd->maxchunks != CZ_MAXCHUNKS ||
        hd->size > CZ_MAX_SIZE)
        return damaged(h, "bad container header");
    *k = PACKED;
    return 0;
}

static int put_header(uint32_t h, const struct cz_header *hd)
{
    uint32_t size;
    int r = fs_write(&lower, h, 0, hd, sizeof *hd, &size);
    return r < 0 ? lower_err(r) : 0;
}

static uint32_t slot_of(uint32_t i) { return CZ_DATA + i * CZ_CHUNK; }

static int get_entry(uint32_t h, uint32_t i, uint16_t *e)
{
    size_t n = 0;
    int r = fs_read(&lower, h, CZ_TABLE + 2 * i, e, 2, &n);
    if (r < 0) return lower_err(r);
    if (n < 2) *e = 0;                  /* past the end of the lower file: a hole */
    if (*e > CZ_PACKED && *e != CZ_RAW) return damaged(h, "bad chunk table entry");
    return 0;
}

/* Chunk i of file h into chunk[]. */
static int load_chunk(uint32_t h, uint32_t i)
{
    uint16_t e;
    size_t n = 0;
    int r = get_entry(h, i, &e);
    if (r < 0) return r;
    if (e == 0) {
        memset(chunk, 0, CZ_CHUNK);
        return 0;
    }
    uint8_t *dst = e == CZ_RAW ? chunk : packed;
    if ((r = fs_read(&lower, h, slot_of(i), dst, e, &n)) < 0) return lower_err(r);
    if (e == CZ_RAW) {
        memset(chunk + n, 0, CZ_CHUNK - n);
        return 0;
    }
    size_t got = 0;
    if (n != e) return damaged(h, "a chunk is cut short");
    r = zs_unpack(packed, e, chunk, CZ_CHUNK, &got);
    if (r == -KEA_ENOMEM) return r;
    if (r < 0 || got != CZ_CHUNK) return damaged(h, "a chunk does not decompress");
    return 0;
}

/* Store chunk[] as chunk i of file h: its slot, then its table entry. */
static int store_chunk(uint32_t h, uint32_t i)
{
    uint32_t size, slot = slot_of(i);
    uint16_t e;
    size_t k = 0, used;
    int r;
    while (k < CZ_CHUNK && chunk[k] == 0) k++;
    if (k == CZ_CHUNK) {
        e = 0;
        used = 0;
    } else if ((r = zs_pack(chunk, CZ_CHUNK, packed, CZ_PACKED, CZ_LEVEL, &used)) == 0) {
        e = (uint16_t)used;
        if ((r = fs_write(&lower, h, slot, packed, used, &size)) < 0) return lower_err(r);
    } else if (r != -KEA_E2BIG) {
        return r;                       /* out of memory: nothing written */
    } else {
        e = CZ_RAW;
        used = CZ_CHUNK;
        if ((r = fs_write(&lower, h, slot, chunk, CZ_CHUNK, &size)) < 0) return lower_err(r);
    }
    /* The rest of the slot (all of it for a hole) takes no space. */
    uint32_t keep = (uint32_t)(used + 511) / 512 * 512;
    if (keep < CZ_CHUNK && (r = fs_punch(&lower, h, slot + keep, CZ_CHUNK - keep)) < 0)
        return lower_err(r);
    if ((r = fs_write(&lower, h, CZ_TABLE + 2 * i, &e, 2, &size)) < 0) return lower_err(r);
    packed_bytes += (uint32_t)used;
    plain_bytes += CZ_CHUNK;
    return 0;
}

/* Make the empty file h a container. */
static int make_container(uint32_t h, struct cz_header *hd)
{
    memset(hd, 0, sizeof *hd);
    hd->magic[0] = CZ_MAGIC0;
    hd->magic[1] = CZ_MAGIC1;
    hd->version = CZ_VERSION;
    hd->chunk = CZ_CHUNK;
    hd->maxchunks = CZ_MAXCHUNKS;
    return put_header(h, hd);
}

/* ---- operations ------------------------------------------------------------ */

static int op_mount(void *self, const char *source)
{
    (void)self;
    if (strlen(source) >= sizeof lower_name) return -KEA_EINVAL;
    kea_binding_t b;
    int r = FS_BIND(source, &b);
    if (r < 0) return r;
    lock();
    lower = b;
    bound = 1;
    strlcpy(lower_name, source, sizeof lower_name);
    return unlock_ret(0);
}

static int op_format(void *self, const char *blockdev, uint32_t ninodes)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_format(&lower, blockdev, ninodes));
    return unlock_ret(r);
}

static int op_create(void *self, const char *path, bool dir, kea_handle_t *file)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_create(&lower, path, dir, file));
    return unlock_ret(r);
}

/* The size a client sees of file h: the container's, or the file's. */
static int real_size(uint32_t h, uint32_t *size)
{
    struct cz_header hd;
    enum kind k;
    int r = kind_of(h, &hd, &k);
    if (r == 0 && k == PACKED) *size = hd.size;
    return r;
}

static int op_open(void *self, const char *path, kea_handle_t *file, uint32_t *size, bool *dir)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_open(&lower, path, file, size, dir));
    if (r == 0 && !*dir) r = real_size(*file, size);
    return unlock_ret(r);
}

static int op_read(void *self, kea_handle_t file, uint32_t offset, void *data, size_t cap,
                   size_t *len)
{
    (void)self;
    struct cz_header hd;
    enum kind k;
    lock();
    int r = below();
    if (r == 0) r = kind_of(file, &hd, &k);
    if (r < 0) return unlock_ret(r);
    if (k != PACKED) return unlock_ret(lower_err(fs_read(&lower, file, offset, data, cap, len)));
    *len = 0;
    if (offset >= hd.size) return unlock_ret(0);
    uint32_t n = hd.size - offset;
    if (n > cap) n = (uint32_t)cap;
    if (n > IDC_BUF_MAX) n = IDC_BUF_MAX;
    for (uint32_t done = 0; done < n; ) {
        uint32_t off = offset + done, in = off % CZ_CHUNK;
        uint32_t m = CZ_CHUNK - in < n - done ? CZ_CHUNK - in : n - done;
        if ((r = load_chunk(file, off / CZ_CHUNK)) < 0) return unlock_ret(r);
        memcpy((uint8_t *)data + done, chunk + in, m);
        done += m;
    }
    *len = n;
    return unlock_ret(0);
}

static int op_write(void *self, kea_handle_t file, uint32_t offset, const void *data, size_t len,
                    uint32_t *size)
{
    (void)self;
    struct cz_header hd;
    enum kind k;
    lock();
    int r = below();
    if (r == 0) r = kind_of(file, &hd, &k);
    if (r < 0) return unlock_ret(r);
    if (k == PLAIN) return unlock_ret(lower_err(fs_write(&lower, file, offset, data, len, size)));
    if (len > IDC_BUF_MAX || offset > CZ_MAX_SIZE || len > CZ_MAX_SIZE - offset)
        return unlock_ret(-KEA_E2BIG);
    if (len == 0) {
        *size = k == PACKED ? hd.size : 0;
        return unlock_ret(0);
    }
    if (k == EMPTY && (r = make_container(file, &hd)) < 0) return unlock_ret(r);
    for (uint32_t done = 0; done < len; ) {
        uint32_t off = offset + done, in = off % CZ_CHUNK, i = off / CZ_CHUNK;
        uint32_t m = CZ_CHUNK - in < len - done ? CZ_CHUNK - in : (uint32_t)len - done;
        if (m < CZ_CHUNK && (r = load_chunk(file, i)) < 0) return unlock_ret(r);
        memcpy(chunk + in, (const uint8_t *)data + done, m);
        if ((r = store_chunk(file, i)) < 0) return unlock_ret(r);
        done += m;
    }
    if (offset + len > hd.size) {
        hd.size = offset + (uint32_t)len;
        if ((r = put_header(file, &hd)) < 0) return unlock_ret(r);
    }
    *size = hd.size;
    return unlock_ret(0);
}

/* Zero bytes [from, to) of a container's data, chunk by chunk: chunks
 * wholly inside become holes. */
static int zero_range(uint32_t h, uint32_t from, uint32_t to)
{
    int r;
    while (from < to) {
        uint32_t i = from / CZ_CHUNK, in = from % CZ_CHUNK;
        uint32_t m = CZ_CHUNK - in < to - from ? CZ_CHUNK - in : to - from;
        if (m < CZ_CHUNK && (r = load_chunk(h, i)) < 0) return r;
        memset(chunk + in, 0, m);
        if ((r = store_chunk(h, i)) < 0) return r;
        from += m;
    }
    return 0;
}

static int op_truncate(void *self, kea_handle_t file, uint32_t size)
{
    (void)self;
    struct cz_header hd;
    enum kind k;
    lock();
    int r = below();
    if (r == 0) r = kind_of(file, &hd, &k);
    if (r < 0) return unlock_ret(r);
    if (k != PACKED) return unlock_ret(lower_err(fs_truncate(&lower, file, size)));
    if (size > CZ_MAX_SIZE) return unlock_ret(-KEA_E2BIG);
    if (size < hd.size) {
        /* The chunks past the new end go (their table entries become holes,
         * the lower file ends at the last slot kept), the last one kept is
         * zeroed past it, then the size shrinks. */
        uint32_t keep = (size + CZ_CHUNK - 1) / CZ_CHUNK, used = (hd.size + CZ_CHUNK - 1) / CZ_CHUNK;
        static const uint16_t zeros[CZ_MAXCHUNKS];
        uint32_t lsize;
        if (used > keep &&
            (r = lower_err(fs_write(&lower, file, CZ_TABLE + 2 * keep, zeros, 2 * (used - keep),
                                    &lsize))) < 0)
            return unlock_ret(r);
        if ((r = lower_err(fs_truncate(&lower, file, slot_of(keep)))) < 0) return unlock_ret(r);
        if (size % CZ_CHUNK && (r = zero_range(file, size, keep * CZ_CHUNK)) < 0)
            return unlock_ret(r);
    }
    hd.size = size;
    return unlock_ret(put_header(file, &hd));
}

static int op_punch(void *self, kea_handle_t file, uint32_t offset, uint32_t len)
{
    (void)self;
    struct cz_header hd;
    enum kind k;
    lock();
    int r = below();
    if (r == 0) r = kind_of(file, &hd, &k);
    if (r < 0) return unlock_ret(r);
    if (k != PACKED) return unlock_ret(lower_err(fs_punch(&lower, file, offset, len)));
    if (offset >= hd.size) return unlock_ret(0);
    uint32_t end = len > hd.size - offset ? hd.size : offset + len;
    return unlock_ret(zero_range(file, offset, end));
}

static int op_stat(void *self, kea_handle_t file, uint32_t *size, uint32_t *blocks, bool *dir)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_stat(&lower, file, size, blocks, dir));
    if (r == 0 && !*dir) r = real_size(file, size);
    return unlock_ret(r);
}

/* Entries with their real sizes: each file's header is looked at. */
static int op_list(void *self, const char *dir, uint32_t start, void *entries, size_t cap,
                   size_t *len, uint32_t *next)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_list(&lower, dir, start, entries, cap, len, next));
    if (r < 0) return unlock_ret(r);
    struct fs_entry *e = entries;
    for (size_t i = 0; i < *len / sizeof *e; i++) {
        if (e[i].dir || e[i].size < CZ_HDR) continue;
        uint32_t h, size;
        bool isdir;
        snprintf(pathbuf, sizeof pathbuf, "%s/%s", dir, e[i].name);
        if ((r = lower_err(fs_open(&lower, pathbuf, &h, &size, &isdir))) < 0 ||
            (r = real_size(h, &e[i].size)) < 0)
            return unlock_ret(r);
    }
    return unlock_ret(0);
}

static int op_remove(void *self, const char *path)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_remove(&lower, path));
    return unlock_ret(r);
}

static int op_rename(void *self, const void *paths, size_t len)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_rename(&lower, paths, len));
    return unlock_ret(r);
}

static int op_sync(void *self)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_sync(&lower));
    return unlock_ret(r);
}

static int op_statfs(void *self, uint32_t *blocks, uint32_t *free_blocks, uint32_t *free_inodes)
{
    (void)self;
    lock();
    int r = below();
    if (r == 0) r = lower_err(fs_statfs(&lower, blocks, free_blocks, free_inodes));
    return unlock_ret(r);
}

static const struct fs_ops ops = {
    op_mount, op_format, op_create, op_open, op_read, op_write, op_truncate, op_punch,
    op_stat, op_list, op_remove, op_rename, op_sync, op_statfs,
    0,                          /* release: no device of its own (-KEA_EBADPROC) */
};

static struct fs_server server = { &ops, 0 };

static void fini(void)
{
    if (kea_service_why != KEA_WHY_MIGRATE)
        printf("compress: %u bytes of chunks stored in %u\n", plain_bytes, packed_bytes);
}

/* Live migration (docs/migration.md): the state is which service lies
 * below and the statistics; the new instance binds the lower one again on
 * its first call. */
struct cz_state { uint32_t magic, plain, packed; char lower[sizeof lower_name]; };
#define CZ_STATE_MAGIC 0x637a7331u      /* "cz s1" */

static int cz_export(void *buf, size_t cap, size_t *len)
{
    struct cz_state st = { CZ_STATE_MAGIC, plain_bytes, packed_bytes, { 0 } };
    *len = sizeof st;
    if (cap < sizeof st) return -KEA_E2BIG;
    strlcpy(st.lower, lower_name, sizeof st.lower);
    memcpy(buf, &st, sizeof st);
    return 0;
}

static int cz_import(const void *buf, size_t len)
{
    struct cz_state st;
    if (len != sizeof st) return -KEA_EINVAL;
    memcpy(&st, buf, sizeof st);
    if (st.magic != CZ_STATE_MAGIC || !memchr(st.lower, 0, sizeof st.lower)) return -KEA_EINVAL;
    strlcpy(lower_name, st.lower, sizeof lower_name);
    plain_bytes = st.plain;
    packed_bytes = st.packed;
    bound = 0;
    return 0;
}

static const struct kea_service_iface ifaces[] = {
    FS_SERVICE_IFACE(fs_dispatch, &server),
    ZLIB_SERVICE_IFACE(zlib_dispatch, &zs_server),
};

KEA_SERVICE(.name = "compress", .ifaces = ifaces, .nifaces = 2, .fini = fini,
            .state_export = cz_export, .state_import = cz_import);
