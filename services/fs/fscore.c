/* The file system of simplefs and cachefs (fscore.h, docs/fs-format.md).
 *
 * Nothing read from the disk is trusted: every block pointer, inode number,
 * type, size and name is checked before use, and a bad one fails the
 * operation with -KEA_EBADOBJ and a message instead of a fault.  Mounting
 * checks the whole tree (check_tree).
 *
 * Write order keeps the structure consistent at every step, so an
 * interrupted operation (a crash, or a second service looking at the disk
 * in between) leaves at worst blocks and inodes in use that nothing
 * reaches, never a pointer to a free block or a name of a free inode:
 *   - a block's bitmap bit is set before any pointer to it is written
 *     (meta_write writes the held bitmap block first);
 *   - a pointer is cleared on disk before the block's bit is cleared;
 *   - an inode is initialised before a directory entry names it, and the
 *     entry is cleared before the inode and its blocks are freed (and
 *     before a rename names it elsewhere).
 * (A crash in the middle of a write may leave that write's data partly
 * written: data is not journalled.) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include "block_client.h"
#include "fscore.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ---- messages ------------------------------------------------------------ */

/* Print "svc: dev: message" unless it repeats the last one (a blank disk
 * would otherwise say so at every call). */
static void note(struct fsys *fs, const char *fmt, ...)
{
    char msg[sizeof fs->lastnote];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (strcmp(msg, fs->lastnote) == 0) return;
    strlcpy(fs->lastnote, msg, sizeof fs->lastnote);
    printf("%s: %s: %s\n", fs->svc, fs->devname, msg);
}

/* The file system is damaged: say how, and refuse to go on with it. */
static int corrupt(struct fsys *fs, const char *fmt, ...)
{
    char msg[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fs->broken = 1;
    note(fs, "corrupt file system: %s", msg);
    return -KEA_EBADOBJ;
}

/* ---- the device ---------------------------------------------------------- */

/* A dead device portal (its service unloaded): bind afresh next time. */
static int dev_error(struct fsys *fs, int r)
{
    if (r == -KEA_EDEAD || r == -KEA_EBADPORTAL) {
        fs->bound[0] = 0;
        fs->mounted = 0;
    }
    return r;
}

int fsdev_read(struct fsys *fs, uint32_t b, uint32_t n, void *buf)
{
    if (n == 0 || n > FS_RUN || b >= fs->dev_blocks || n > fs->dev_blocks - b)
        return -KEA_EINVAL;
    size_t len = 0;
    int r = block_read(&fs->dev, b, n, buf, n * FS_BSIZE, &len);
    if (r < 0) return dev_error(fs, r);
    fs->dev_reads++;
    if (len != n * FS_BSIZE) {
        note(fs, "device read %u blocks at %u: got %u bytes", n, b, (unsigned)len);
        return -KEA_EINVAL;
    }
    return 0;
}

int fsdev_write(struct fsys *fs, uint32_t b, uint32_t n, const void *buf)
{
    if (n == 0 || n > FS_RUN || b >= fs->dev_blocks || n > fs->dev_blocks - b)
        return -KEA_EINVAL;
    int r = block_write(&fs->dev, b, buf, n * FS_BSIZE);
    if (r < 0) return dev_error(fs, r);
    fs->dev_writes++;
    return 0;
}

static int bind_dev(struct fsys *fs, const char *name)
{
    if (strlen(name) >= FS_DEVNAME) return -KEA_EINVAL;
    if (strcmp(fs->bound, name) != 0) {
        /* Another device, or none yet.  (An old binding stays in the
         * domain's table: releasing it could take it from other objects
         * sharing the kernel's table.) */
        kea_binding_t b;
        int r = BLOCK_BIND(name, &b);
        if (r < 0) return r;
        fs->dev = b;
        strlcpy(fs->bound, name, sizeof fs->bound);
    }
    uint32_t n = 0, bs = 0;
    int r = block_info(&fs->dev, &n, &bs);
    if (r < 0) return dev_error(fs, r);
    if (bs != FS_BSIZE) {
        note(fs, "block size %u, not %u", bs, FS_BSIZE);
        return -KEA_EINVAL;
    }
    fs->dev_blocks = n;
    return 0;
}

/* ---- the bitmap ---------------------------------------------------------- */

static int bm_flush(struct fsys *fs)
{
    if (!fs->bm_dirty) return 0;
    int r = bio_write(fs, fs->bm_block, 1, fs->bm);
    if (r < 0) return r;
    fs->bm_dirty = 0;
    return 0;
}

/* Hold the bitmap block with the bit of block b. */
static int bm_hold(struct fsys *fs, uint32_t b)
{
    uint32_t want = fs->sb.bmap_start + b / FS_BPB;
    if (fs->bm_block == want) return 0;
    int r = bm_flush(fs);
    if (r < 0) return r;
    fs->bm_block = 0;
    if ((r = bio_read(fs, want, 1, fs->bm)) < 0) return r;
    fs->bm_block = want;
    return 0;
}

/* Drop the held block without writing it (after a failed write, or when
 * the cache is dropped). */
static void bm_drop(struct fsys *fs)
{
    fs->bm_block = 0;
    fs->bm_dirty = 0;
}

/* Write a block that may point to other blocks (an inode, a block table, a
 * directory): allocations must be on disk first. */
static int meta_write(struct fsys *fs, uint32_t b, const void *buf)
{
    int r = bm_flush(fs);
    return r < 0 ? r : bio_write(fs, b, 1, buf);
}

static int balloc(struct fsys *fs, uint32_t *out)
{
    const struct fs_super *s = &fs->sb;
    uint32_t first = fs->bhint >= s->data_start && fs->bhint < s->nblocks ? fs->bhint : s->data_start;
    /* Each bitmap block once, from the hint's on, then the hint's again
     * for the bits below the hint. */
    for (uint32_t k = 0; k <= s->bmap_blocks; k++) {
        uint32_t base = ((first / FS_BPB + k) % s->bmap_blocks) * FS_BPB;
        int r = bm_hold(fs, base);
        if (r < 0) return r;
        uint32_t lo = base < s->data_start ? s->data_start - base : 0;
        uint32_t hi = MIN(FS_BPB, s->nblocks - base);
        for (uint32_t i = lo; i < hi; i++) {
            if (fs->bm[i / 8] == 0xff) { i |= 7; continue; }
            if (!(fs->bm[i / 8] & 1u << (i % 8))) {
                fs->bm[i / 8] |= (uint8_t)(1u << (i % 8));
                fs->bm_dirty = 1;
                *out = base + i;
                fs->bhint = base + i + 1;
                return 0;
            }
        }
    }
    return -KEA_ENOMEM;
}

static int bfree(struct fsys *fs, uint32_t b)
{
    int r = bm_hold(fs, b);
    if (r < 0) return r;
    uint32_t i = b % FS_BPB;
    if (!(fs->bm[i / 8] & 1u << (i % 8)))
        return corrupt(fs, "block %u freed but already free", b);
    fs->bm[i / 8] &= (uint8_t)~(1u << (i % 8));
    fs->bm_dirty = 1;
    if (fs->db_blk == b) fs->db_blk = 0;   /* it may be reused for data */
    return 0;
}

static int check_ptr(struct fsys *fs, uint32_t inum, uint32_t b)
{
    if (b < fs->sb.data_start || b >= fs->sb.nblocks)
        return corrupt(fs, "inode %u points to block %u, outside the data area", inum, b);
    return 0;
}

/* ---- inodes -------------------------------------------------------------- */

/* Inode and directory blocks are read into fs->ib and fs->db; within one
 * operation the block last read there is reused (ops often touch the same
 * one several times).  Between operations the tags are forgotten: another
 * service may have changed the disk. */
static int ib_load(struct fsys *fs, uint32_t b)
{
    if (fs->ib_blk == b) return 0;
    fs->ib_blk = 0;
    int r = bio_read(fs, b, 1, fs->ib);
    if (r == 0) fs->ib_blk = b;
    return r;
}

static int db_load(struct fsys *fs, uint32_t b)
{
    if (fs->db_blk == b) return 0;
    fs->db_blk = 0;
    int r = bio_read(fs, b, 1, fs->db);
    if (r == 0) fs->db_blk = b;
    return r;
}

static void forget_tags(struct fsys *fs)
{
    fs->ib_blk = fs->db_blk = 0;
}

static int iread(struct fsys *fs, uint32_t inum, struct fs_dinode *ip)
{
    if (inum == 0 || inum >= fs->sb.ninodes)
        return corrupt(fs, "inode number %u out of range", inum);
    int r = ib_load(fs, fs->sb.inode_start + inum / FS_IPB);
    if (r < 0) return r;
    memcpy(ip, fs->ib + inum % FS_IPB * FS_INODE_SIZE, sizeof *ip);
    if (ip->type > FS_T_DIR)
        return corrupt(fs, "inode %u has type %u", inum, ip->type);
    if (ip->size > FS_MAX_FILE)
        return corrupt(fs, "inode %u has size %u", inum, ip->size);
    if (ip->type == FS_T_DIR && ip->size % FS_DIRENT_SIZE)
        return corrupt(fs, "directory %u has size %u", inum, ip->size);
    return 0;
}

static int iwrite(struct fsys *fs, uint32_t inum, const struct fs_dinode *ip)
{
    uint32_t b = fs->sb.inode_start + inum / FS_IPB;
    int r = ib_load(fs, b);
    if (r < 0) return r;
    memcpy(fs->ib + inum % FS_IPB * FS_INODE_SIZE, ip, sizeof *ip);
    if ((r = meta_write(fs, b, fs->ib)) < 0) fs->ib_blk = 0;
    return r;
}

/* The file a handle names (-KEA_ENOENT if it is gone or was reused). */
static int ihandle(struct fsys *fs, uint32_t h, uint32_t *inum, struct fs_dinode *ip)
{
    *inum = FS_HANDLE_INUM(h);
    if (*inum == 0 || *inum >= fs->sb.ninodes) return -KEA_ENOENT;
    int r = iread(fs, *inum, ip);
    if (r < 0) return r;
    if (ip->type == FS_T_FREE || (ip->gen & 0xffffu) != FS_HANDLE_GEN(h)) return -KEA_ENOENT;
    return 0;
}

static int ialloc(struct fsys *fs, uint16_t type, uint32_t *inum, struct fs_dinode *ip)
{
    uint32_t n = fs->sb.ninodes;
    uint32_t start = fs->ihint > 0 && fs->ihint < n ? fs->ihint : 1;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = (start + k) % n;
        if (i == 0) continue;
        int r = ib_load(fs, fs->sb.inode_start + i / FS_IPB);
        if (r < 0) return r;
        struct fs_dinode *d = (struct fs_dinode *)(fs->ib + i % FS_IPB * FS_INODE_SIZE);
        if (d->type != FS_T_FREE) continue;
        uint32_t gen = d->gen + 1;
        memset(ip, 0, sizeof *ip);
        ip->type = type;
        ip->gen = gen;
        *inum = i;
        fs->ihint = i + 1;
        return iwrite(fs, i, ip);
    }
    return -KEA_ENOMEM;
}

