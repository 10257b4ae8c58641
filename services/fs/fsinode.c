/* The file system of simplefs and cachefs: inodes, and the block maps that
 * find a file's blocks, make them and unmap them (fscore_int.h). */
#include <string.h>
#include <kea/idc.h>
#include "fscore_int.h"

/* ---- inodes -------------------------------------------------------------- */

/* Inode and directory blocks are read into fs->ib and fs->db; within one
 * operation the block last read there is reused (ops often touch the same
 * one several times).  Between operations the tags are forgotten: another
 * service may have changed the disk. */
int ib_load(struct fsys *fs, uint32_t b)
{
    if (fs->ib_blk == b) return 0;
    fs->ib_blk = 0;
    int r = bio_read(fs, b, 1, fs->ib);
    if (r == 0) fs->ib_blk = b;
    return r;
}

int db_load(struct fsys *fs, uint32_t b)
{
    if (fs->db_blk == b) return 0;
    fs->db_blk = 0;
    int r = bio_read(fs, b, 1, fs->db);
    if (r == 0) fs->db_blk = b;
    return r;
}

void forget_tags(struct fsys *fs)
{
    fs->ib_blk = fs->db_blk = 0;
}

int iread(struct fsys *fs, uint32_t inum, struct fs_dinode *ip)
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

int iwrite(struct fsys *fs, uint32_t inum, const struct fs_dinode *ip)
{
    uint32_t b = fs->sb.inode_start + inum / FS_IPB;
    int r = ib_load(fs, b);
    if (r < 0) return r;
    memcpy(fs->ib + inum % FS_IPB * FS_INODE_SIZE, ip, sizeof *ip);
    if ((r = meta_write(fs, b, fs->ib)) < 0) fs->ib_blk = 0;
    return r;
}

/* The file a handle names (-KEA_ENOENT if it is gone or was reused). */
int ihandle(struct fsys *fs, uint32_t h, uint32_t *inum, struct fs_dinode *ip)
{
    *inum = FS_HANDLE_INUM(h);
    if (*inum == 0 || *inum >= fs->sb.ninodes) return -KEA_ENOENT;
    int r = iread(fs, *inum, ip);
    if (r < 0) return r;
    if (ip->type == FS_T_FREE || (ip->gen & 0xffffu) != FS_HANDLE_GEN(h)) return -KEA_ENOENT;
    return 0;
}

int ialloc(struct fsys *fs, uint16_t type, uint32_t *inum, struct fs_dinode *ip)
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

int ifree(struct fsys *fs, uint32_t inum, struct fs_dinode *ip)
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
int bmap(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t fbn, int alloc,
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
int count_tree(struct fsys *fs, uint32_t inum, uint32_t b, int level, uint32_t *n)
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
int unmap_range(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t from,
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
