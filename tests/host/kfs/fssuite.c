/* The file services' tests (fssuite.h), run on the host by fshost.c and in
 * kea by tests/apps/fstest.c. */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "fs_client.h"
#include "fsformat.h"
#include "fsproto.h"
#include "fssuite.h"
#define CHECK_AREA "fs"
#include "kea_check.h"
#include "kea_pattern.h"
#include "kea_fsfill.h"
#include "../../../services/block/claim.h"

/* ---- the RAM disk the tests look into ---------------------------------------- */

uint8_t fssuite_disk[MEMBLK_MAX * 512];
uint32_t fssuite_nblocks = 2048;
uint32_t fssuite_reads, fssuite_writes, fssuite_write_calls;
int32_t fssuite_budget = -1;

static int mb_info(void *self, uint32_t *nblocks, uint32_t *bsize)
{
    (void)self;
    *nblocks = fssuite_nblocks;
    *bsize = 512;
    return 0;
}

static int mb_read(void *self, uint32_t first, uint32_t count, void *data, size_t cap, size_t *len)
{
    (void)self;
    if (count == 0 || count > 8 || first >= fssuite_nblocks || count > fssuite_nblocks - first)
        return -KEA_EINVAL;
    if (count * 512 > cap) return -KEA_E2BIG;
    memcpy(data, fssuite_disk + first * 512, count * 512);
    fssuite_reads += count;
    *len = count * 512;
    return (int)*len;
}

static int mb_write(void *self, uint32_t first, const void *data, size_t len)
{
    (void)self;
    uint32_t count = (uint32_t)(len / 512);
    if (len % 512 || count == 0 || first >= fssuite_nblocks || count > fssuite_nblocks - first)
        return -KEA_EINVAL;
    fssuite_write_calls++;
    if (fssuite_budget == 0) return 0;      /* the power is off: the write is lost */
    if (fssuite_budget > 0) fssuite_budget--;
    memcpy(fssuite_disk + first * 512, data, len);
    fssuite_writes += count;
    return 0;
}

static int mb_sync(void *self) { (void)self; return 0; }

static const struct block_ops mb_ops = { mb_info, mb_read, mb_write, mb_sync, 0, 0 };  /* claim: the dispatch wrapper */
struct block_server fssuite_memblk = { &mb_ops, 0 };
static struct blk_claim mb_claim;

int fssuite_memblk_dispatch(void *arg, struct idc_call *c)
{
    return blk_claim_dispatch(&mb_claim, c, block_dispatch, arg);
}

static void new_disk(uint32_t nblocks)
{
    fssuite_nblocks = nblocks;
    memset(fssuite_disk, 0, (size_t)nblocks * 512);
}

/* ---- checking (tests/include/kea_check.h; svc names the file system) ----------- */

static kea_binding_t bind(const char *name)
{
    kea_binding_t b = { 0, 0 };
    int r = FS_BIND(name, &b);
    if (r < 0) printf("FAIL: fs/bind-%s: %s\n", name, kea_strerror(r)), failures++;
    return b;
}

/* Compressible text: numbered lines of a few words. */
static uint8_t text(uint32_t seed, uint32_t i)
{
    static const char *const words[] = { "kea ", "portal ", "domain ", "remap ", "file ",
                                         "block ", "service ", "thread " };
    uint32_t line = i / 64, col = i % 64;
    if (col == 63) return '\n';
    const char *w = words[(line * 7 + seed + col / 8) % 8];
    size_t n = strlen(w);
    return (uint8_t)w[col % 8 < n ? col % 8 : n - 1];
}

static uint8_t buf2[4096];

/* Do [off, off + len) hold the generated content (g NULL: zeros)?  Read in
 * calls of `step` bytes.  Returns the first bad offset + 1, 0 if all good,
 * or a negative error. */
static long verify(const kea_binding_t *b, uint32_t h, uint32_t off, uint32_t len, gen_t g,
                   uint32_t seed, uint32_t step)
{
    for (uint32_t done = 0; done < len; ) {
        uint32_t n = len - done < step ? len - done : step;
        size_t got = 0;
        int r = fs_read(b, h, off + done, buf, n, &got);
        if (r < 0) return r;
        if (got != n) return off + done + (long)got + 1;
        for (uint32_t i = 0; i < n; i++)
            if (buf[i] != (g ? g(seed, off + done + i) : 0)) return off + done + i + 1;
        done += n;
    }
    return 0;
}

static uint32_t make(const kea_binding_t *b, const char *path)
{
    uint32_t h = 0;
    int r = fs_create(b, path, false, &h);
    if (r < 0) printf("note: create %s: %s\n", path, kea_strerror(r));
    return h;
}

static uint32_t blocks_of(const kea_binding_t *b, uint32_t h)
{
    uint32_t size, blocks = 0;
    bool dir;
    fs_stat(b, h, &size, &blocks, &dir);
    return blocks;
}

static uint32_t free_blocks(const kea_binding_t *b)
{
    uint32_t n, f = 0, fi;
    fs_statfs(b, &n, &f, &fi);
    return f;
}

