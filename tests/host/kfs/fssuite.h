/* Tests of the file services through the fs interface, shared by the host
 * harness (fshost.c: the services' i386 objects behind a loopback
 * portal_invoke) and the kea test program (tests/apps/fstest.c: the same
 * objects behind real portals).  Either one registers the portals
 *
 *     memblk.block   fssuite_memblk, a RAM disk whose bytes the tests see
 *     simplefs.fs, cachefs.fs, compress.fs   the services, inited
 *
 * and calls fssuite_run().  Each check prints "PASS: fs/NAME" or
 * "FAIL: fs/NAME: why". */
#ifndef KEA_FSSUITE_H
#define KEA_FSSUITE_H
#include <stdint.h>
#include "block_server.h"

#define MEMBLK_MAX (8192u)              /* blocks: 4 MiB */

extern struct block_server fssuite_memblk;
int fssuite_memblk_dispatch(void *arg, struct idc_call *c);   /* block + its claim */
extern uint8_t fssuite_disk[MEMBLK_MAX * 512];
extern uint32_t fssuite_nblocks;        /* the disk's size now */
extern uint32_t fssuite_reads, fssuite_writes;  /* blocks transferred */
extern uint32_t fssuite_write_calls;
extern int32_t fssuite_budget;          /* writes before a simulated power loss; -1: none */

/* Groups: "basic", "large", "full", "corrupt", "crash", "switch", "cache",
 * "compress", or "all".  Returns the number of failed checks. */
int fssuite_run(const char *group);
#endif
