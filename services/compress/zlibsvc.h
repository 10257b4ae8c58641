/* zlib inside the compress service (zlibsvc.c): buffer-to-buffer
 * compression with Debian's zlib objects, errors as KEA_E* codes, for the
 * file interface (compress.c) and the zlib interface (zlib.idl). */
#ifndef KEA_ZLIBSVC_H
#define KEA_ZLIBSVC_H
#include <stddef.h>
#include <stdint.h>
#include "zlib_server.h"

/* in[0..n) as a zlib stream at level (0..9) into out[0..cap): 0 and its
 * length in *used; -KEA_E2BIG if it would take more than cap bytes,
 * -KEA_EINVAL for a bad level, -KEA_ENOMEM. */
int zs_pack(const uint8_t *in, size_t n, uint8_t *out, size_t cap, uint32_t level, size_t *used);

/* The zlib stream in[0..n) into out[0..cap): 0 and the bytes made in *got;
 * -KEA_EBADOBJ unless in is exactly one whole, intact stream, -KEA_E2BIG
 * if its data exceeds cap, -KEA_ENOMEM.  Never writes past cap. */
int zs_unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *got);

/* The zlib interface's server (its portal: <service>.zlib). */
extern struct zlib_server zs_server;
#endif