/* Every name in a directory, through the paged listing. */
static int count_entries(const kea_binding_t *b, const char *dir, uint32_t *bytes)
{
    static struct fs_entry e[FS_ENTRIES_PER_CALL];
    uint32_t start = 0, next;
    int n = 0;
    *bytes = 0;
    do {
        size_t len = 0;
        int r = fs_list(b, dir, start, e, sizeof e, &len, &next);
        if (r < 0) return r;
        for (size_t i = 0; i < len / sizeof e[0]; i++, n++) *bytes += e[i].size;
        start = next;
    } while (next);
    return n;
}

static int rename2(const kea_binding_t *b, const char *from, const char *to)
{
    char paths[256];
    size_t n = strlen(from) + 1, m = strlen(to) + 1;
    memcpy(paths, from, n);
    memcpy(paths + n, to, m);
    return fs_rename(b, paths, n + m);
}

/* ---- groups -------------------------------------------------------------------- */

static void basic(const char *name)
{
    kea_binding_t b = bind(name);
    new_disk(2048);
    EXPECT_EQ("blank-disk-refused", fs_mount(&b, "memblk"), -KEA_EBADOBJ);
    EXPECT_EQ("blank-disk-ops-refused", fs_create(&b, "x", false, 0), -KEA_EBADOBJ);
    EXPECT_EQ("mount-no-such-device", fs_mount(&b, "nosuch"), -KEA_ENOENT);
    EXPECT_EQ("format", fs_format(&b, "memblk", 0), 0);
    uint32_t total, free0, ifree0, n, size, h, h2, blocks;
    bool dir;
    size_t got;
    EXPECT_EQ("statfs", fs_statfs(&b, &total, &free0, &ifree0), 0);
    check(total > 1900 && free0 == total && ifree0 == 2048 / 16 - 2, "statfs-values",
          "total %ld free %ld", (long)total, (long)free0);

    EXPECT_EQ("create", fs_create(&b, "hello", false, &h), 0);
    EXPECT_EQ("write", fs_write(&b, h, 0, "hello, world", 12, &size) == 0 ? size : 0, 12);
    memset(buf, 0, sizeof buf);
    EXPECT_EQ("read", fs_read(&b, h, 0, buf, sizeof buf, &got) == 0 ? (long)got : -1, 12);
    EXPECT("read-data", memcmp(buf, "hello, world", 12) == 0);
    EXPECT_EQ("read-at-end", fs_read(&b, h, 12, buf, sizeof buf, &got) == 0 ? (long)got : -1, 0);
    EXPECT_EQ("read-past-end", fs_read(&b, h, 5000, buf, sizeof buf, &got) == 0 ? (long)got : -1, 0);
    EXPECT_EQ("create-exists", fs_create(&b, "hello", false, &h2), -KEA_EEXIST);
    EXPECT_EQ("open", fs_open(&b, "/hello", &h2, &size, &dir), 0);
    check(h2 == h && size == 12 && !dir, "open-values", "size %ld dir %ld", (long)size, dir);
    EXPECT_EQ("mkdir", fs_create(&b, "d", true, &h2), 0);
    EXPECT_EQ("create-in-dir", fs_create(&b, "d//x", false, &h2), 0);
    EXPECT_EQ("write-in-dir", fs_write(&b, h2, 0, "xyz", 3, &size), 0);
    EXPECT_EQ("list-root", count_entries(&b, "/", &n), 2);
    EXPECT_EQ("list-dir", count_entries(&b, "d", &n) == 1 ? n : 0, 3);
    EXPECT_EQ("list-file", fs_list(&b, "hello", 0, buf, sizeof buf, &got, &n), -KEA_EINVAL);
    EXPECT_EQ("list-small-buffer", fs_list(&b, "", 0, buf, 10, &got, &n), -KEA_EINVAL);
    EXPECT_EQ("create-no-parent", fs_create(&b, "nosuch/x", false, &h2), -KEA_ENOENT);
    EXPECT_EQ("create-under-file", fs_create(&b, "hello/x", false, &h2), -KEA_EINVAL);
    EXPECT_EQ("create-root", fs_create(&b, "/", false, &h2), -KEA_EINVAL);
    EXPECT_EQ("create-dot", fs_create(&b, "d/.", false, &h2), -KEA_EINVAL);
    EXPECT_EQ("create-dotdot", fs_create(&b, "..", false, &h2), -KEA_EINVAL);
    char longname[FS_NAME_MAX + 2];
    memset(longname, 'n', sizeof longname);
    longname[FS_NAME_MAX] = 0;
    EXPECT_EQ("name-max", fs_create(&b, longname, false, &h2), 0);
    longname[FS_NAME_MAX] = 'n';
    longname[FS_NAME_MAX + 1] = 0;
    EXPECT_EQ("name-too-long", fs_create(&b, longname, false, &h2), -KEA_EINVAL);
    EXPECT_EQ("open-missing", fs_open(&b, "nope", &h2, &size, &dir), -KEA_ENOENT);
    EXPECT_EQ("open-root", fs_open(&b, "", &h2, &size, &dir) == 0 ? dir : -1, 1);
    EXPECT_EQ("read-dir", fs_read(&b, h2, 0, buf, 16, &got), -KEA_EINVAL);
    EXPECT_EQ("write-dir", fs_write(&b, h2, 0, buf, 16, &size), -KEA_EINVAL);
    EXPECT_EQ("remove-nonempty-dir", fs_remove(&b, "d"), -KEA_EBUSY);
    EXPECT_EQ("remove-root", fs_remove(&b, "/"), -KEA_EINVAL);
    EXPECT_EQ("bad-handle", fs_read(&b, 0xffff, 0, buf, 16, &got), -KEA_ENOENT);

    /* rename */
    EXPECT_EQ("rename-move", rename2(&b, "hello", "d/hello2"), 0);
    EXPECT_EQ("rename-old-gone", fs_open(&b, "hello", &h2, &size, &dir), -KEA_ENOENT);
    EXPECT_EQ("rename-new-same-file", fs_open(&b, "d/hello2", &h2, &size, &dir) == 0 ? h2 == h : 0, 1);
    EXPECT_EQ("rename-in-place", rename2(&b, "d/hello2", "d/hello3"), 0);
    EXPECT_EQ("rename-exists", rename2(&b, "d/hello3", "d/x"), -KEA_EEXIST);
    EXPECT_EQ("rename-dir-into-itself", rename2(&b, "d", "d/e"), -KEA_EINVAL);
    EXPECT_EQ("rename-missing", rename2(&b, "nope", "nope2"), -KEA_ENOENT);
    EXPECT_EQ("rename-malformed", fs_rename(&b, "abc", 3), -KEA_EINVAL);
    EXPECT_EQ("rename-back", rename2(&b, "d/hello3", "hello"), 0);

    /* holes, truncate, punch */
    EXPECT_EQ("sparse-write", fs_write(&b, h, 100000, "end", 3, &size) == 0 ? size : 0, 100003);
    EXPECT_EQ("hole-reads-zeros", verify(&b, h, 12, 100000 - 12, 0, 0, 4096), 0);
    blocks = blocks_of(&b, h);
    check(blocks <= 4, "hole-takes-no-space", "%ld blocks%ld", blocks, 0);
    EXPECT_EQ("truncate-shrink", fs_truncate(&b, h, 5), 0);
    EXPECT_EQ("truncated-size", fs_read(&b, h, 0, buf, sizeof buf, &got) == 0 ? (long)got : -1, 5);
    EXPECT_EQ("truncate-frees", blocks_of(&b, h), 1);
    EXPECT_EQ("truncate-grow", fs_truncate(&b, h, 3000), 0);
    EXPECT_EQ("grown-reads-zeros", verify(&b, h, 5, 2995, 0, 0, 4096), 0);
    fs_open(&b, "/", &h2, &size, &dir);
    EXPECT_EQ("truncate-dir", fs_truncate(&b, h2, 0), -KEA_EINVAL);
    memset(buf2, 0xaa, sizeof buf2);
    fs_write(&b, h, 0, buf2, 2048, &size);
    uint32_t before = blocks_of(&b, h);
    EXPECT_EQ("punch", fs_punch(&b, h, 100, 1000), 0);
    got = 0;
    fs_read(&b, h, 0, buf, 2048, &got);
    int ok = got == 2048;
    for (uint32_t i = 0; i < 2048 && ok; i++) ok = buf[i] == (i >= 100 && i < 1100 ? 0 : 0xaa);
    EXPECT("punched-zeros", ok);
    EXPECT_EQ("punch-frees-whole-blocks", blocks_of(&b, h), before - 1);
    EXPECT_EQ("punch-to-end", fs_punch(&b, h, 1024, 0xffffffffu), 0);
    EXPECT_EQ("punch-to-end-frees", blocks_of(&b, h), 1);

    /* a directory outgrowing its direct blocks, listed in pages */
    char path[32];
    int made = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "d/f%03d", i);
        if (fs_create(&b, path, false, &h2) == 0 && fs_write(&b, h2, 0, path, 6, &size) == 0) made++;
    }
    EXPECT_EQ("many-files", made, 100);
    EXPECT_EQ("list-paged", count_entries(&b, "d", &n), 101);
    EXPECT_EQ("lookup-late-entry", fs_open(&b, "d/f099", &h2, &size, &dir) == 0 ? size : 0, 6);

    /* remount: everything is on the disk */
    EXPECT_EQ("remount", fs_mount(&b, "memblk"), 0);
    EXPECT_EQ("remount-keeps-files", count_entries(&b, "d", &n), 101);
    ok = fs_read(&b, h, 0, buf, 200, &got) == 0 && got == 200;
    for (uint32_t i = 0; i < 200 && ok; i++) ok = buf[i] == (i < 100 ? 0xaa : 0);
    EXPECT("remount-keeps-data", ok);

    /* remove everything: all space comes back, old handles are refused */
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "d/f%03d", i);
        fs_remove(&b, path);
    }
    EXPECT_EQ("remove-file", fs_remove(&b, "d/x"), 0);
    EXPECT_EQ("remove-again", fs_remove(&b, "d/x"), -KEA_ENOENT);
    EXPECT_EQ("remove-empty-dir", fs_remove(&b, "d"), 0);
    EXPECT_EQ("remove-hello", fs_remove(&b, "hello"), 0);
    longname[FS_NAME_MAX] = 0;
    fs_remove(&b, longname);
    EXPECT_EQ("stale-handle", fs_read(&b, h, 0, buf, 16, &got), -KEA_ENOENT);
    uint32_t free1, ifree1;
    fs_statfs(&b, &total, &free1, &ifree1);
    /* all but the root directory's first block */
    check(free1 == free0 - 1 && ifree1 == ifree0, "space-returned", "free %ld, inodes %ld", free1, ifree1);
    EXPECT_EQ("reused-inode-new-handle", fs_create(&b, "again", false, &h2) == 0 && h2 != h, 1);
    EXPECT_EQ("mount-check-after-all", fs_mount(&b, "memblk"), 0);
}

