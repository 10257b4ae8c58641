/* Writing generated content into a file of a file service (fs.idl), for
 * the file tests (tests/apps/fsclient.c, tests/host/kfs/fssuite.c), defined
 * once.  A generator gives byte i of the stream for a seed (pat() of
 * kea_pattern.h, or a program's own text); the programs check what they
 * read back against the same generator.  `buf` is also the programs' own
 * buffer for reads. */
#ifndef KEA_TEST_FSFILL_H
#define KEA_TEST_FSFILL_H
#include <stdint.h>
#include "fs_client.h"

typedef uint8_t (*gen_t)(uint32_t seed, uint32_t i);
static uint8_t buf[4096];

/* Write [off, off + len) of generated content in 4096-byte calls. */
static inline int fill(const kea_binding_t *b, uint32_t h, uint32_t off, uint32_t len, gen_t g,
                       uint32_t seed)
{
    for (uint32_t done = 0; done < len; ) {
        uint32_t n = len - done < sizeof buf ? len - done : sizeof buf, size;
        for (uint32_t i = 0; i < n; i++) buf[i] = g(seed, off + done + i);
        int r = fs_write(b, h, off + done, buf, n, &size);
        if (r < 0) return r;
        done += n;
    }
    return 0;
}

#endif
