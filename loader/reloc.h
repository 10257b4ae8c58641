/*
 * loader/reloc.h — the interface between the generic loader (elfobj*.c)
 * and the one per-architecture file that knows relocation arithmetic
 * (reloc_i386.c), in the manner of the Linux module loader's
 * apply_relocate: the generic side validates, lays out and resolves; the
 * architecture side only computes and stores one field.  Private to
 * loader/ (and its unit tests).
 *
 * Multi-byte values in the image and in target memory are little-endian
 * and may be unaligned (a boot module has no alignment guarantee), so they
 * are read and written with the helpers at the bottom.
 */
#ifndef KEA_LOADER_RELOC_H
#define KEA_LOADER_RELOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What the generic loader must know about a relocation type before any
 * memory exists: how many bytes it patches (to bounds-check r_offset),
 * and whether it needs a GOT slot for its symbol or the GOT base address
 * (to size the GOT region at parse time).
 */
struct reloc_howto {
    uint8_t size;       /* bytes patched at r_offset: 0, 1, 2 or 4 */
    bool got_slot;      /* needs a GOT slot holding the symbol's address */
    bool got_base;      /* uses the GOT base address */
};

/* One relocation, fully resolved by the generic side. */
struct reloc_site {
    uint32_t type;
    uint8_t *loc;       /* where the field is WRITTEN (host/kernel pointer) */
    uint32_t P;         /* where the field will RUN (target address) */
    uint32_t S;         /* run address of the symbol (0: unresolved weak) */
    uint32_t A;         /* explicit addend (RELA only), two's complement */
    bool rela;          /* addend is A; otherwise it is read from the field */
    uint32_t GOT;       /* run address of the GOT base */
    uint32_t G;         /* offset of the symbol's GOT slot from GOT (GOT32*) */
    int prev;           /* original byte before the field (the ModRM byte of
                           a GOT-loading instruction), -1 at section start */
};

enum reloc_status {
    RELOC_OK,
    RELOC_UNSUPPORTED,  /* type not implemented: caller names it */
    RELOC_OVERFLOW,     /* value does not fit the field: *value says what */
};

/* reloc_i386.c */
uint16_t elfobj_arch_machine(void);
const char *elfobj_arch_name(void);
bool elfobj_arch_howto(uint32_t type, struct reloc_howto *h);
const char *elfobj_arch_reloc_name(uint32_t type);   /* NULL if unknown */
enum reloc_status elfobj_apply_relocate(const struct reloc_site *r,
                                        uint32_t *value);
/* The common cases of a REL entry (addend in the field, no GOT, never
 * overflowing) applied from S and P alone: true if done, false if the
 * caller must build a reloc_site for elfobj_apply_relocate.  Most of an
 * object's relocations are these, so they skip the general path. */
bool elfobj_apply_simple(uint32_t type, uint8_t *loc, uint32_t S, uint32_t P);

/* Little-endian, alignment-free access to image and target memory.  On a
 * little-endian machine (the i386 target, the x86 hosts) one unaligned
 * load or store each: __builtin_memcpy of a constant size compiles to a
 * mov even under -ffreestanding, where plain memcpy is a call.  The loader
 * runs once per relocation field, so bytes put together one by one cost
 * a quarter of its relocation time. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    __builtin_memcpy(&v, p, 2);
    return v;
}

static inline uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline void put16(uint8_t *p, uint32_t v)
{
    uint16_t h = (uint16_t)v;
    __builtin_memcpy(p, &h, 2);
}

static inline void put32(uint8_t *p, uint32_t v)
{
    __builtin_memcpy(p, &v, 4);
}
#else
static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
#endif

#endif /* KEA_LOADER_RELOC_H */