static void large(const char *name)
{
    kea_binding_t b = bind(name);
    new_disk(8192);
    EXPECT_EQ("format", fs_format(&b, "memblk", 0), 0);
    uint32_t free0 = free_blocks(&b), h = make(&b, "big"), size;
    const uint32_t len = 3u << 20;
    EXPECT_EQ("write-3MiB", fill(&b, h, 0, len, pat, 7), 0);
    EXPECT_EQ("read-3MiB", verify(&b, h, 0, len, pat, 7, 4096), 0);
    EXPECT_EQ("read-unaligned", verify(&b, h, 777, len - 777, pat, 7, 3001), 0);
    /* data blocks plus the indirect, double-indirect and 47 tables below it */
    EXPECT_EQ("blocks-with-tables", blocks_of(&b, h), len / 512 + 1 + 1 + 47);
    EXPECT_EQ("overwrite-across-blocks", fill(&b, h, 1000000, 9000, pat, 8), 0);
    check(verify(&b, h, 990000, 10000, pat, 7, 4096) == 0 &&
          verify(&b, h, 1000000, 9000, pat, 8, 4096) == 0 &&
          verify(&b, h, 1009000, 5000, pat, 7, 4096) == 0, "overwrite-kept-neighbours", "%ld%ld", 0, 0);
    uint32_t h2 = make(&b, "edge");
    EXPECT_EQ("past-max-size", fs_write(&b, h2, FS_MAX_FILE - 10, buf, 100, &size), -KEA_E2BIG);
    EXPECT_EQ("at-max-size", fs_write(&b, h2, FS_MAX_FILE - 100, buf, 100, &size) == 0 ? size : 0,
              FS_MAX_FILE);
    EXPECT_EQ("truncate-to-zero", fs_truncate(&b, h, 0), 0);
    EXPECT_EQ("remove-edge", fs_remove(&b, "edge"), 0);
    EXPECT_EQ("all-space-back", free_blocks(&b), free0 - 1);     /* the root's block stays */
    EXPECT_EQ("mount-check", fs_mount(&b, "memblk"), 0);
}

