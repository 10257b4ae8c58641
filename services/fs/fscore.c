/* The file system of simplefs and cachefs (fscore.h, docs/fs-format.md):
 * messages, the device, mounting and formatting.  The rest is one file per
 * mechanism, listed in fscore_int.h; the rules below hold in all of them.
 *
 * Nothing read from the disk is trusted: every block pointer, inode number,
 * type, size and name is checked before use, and a bad one fails the
 * operation with -KEA_EBADOBJ and a message instead of a fault.  Mounting
 * checks the whole tree (check_tree, fscheck.c).
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
 * written: data is not journalled.)
 *
 * Two file services must never use one disk at the same moment: each
 * trusts what it read at the start of its operation, and interleaved
 * operations corrupt the metadata.  So a service claims its device
 * (block.claim, services/block/claim.h) before it mounts or formats it and
 * keeps the claim until it is asked to let go (fs.release, for handing the
 * disk to a successor) or unloaded.  A claim held by another is waited for
 * a short while (the hand-over of an upgrade), then refused with a
 * message naming the holder. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "block_client.h"
#include "thread_client.h"
#include "fscore_int.h"

extern const kea_binding_t kea_base_thread;

#define CLAIM_TRIES 200                 /* 10 ms apart: a predecessor's hand-over */

/* ---- messages ------------------------------------------------------------ */

/* Print "svc: dev: message" unless it repeats the last one (a blank disk
 * would otherwise say so at every call). */
void note(struct fsys *fs, const char *fmt, ...)
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
int corrupt(struct fsys *fs, const char *fmt, ...)
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
        fs->claimed = 0;
    }
    return r;
}

/* Claim the bound device for this service (see the top of the file). */
static int claim_dev(struct fsys *fs)
{
    if (fs->claimed) return 0;
    char holder[33];
    int r;
    for (int tries = 0;; tries++) {
        memset(holder, 0, sizeof holder);
        r = block_claim(&fs->dev, fs->svc, holder, sizeof holder - 1, 0);
        if (r != -KEA_EBUSY || tries == CLAIM_TRIES) break;
        thread_sleep(&kea_base_thread, 10);
    }
    if (r == -KEA_EBUSY) {
        note(fs, "the device is in use by %s (refused: one file service per disk)",
             holder[0] ? holder : "another file service");
        return r;
    }
    if (r < 0) return dev_error(fs, r);
    fs->claimed = 1;
    return 0;
}

int fs_release(struct fsys *fs)
{
    if (!fs->claimed) return 0;
    fs_sync(fs);
    int r = block_release(&fs->dev, fs->svc);
    fs->claimed = 0;
    fs->mounted = 0;                    /* the next call claims and checks again */
    bio_forget(fs);
    return r == -KEA_EDEAD || r == -KEA_EBADPORTAL ? 0 : r;
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
        if (fs->claimed) fs_release(fs);        /* the old device is free for others */
        fs->dev = b;
        strlcpy(fs->bound, name, sizeof fs->bound);
    }
    int r = claim_dev(fs);
    if (r < 0) return r;
    uint32_t n = 0, bs = 0;
    r = block_info(&fs->dev, &n, &bs);
    if (r < 0) return dev_error(fs, r);
    if (bs != FS_BSIZE) {
        note(fs, "block size %u, not %u", bs, FS_BSIZE);
        return -KEA_EINVAL;
    }
    fs->dev_blocks = n;
    return 0;
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

/* ---- the file system as a whole -------------------------------------------- */

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
