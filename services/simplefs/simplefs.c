/* simplefs: the file service of fs.idl over a block service, with no cache
 * at all.  Every block it needs is read from the device, every change is
 * written before the call returns; between calls it holds nothing but
 * which device it serves.  The file system is services/fs/fscore.c and its siblings.
 *
 * It serves the block service named SIMPLEFS_DEVICE ("ramdisk" unless the
 * build says otherwise) until a client mounts another (fs_mount). */
#include <kea/service.h>
#include "fscore.h"
#include "fsserv.h"

#ifndef SIMPLEFS_DEVICE
#define SIMPLEFS_DEVICE "ramdisk"
#endif

int bio_read(struct fsys *fs, uint32_t b, uint32_t n, void *buf)
{
    return fsdev_read(fs, b, n, buf);
}

int bio_write(struct fsys *fs, uint32_t b, uint32_t n, const void *buf)
{
    return fsdev_write(fs, b, n, buf);
}

void bio_forget(struct fsys *fs) { (void)fs; }

static int init(void)
{
    fsserv_init("simplefs", SIMPLEFS_DEVICE);
    return 0;
}

static const struct kea_service_iface ifaces[] = {
    FS_SERVICE_IFACE(fs_dispatch, &fsserv_server),
};

KEA_SERVICE(.name = "simplefs", .ifaces = ifaces, .nifaces = 1, .init = init,
            .fini = fsserv_fini, .state_export = fsserv_export, .state_import = fsserv_import);