static void full(const char *name)
{
    kea_binding_t b = bind(name);
    new_disk(256);
    EXPECT_EQ("format-small", fs_format(&b, "memblk", 16), 0);
    uint32_t free0 = free_blocks(&b), h = make(&b, "fill"), size = 0, off = 0;
    int r;
    for (int step = 4096; step >= 512; step /= 8)
        while ((r = fill(&b, h, off, (uint32_t)step, pat, 3)) == 0) off += (uint32_t)step;
    EXPECT_EQ("disk-full-error", r, -KEA_ENOMEM);
    check(off > 100 * 1024, "disk-filled", "%ld bytes written%ld", off, 0);
    EXPECT_EQ("data-intact-when-full", verify(&b, h, 0, off, pat, 3, 4096), 0);
    EXPECT_EQ("size-when-full", fs_open(&b, "fill", &h, &size, &(bool){0}) == 0 ? size : 0, off);
    EXPECT_EQ("mount-check-when-full", fs_mount(&b, "memblk"), 0);
    EXPECT_EQ("remove-when-full", fs_remove(&b, "fill"), 0);
    EXPECT_EQ("space-back", free_blocks(&b), free0 - 1);         /* the root's block stays */
    int files = 0;
    char path[16];
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "i%d", i);
        uint32_t hh;
        if ((r = fs_create(&b, path, false, &hh)) < 0) break;
        files++;
    }
    EXPECT_EQ("inodes-full-error", r, -KEA_ENOMEM);
    EXPECT_EQ("inodes-all-used", files, 16 - 2);
    EXPECT_EQ("mount-check-inodes-full", fs_mount(&b, "memblk"), 0);
}

/* ---- corruption ------------------------------------------------------------------ */

static uint8_t saved[2048 * 512];

static struct fs_super *sup(void) { return (struct fs_super *)fssuite_disk; }

static struct fs_dinode *ino(uint32_t i)
{
    return (struct fs_dinode *)(fssuite_disk + sup()->inode_start * 512 + i * FS_INODE_SIZE);
}

/* The entry `name` in a directory of one block. */
static struct fs_dirent *entry(uint32_t dir, const char *name)
{
    struct fs_dirent *d = (struct fs_dirent *)(fssuite_disk + ino(dir)->direct[0] * 512);
    for (int i = 0; i < 8; i++)
        if (d[i].inum && strcmp(d[i].name, name) == 0) return &d[i];
    return &d[7];
}

static void set_bit(uint32_t b, int on)
{
    uint8_t *m = fssuite_disk + sup()->bmap_start * 512;
    if (on) m[b / 8] |= (uint8_t)(1u << (b % 8));
    else m[b / 8] &= (uint8_t)~(1u << (b % 8));
}

