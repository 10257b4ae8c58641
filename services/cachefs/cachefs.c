/* cachefs: the file service of fs.idl on the same disk format as simplefs
 * (services/fs/fscore.c and siblings), with a block cache: the improved service a
 * running client is switched to (the paper's Fig. 2).
 *
 * The cache is write-through: a write goes to the device at once and its
 * blocks stay cached, reads are served from the cache when they can.  So
 * the disk is complete whenever no call is in progress, as with simplefs,
 * and a client can be switched either way between two calls without
 * losing data.  What the cache may miss is a change made by another
 * service (simplefs, before the switch): fscore notices from the epoch in
 * the superblock, which it reads from the device at each call, and drops
 * the cache then (bio_forget). */
#include <stdio.h>
#include <string.h>
#include <kea/service.h>
#include "fscore.h"
#include "fsserv.h"

#ifndef CACHEFS_DEVICE
#define CACHEFS_DEVICE "ramdisk"
#endif
#define NBUF  256                   /* cached blocks: 128 KiB */
#define NHASH 64

struct buf {
    uint32_t b;                     /* device block; valid only when hashed */
    struct buf *prev, *next;        /* LRU list, most recent first */
    struct buf *hnext;
    uint8_t data[FS_BSIZE];
};

static struct buf bufs[NBUF];
static struct buf *hash[NHASH];
static struct buf lru;              /* list head: lru.next is the most recent */
static uint32_t hits, misses;

static struct buf *lookup(uint32_t b)
{
    for (struct buf *x = hash[b % NHASH]; x; x = x->hnext)
        if (x->b == b) return x;
    return 0;
}

static void unhash(struct buf *x)
{
    for (struct buf **pp = &hash[x->b % NHASH]; *pp; pp = &(*pp)->hnext)
        if (*pp == x) {
            *pp = x->hnext;
            return;
        }
}

static int hashed(const struct buf *x)
{
    for (const struct buf *y = hash[x->b % NHASH]; y; y = y->hnext)
        if (y == x) return 1;
    return 0;
}

static void touch(struct buf *x)
{
    x->prev->next = x->next;
    x->next->prev = x->prev;
    x->next = lru.next;
    x->prev = &lru;
    lru.next->prev = x;
    lru.next = x;
}

/* Cache block b with these contents, in place of the least recent. */
static void put(uint32_t b, const uint8_t *data)
{
    struct buf *x = lookup(b);
    if (!x) {
        x = lru.prev;
        if (hashed(x)) unhash(x);
        x->b = b;
        x->hnext = hash[b % NHASH];
        hash[b % NHASH] = x;
    }
    memcpy(x->data, data, FS_BSIZE);
    touch(x);
}

int bio_read(struct fsys *fs, uint32_t b, uint32_t n, void *buf)
{
    uint8_t *out = buf;
    uint32_t i;
    for (i = 0; i < n && lookup(b + i); i++) ;
    if (i == n) {
        for (i = 0; i < n; i++) {
            struct buf *x = lookup(b + i);
            memcpy(out + i * FS_BSIZE, x->data, FS_BSIZE);
            touch(x);
        }
        hits += n;
        return 0;
    }
    /* One device call for the whole run: cached blocks in it are equal to
     * the device's (write-through), so they are simply refreshed. */
    int r = fsdev_read(fs, b, n, buf);
    if (r < 0) return r;
    for (i = 0; i < n; i++) put(b + i, out + i * FS_BSIZE);
    misses += n;
    return 0;
}

int bio_write(struct fsys *fs, uint32_t b, uint32_t n, const void *buf)
{
    int r = fsdev_write(fs, b, n, buf);
    for (uint32_t i = 0; i < n; i++) {
        struct buf *x = lookup(b + i);
        if (r == 0) {
            put(b + i, (const uint8_t *)buf + i * FS_BSIZE);
        } else if (x) {                 /* the device's contents are unknown now */
            unhash(x);
        }
    }
    return r;
}

void bio_forget(struct fsys *fs)
{
    (void)fs;
    memset(hash, 0, sizeof hash);
}

static int init(void)
{
    lru.next = lru.prev = &lru;
    for (int i = 0; i < NBUF; i++) {
        bufs[i].next = lru.next;
        bufs[i].prev = &lru;
        lru.next->prev = &bufs[i];
        lru.next = &bufs[i];
    }
    fsserv_init("cachefs", CACHEFS_DEVICE);
    return 0;
}

static void fini(void)
{
    fsserv_fini();
    printf("cachefs: %u blocks read from the cache, %u from the device\n", hits, misses);
}

static const struct kea_service_iface ifaces[] = {
    FS_SERVICE_IFACE(fs_dispatch, &fsserv_server),
};

KEA_SERVICE(.name = "cachefs", .ifaces = ifaces, .nifaces = 1, .init = init, .fini = fini,
            .state_export = fsserv_export, .state_import = fsserv_import);
