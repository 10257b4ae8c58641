/* What travels through the fs interface (services/fs/fs.idl) besides the
 * words: the records of fs_list, and the limits a client can rely on.
 * Clients include this beside fs_client.h. */
#ifndef KEA_FSPROTO_H
#define KEA_FSPROTO_H
#include <stdint.h>

#define FS_NAME_MAX   59            /* bytes in one path component */
#define FS_MAX_FILE   8459776u      /* largest file of simplefs/cachefs (fsformat.h) */

/* One directory entry as fs_list returns it: 68 bytes, 60 per call. */
struct fs_entry {
    uint32_t size;                  /* bytes (for compress: the uncompressed size) */
    uint32_t dir;                   /* 1 for a directory */
    char name[FS_NAME_MAX + 1];     /* NUL-terminated */
};

#define FS_ENTRIES_PER_CALL (4096 / sizeof(struct fs_entry))

/* A handle: the inode number and the low 16 bits of the inode's generation
 * (bumped each time the inode is reused), so a handle outliving its file is
 * refused with -KEA_ENOENT instead of reaching the next file there.  It is
 * a property of the disk: any service of the same disk accepts it. */
#define FS_HANDLE(inum, gen)   ((uint32_t)(inum) | ((uint32_t)(gen) & 0xffffu) << 16)
#define FS_HANDLE_INUM(h)      ((h) & 0xffffu)
#define FS_HANDLE_GEN(h)       ((h) >> 16)

#endif