static void resum(void) { sup()->checksum = fs_fnv1a(sup(), FS_SUPER_SUMMED); }

static void corrupt(const char *name)
{
    kea_binding_t b = bind(name);
    new_disk(2048);
    fs_format(&b, "memblk", 0);
    uint32_t ha = make(&b, "a"), hb = make(&b, "big"), hd = 0, hx;
    fill(&b, ha, 0, 1000, pat, 1);
    fill(&b, hb, 0, 200000, pat, 2);
    fs_create(&b, "d", true, &hd);
    hx = make(&b, "d/x");
    fill(&b, hx, 0, 10, pat, 3);
    memcpy(saved, fssuite_disk, sizeof saved);
    uint32_t ia = FS_HANDLE_INUM(ha), ib = FS_HANDLE_INUM(hb), id = FS_HANDLE_INUM(hd);
    struct { const char *what; int kind; } cases[] = {
        { "bad-magic", 0 }, { "bad-checksum", 1 }, { "bad-layout", 2 }, { "bad-version", 3 },
        { "pointer-out-of-range", 4 }, { "used-block-free-in-bitmap", 5 },
        { "block-used-twice", 6 }, { "entry-names-free-inode", 7 }, { "bad-inode-type", 8 },
        { "entry-names-root", 9 }, { "bitmap-past-end", 10 }, { "metadata-free-in-bitmap", 11 },
        { "indirect-pointer-out-of-range", 12 }, { "bad-name", 13 }, { "fs-larger-than-disk", 14 },
        { "inode-two-names", 15 }, { "dir-size-odd", 16 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        memcpy(fssuite_disk, saved, sizeof saved);
        uint32_t *ind = (uint32_t *)(fssuite_disk + ino(ib)->indirect * 512);
        switch (cases[k].kind) {
        case 0: sup()->magic ^= 1; break;
        case 1: sup()->ninodes += 8; break;
        case 2: sup()->data_start++; resum(); break;
        case 3: sup()->version = 2; resum(); break;
        case 4: ino(ia)->direct[0] = 5000; break;
        case 5: set_bit(ino(ia)->direct[1], 0); break;
        case 6: ino(ib)->direct[3] = ino(ia)->direct[0]; break;
        case 7: entry(FS_ROOT, "a")->inum = sup()->ninodes - 1; break;
        case 8: ino(ia)->type = 7; break;
        case 9: entry(id, "x")->inum = FS_ROOT; break;
        case 10: set_bit(sup()->nblocks + 3, 1); break;
        case 11: set_bit(sup()->inode_start, 0); break;
        case 12: ind[5] = 1; break;
        case 13: memset(entry(FS_ROOT, "a")->name, 'z', FS_NAME_MAX + 1); break;
        case 14: sup()->nblocks = 4096; sup()->bmap_blocks = 1; resum(); break;
        case 15: entry(id, "x")->inum = ia; break;
        case 16: ino(id)->size = 65; break;
        }
        char what[64];
        snprintf(what, sizeof what, "detects-%s", cases[k].what);
        EXPECT_EQ(what, fs_mount(&b, "memblk"), -KEA_EBADOBJ);
        snprintf(what, sizeof what, "refuses-ops-%s", cases[k].what);
        EXPECT_EQ(what, fs_read(&b, ha, 0, buf, 16, &(size_t){0}), -KEA_EBADOBJ);
    }
    memcpy(fssuite_disk, saved, sizeof saved);
    EXPECT_EQ("restored-image-mounts", fs_mount(&b, "memblk"), 0);
    EXPECT_EQ("restored-image-reads", verify(&b, hb, 0, 200000, pat, 2, 4096), 0);

    /* Damage behind the service's back while it serves the disk: the next
     * call finds it (simplefs reads the inode afresh; cachefs sees the
     * epoch moved, as after another service's turn, and checks again). */
    ino(ia)->direct[0] = 7777;
    sup()->epoch++;
    EXPECT_EQ("detects-damage-while-mounted", fs_read(&b, ha, 0, buf, 16, &(size_t){0}),
              -KEA_EBADOBJ);
    memcpy(fssuite_disk, saved, sizeof saved);
    EXPECT_EQ("recovers-after-repair", fs_mount(&b, "memblk"), 0);

    /* What an interrupted operation leaves is reported, not refused. */
    set_bit(sup()->nblocks - 1, 1);
    ino(sup()->ninodes - 1)->type = FS_T_FILE;
    EXPECT_EQ("leaks-tolerated", fs_mount(&b, "memblk"), 0);
    EXPECT_EQ("leaks-data-fine", verify(&b, ha, 0, 1000, pat, 1, 4096), 0);
}

/* ---- two services on one disk ------------------------------------------------------ */

/* One disk, two services, one at a time: the device's claim keeps the
 * second off until the first hands the disk over (fs.release). */
static void switching(void)
{
    kea_binding_t s = bind("simplefs"), c = bind("cachefs");
    new_disk(2048);
    EXPECT_EQ("format", fs_format(&s, "memblk", 0), 0);
    EXPECT_EQ("second-service-refused-while-claimed", fs_mount(&c, "memblk"), -KEA_EBUSY);
    uint32_t h = make(&s, "f"), hh, n;
    fill(&s, h, 0, 20000, pat, 1);
    EXPECT_EQ("hand-over-to-cachefs", fs_release(&s), 0);
    EXPECT_EQ("cachefs-reads-simplefs-file", verify(&c, h, 0, 20000, pat, 1, 4096), 0);
    fill(&c, h, 5000, 3000, pat, 2);
    fs_release(&c);
    EXPECT_EQ("simplefs-sees-cachefs-write", verify(&s, h, 5000, 3000, pat, 2, 4096), 0);
    fill(&s, h, 5000, 3000, pat, 3);
    fs_release(&s);
    EXPECT_EQ("cachefs-cache-not-stale", verify(&c, h, 5000, 3000, pat, 3, 4096), 0);
    char path[16];
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "g%d", i);
        fs_create(&c, path, false, &hh);
    }
    fs_release(&c);
    EXPECT_EQ("simplefs-lists-cachefs-files", count_entries(&s, "", &n), 21);
    for (int i = 0; i < 20; i += 2) {
        snprintf(path, sizeof path, "g%d", i);
        fs_remove(&s, path);
    }
    fs_release(&s);
    EXPECT_EQ("cachefs-sees-removals", count_entries(&c, "", &n), 11);
    fs_release(&c);
    int bad = 0;
    for (int i = 0; i < 20; i++) {          /* alternate, handing over each time */
        const kea_binding_t *w = i % 2 ? &s : &c, *r = i % 2 ? &c : &s;
        fill(w, h, (uint32_t)i * 700, 900, pat, 10 + (uint32_t)i);
        fs_release(w);
        if (verify(r, h, (uint32_t)i * 700, 900, pat, 10 + (uint32_t)i, 4096) != 0) bad++;
        fs_release(r);
    }
    EXPECT_EQ("alternating-hand-overs-agree", bad, 0);
    EXPECT_EQ("mount-check-after", fs_mount(&s, "memblk"), 0);
    fs_release(&s);
}

