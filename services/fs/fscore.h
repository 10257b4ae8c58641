/* The file system of simplefs and cachefs: the on-disk format of
 * fsformat.h over a block service, one implementation for both services.
 * What differs between them is the block layer under it (bio_* below):
 * simplefs goes to the device for every block, cachefs keeps a cache.
 *
 * Every operation runs between fs_begin() and fs_end(), with the service's
 * lock held (fsserv.c): the functions here are not reentrant, they share
 * the scratch buffers in struct fsys.
 *
 * Writes are write-through: when an operation returns, every block it
 * changed has been written to the device, so the disk alone holds the file
 * system's state.  That is what lets a client be switched from one service
 * to another between two calls without losing anything.  The superblock's
 * epoch says which service served the device last: a service that finds
 * another epoch there than the one it set drops its cached blocks, checks
 * the file system again and takes the device over (docs/fs-format.md). */
#ifndef KEA_FSCORE_H
#define KEA_FSCORE_H
#include <stddef.h>
#include <stdint.h>
#include <kea/binding.h>
#include "fsformat.h"

#define FS_DEVNAME   32             /* longest block service name + 1 */
#define FS_RUN       8u             /* blocks one device call carries (4 KiB) */

struct fsys {
    const char *svc;                /* service name, for messages */
    char devname[FS_DEVNAME];       /* block service to mount (or mounted) */

    /* the device */
    kea_binding_t dev;
    char bound[FS_DEVNAME];         /* what dev is bound to; "" for nothing */
    uint32_t dev_blocks;
    int claimed;                    /* we hold dev's claim (block.claim) */

    /* the mounted file system */
    int mounted;
    int broken;                     /* corruption found: refuse until remounted */
    struct fs_super sb;             /* as checked at mount */
    uint32_t epoch;                 /* the epoch this service set */
    uint32_t bhint, ihint;          /* where the last allocations were */

    /* One bitmap block held during an operation: allocations and frees
     * change it here; it is written before any block that could point to
     * a block it allocates (meta_write) and at fs_end. */
    uint32_t bm_block;              /* device block, 0 when none is held */
    int bm_dirty;
    uint8_t bm[FS_BSIZE];

    /* scratch, one per purpose so that nested helpers do not clash */
    uint8_t io[(FS_RUN + 1) * FS_BSIZE];   /* file data of one call */
    uint8_t ib[FS_BSIZE];           /* an inode block: block ib_blk (0: none) */
    uint8_t db[FS_BSIZE];           /* a directory block: block db_blk */
    uint32_t ib_blk, db_blk;
    uint8_t sbuf[FS_BSIZE];         /* the superblock as read at fs_begin */
    uint8_t tab[2][FS_BSIZE];       /* block tables being changed, per level */
    uint32_t gone[2][FS_NINDIRECT]; /* pointers cleared there, to free after */
    uint8_t walk[2][FS_BSIZE];      /* block tables being walked, per level */

    char lastnote[120];             /* the last message printed (not repeated) */
    uint32_t dev_reads, dev_writes; /* device calls, for statistics */
};

/* The block layer: one per service. */
int bio_read(struct fsys *fs, uint32_t b, uint32_t n, void *buf);
int bio_write(struct fsys *fs, uint32_t b, uint32_t n, const void *buf);
void bio_forget(struct fsys *fs);   /* drop every cached block */

/* Straight to the device (n <= FS_RUN blocks); the block layers use them. */
int fsdev_read(struct fsys *fs, uint32_t b, uint32_t n, void *buf);
int fsdev_write(struct fsys *fs, uint32_t b, uint32_t n, const void *buf);

void fs_init(struct fsys *fs, const char *svc, const char *devname);
int fs_begin(struct fsys *fs);
int fs_end(struct fsys *fs);

int fs_mount(struct fsys *fs, const char *dev);
int fs_format(struct fsys *fs, const char *dev, uint32_t ninodes);
int fs_create(struct fsys *fs, const char *path, int dir, uint32_t *h);
int fs_open(struct fsys *fs, const char *path, uint32_t *h, uint32_t *size, int *dir);
int fs_read(struct fsys *fs, uint32_t h, uint32_t off, void *buf, size_t cap, size_t *len);
int fs_write(struct fsys *fs, uint32_t h, uint32_t off, const void *data, size_t len,
             uint32_t *size);
int fs_truncate(struct fsys *fs, uint32_t h, uint32_t size);
int fs_punch(struct fsys *fs, uint32_t h, uint32_t off, uint32_t len);
int fs_stat(struct fsys *fs, uint32_t h, uint32_t *size, uint32_t *blocks, int *dir);
int fs_list(struct fsys *fs, const char *path, uint32_t start, void *out, size_t cap,
            size_t *len, uint32_t *next);
int fs_remove(struct fsys *fs, const char *path);
int fs_rename(struct fsys *fs, const char *from, const char *to);
int fs_sync(struct fsys *fs);
int fs_release(struct fsys *fs);      /* give the device's claim up (fs.release) */
int fs_statfs(struct fsys *fs, uint32_t *blocks, uint32_t *free_blocks, uint32_t *free_inodes);
#endif
