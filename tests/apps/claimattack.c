/* A domain with no rights against the block device claim (issue 9, item 7).
 * With simplefs serving the RAM disk (it holds the disk's claim), it
 * claims the disk itself and tries to release simplefs's claim (both
 * refused, the first naming the holder), then asks cachefs to use the same
 * disk at the same time (refused: one file service per disk), and checks
 * that simplefs serves on.  Prints PASS:/FAIL: lines and
 * "claimattack: done, N failed". */
#include <stdio.h>
#include <string.h>
#include "block_client.h"
#include "fs_client.h"

static int failed;

static void expect(const char *name, int ok, int got)
{
    printf("%s: trust/%s (%d: %s)\n", ok ? "PASS" : "FAIL", name, got, kea_strerror(got));
    if (!ok) failed++;
}

int main(void)
{
    kea_binding_t disk, simple, cache;
    if (BLOCK_BIND("ramdisk", &disk) < 0 || FS_BIND("simplefs", &simple) < 0 ||
        FS_BIND("cachefs", &cache) < 0) {
        printf("claimattack: ramdisk, simplefs and cachefs must be loaded\n");
        return 1;
    }
    kea_handle_t h;
    int r = fs_create(&simple, "before.txt", false, &h);
    expect("simplefs-serves", r == 0 || r == -KEA_EEXIST, r);

    char holder[40];
    memset(holder, 0, sizeof holder);
    r = block_claim(&disk, "claimattack", holder, sizeof holder - 1, 0);
    printf("claimattack: claim refused, holder '%s'\n", holder);
    expect("claim-refused-naming-holder", r == -KEA_EBUSY && strcmp(holder, "simplefs") == 0, r);
    r = block_release(&disk, "simplefs");
    expect("release-of-anothers-claim-refused", r == -KEA_EPERM, r);

    uint32_t size;
    bool dir;
    r = fs_open(&cache, "before.txt", &h, &size, &dir);
    expect("second-file-service-refused", r == -KEA_EBUSY, r);

    r = fs_create(&simple, "after.txt", false, &h);
    expect("simplefs-still-serves", r == 0 || r == -KEA_EEXIST, r);
    printf("claimattack: done, %d failed\n", failed);
    return 0;
}