static int ifree(struct fsys *fs, uint32_t inum, struct fs_dinode *ip)
{
    uint32_t gen = ip->gen;
    memset(ip, 0, sizeof *ip);
    ip->gen = gen;          /* kept: the next use bumps it, old handles fail */
    return iwrite(fs, inum, ip);
}

/* ---- block maps ---------------------------------------------------------- */

static int zero_block(struct fsys *fs, uint32_t b)
{
    static const uint8_t zero[FS_BSIZE];
    return bio_write(fs, b, 1, zero);
}

/* Where file block fbn of inode inum lives: *out = 0 for a hole.  With
 * alloc a hole is filled (*fresh = 1: the block holds garbage), block
 * tables are made as needed; a pointer in *ip may change, which the caller
 * writes with the inode. */
static int bmap(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t fbn, int alloc,
                uint32_t *out, int *fresh)
{
    uint32_t *slot;
    int levels;
    if (fresh) *fresh = 0;
    if (fbn < FS_NDIRECT) {
        slot = &ip->direct[fbn];
        levels = 0;
    } else if ((fbn -= FS_NDIRECT) < FS_NINDIRECT) {
        slot = &ip->indirect;
        levels = 1;
    } else if ((fbn -= FS_NINDIRECT) < FS_NINDIRECT * FS_NINDIRECT) {
        slot = &ip->dindirect;
        levels = 2;
    } else {
        return -KEA_E2BIG;
    }
    uint32_t cur = *slot;
    int r;
    if (cur) {
        if ((r = check_ptr(fs, inum, cur)) < 0) return r;
    } else {
        if (!alloc) { *out = 0; return 0; }
        if ((r = balloc(fs, &cur)) < 0) return r;
        if (levels > 0 && (r = zero_block(fs, cur)) < 0) return r;
        if (levels == 0 && fresh) *fresh = 1;
        *slot = cur;
    }
    for (int level = levels; level > 0; level--) {
        uint32_t i = fbn >> (7 * (level - 1)) & (FS_NINDIRECT - 1);
        uint32_t *tab = (uint32_t *)fs->tab[0];
        if ((r = bio_read(fs, cur, 1, tab)) < 0) return r;
        uint32_t next = tab[i];
        if (next) {
            if ((r = check_ptr(fs, inum, next)) < 0) return r;
        } else {
            if (!alloc) { *out = 0; return 0; }
            if ((r = balloc(fs, &next)) < 0) return r;
            if (level > 1 && (r = zero_block(fs, next)) < 0) return r;
            if (level == 1 && fresh) *fresh = 1;
            tab[i] = next;
            if ((r = meta_write(fs, cur, tab)) < 0) return r;
        }
        cur = next;
    }
    *out = cur;
    return 0;
}