static void caching(void)
{
    kea_binding_t s = bind("simplefs"), c = bind("cachefs");
    new_disk(4096);
    fs_format(&s, "memblk", 0);
    char path[16];
    uint32_t h[10], reads[2];
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "c%d", i);
        h[i] = make(&s, path);
        fill(&s, h[i], 0, 8192, pat, (uint32_t)i);
    }
    fs_release(&s);
    fs_mount(&c, "memblk");
    fs_release(&c);
    const kea_binding_t *bs[2] = { &s, &c };
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        verify(bs[k], h[0], 0, 1, pat, 0, 1);        /* takes the disk over */
        uint32_t r0 = fssuite_reads;
        for (int round = 0; round < 5; round++)
            for (int i = 0; i < 10; i++)
                if (verify(bs[k], h[i], 0, 8192, pat, (uint32_t)i, 4096) != 0) bad++;
        reads[k] = fssuite_reads - r0;
        fs_release(bs[k]);
    }
    EXPECT_EQ("same-data", bad, 0);
    check(reads[1] * 3 < reads[0], "cachefs-reads-fewer-blocks", "simplefs %ld, cachefs %ld",
          reads[0], reads[1]);
    printf("note: 5 rounds of reading 80 KiB: simplefs read %u blocks, cachefs %u\n",
           reads[0], reads[1]);
}

/* ---- compression ---------------------------------------------------------------- */

static uint8_t zero_gen(uint32_t seed, uint32_t i) { (void)seed; (void)i; return 0; }
static uint8_t same_gen(uint32_t seed, uint32_t i) { (void)i; return (uint8_t)seed; }
static uint8_t mixed_gen(uint32_t seed, uint32_t i)
{
    return (i / 4096) % 2 ? pat(seed, i) : text(seed, i);
}

