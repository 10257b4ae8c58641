/* The file system of simplefs and cachefs: directories, paths, and the
 * calls on names (fscore_int.h). */
#include <string.h>
#include <kea/idc.h>
#include "fscore_int.h"

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
int dir_get(struct fsys *fs, uint32_t dinum, struct fs_dinode *dp, uint32_t slot,
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

/* ---- calls on names -------------------------------------------------------- */

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

