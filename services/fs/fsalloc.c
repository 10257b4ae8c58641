/* The file system of simplefs and cachefs: block allocation, through the
 * free-block bitmap (fscore_int.h). */
#include <kea/idc.h>
#include "fscore_int.h"

/* ---- the bitmap ---------------------------------------------------------- */

int bm_flush(struct fsys *fs)
{
    if (!fs->bm_dirty) return 0;
    int r = bio_write(fs, fs->bm_block, 1, fs->bm);
    if (r < 0) return r;
    fs->bm_dirty = 0;
    return 0;
}

/* Hold the bitmap block with the bit of block b. */
int bm_hold(struct fsys *fs, uint32_t b)
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
void bm_drop(struct fsys *fs)
{
    fs->bm_block = 0;
    fs->bm_dirty = 0;
}

/* Write a block that may point to other blocks (an inode, a block table, a
 * directory): allocations must be on disk first. */
int meta_write(struct fsys *fs, uint32_t b, const void *buf)
{
    int r = bm_flush(fs);
    return r < 0 ? r : bio_write(fs, b, 1, buf);
}

int balloc(struct fsys *fs, uint32_t *out)
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

int bfree(struct fsys *fs, uint32_t b)
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

int check_ptr(struct fsys *fs, uint32_t inum, uint32_t b)
{
    if (b < fs->sb.data_start || b >= fs->sb.nblocks)
        return corrupt(fs, "inode %u points to block %u, outside the data area", inum, b);
    return 0;
}