/* Free block b and, for a table of `level` levels, all it points to.  The
 * pointer to b is already cleared on disk. */
static int free_tree(struct fsys *fs, uint32_t inum, uint32_t b, int level)
{
    int r = check_ptr(fs, inum, b);
    if (r < 0) return r;
    if (level > 0) {
        uint32_t *tab = (uint32_t *)fs->walk[level - 1];
        if ((r = bio_read(fs, b, 1, tab)) < 0) return r;
        for (uint32_t i = 0; i < FS_NINDIRECT; i++)
            if (tab[i] && (r = free_tree(fs, inum, tab[i], level - 1)) < 0) return r;
    }
    return bfree(fs, b);
}

/* Blocks the tree at b takes, itself included. */
static int count_tree(struct fsys *fs, uint32_t inum, uint32_t b, int level, uint32_t *n)
{
    int r = check_ptr(fs, inum, b);
    if (r < 0) return r;
    (*n)++;
    if (level > 0) {
        uint32_t *tab = (uint32_t *)fs->walk[level - 1];
        if ((r = bio_read(fs, b, 1, tab)) < 0) return r;
        for (uint32_t i = 0; i < FS_NINDIRECT; i++)
            if (tab[i] && (r = count_tree(fs, inum, tab[i], level - 1, n)) < 0) return r;
    }
    return 0;
}

/* Unmap file blocks [from, to) under table tb of `level` levels, which maps
 * file blocks from `base` on; *empty tells whether tb maps nothing after.
 * Cleared pointers are written before what they pointed to is freed. */
static int unmap_table(struct fsys *fs, uint32_t inum, uint32_t tb, int level, uint32_t base,
                       uint32_t from, uint32_t to, int *empty)
{
    uint32_t span = level == 1 ? 1 : FS_NINDIRECT;     /* file blocks an entry maps */
    uint32_t *tab = (uint32_t *)fs->tab[level - 1], *gone = fs->gone[level - 1];
    uint32_t ngone = 0;
    int changed = 0, r;
    if ((r = check_ptr(fs, inum, tb)) < 0) return r;
    if ((r = bio_read(fs, tb, 1, tab)) < 0) return r;
    for (uint32_t i = 0; i < FS_NINDIRECT; i++) {
        uint32_t lo = base + i * span, hi = lo + span;
        if (!tab[i] || hi <= from || lo >= to) continue;
        if (lo >= from && hi <= to) {               /* wholly inside: the entire subtree */
            gone[ngone++] = tab[i];
            tab[i] = 0;
            changed = 1;
        } else {                                    /* partly: a level-2 entry only */
            int child_empty;
            if ((r = unmap_table(fs, inum, tab[i], level - 1, lo, from, to, &child_empty)) < 0)
                return r;
            /* tab[] of this level is untouched by the child's call */
            if (child_empty) {
                gone[ngone++] = tab[i];
                tab[i] = 0;
                changed = 1;
            }
        }
    }
    *empty = 1;
    for (uint32_t i = 0; i < FS_NINDIRECT; i++)
        if (tab[i]) *empty = 0;
    /* Written even when emptied: the caller frees an empty table with
     * free_tree, which walks it as it is on disk. */
    if (changed && (r = meta_write(fs, tb, tab)) < 0) return r;
    for (uint32_t k = 0; k < ngone; k++)
        if ((r = free_tree(fs, inum, gone[k], level - 1)) < 0) return r;
    return 0;
}

/* Unmap file blocks [from, to) of inode inum: they become holes; block
 * tables left empty are freed.  Writes the inode. */
static int unmap_range(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t from,
                       uint32_t to)
{
    uint32_t direct[FS_NDIRECT], ndirect = 0, root[2] = { 0, 0 };
    int r, empty;
    for (uint32_t i = from; i < MIN(to, FS_NDIRECT); i++)
        if (ip->direct[i]) {
            direct[ndirect++] = ip->direct[i];
            ip->direct[i] = 0;
        }
    uint32_t *roots[2] = { &ip->indirect, &ip->dindirect };
    uint32_t base[2] = { FS_NDIRECT, FS_NDIRECT + FS_NINDIRECT };
    uint32_t span[2] = { FS_NINDIRECT, FS_NINDIRECT * FS_NINDIRECT };
    for (int k = 0; k < 2; k++) {
        uint32_t lo = base[k], hi = base[k] + span[k];
        if (!*roots[k] || to <= lo || from >= hi) continue;
        if (from <= lo && to >= hi) {
            root[k] = *roots[k];
        } else {
            if ((r = unmap_table(fs, inum, *roots[k], k + 1, lo, from, to, &empty)) < 0) return r;
            if (empty) root[k] = *roots[k];
        }
        if (root[k]) *roots[k] = 0;
    }
    if ((r = iwrite(fs, inum, ip)) < 0) return r;
    for (uint32_t i = 0; i < ndirect; i++)
        if ((r = check_ptr(fs, inum, direct[i])) < 0 || (r = bfree(fs, direct[i])) < 0) return r;
    for (int k = 0; k < 2; k++)
        if (root[k] && (r = free_tree(fs, inum, root[k], k + 1)) < 0) return r;
    return 0;
}

/* ---- file data ----------------------------------------------------------- */

/* Bytes [off, off + n) of a file (n <= 4096) into buf, by runs of
 * contiguous blocks. */
static int read_data(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t off,
                     uint32_t n, void *buf)
{
    uint32_t fb0 = off / FS_BSIZE, nb = (off + n - 1) / FS_BSIZE - fb0 + 1;
    uint32_t pbn[FS_RUN + 1];
    int r;
    for (uint32_t i = 0; i < nb; i++)
        if ((r = bmap(fs, inum, ip, fb0 + i, 0, &pbn[i], 0)) < 0) return r;
    for (uint32_t i = 0; i < nb; ) {
        if (!pbn[i]) {
            memset(fs->io + i * FS_BSIZE, 0, FS_BSIZE);
            i++;
            continue;
        }
        uint32_t j = i + 1;
        while (j < nb && j - i < FS_RUN && pbn[j] == pbn[j - 1] + 1) j++;
        if ((r = bio_read(fs, pbn[i], j - i, fs->io + i * FS_BSIZE)) < 0) return r;
        i = j;
    }
    memcpy(buf, fs->io + off % FS_BSIZE, n);
    return 0;
}

