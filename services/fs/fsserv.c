/* The fs interface (fs.idl) of simplefs and cachefs over the file system
 * of the file system core (fscore.c and siblings): one lock around each operation, the file system mounted on
 * first use, and the mount carried over in a live migration.
 *
 * One lock serialises the operations.  In a user domain callers' threads
 * are preempted; in the kernel a call can be suspended while the block
 * service runs in a user domain.  Waiting yields the CPU, so the holder
 * (which may be preempted, never blocked on the lock) gets on. */
#include <string.h>
#include <kea/idc.h>
#include <kea/service.h>
#include "fs_server.h"
#include "thread_client.h"
#include "fscore.h"
#include "fsserv.h"

extern const kea_binding_t kea_base_thread;

static struct fsys the_fs;
static volatile int busy;

static void lock(void)
{
    while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
        thread_yield(&kea_base_thread);
}

static void unlock(void) { __atomic_store_n(&busy, 0, __ATOMIC_RELEASE); }

/* Finish an operation: the bitmap block held during it goes to disk. */
static int done(int r)
{
    int e = fs_end(&the_fs);
    unlock();
    return r < 0 ? r : e < 0 ? e : r;
}

/* Start one: lock, mount if needed, notice a takeover by another service. */
static int start(void)
{
    lock();
    int r = fs_begin(&the_fs);
    if (r < 0) done(r);
    return r;
}

static int op_mount(void *self, const char *source)
{
    (void)self;
    lock();
    return done(fs_mount(&the_fs, source));
}

static int op_format(void *self, const char *blockdev, uint32_t ninodes)
{
    (void)self;
    lock();
    return done(fs_format(&the_fs, blockdev, ninodes));
}

static int op_create(void *self, const char *path, bool dir, kea_handle_t *file)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_create(&the_fs, path, dir, file));
}

static int op_open(void *self, const char *path, kea_handle_t *file, uint32_t *size, bool *dir)
{
    (void)self;
    int r = start(), d = 0;
    if (r < 0) return r;
    r = done(fs_open(&the_fs, path, file, size, &d));
    *dir = d;
    return r;
}

static int op_read(void *self, kea_handle_t file, uint32_t offset, void *data, size_t cap,
                   size_t *len)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_read(&the_fs, file, offset, data, cap, len));
}

static int op_write(void *self, kea_handle_t file, uint32_t offset, const void *data, size_t len,
                    uint32_t *size)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_write(&the_fs, file, offset, data, len, size));
}

static int op_truncate(void *self, kea_handle_t file, uint32_t size)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_truncate(&the_fs, file, size));
}

static int op_punch(void *self, kea_handle_t file, uint32_t offset, uint32_t len)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_punch(&the_fs, file, offset, len));
}

static int op_stat(void *self, kea_handle_t file, uint32_t *size, uint32_t *blocks, bool *dir)
{
    (void)self;
    int r = start(), d = 0;
    if (r < 0) return r;
    r = done(fs_stat(&the_fs, file, size, blocks, &d));
    *dir = d;
    return r;
}

static int op_list(void *self, const char *dir, uint32_t start_at, void *entries, size_t cap,
                   size_t *len, uint32_t *next)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_list(&the_fs, dir, start_at, entries, cap, len, next));
}

static int op_remove(void *self, const char *path)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_remove(&the_fs, path));
}

static int op_rename(void *self, const void *paths, size_t len)
{
    (void)self;
    if (!paths) return -KEA_EINVAL;
    const char *from = paths, *nul = memchr(from, 0, len);
    if (!nul) return -KEA_EINVAL;
    const char *to = nul + 1;
    if (!memchr(to, 0, len - (size_t)(to - from))) return -KEA_EINVAL;
    int r = start();
    return r < 0 ? r : done(fs_rename(&the_fs, from, to));
}

static int op_sync(void *self)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_sync(&the_fs));
}

static int op_statfs(void *self, uint32_t *blocks, uint32_t *free_blocks, uint32_t *free_inodes)
{
    (void)self;
    int r = start();
    return r < 0 ? r : done(fs_statfs(&the_fs, blocks, free_blocks, free_inodes));
}

/* Let go of the device (a successor is to take it over): what was written
 * is made durable and the claim given up; a later call claims it again. */
static int op_release(void *self)
{
    (void)self;
    lock();
    int r = fs_release(&the_fs);
    unlock();
    return r;
}

static const struct fs_ops ops = {
    op_mount, op_format, op_create, op_open, op_read, op_write, op_truncate, op_punch,
    op_stat, op_list, op_remove, op_rename, op_sync, op_statfs, op_release,
};

struct fs_server fsserv_server = { &ops, 0 };

void fsserv_init(const char *svc, const char *default_dev)
{
    fs_init(&the_fs, svc, default_dev);
}

/* Unloading: make what was written durable (writes are already on the
 * device; its own cache may hold them). */
void fsserv_fini(void)
{
    lock();
    if (the_fs.mounted) fs_sync(&the_fs);
    fs_release(&the_fs);
    unlock();
}

/* Live migration: the state worth carrying to a successor is which device
 * is mounted; everything else is on the disk. */
#define STATE_MAGIC 0x74737366u            /* "fsst" */

int fsserv_export(void *buf, size_t cap, size_t *len)
{
    size_t n = strlen(the_fs.devname) + 1;
    if (cap < 4 + n) return -KEA_E2BIG;
    /* The successor is to take the disk over: let go of its claim now (a
     * call served before the switch claims it again; unloading lets go). */
    lock();
    fs_release(&the_fs);
    unlock();
    uint32_t magic = STATE_MAGIC;
    memcpy(buf, &magic, 4);
    memcpy((char *)buf + 4, the_fs.devname, n);
    *len = 4 + n;
    return 0;
}

int fsserv_import(const void *buf, size_t len)
{
    uint32_t magic;
    if (len < 5 || len - 4 > FS_DEVNAME) return -KEA_EINVAL;
    memcpy(&magic, buf, 4);
    const char *dev = (const char *)buf + 4;
    if (magic != STATE_MAGIC || dev[len - 5] != 0 || strlen(dev) != len - 5) return -KEA_EINVAL;
    lock();
    /* Mounted lazily, at the first call: the predecessor may still be
     * serving until the switch. */
    the_fs.mounted = 0;
    strlcpy(the_fs.devname, dev, sizeof the_fs.devname);
    unlock();
    return 0;
}
