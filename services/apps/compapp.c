/* The `compress` demo's application (the paper's Fig. 3): writes text
 * reports through its file portal and shows each one's size and the blocks
 * it takes on disk.  The demo stacks the compression service on simplefs
 * and remaps this application's portal to it between two batches: the
 * second batch takes fewer blocks, and everything reads back identically. */
#include <stdio.h>
#include <string.h>
#include <kea/base.h>
#include "fs_client.h"
#include "thread_client.h"

#define REPORT_BYTES 8192

static char text[REPORT_BYTES], back[REPORT_BYTES];

static void fill(int n)
{
    static const char *const words[] = { "portal ", "remap ", "domain ", "kea ", "service ",
                                         "activation ", "interface ", "thread " };
    size_t len = 0;
    for (int i = 0; len < REPORT_BYTES; i++) {
        const char *w = words[(i * 5 + n) % 8];
        for (size_t k = 0; w[k] && len < REPORT_BYTES; k++) text[len++] = w[k];
    }
}

static int report(const kea_binding_t *fs, int n)
{
    char name[32];
    kea_handle_t h;
    uint32_t size, blocks;
    bool dir;
    size_t got;
    snprintf(name, sizeof name, "report-%d.txt", n);
    fill(n);
    int r = fs_create(fs, name, false, &h);
    for (uint32_t off = 0; r >= 0 && off < REPORT_BYTES; off += 4096)
        r = fs_write(fs, h, off, text + off, 4096, &size);
    for (uint32_t off = 0; r >= 0 && off < REPORT_BYTES; off += (uint32_t)got) {
        r = fs_read(fs, h, off, back + off, 4096, &got);
        if (r >= 0 && got == 0) r = -KEA_EIO;
    }
    if (r >= 0) r = fs_stat(fs, h, &size, &blocks, &dir);
    if (r < 0) {
        printf("compapp: %s: %s\n", name, kea_strerror(r));
        return r;
    }
    int same = memcmp(text, back, REPORT_BYTES) == 0;
    printf("compapp: %s: %u bytes, stored in %u blocks, read back %s\n", name, size, blocks,
           same ? "identical" : "DIFFERENT");
    return same ? 0 : -KEA_EIO;
}

int main(void)
{
    kea_binding_t fs;
    int r = FS_BIND("simplefs", &fs);
    if (r == 0) r = fs_format(&fs, "ramdisk", 64);
    if (r < 0) {
        printf("compapp: cannot use simplefs: %s\n", kea_strerror(r));
        return r;
    }
    int bad = 0;
    for (int n = 1; n <= 3; n++) bad |= report(&fs, n) < 0;
    printf("compapp: batch 1 written; waiting for the remap\n");
    thread_sleep(&kea_base_thread, 1000);
    for (int n = 4; n <= 6; n++) bad |= report(&fs, n) < 0;
    for (int n = 1; n <= 6; n++) {          /* the old files, through the new portal too */
        char name[32];
        kea_handle_t h;
        uint32_t size;
        bool dir;
        snprintf(name, sizeof name, "report-%d.txt", n);
        if (fs_open(&fs, name, &h, &size, &dir) < 0 || size != REPORT_BYTES) bad = 1;
    }
    printf(bad ? "compapp: ERRORS\n" : "compapp: done, every report intact\n");
    return bad;
}