/* Write bytes [off, off + n) of a file (n <= 4096), allocating blocks as
 * needed.  If the disk fills, the blocks this call allocated are given
 * back and nothing is written.  The caller writes the inode. */
static int write_data(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t off,
                      uint32_t n, const void *data)
{
    uint32_t fb0 = off / FS_BSIZE, nb = (off + n - 1) / FS_BSIZE - fb0 + 1;
    uint32_t pbn[FS_RUN + 1];
    int fresh[FS_RUN + 1], r = 0;
    uint32_t i;
    for (i = 0; i < nb; i++)
        if ((r = bmap(fs, inum, ip, fb0 + i, 1, &pbn[i], &fresh[i])) < 0) break;
    if (r < 0) {
        for (uint32_t k = 0; k < i; k++)
            if (fresh[k]) {
                int u = unmap_range(fs, inum, ip, fb0 + k, fb0 + k + 1);
                if (u < 0) return u;
            }
        return r;
    }
    uint32_t end = off + n;
    for (i = 0; i < nb; i++) {
        uint32_t lo = (fb0 + i) * FS_BSIZE, hi = lo + FS_BSIZE;
        uint8_t *blk = fs->io + i * FS_BSIZE;
        if (off <= lo && end >= hi) continue;              /* written whole */
        /* Partly written: keep the rest of an old block; a new one, or one
         * past the end of the file, is zeros there. */
        if (fresh[i] || lo >= ip->size)
            memset(blk, 0, FS_BSIZE);
        else if ((r = bio_read(fs, pbn[i], 1, blk)) < 0)
            return r;
    }
    memcpy(fs->io + off % FS_BSIZE, data, n);
    for (i = 0; i < nb; ) {
        uint32_t j = i + 1;
        while (j < nb && j - i < FS_RUN && pbn[j] == pbn[j - 1] + 1) j++;
        if ((r = bio_write(fs, pbn[i], j - i, fs->io + i * FS_BSIZE)) < 0) return r;
        i = j;
    }
    return 0;
}

/* Zero bytes [off, end) of one block of a file, if it is mapped. */
static int zero_part(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t off,
                     uint32_t end)
{
    uint32_t b;
    int r = bmap(fs, inum, ip, off / FS_BSIZE, 0, &b, 0);
    if (r < 0 || !b) return r;
    if ((r = bio_read(fs, b, 1, fs->io)) < 0) return r;
    memset(fs->io + off % FS_BSIZE, 0, end - off);
    return bio_write(fs, b, 1, fs->io);
}

/* ---- directories --------------------------------------------------------- */

static int valid_name(const char *s, size_t n)
{
    if (n == 0 || n > FS_NAME_MAX) return 0;
    if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == 0) return 0;
    return 1;
}

/* Entry `slot` of directory dinum into *de, checked. */
static int dir_get(struct fsys *fs, uint32_t dinum, struct fs_dinode *dp, uint32_t slot,
                   struct fs_dirent *de)
{
    uint32_t b;
    int r = bmap(fs, dinum, dp, slot / FS_DPB, 0, &b, 0);
    if (r < 0) return r;
    if (!b) {
        memset(de, 0, sizeof *de);
        return 0;
    }
    if ((r = db_load(fs, b)) < 0) return r;
    memcpy(de, fs->db + slot % FS_DPB * FS_DIRENT_SIZE, sizeof *de);
    if (!de->inum) return 0;
    if (de->inum >= fs->sb.ninodes || de->inum == FS_ROOT)
        return corrupt(fs, "directory %u names inode %u", dinum, de->inum);
    if (de->name[FS_NAME_MAX] || !valid_name(de->name, strlen(de->name)))
        return corrupt(fs, "directory %u has a bad name at entry %u", dinum, slot);
    return 0;
}

/* Write entry `slot` of directory dinum, growing it by a block if needed. */
static int dir_put(struct fsys *fs, uint32_t dinum, struct fs_dinode *dp, uint32_t slot,
                   const struct fs_dirent *de)
{
    uint32_t b;
    int fresh, r;
    if ((r = bmap(fs, dinum, dp, slot / FS_DPB, 1, &b, &fresh)) < 0) return r;
    if (fresh) {
        memset(fs->db, 0, FS_BSIZE);
        fs->db_blk = b;
    } else if ((r = db_load(fs, b)) < 0) {
        return r;
    }
    memcpy(fs->db + slot % FS_DPB * FS_DIRENT_SIZE, de, sizeof *de);
    if ((r = meta_write(fs, b, fs->db)) < 0) {
        fs->db_blk = 0;
        return r;
    }
    if ((slot + 1) * FS_DIRENT_SIZE > dp->size) {
        dp->size = (slot + 1) * FS_DIRENT_SIZE;
        return iwrite(fs, dinum, dp);
    }
    return fresh ? iwrite(fs, dinum, dp) : 0;
}

/* Find `name` in directory dinum: its inode and slot, or -KEA_ENOENT and
 * the first free slot (or the end) in *slot. */
static int dir_find(struct fsys *fs, uint32_t dinum, struct fs_dinode *dp, const char *name,
                    uint32_t *inum, uint32_t *slot)
{
    uint32_t n = dp->size / FS_DIRENT_SIZE, free_slot = n;
    struct fs_dirent de;
    for (uint32_t s = 0; s < n; s++) {
        int r = dir_get(fs, dinum, dp, s, &de);
        if (r < 0) return r;
        if (!de.inum) {
            if (free_slot == n) free_slot = s;
        } else if (strcmp(de.name, name) == 0) {
            *inum = de.inum;
            *slot = s;
            return 0;
        }
    }
    *slot = free_slot;
    return -KEA_ENOENT;
}

static int dir_empty(struct fsys *fs, uint32_t dinum, struct fs_dinode *dp)
{
    struct fs_dirent de;
    for (uint32_t s = 0; s < dp->size / FS_DIRENT_SIZE; s++) {
        int r = dir_get(fs, dinum, dp, s, &de);
        if (r < 0) return r;
        if (de.inum) return 0;
    }
    return 1;
}

/* Resolve path.  With `parent`, stop before the last component: *inum is
 * its directory and name the component (the root has none: -KEA_EINVAL).
 * The walk fails with -KEA_EINVAL if it passes through inode `avoid`
 * (rename: a directory into itself). */
