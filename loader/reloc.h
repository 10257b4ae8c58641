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
/*
 * The common case, a whole run at a time (as Linux's apply_relocate takes
 * a section): REL entries rel[0..n) (ELF32_REL_SIZE bytes each, validated
 * by parse) against a section written at wbase and running at rbase, with
 * symrun[i] the run address of symbol i.  Applies entries for as long as
 * their type needs nothing but S, P and the addend in the field (no GOT,
 * no overflow possible) and returns how many it applied; the entry after
 * them, if any, goes through a reloc_site and elfobj_apply_relocate.
 * Nearly every relocation of non-PIC code is such an entry.
 */
uint32_t elfobj_apply_rel_run(const uint8_t *rel, uint32_t n, const uint32_t *symrun,
                              uint8_t *wbase, uint32_t rbase);

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
