/* What the files of the file system behind fscore.h share (private to
 * them; fsserv.c and the services see fscore.h only).  One file per
 * mechanism:
 *
 *   fscore.c   messages, the device, mounting and formatting, the bracket
 *              of every operation (fs_begin/fs_end), whole-system calls
 *   fscheck.c  the check of the whole tree at mount
 *   fsalloc.c  block allocation: the free-block bitmap
 *   fsinode.c  inodes and block maps (a file's blocks, unmapping them)
 *   fsfile.c   file data and the calls on handles (read, write, ...)
 *   fsdir.c    directories, paths and the calls on names (create, ...)
 *
 * The rules of fscore.c's opening comment (nothing on disk trusted, the
 * write order) hold in all of them.  Each service object keeps only
 * kea_service global (objcopy -G, services/services.mk), so the names
 * below go no further than the object. */
#ifndef KEA_FSCORE_INT_H
#define KEA_FSCORE_INT_H
#include <stddef.h>
#include <stdint.h>
#include <kea/idc.h>
#include "fscore.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* fscore.c: messages.  note prints "svc: dev: message" unless it repeats
 * the last one; corrupt says how the file system is damaged, marks it
 * broken and returns -KEA_EBADOBJ. */
void note(struct fsys *fs, const char *fmt, ...);
int corrupt(struct fsys *fs, const char *fmt, ...);

/* fsalloc.c: the bitmap block held during an operation, and allocation. */
int bm_flush(struct fsys *fs);
int bm_hold(struct fsys *fs, uint32_t b);
void bm_drop(struct fsys *fs);
int meta_write(struct fsys *fs, uint32_t b, const void *buf);
int balloc(struct fsys *fs, uint32_t *out);
int bfree(struct fsys *fs, uint32_t b);
int check_ptr(struct fsys *fs, uint32_t inum, uint32_t b);

/* Bit i of a bitmap. */
static inline int bit(const uint8_t *m, uint32_t i) { return m[i / 8] >> (i % 8) & 1; }

/* fsinode.c: inode and directory blocks, inodes, block maps. */
int ib_load(struct fsys *fs, uint32_t b);
int db_load(struct fsys *fs, uint32_t b);
void forget_tags(struct fsys *fs);
int iread(struct fsys *fs, uint32_t inum, struct fs_dinode *ip);
int iwrite(struct fsys *fs, uint32_t inum, const struct fs_dinode *ip);
int ihandle(struct fsys *fs, uint32_t h, uint32_t *inum, struct fs_dinode *ip);
int ialloc(struct fsys *fs, uint16_t type, uint32_t *inum, struct fs_dinode *ip);
int ifree(struct fsys *fs, uint32_t inum, struct fs_dinode *ip);
int bmap(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t fbn, int alloc,
         uint32_t *out, int *fresh);
int count_tree(struct fsys *fs, uint32_t inum, uint32_t b, int level, uint32_t *n);
int unmap_range(struct fsys *fs, uint32_t inum, struct fs_dinode *ip, uint32_t from,
                uint32_t to);

/* fsdir.c: one directory entry, checked. */
int dir_get(struct fsys *fs, uint32_t dinum, struct fs_dinode *dp, uint32_t slot,
            struct fs_dirent *de);

/* fscheck.c: the whole tree, at mount. */
int check_tree(struct fsys *fs);
#endif