static int walk(struct fsys *fs, const char *path, int parent, uint32_t avoid, uint32_t *inum,
                char *name)
{
    uint32_t cur = FS_ROOT;
    const char *p = path;
    struct fs_dinode d;
    for (;;) {
        if (cur == avoid) return -KEA_EINVAL;
        while (*p == '/') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != '/') e++;
        if (!valid_name(p, (size_t)(e - p))) return -KEA_EINVAL;
        char comp[FS_NAME_MAX + 1];
        memcpy(comp, p, (size_t)(e - p));
        comp[e - p] = 0;
        const char *rest = e;
        while (*rest == '/') rest++;
        if (parent && !*rest) {
            *inum = cur;
            memcpy(name, comp, sizeof comp);
            return 0;
        }
        int r = iread(fs, cur, &d);
        if (r < 0) return r;
        if (d.type != FS_T_DIR) return -KEA_EINVAL;      /* a file in the middle of a path */
        uint32_t slot;
        if ((r = dir_find(fs, cur, &d, comp, &cur, &slot)) < 0) return r;
        p = e;
    }
    if (parent) return -KEA_EINVAL;
    *inum = cur;
    return 0;
}

/* The parent directory of path (read into *dp) and the last name. */
static int walk_parent(struct fsys *fs, const char *path, uint32_t avoid, uint32_t *dinum,
                       struct fs_dinode *dp, char *name)
{
    int r = walk(fs, path, 1, avoid, dinum, name);
    if (r < 0) return r;
    if ((r = iread(fs, *dinum, dp)) < 0) return r;
    if (dp->type != FS_T_DIR) return dp->type == FS_T_FREE ?
        corrupt(fs, "a directory entry names free inode %u", *dinum) : -KEA_EINVAL;
    return 0;
}

/* ---- checking a whole file system ----------------------------------------- */

struct check {
    uint8_t *bitmap;            /* the on-disk bitmap */
    uint8_t *ref;               /* blocks reached */
    uint8_t *seen;              /* inodes reached */
    uint16_t *queue;            /* inodes to visit */
    uint32_t qhead, qtail;
    uint32_t past_eof;          /* blocks mapped past the end of their file */
};

static int bit(const uint8_t *m, uint32_t i) { return m[i / 8] >> (i % 8) & 1; }

/* Mark the tree at b (file blocks from fbn on) as reached. */
static int mark_tree(struct fsys *fs, struct check *c, uint32_t inum, const struct fs_dinode *ip,
                     uint32_t b, int level, uint32_t fbn)
{
    int r = check_ptr(fs, inum, b);
    if (r < 0) return r;
    if (bit(c->ref, b))
        return corrupt(fs, "block %u is used twice (again by inode %u)", b, inum);
    if (!bit(c->bitmap, b))
        return corrupt(fs, "block %u of inode %u is free in the bitmap", b, inum);
    c->ref[b / 8] |= (uint8_t)(1u << (b % 8));
    if (level == 0) {
        if ((uint64_t)fbn * FS_BSIZE >= ip->size) c->past_eof++;
        return 0;
    }
    uint32_t *tab = (uint32_t *)fs->walk[level - 1];
    if ((r = bio_read(fs, b, 1, tab)) < 0) return r;
    uint32_t span = level == 1 ? 1 : FS_NINDIRECT;
    for (uint32_t i = 0; i < FS_NINDIRECT; i++)
        if (tab[i] && (r = mark_tree(fs, c, inum, ip, tab[i], level - 1, fbn + i * span)) < 0)
            return r;
    return 0;
}

static int check_inode(struct fsys *fs, struct check *c, uint32_t inum)
{
    struct fs_dinode d;
    int r = iread(fs, inum, &d);
    if (r < 0) return r;
    if (d.type == FS_T_FREE)
        return corrupt(fs, "a directory entry names free inode %u", inum);
    if (inum == FS_ROOT && d.type != FS_T_DIR)
        return corrupt(fs, "the root is not a directory");
    for (uint32_t i = 0; i < FS_NDIRECT; i++)
        if (d.direct[i] && (r = mark_tree(fs, c, inum, &d, d.direct[i], 0, i)) < 0) return r;
    if (d.indirect && (r = mark_tree(fs, c, inum, &d, d.indirect, 1, FS_NDIRECT)) < 0) return r;
    if (d.dindirect &&
        (r = mark_tree(fs, c, inum, &d, d.dindirect, 2, FS_NDIRECT + FS_NINDIRECT)) < 0)
        return r;
    if (d.type != FS_T_DIR) return 0;
    struct fs_dirent de;
    for (uint32_t s = 0; s < d.size / FS_DIRENT_SIZE; s++) {
        if ((r = dir_get(fs, inum, &d, s, &de)) < 0) return r;
        if (!de.inum) continue;
        if (bit(c->seen, de.inum))
            return corrupt(fs, "inode %u has two names (again '%s' in %u)", de.inum, de.name, inum);
        c->seen[de.inum / 8] |= (uint8_t)(1u << (de.inum % 8));
        c->queue[c->qtail++] = (uint16_t)de.inum;
    }
    return 0;
}

/* Every file and directory reachable from the root has sound pointers, no
 * block is used twice or used but free in the bitmap, no inode has two
 * names, the bitmap covers the metadata.  What an interrupted operation
 * leaves (blocks or inodes in use that nothing reaches, blocks past the end
 * of a file) is reported and left alone. */
static int check_tree(struct fsys *fs)
{
    const struct fs_super *s = &fs->sb;
    struct check c = { 0 };
    int r = -KEA_ENOMEM;
    c.bitmap = malloc(s->bmap_blocks * FS_BSIZE);
    c.ref = calloc(s->bmap_blocks, FS_BSIZE);
    c.seen = calloc(s->ninodes / 8 + 1, 1);
    c.queue = malloc(s->ninodes * sizeof *c.queue);
    if (!c.bitmap || !c.ref || !c.seen || !c.queue) goto out;
    for (uint32_t i = 0; i < s->bmap_blocks; i += FS_RUN)
        if ((r = bio_read(fs, s->bmap_start + i, MIN(FS_RUN, s->bmap_blocks - i),
                          c.bitmap + i * FS_BSIZE)) < 0)
            goto out;
    for (uint32_t b = 0; b < s->bmap_blocks * FS_BPB; b++)
        if (b < s->data_start && !bit(c.bitmap, b)) {
            r = corrupt(fs, "metadata block %u is free in the bitmap", b);
            goto out;
        } else if (b >= s->nblocks && bit(c.bitmap, b)) {
            r = corrupt(fs, "the bitmap has block %u in use, past the end", b);
            goto out;
        }
    c.seen[FS_ROOT / 8] |= 1u << (FS_ROOT % 8);
    c.queue[c.qtail++] = FS_ROOT;
    while (c.qhead < c.qtail)
        if ((r = check_inode(fs, &c, c.queue[c.qhead++])) < 0) goto out;
    uint32_t leaked = 0, orphans = 0;
    for (uint32_t b = s->data_start; b < s->nblocks; b++)
        if (bit(c.bitmap, b) && !bit(c.ref, b)) leaked++;
    for (uint32_t i = 1; i < s->ninodes; i++) {
        if ((r = ib_load(fs, s->inode_start + i / FS_IPB)) < 0) goto out;
        const struct fs_dinode *d = (const struct fs_dinode *)(fs->ib + i % FS_IPB * FS_INODE_SIZE);
        if (d->type != FS_T_FREE && !bit(c.seen, i)) orphans++;
    }
    if (leaked || orphans || c.past_eof)
        note(fs, "%u blocks and %u inodes in use but unreachable, %u blocks past end of file "
             "(an interrupted operation; left alone)", leaked, orphans, c.past_eof);
    r = 0;
out:
    free(c.bitmap);
    free(c.ref);
    free(c.seen);
    free(c.queue);
    return r;
}

