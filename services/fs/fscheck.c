/* The file system of simplefs and cachefs: the check of the whole tree at
 * mount (fscore_int.h). */
#include <stdlib.h>
#include <kea/idc.h>
#include "fscore_int.h"

/* ---- checking a whole file system ----------------------------------------- */

struct check {
    uint8_t *bitmap;            /* the on-disk bitmap */
    uint8_t *ref;               /* blocks reached */
    uint8_t *seen;              /* inodes reached */
    uint16_t *queue;            /* inodes to visit */
    uint32_t qhead, qtail;
    uint32_t past_eof;          /* blocks mapped past the end of their file */
};

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
int check_tree(struct fsys *fs)
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
