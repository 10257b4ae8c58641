/* The part of zlib's ABI the compress service calls, as zlib 1.2.13's
 * zlib.h declares it for i386 (uLong and uInt are 32 bits).  Declared
 * here rather than included: service code is built against kea's libc
 * headers (-nostdinc), and the host's zlib.h pulls in glibc's.  The
 * functions themselves are Debian's objects from /usr/lib32/libz.a, linked
 * in unmodified (services/services.mk). */
#ifndef KEA_ZLIBABI_H
#define KEA_ZLIBABI_H

typedef unsigned char Bytef;
typedef unsigned long uLong, uLongf;
typedef unsigned int uInt;

#define Z_OK            0
#define Z_STREAM_END    1
#define Z_NEED_DICT     2
#define Z_STREAM_ERROR (-2)
#define Z_DATA_ERROR   (-3)
#define Z_MEM_ERROR    (-4)
#define Z_BUF_ERROR    (-5)

const char *zlibVersion(void);
int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level);
int uncompress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong *sourceLen);
uLong crc32(uLong crc, const Bytef *buf, uInt len);

_Static_assert(sizeof(uLong) == 4 && sizeof(uInt) == 4, "i386 zlib: 32-bit uLong and uInt");
#endif
