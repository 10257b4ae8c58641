/* The `upgrade` demo's application (the paper's Fig. 2): it formats the RAM
 * disk through its file service, then round after round writes a file and
 * reads every file back, sleeping between rounds.  The demo remaps its
 * portal from simplefs to cachefs while it runs; it never notices, and all
 * its data must read back intact. */
#include <stdio.h>
#include <string.h>
#include <kea/base.h>
#include "fs_client.h"
#include "thread_client.h"

#define ROUNDS 8
#define FILE_BYTES 3000

static char data[FILE_BYTES], back[FILE_BYTES];

static void fill(int round)
{
    for (int i = 0; i < FILE_BYTES; i++)
        data[i] = "kea remaps portals while files keep their bytes "[(i + round * 7) % 48];
}

static int write_file(const kea_binding_t *fs, int round)
{
    char name[32];
    kea_handle_t h;
    uint32_t size;
    snprintf(name, sizeof name, "round-%d.txt", round);
    fill(round);
    int r = fs_create(fs, name, false, &h);
    for (uint32_t off = 0; r >= 0 && off < FILE_BYTES; off += 1024) {
        uint32_t n = FILE_BYTES - off < 1024 ? FILE_BYTES - off : 1024;
        r = fs_write(fs, h, off, data + off, n, &size);
    }
    return r < 0 ? r : 0;
}

static int verify_file(const kea_binding_t *fs, int round)
{
    char name[32];
    kea_handle_t h;
    uint32_t size;
    bool dir;
    size_t got;
    snprintf(name, sizeof name, "round-%d.txt", round);
    int r = fs_open(fs, name, &h, &size, &dir);
    if (r < 0) return r;
    if (size != FILE_BYTES) return -KEA_EIO;
    for (uint32_t off = 0; off < FILE_BYTES; off += got) {
        uint32_t n = FILE_BYTES - off < 1024 ? FILE_BYTES - off : 1024;
        if ((r = fs_read(fs, h, off, back + off, n, &got)) < 0) return r;
        if (got == 0) return -KEA_EIO;
    }
    fill(round);
    return memcmp(data, back, FILE_BYTES) == 0 ? 0 : -KEA_EIO;
}

int main(void)
{
    kea_binding_t fs;
    int r = FS_BIND("simplefs", &fs);
    if (r == 0) r = fs_format(&fs, "ramdisk", 64);
    if (r < 0) {
        printf("fsapp: cannot use simplefs: %s\n", kea_strerror(r));
        return r;
    }
    int lost = 0;
    for (int round = 1; round <= ROUNDS; round++) {
        r = write_file(&fs, round);
        int ok = 0;
        for (int k = 1; r == 0 && k <= round; k++)
            if (verify_file(&fs, k) == 0) ok++;
        printf("fsapp: round %d: wrote round-%d.txt, %d of %d files read back intact\n",
               round, round, ok, round);
        if (r < 0 || ok != round) lost = 1;
        thread_sleep(&kea_base_thread, 100);
    }
    printf(lost ? "fsapp: DATA LOST\n" : "fsapp: done, every file intact\n");
    return lost;
}