/* ---- mounting -------------------------------------------------------------- */

static int check_super(struct fsys *fs, const struct fs_super *s)
{
    if (s->magic != FS_MAGIC) {
        fs->broken = 1;
        note(fs, "no kea file system here (magic %#x, not %#x): format it", s->magic, FS_MAGIC);
        return -KEA_EBADOBJ;
    }
    if (s->version != FS_VERSION)
        return corrupt(fs, "version %u (this service reads %u)", s->version, FS_VERSION);
    if (s->checksum != fs_fnv1a(s, FS_SUPER_SUMMED))
        return corrupt(fs, "superblock checksum %#x, computed %#x", s->checksum,
                       fs_fnv1a(s, FS_SUPER_SUMMED));
    if (s->block_size != FS_BSIZE)
        return corrupt(fs, "block size %u", s->block_size);
    if (s->nblocks > fs->dev_blocks)
        return corrupt(fs, "%u blocks on a device of %u", s->nblocks, fs->dev_blocks);
    if (s->ninodes < FS_MIN_INODES || s->ninodes > FS_MAX_INODES || s->ninodes % FS_IPB)
        return corrupt(fs, "%u inodes", s->ninodes);
    /* The layout follows from nblocks and ninodes (docs/fs-format.md). */
    if (s->bmap_start != 1 || s->bmap_blocks != (s->nblocks + FS_BPB - 1) / FS_BPB ||
        s->inode_start != s->bmap_start + s->bmap_blocks ||
        s->inode_blocks != s->ninodes / FS_IPB ||
        s->data_start != s->inode_start + s->inode_blocks || s->data_start >= s->nblocks ||
        s->root != FS_ROOT)
        return corrupt(fs, "inconsistent layout");
    return 0;
}

/* Check the file system on the bound device and take it over. */
static int mount_bound(struct fsys *fs)
{
    fs->mounted = 0;
    fs->broken = 0;
    bm_drop(fs);
    forget_tags(fs);
    bio_forget(fs);
    int r = fsdev_read(fs, 0, 1, fs->sbuf);
    if (r < 0) return r;
    memcpy(&fs->sb, fs->sbuf, sizeof fs->sb);
    if ((r = check_super(fs, &fs->sb)) < 0 || (r = check_tree(fs)) < 0) return r;
    fs->sb.epoch++;
    if ((r = fsdev_write(fs, 0, 1, &fs->sb)) < 0) return r;
    fs->epoch = fs->sb.epoch;
    fs->mounted = 1;
    fs->lastnote[0] = 0;
    return 0;
}

void fs_init(struct fsys *fs, const char *svc, const char *devname)
{
    memset(fs, 0, sizeof *fs);
    fs->svc = svc;
    strlcpy(fs->devname, devname, sizeof fs->devname);
}

int fs_mount(struct fsys *fs, const char *dev)
{
    if (strlen(dev) >= FS_DEVNAME) return -KEA_EINVAL;
    fs->mounted = 0;
    strlcpy(fs->devname, dev, sizeof fs->devname);
    fs->lastnote[0] = 0;
    int r = bind_dev(fs, dev);
    return r < 0 ? r : mount_bound(fs);
}

/* Before each operation: mount if not mounted; if another service took the
 * device over since (the epoch moved), our cached blocks may be stale:
 * check the file system again and take it back. */
int fs_begin(struct fsys *fs)
{
    int r;
    forget_tags(fs);
    if (!fs->mounted) {
        if ((r = bind_dev(fs, fs->devname)) < 0) return r;
        return mount_bound(fs);
    }
    if ((r = fsdev_read(fs, 0, 1, fs->sbuf)) < 0) return r;
    const struct fs_super *now = (const struct fs_super *)fs->sbuf;
    if (now->epoch != fs->epoch || memcmp(now, &fs->sb, FS_SUPER_SUMMED) != 0) {
        if ((r = bind_dev(fs, fs->devname)) < 0) return r;
        return mount_bound(fs);
    }
    return fs->broken ? -KEA_EBADOBJ : 0;
}

int fs_end(struct fsys *fs)
{
    int r = fs->mounted ? bm_flush(fs) : 0;
    bm_drop(fs);
    forget_tags(fs);
    return r;
}

