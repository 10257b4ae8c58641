/* The on-disk format of simplefs and cachefs (docs/fs-format.md), shared
 * with the host tool scripts/kfs.py.  Everything is little-endian; one file
 * system block is one 512-byte device block.
 *
 *   block 0                      superblock
 *   [bmap_start, +bmap_blocks)   free-block bitmap: bit b set = block b in use
 *   [inode_start, +inode_blocks) inode table, 8 inodes of 64 bytes a block
 *   [data_start, nblocks)        file and directory data, block tables
 *
 * A directory is a file of 64-byte entries; inode 0 is never used, inode 1
 * is the root directory.  Each file maps its blocks through 11 direct
 * pointers, one indirect block (128 pointers) and one double-indirect block;
 * a zero pointer is a hole, which reads as zeros. */
#ifndef KEA_FSFORMAT_H
#define KEA_FSFORMAT_H
#include <stdint.h>
#include "fsproto.h"

#define FS_BSIZE        512u
#define FS_MAGIC        0x3153464bu     /* "KFS1" */
#define FS_VERSION      1u
#define FS_NDIRECT      11u
#define FS_NINDIRECT    (FS_BSIZE / 4)                          /* 128 */
#define FS_MAXBLOCKS    (FS_NDIRECT + FS_NINDIRECT + FS_NINDIRECT * FS_NINDIRECT)
#define FS_INODE_SIZE   64u
#define FS_IPB          (FS_BSIZE / FS_INODE_SIZE)              /* inodes a block */
#define FS_DIRENT_SIZE  64u
#define FS_DPB          (FS_BSIZE / FS_DIRENT_SIZE)             /* entries a block */
#define FS_BPB          (FS_BSIZE * 8)                          /* bitmap bits a block */
#define FS_ROOT         1u
#define FS_MAX_INODES   65536u          /* inode numbers fit a handle's 16 bits */
#define FS_MIN_INODES   8u
#define FS_SUPER_SUMMED 44u             /* bytes the checksum covers */

_Static_assert((uint64_t)FS_MAXBLOCKS * FS_BSIZE == FS_MAX_FILE, "FS_MAX_FILE in fsproto.h");

enum { FS_T_FREE = 0, FS_T_FILE = 1, FS_T_DIR = 2 };

struct fs_super {
    uint32_t magic;             /* FS_MAGIC */
    uint32_t version;           /* FS_VERSION */
    uint32_t block_size;        /* FS_BSIZE */
    uint32_t nblocks;           /* blocks of the file system (<= the device's) */
    uint32_t ninodes;           /* entries of the inode table, inode 0 included */
    uint32_t bmap_start, bmap_blocks;
    uint32_t inode_start, inode_blocks;
    uint32_t data_start;
    uint32_t root;              /* FS_ROOT */
    uint32_t checksum;          /* FNV-1a of the 44 bytes above */
    /* Not summed: bumped by each service that takes the device over, so a
     * service that served it earlier knows its cached blocks are stale. */
    uint32_t epoch;
    uint8_t unused[FS_BSIZE - 52];  /* zero */
};

struct fs_dinode {
    uint16_t type;              /* FS_T_* */
    uint16_t unused;            /* zero */
    uint32_t size;              /* bytes */
    uint32_t gen;               /* bumped at each allocation of the inode */
    uint32_t direct[FS_NDIRECT];
    uint32_t indirect;
    uint32_t dindirect;
};

struct fs_dirent {
    uint32_t inum;              /* 0: a free slot */
    char name[FS_NAME_MAX + 1]; /* NUL-padded; name[FS_NAME_MAX] is always 0 */
};

_Static_assert(sizeof(struct fs_super) == FS_BSIZE, "superblock is one block");
_Static_assert(sizeof(struct fs_dinode) == FS_INODE_SIZE, "inode size");
_Static_assert(sizeof(struct fs_dirent) == FS_DIRENT_SIZE, "directory entry size");

/* FNV-1a, 32 bits: the superblock checksum. */
static inline uint32_t fs_fnv1a(const void *p, uint32_t n)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;
    while (n--) h = (h ^ *b++) * 16777619u;
    return h;
}
#endif
