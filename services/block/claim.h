/* The exclusive claim on a block device (block.idl claim/release), shared
 * by the block services (ramdisk, ata, the fs test suite's memory disk).
 *
 * A file service claims the device it serves, so that two file services
 * never use one disk at the same moment (issue 9: each would trust its own
 * view of the metadata, and both would corrupt it).  The claim names its
 * holder (the file service) and remembers the calling domain: a second
 * claim is refused with the holder's name, and only the holder's domain can
 * release it.  It guards file services against each other; a client with a
 * binding to the device itself can still read and write blocks. */
#ifndef KEA_BLOCK_CLAIM_H
#define KEA_BLOCK_CLAIM_H
#include <string.h>
#include <kea/idc.h>

struct blk_claim {
    char holder[32];               /* "" when free */
    uint32_t dom;                  /* the holder's domain */
};

static inline int blk_claim(struct blk_claim *c, uint32_t caller, const char *who, void *cur,
                            size_t cap, size_t *len)
{
    size_t n = strlen(who);
    if (n == 0 || n >= sizeof c->holder) return -KEA_EINVAL;
    if (c->holder[0] && (strcmp(c->holder, who) != 0 || c->dom != caller)) {
        n = strlen(c->holder) + 1;
        if (n > cap) n = cap;
        memcpy(cur, c->holder, n);
        *len = n;
        return -KEA_EBUSY;
    }
    memcpy(c->holder, who, strlen(who) + 1);
    c->dom = caller;
    return 0;
}

static inline int blk_release(struct blk_claim *c, uint32_t caller, const char *who)
{
    if (!c->holder[0] || strcmp(c->holder, who) != 0) return -KEA_ENOENT;
    if (c->dom != caller) return -KEA_EPERM;
    c->holder[0] = 0;
    return 0;
}

/* A block service's portal handler: claim and release are answered here,
 * where the calling domain is known (the generated ops do not see it);
 * everything else goes to the generated dispatcher. */
static inline int blk_claim_dispatch(struct blk_claim *cl, struct idc_call *c, idc_handler_t inner,
                                     void *arg)
{
    if (c->proc != BLOCK_PROC_CLAIM && c->proc != BLOCK_PROC_RELEASE)
        return inner(arg, c);
    if (!c->in || c->in_len == 0 || !memchr(c->in, 0, c->in_len)) return -KEA_EINVAL;
    if (c->proc == BLOCK_PROC_RELEASE)
        return blk_release(cl, c->caller, c->in);
    size_t len = 0;
    int r = blk_claim(cl, c->caller, c->in, c->out, c->out_cap, &len);
    c->out_len = (uint32_t)len;
    return r;
}
#endif