static void compression(void)
{
    kea_binding_t z = bind("compress"), s = bind("simplefs");
    new_disk(8192);
    EXPECT_EQ("format-through", fs_format(&z, "memblk", 0), 0);
    uint32_t h, size, blocks, hs, zb, n;
    bool dir;
    const uint32_t tlen = 200000;
    EXPECT_EQ("create", fs_create(&z, "t.txt", false, &h), 0);
    EXPECT_EQ("write-text", fill(&z, h, 0, tlen, text, 1), 0);
    EXPECT_EQ("read-text", verify(&z, h, 0, tlen, text, 1, 4096), 0);
    EXPECT_EQ("read-text-unaligned", verify(&z, h, 1234, tlen - 1234, text, 1, 3333), 0);
    EXPECT_EQ("size-through", fs_open(&z, "t.txt", &hs, &size, &dir) == 0 ? size : 0, tlen);
    EXPECT_EQ("stat-through", fs_stat(&z, h, &size, &zb, &dir) == 0 ? size : 0, tlen);
    EXPECT_EQ("stat-below", fs_stat(&s, h, &size, &blocks, &dir) == 0 ? blocks : 0, zb);
    check(blocks * 512 < tlen / 3, "stored-smaller", "%ld bytes stored for %ld", blocks * 512, tlen);
    printf("note: %u bytes of text stored in %u blocks (%u bytes)\n", tlen, blocks, blocks * 512);
    EXPECT_EQ("list-shows-real-size", count_entries(&z, "", &n) == 1 ? n : 0, tlen);
    EXPECT("list-below-shows-container", count_entries(&s, "", &n) == 1 && n != tlen);

    struct { const char *name; gen_t g; uint32_t len; } kinds[] = {
        { "random", pat, 50000 }, { "zeros", zero_gen, 40000 }, { "one-byte", same_gen, 70001 },
        { "mixed", mixed_gen, 65536 }, { "tiny", text, 7 },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char path[32], what[48];
        snprintf(path, sizeof path, "%s.dat", kinds[k].name);
        uint32_t hk = make(&z, path);
        fill(&z, hk, 0, kinds[k].len, kinds[k].g, 5);
        snprintf(what, sizeof what, "round-trip-%s", kinds[k].name);
        EXPECT_EQ(what, verify(&z, hk, 0, kinds[k].len, kinds[k].g, 5, 4096), 0);
        snprintf(what, sizeof what, "size-%s", kinds[k].name);
        EXPECT_EQ(what, fs_stat(&z, hk, &size, &blocks, &dir) == 0 ? size : 0, kinds[k].len);
        if (kinds[k].g == pat) {
            check(blocks <= kinds[k].len / 512 + 16, "random-stored-raw", "%ld blocks%ld", blocks, 0);
        } else if (kinds[k].g == zero_gen) {
            EXPECT_EQ("zeros-take-one-block", blocks, 1);
        }
    }

    /* Changes in place: an unaligned overwrite, truncation, a punched range. */
    uint32_t hm = make(&z, "m");
    fill(&z, hm, 0, 30000, text, 2);
    fill(&z, hm, 5000, 7000, pat, 9);
    check(verify(&z, hm, 0, 5000, text, 2, 4096) == 0 && verify(&z, hm, 5000, 7000, pat, 9, 4096) == 0 &&
          verify(&z, hm, 12000, 18000, text, 2, 4096) == 0, "overwrite-middle", "%ld%ld", 0, 0);
    EXPECT_EQ("truncate-shrink", fs_truncate(&z, hm, 10000), 0);
    EXPECT_EQ("truncated-size", fs_stat(&z, hm, &size, &blocks, &dir) == 0 ? size : 0, 10000);
    EXPECT_EQ("truncate-grow", fs_truncate(&z, hm, 20000), 0);
    check(verify(&z, hm, 5000, 5000, pat, 9, 4096) == 0 && verify(&z, hm, 10000, 10000, 0, 0, 4096) == 0,
          "grown-reads-zeros", "%ld%ld", 0, 0);
    EXPECT_EQ("punch", fs_punch(&z, hm, 100, 8000), 0);
    check(verify(&z, hm, 0, 100, text, 2, 4096) == 0 && verify(&z, hm, 100, 8000, 0, 0, 4096) == 0 &&
          verify(&z, hm, 8100, 1900, pat, 9, 4096) == 0, "punched-zeros", "%ld%ld", 0, 0);
    uint32_t hp = make(&z, "sparse");
    EXPECT_EQ("sparse-write", fs_write(&z, hp, 1u << 20, "x", 1, &size) == 0 ? size : 0, (1u << 20) + 1);
    EXPECT_EQ("sparse-zeros", verify(&z, hp, 1000000, 48576, 0, 0, 4096), 0);
    check(blocks_of(&z, hp) <= 6, "sparse-small", "%ld blocks%ld", blocks_of(&z, hp), 0);
    EXPECT_EQ("past-max", fs_write(&z, hp, 8u << 20, "x", 1, &size), -KEA_E2BIG);

    /* Plain files below pass through untouched; an empty one is taken. */
    uint32_t hq = make(&s, "plain");
    fill(&s, hq, 0, 5000, text, 4);
    EXPECT_EQ("plain-read-through", verify(&z, hq, 0, 5000, text, 4, 4096), 0);
    fill(&z, hq, 5000, 1000, text, 4);
    EXPECT_EQ("plain-stays-plain", verify(&s, hq, 0, 6000, text, 4, 4096), 0);
    uint32_t he = make(&z, "empty");
    EXPECT_EQ("empty-size", fs_open(&z, "empty", &he, &size, &dir) == 0 ? size : 1, 0);
    EXPECT_EQ("empty-read", fs_read(&z, he, 0, buf, 100, &(size_t){0}), 0);
    EXPECT_EQ("dir-through", fs_create(&z, "dd", true, &he), 0);
    EXPECT_EQ("read-dir-through", fs_read(&z, he, 0, buf, 100, &(size_t){0}), -KEA_EINVAL);

    /* A damaged container is an error, not a fault. */
    uint32_t hd = make(&z, "dam");
    fill(&z, hd, 0, 8192, text, 6);
    memset(buf2, 0xff, 16);                         /* chunk 0: a match before the start */
    fs_write(&s, hd, 4608, buf2, 16, &size);
    EXPECT_EQ("damaged-chunk", fs_read(&z, hd, 0, buf, 100, &(size_t){0}), -KEA_EBADOBJ);
    EXPECT_EQ("undamaged-chunk", verify(&z, hd, 4096, 4096, text, 6, 4096), 0);
    fs_write(&s, hd, 32, "\xff\xff", 2, &size);      /* table entry 0 */
    EXPECT_EQ("damaged-table", fs_read(&z, hd, 0, buf, 100, &(size_t){0}), -KEA_EBADOBJ);
    fs_write(&s, hd, 8, "\x09", 1, &size);           /* header version */
    EXPECT_EQ("damaged-header", fs_read(&z, hd, 0, buf, 100, &(size_t){0}), -KEA_EBADOBJ);
    EXPECT_EQ("mount-check-below", fs_mount(&s, "memblk"), 0);
    EXPECT_EQ("mount-through", fs_mount(&z, "simplefs"), 0);
    EXPECT_EQ("mount-not-a-file-service", fs_mount(&z, "memblk"), -KEA_ENOENT);
}

