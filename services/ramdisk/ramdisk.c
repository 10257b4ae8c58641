/* A RAM disk: the block interface (services/block/block.idl) over memory
 * from malloc.  Its size is fixed when it is built (RAMDISK_KIB, 1 MiB
 * unless the build says otherwise); its contents start zeroed and live as
 * long as the service.
 *
 * Written against the environment only (libc, malloc, the generated
 * dispatcher), so the same object runs in the kernel or in a user domain.
 * No lock: the only shared state is the memory itself, and two clients
 * writing the same block at once get one or the other's bytes, as with a
 * disk.  The block counters are statistics and may miss a count under
 * concurrent calls in a user placement.
 *
 * Its state, for live migration, is its contents and counters: copied
 * into the kernel's state pages and out again (docs/migration.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/service.h>
#include "block_server.h"
#include "../block/claim.h"

#ifndef RAMDISK_KIB
#define RAMDISK_KIB 1024
#endif
#define BLOCK_SIZE  512u
#define NBLOCKS     (RAMDISK_KIB * 1024u / BLOCK_SIZE)
#define MAX_RUN     (IDC_BUF_MAX / BLOCK_SIZE)     /* blocks one call carries */

_Static_assert(RAMDISK_KIB > 0 && RAMDISK_KIB * 1024u % BLOCK_SIZE == 0,
               "RAMDISK_KIB must be a whole, nonzero number of blocks");

static uint8_t *disk;                   /* NBLOCKS * BLOCK_SIZE bytes, from init on */
static uint32_t blocks_read, blocks_written;

/* A run of `count` blocks from `first` lies on the disk and fits one call.
 * Written so that first + count cannot overflow. */
static int check_run(uint32_t first, uint32_t count)
{
    if (count == 0 || count > MAX_RUN) return -KEA_EINVAL;
    if (first >= NBLOCKS || count > NBLOCKS - first) return -KEA_EINVAL;
    return 0;
}

static int rd_info(void *self, uint32_t *nblocks, uint32_t *block_size)
{
    (void)self;
    *nblocks = NBLOCKS;
    *block_size = BLOCK_SIZE;
    return 0;
}

/* Returns the bytes read. */
static int rd_read(void *self, uint32_t first, uint32_t count, void *data, size_t cap, size_t *len)
{
    (void)self;
    int r = check_run(first, count);
    if (r < 0) return r;
    size_t n = (size_t)count * BLOCK_SIZE;
    if (n > cap) return -KEA_E2BIG;     /* the caller's buffer is smaller than the run */
    memcpy(data, disk + (size_t)first * BLOCK_SIZE, n);
    blocks_read += count;
    *len = n;
    return (int)n;
}

/* data must be a whole number of blocks; returns the bytes written. */
static int rd_write(void *self, uint32_t first, const void *data, size_t len)
{
    (void)self;
    if (len == 0 || len % BLOCK_SIZE) return -KEA_EINVAL;
    uint32_t count = (uint32_t)(len / BLOCK_SIZE);
    int r = check_run(first, count);
    if (r < 0) return r;
    memcpy(disk + (size_t)first * BLOCK_SIZE, data, len);
    blocks_written += count;
    return (int)len;
}

/* Memory is as durable as this disk gets. */
static int rd_sync(void *self)
{
    (void)self;
    return 0;
}

static const struct block_ops ops = { rd_info, rd_read, rd_write, rd_sync, 0, 0 };  /* claim: rd_dispatch */
static struct block_server server = { &ops, 0 };
static struct blk_claim claim;           /* which file service uses the disk */

static int rd_init(void)
{
    disk = calloc(NBLOCKS, BLOCK_SIZE);
    if (!disk) {
        printf("ramdisk: no memory for %u KiB\n", (unsigned)RAMDISK_KIB);
        return -KEA_ENOMEM;
    }
    blocks_read = blocks_written = 0;
    claim.holder[0] = 0;
    if (kea_service_why != KEA_WHY_MIGRATE)
        printf("ramdisk: %u blocks of %u bytes\n", (unsigned)NBLOCKS, BLOCK_SIZE);
    return 0;
}

static void rd_fini(void)
{
    if (kea_service_why != KEA_WHY_MIGRATE)
        printf("ramdisk: %u blocks read, %u written\n", blocks_read, blocks_written);
    free(disk);
    disk = 0;
}

/* The state: a header, then the contents. */
struct rd_state { uint32_t nblocks, blocks_read, blocks_written; struct blk_claim claim; };
#define RD_BYTES ((size_t)NBLOCKS * BLOCK_SIZE)

static int rd_export(void *buf, size_t cap, size_t *len)
{
    *len = sizeof(struct rd_state) + RD_BYTES;
    if (cap < *len) return -KEA_E2BIG;
    struct rd_state h = { NBLOCKS, blocks_read, blocks_written, claim };
    memcpy(buf, &h, sizeof h);
    memcpy((uint8_t *)buf + sizeof h, disk, RD_BYTES);
    return 0;
}

static int rd_import(const void *buf, size_t len)
{
    struct rd_state h;
    if (len != sizeof h + RD_BYTES) return -KEA_EINVAL;
    memcpy(&h, buf, sizeof h);
    if (h.nblocks != NBLOCKS) return -KEA_EINVAL;
    memcpy(disk, (const uint8_t *)buf + sizeof h, RD_BYTES);
    blocks_read = h.blocks_read;
    blocks_written = h.blocks_written;
    claim = h.claim;                    /* the file service using it keeps it */
    claim.holder[sizeof claim.holder - 1] = 0;
    return 0;
}

static int rd_dispatch(void *arg, struct idc_call *c)
{
    return blk_claim_dispatch(&claim, c, block_dispatch, arg);
}

static const struct kea_service_iface ifaces[] = {
    BLOCK_SERVICE_IFACE(rd_dispatch, &server),
};

KEA_SERVICE(.name = "ramdisk", .ifaces = ifaces, .nifaces = 1, .init = rd_init, .fini = rd_fini,
            .state_export = rd_export, .state_import = rd_import);
