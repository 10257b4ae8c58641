/* The file system of simplefs and cachefs: file data, and the calls on a
 * file's handle (fscore_int.h). */
#include <string.h>
#include <kea/idc.h>
#include "fscore_int.h"

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

/* ---- calls on handles ------------------------------------------------------ */

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