int fs_format(struct fsys *fs, const char *dev, uint32_t ninodes)
{
    if (strlen(dev) >= FS_DEVNAME) return -KEA_EINVAL;
    fs->mounted = 0;
    strlcpy(fs->devname, dev, sizeof fs->devname);
    fs->lastnote[0] = 0;
    bm_drop(fs);
    forget_tags(fs);
    bio_forget(fs);
    int r = bind_dev(fs, dev);
    if (r < 0) return r;
    uint32_t nblocks = fs->dev_blocks;
    if (ninodes == 0) ninodes = nblocks / 16;
    ninodes = (ninodes + FS_IPB - 1) / FS_IPB * FS_IPB;
    if (ninodes < FS_MIN_INODES) ninodes = FS_MIN_INODES;
    if (ninodes > FS_MAX_INODES) ninodes = FS_MAX_INODES;
    struct fs_super *s = &fs->sb;
    memset(s, 0, sizeof *s);
    s->magic = FS_MAGIC;
    s->version = FS_VERSION;
    s->block_size = FS_BSIZE;
    s->nblocks = nblocks;
    s->ninodes = ninodes;
    s->bmap_start = 1;
    s->bmap_blocks = (nblocks + FS_BPB - 1) / FS_BPB;
    s->inode_start = s->bmap_start + s->bmap_blocks;
    s->inode_blocks = ninodes / FS_IPB;
    s->data_start = s->inode_start + s->inode_blocks;
    s->root = FS_ROOT;
    if (nblocks > 0xffffffffu - FS_BPB || s->data_start + 1 > nblocks) {
        note(fs, "%u blocks are too few for %u inodes", nblocks, ninodes);
        return -KEA_EINVAL;
    }
    s->checksum = fs_fnv1a(s, FS_SUPER_SUMMED);

    /* The old superblock goes first, so an interrupted format leaves no
     * file system rather than a half-written one; the new epoch differs
     * from the old, so a service that served the old one notices. */
    if ((r = fsdev_read(fs, 0, 1, fs->sbuf)) < 0) return r;
    s->epoch = ((struct fs_super *)fs->sbuf)->epoch + 1;
    memset(fs->io, 0, sizeof fs->io);
    if ((r = fsdev_write(fs, 0, 1, fs->io)) < 0) return r;
    for (uint32_t i = 0; i < s->bmap_blocks; i++) {
        memset(fs->bm, 0, FS_BSIZE);
        for (uint32_t k = 0; k < FS_BPB; k++)
            if (i * FS_BPB + k < s->data_start) fs->bm[k / 8] |= (uint8_t)(1u << (k % 8));
        if ((r = fsdev_write(fs, s->bmap_start + i, 1, fs->bm)) < 0) return r;
    }
    for (uint32_t i = 0; i < s->inode_blocks; i += FS_RUN)
        if ((r = fsdev_write(fs, s->inode_start + i, MIN(FS_RUN, s->inode_blocks - i), fs->io)) < 0)
            return r;
    struct fs_dinode root = { .type = FS_T_DIR, .gen = 1 };
    memcpy(fs->io + FS_ROOT * FS_INODE_SIZE, &root, sizeof root);
    if ((r = fsdev_write(fs, s->inode_start, 1, fs->io)) < 0) return r;
    if ((r = fsdev_write(fs, 0, 1, s)) < 0) return r;
    fs->epoch = s->epoch;
    fs->broken = 0;
    fs->bhint = fs->ihint = 0;
    fs->mounted = 1;
    return 0;
}

/* ---- operations ------------------------------------------------------------ */

int fs_create(struct fsys *fs, const char *path, int dir, uint32_t *h)
{
    uint32_t dinum, inum, slot;
    struct fs_dinode dp, ip;
    char name[FS_NAME_MAX + 1];
    int r = walk_parent(fs, path, 0, &dinum, &dp, name);
    if (r < 0) return r;
    if ((r = dir_find(fs, dinum, &dp, name, &inum, &slot)) != -KEA_ENOENT)
        return r < 0 ? r : -KEA_EEXIST;
    if ((r = ialloc(fs, dir ? FS_T_DIR : FS_T_FILE, &inum, &ip)) < 0) return r;
    struct fs_dirent de = { .inum = inum };
    strlcpy(de.name, name, sizeof de.name);
    if ((r = dir_put(fs, dinum, &dp, slot, &de)) < 0) {
        ifree(fs, inum, &ip);           /* the directory is full: undo */
        return r;
    }
    *h = FS_HANDLE(inum, ip.gen);
    return 0;
}

int fs_open(struct fsys *fs, const char *path, uint32_t *h, uint32_t *size, int *dir)
{
    uint32_t inum;
    struct fs_dinode ip;
    int r = walk(fs, path, 0, 0, &inum, 0);
    if (r < 0 || (r = iread(fs, inum, &ip)) < 0) return r;
    if (ip.type == FS_T_FREE) return corrupt(fs, "a directory entry names free inode %u", inum);
    *h = FS_HANDLE(inum, ip.gen);
    *size = ip.size;
    *dir = ip.type == FS_T_DIR;
    return 0;
}

int fs_read(struct fsys *fs, uint32_t h, uint32_t off, void *buf, size_t cap, size_t *len)
{
    uint32_t inum;
    struct fs_dinode ip;
    int r = ihandle(fs, h, &inum, &ip);
    if (r < 0) return r;
    if (ip.type != FS_T_FILE) return -KEA_EINVAL;
    *len = 0;
    if (off >= ip.size || cap == 0) return 0;
    uint32_t n = (uint32_t)MIN(MIN(cap, (size_t)IDC_BUF_MAX), (size_t)(ip.size - off));
    if ((r = read_data(fs, inum, &ip, off, n, buf)) < 0) return r;
    *len = n;
    return 0;
}

int fs_write(struct fsys *fs, uint32_t h, uint32_t off, const void *data, size_t len,
             uint32_t *size)
{
    uint32_t inum;
    struct fs_dinode ip;
    int r = ihandle(fs, h, &inum, &ip);
    if (r < 0) return r;
    if (ip.type != FS_T_FILE) return -KEA_EINVAL;
    if (len > IDC_BUF_MAX) return -KEA_E2BIG;
    if (off > FS_MAX_FILE || len > FS_MAX_FILE - off) return -KEA_E2BIG;
    if (len > 0) {
        if ((r = write_data(fs, inum, &ip, off, (uint32_t)len, data)) < 0) return r;
        if (off + len > ip.size) ip.size = off + (uint32_t)len;
        if ((r = iwrite(fs, inum, &ip)) < 0) return r;
    }
    *size = ip.size;
    return 0;
}

int fs_truncate(struct fsys *fs, uint32_t h, uint32_t size)
{
    uint32_t inum;
    struct fs_dinode ip;
    int r = ihandle(fs, h, &inum, &ip);
    if (r < 0) return r;
    if (ip.type != FS_T_FILE) return -KEA_EINVAL;
    if (size > FS_MAX_FILE) return -KEA_E2BIG;
    if (size < ip.size) {
        /* Free first, then shrink: interrupted, the file keeps its size
         * with holes where blocks went.  The tail of the new last block is
         * zeroed, as bytes past the end must be for a later growth. */
        uint32_t keep = (size + FS_BSIZE - 1) / FS_BSIZE;
        if ((r = unmap_range(fs, inum, &ip, keep, FS_MAXBLOCKS)) < 0) return r;
        if (size % FS_BSIZE &&
            (r = zero_part(fs, inum, &ip, size, (size / FS_BSIZE + 1) * FS_BSIZE)) < 0)
            return r;
    }
    ip.size = size;
    return iwrite(fs, inum, &ip);
}

