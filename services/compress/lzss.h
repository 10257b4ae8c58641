/* LZSS for blocks of up to 4096 bytes (the compression service's chunks).
 *
 * The stream is groups of a flag byte and up to 8 items, flag bit k (least
 * significant first) telling item k's kind:
 *   0  a literal byte
 *   1  a match: a 16-bit little-endian word, bits 0-11 distance - 1
 *      (1..4096 bytes back in the output), bits 12-15 length - 3; when
 *      those are 15 a third byte follows and the length is 18 + that byte
 *      (so 3..273 bytes).  A match may overlap the bytes it produces.
 * Decoding ends exactly when the expected number of bytes is out; unused
 * flag bits of the last group are zero.  docs/fs-format.md has the same. */
#ifndef KEA_LZSS_H
#define KEA_LZSS_H
#include <stddef.h>
#include <stdint.h>

#define LZSS_MAX_IN  4096u
#define LZSS_MIN     3u
#define LZSS_MAX     273u

/* The encoder's hash chains (16 KiB); the caller provides them. */
struct lzss_work {
    uint16_t head[4096];
    uint16_t prev[LZSS_MAX_IN];
};

/* Compress in[0..n) (n <= 4096) into out: the compressed length, or 0 if it
 * would take more than cap bytes. */
size_t lzss_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap, struct lzss_work *w);

/* Decompress exactly `want` bytes from in[0..n): 0, or -1 if the stream is
 * malformed (runs short, points before the start, overruns `want`, or has
 * bytes left over).  Never reads or writes out of bounds. */
int lzss_decode(const uint8_t *in, size_t n, uint8_t *out, size_t want);
#endif