/* ---- interrupted operations ------------------------------------------------------ */

/* A sequence touching every kind of write: new files and directories,
 * block tables at both levels, renames in and across directories,
 * truncation, punching, removal.  Errors are ignored: after a simulated
 * crash the service goes on with a disk that no longer hears it. */
static void crash_ops(const kea_binding_t *b)
{
    uint32_t h, size;
    bool dir;
    fs_create(b, "a", false, &h);
    fill(b, h, 0, 6000, pat, 1);
    fs_create(b, "d", true, &h);
    fs_create(b, "d/b", false, &h);
    fill(b, h, 0, 80000, pat, 2);
    rename2(b, "a", "d/a2");
    rename2(b, "d/b", "d/b2");
    if (fs_open(b, "d/b2", &h, &size, &dir) == 0) fs_truncate(b, h, 3000);
    fs_create(b, "c", false, &h);
    fill(b, h, 0, 150000, pat, 3);
    fs_punch(b, h, 1000, 70000);
    fs_remove(b, "d/a2");
    fs_remove(b, "c");
    fs_create(b, "e", true, &h);
    fs_create(b, "e/f", false, &h);
    fill(b, h, 0, 2000, pat, 4);
}

/* Read every file under dir to its end: 0, or the first error. */
static int read_tree(const kea_binding_t *b, const char *dir, int depth)
{
    struct fs_entry e[8];
    uint32_t start = 0, next;
    do {
        size_t len = 0;
        int r = fs_list(b, dir, start, e, sizeof e, &len, &next);
        if (r < 0) return r;
        for (size_t i = 0; i < len / sizeof e[0]; i++) {
            char path[128];
            uint32_t h, size;
            bool isdir;
            snprintf(path, sizeof path, "%s/%s", dir, e[i].name);
            if ((r = fs_open(b, path, &h, &size, &isdir)) < 0) return r;
            if (isdir && depth < 4 && (r = read_tree(b, path, depth + 1)) < 0) return r;
            for (uint32_t off = 0; !isdir && off < size; off += sizeof buf) {
                size_t got;
                if ((r = fs_read(b, h, off, buf, sizeof buf, &got)) < 0) return r;
            }
        }
        start = next;
    } while (next);
    return 0;
}

/* Power lost after the n-th device write, for every n: the disk must
 * mount again (the write order leaves nothing worse than unreachable
 * blocks and inodes) and every file on it read to its end. */
static void crash(const char *name)
{
    kea_binding_t b = bind(name);
    new_disk(1024);
    fs_format(&b, "memblk", 64);
    uint32_t w0 = fssuite_write_calls;
    crash_ops(&b);
    uint32_t total = fssuite_write_calls - w0, bad = 0, tried = 0;
    check(total > 100, "crash-sequence-writes", "%ld writes%ld", total, 0);
    for (uint32_t n = 0; n <= total; n += 2, tried++) {
        new_disk(1024);
        fs_format(&b, "memblk", 64);
        fssuite_budget = (int32_t)n;
        crash_ops(&b);
        fssuite_budget = -1;
        int r = fs_mount(&b, "memblk");
        if (r == 0) r = read_tree(&b, "", 0);
        if (r < 0 && bad++ < 3) printf("note: power lost after write %u of %u: %s\n", n, total,
                                       kea_strerror(r));
    }
    check(bad == 0, "crash-anywhere-mounts", "%ld of %ld interruptions left a damaged disk",
          bad, tried);
}

int fssuite_run(const char *group)
{
    static const char *const filesys[] = { "simplefs", "cachefs" };
    int all = strcmp(group, "all") == 0;
    failures = 0;
    for (int i = 0; i < 2; i++) {
        svc = filesys[i];
        if (all || strcmp(group, "basic") == 0) basic(filesys[i]);
        if (all || strcmp(group, "large") == 0) large(filesys[i]);
        if (all || strcmp(group, "full") == 0) full(filesys[i]);
        if (all || strcmp(group, "corrupt") == 0) corrupt(filesys[i]);
        if (all || strcmp(group, "crash") == 0) crash(filesys[i]);
        kea_binding_t b = bind(filesys[i]);
        fs_release(&b);                 /* the next service may claim the disk */
    }
    svc = NULL;
    if (all || strcmp(group, "switch") == 0) switching();
    if (all || strcmp(group, "cache") == 0) caching();
    svc = "compress";
    if (all || strcmp(group, "compress") == 0) compression();
    svc = NULL;
    return failures;
}