int fs_punch(struct fsys *fs, uint32_t h, uint32_t off, uint32_t len)
{
    uint32_t inum;
    struct fs_dinode ip;
    int r = ihandle(fs, h, &inum, &ip);
    if (r < 0) return r;
    if (ip.type != FS_T_FILE) return -KEA_EINVAL;
    uint32_t end = len > ip.size - MIN(off, ip.size) ? ip.size : off + len;
    if (off >= end) return 0;
    /* Whole blocks go; the last block of the file goes whole too when the
     * range reaches the end (past the end it is zeros anyway). */
    uint32_t fa = (off + FS_BSIZE - 1) / FS_BSIZE;
    uint32_t fz = end == ip.size ? (end + FS_BSIZE - 1) / FS_BSIZE : end / FS_BSIZE;
    if (fa > fz) {                          /* inside one block */
        return zero_part(fs, inum, &ip, off, end);
    }
    if (off % FS_BSIZE && (r = zero_part(fs, inum, &ip, off, fa * FS_BSIZE)) < 0) return r;
    if (fz * FS_BSIZE < end && (r = zero_part(fs, inum, &ip, fz * FS_BSIZE, end)) < 0) return r;
    return fa < fz ? unmap_range(fs, inum, &ip, fa, fz) : 0;
}

int fs_stat(struct fsys *fs, uint32_t h, uint32_t *size, uint32_t *blocks, int *dir)
{
    uint32_t inum, n = 0;
    struct fs_dinode ip;
    int r = ihandle(fs, h, &inum, &ip);
    if (r < 0) return r;
    for (uint32_t i = 0; i < FS_NDIRECT; i++)
        if (ip.direct[i] && (r = count_tree(fs, inum, ip.direct[i], 0, &n)) < 0) return r;
    if (ip.indirect && (r = count_tree(fs, inum, ip.indirect, 1, &n)) < 0) return r;
    if (ip.dindirect && (r = count_tree(fs, inum, ip.dindirect, 2, &n)) < 0) return r;
    *size = ip.size;
    *blocks = n;
    *dir = ip.type == FS_T_DIR;
    return 0;
}

int fs_list(struct fsys *fs, const char *path, uint32_t start, void *out, size_t cap,
            size_t *len, uint32_t *next)
{
    uint32_t dinum;
    struct fs_dinode dp, ip;
    int r = walk(fs, path, 0, 0, &dinum, 0);
    if (r < 0 || (r = iread(fs, dinum, &dp)) < 0) return r;
    if (dp.type != FS_T_DIR) return -KEA_EINVAL;
    if (cap < sizeof(struct fs_entry)) return -KEA_EINVAL;
    uint32_t nslots = dp.size / FS_DIRENT_SIZE, s = start;
    size_t n = 0;
    struct fs_dirent de;
    for (; s < nslots && n + sizeof(struct fs_entry) <= cap; s++) {
        if ((r = dir_get(fs, dinum, &dp, s, &de)) < 0) return r;
        if (!de.inum) continue;
        if ((r = iread(fs, de.inum, &ip)) < 0) return r;
        if (ip.type == FS_T_FREE)
            return corrupt(fs, "directory %u names free inode %u", dinum, de.inum);
        struct fs_entry e = { .size = ip.size, .dir = ip.type == FS_T_DIR };
        memcpy(e.name, de.name, sizeof e.name);
        memcpy((uint8_t *)out + n, &e, sizeof e);
        n += sizeof e;
    }
    *len = n;
    *next = s < nslots ? s : 0;
    return 0;
}

int fs_remove(struct fsys *fs, const char *path)
{
    uint32_t dinum, inum, slot;
    struct fs_dinode dp, ip;
    char name[FS_NAME_MAX + 1];
    int r = walk_parent(fs, path, 0, &dinum, &dp, name);
    if (r < 0 || (r = dir_find(fs, dinum, &dp, name, &inum, &slot)) < 0) return r;
    if ((r = iread(fs, inum, &ip)) < 0) return r;
    if (ip.type == FS_T_FREE) return corrupt(fs, "directory %u names free inode %u", dinum, inum);
    if (ip.type == FS_T_DIR && (r = dir_empty(fs, inum, &ip)) <= 0)
        return r < 0 ? r : -KEA_EBUSY;
    static const struct fs_dirent none;
    if ((r = dir_put(fs, dinum, &dp, slot, &none)) < 0) return r;
    if ((r = unmap_range(fs, inum, &ip, 0, FS_MAXBLOCKS)) < 0) return r;
    return ifree(fs, inum, &ip);
}

int fs_rename(struct fsys *fs, const char *from, const char *to)
{
    uint32_t odir, ndir, inum, oslot, other, nslot;
    struct fs_dinode op, np, ip;
    char oname[FS_NAME_MAX + 1], nname[FS_NAME_MAX + 1];
    int r = walk_parent(fs, from, 0, &odir, &op, oname);
    if (r < 0 || (r = dir_find(fs, odir, &op, oname, &inum, &oslot)) < 0) return r;
    if ((r = iread(fs, inum, &ip)) < 0) return r;
    /* A directory may not move under itself: the new path may not pass
     * through it. */
    if ((r = walk_parent(fs, to, ip.type == FS_T_DIR ? inum : 0, &ndir, &np, nname)) < 0)
        return r;
    if ((r = dir_find(fs, ndir, &np, nname, &other, &nslot)) != -KEA_ENOENT)
        return r < 0 ? r : other == inum ? 0 : -KEA_EEXIST;
    struct fs_dirent de = { .inum = inum };
    strlcpy(de.name, nname, sizeof de.name);
    if (ndir == odir)                       /* one write: the name in place */
        return dir_put(fs, odir, &op, oslot, &de);
    /* The old name goes first: interrupted in between, the file has no
     * name (reported, the disk still mounts) rather than two (refused). */
    static const struct fs_dirent none;
    if ((r = dir_put(fs, odir, &op, oslot, &none)) < 0) return r;
    if ((r = dir_put(fs, ndir, &np, nslot, &de)) < 0) {
        dir_put(fs, odir, &op, oslot, &de);     /* the new directory is full: undo */
        return r;
    }
    return 0;
}

int fs_sync(struct fsys *fs)
{
    int r = block_sync(&fs->dev);
    return r < 0 ? dev_error(fs, r) : 0;
}

int fs_statfs(struct fsys *fs, uint32_t *blocks, uint32_t *free_blocks, uint32_t *free_inodes)
{
    const struct fs_super *s = &fs->sb;
    uint32_t nfree = 0, ifree_n = 0;
    int r;
    for (uint32_t b = s->data_start; b < s->nblocks; b++) {
        if ((r = bm_hold(fs, b)) < 0) return r;
        if (!bit(fs->bm, b % FS_BPB)) nfree++;
    }
    for (uint32_t i = 1; i < s->ninodes; i++) {
        if ((r = ib_load(fs, s->inode_start + i / FS_IPB)) < 0) return r;
        const struct fs_dinode *d = (const struct fs_dinode *)(fs->ib + i % FS_IPB * FS_INODE_SIZE);
        if (d->type == FS_T_FREE) ifree_n++;
    }
    *blocks = s->nblocks - s->data_start;
    *free_blocks = nfree;
    *free_inodes = ifree_n;
    return 0;
}
