/* Reading a whole file of a known size back through a file service, in
 * chunks: what the demo programs that check their copies (migcopy.c,
 * rsload.c) share.  A file of another size, or one that ends early, is
 * -KEA_EIO: for these programs it is a lost write. */
#ifndef KEA_APPS_FSREAD_H
#define KEA_APPS_FSREAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kea/idc.h>
#include "fs_client.h"

static inline int fs_read_whole(const kea_binding_t *fs, const char *name, void *dst,
                                uint32_t bytes, uint32_t chunk)
{
    kea_handle_t h;
    uint32_t size;
    bool dir;
    size_t got;
    int r = fs_open(fs, name, &h, &size, &dir);
    if (r < 0) return r;
    if (size != bytes) return -KEA_EIO;
    for (uint32_t off = 0; off < bytes; off += got) {
        if ((r = fs_read(fs, h, off, (uint8_t *)dst + off, chunk, &got)) < 0) return r;
        if (got == 0) return -KEA_EIO;
    }
    return 0;
}
#endif
