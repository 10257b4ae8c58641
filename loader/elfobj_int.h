/*
 * loader/elfobj_int.h — what the files of the generic loader share
 * (private to loader/, like elf32.h and reloc.h).
 *
 * The engine behind <kea/elfobj.h>, one file per mechanism:
 *
 *   elfobj.c         parse: the ELF header, section headers and their file
 *                    extents, the order of the steps; error messages,
 *                    engine memory and release; index sorting
 *   elfobj_layout.c  regions: which region a section goes to, laying
 *                    sections and COMMON symbols out in them, checking the
 *                    placement's addresses; section queries
 *   elfobj_sym.c     symbols: the symbol table, import resolution, symbol
 *                    values, the GOT's contents; lookup and iteration
 *   elfobj_reloc.c   relocation sections: validated at parse time, applied
 *                    (through reloc_i386.c) by elfobj_relocate
 *   elfobj_ctors.c   constructor and destructor lists: which sections hold
 *                    them, in which order they run, the entries after
 *                    relocation
 *
 * Parse runs the steps in order (elfobj_parse); each step relies on the
 * ones before it having checked what it reads.  Functions shared between
 * the files start with eo_ (the static inline helpers below excepted): the
 * engine is linked into the kernel, and its internals must not take names
 * from it.
 */
#ifndef KEA_LOADER_ELFOBJ_INT_H
#define KEA_LOADER_ELFOBJ_INT_H

#include <kea/elfobj.h>

#include "elf32.h"
#include "reloc.h"

#define NONE      0xffffffffu
#define REG_NONE  0xffu
#define GOTBASE_NAME "_GLOBAL_OFFSET_TABLE_"

/* How a section takes part in constructor/destructor lists. */
enum init_kind {
    INIT_NONE,
    INIT_PREINIT,     /* .preinit_array: before every constructor */
    INIT_ARRAY,       /* .init_array[.N]: entries run forward */
    INIT_CTORS,       /* .ctors[.N]: entries run backward */
    FINI_ARRAY,       /* .fini_array[.N]: entries run backward */
    FINI_DTORS,       /* .dtors[.N]: entries run forward */
};

struct elfobj_sec {
    const char *name;
    uint32_t type, flags, offset, size, link, info, align, entsize;
    uint32_t off;       /* offset of the section within its region */
    uint32_t key;       /* init/fini sort key: 0 preinit, else 1+priority */
    uint8_t region;     /* EO_* or REG_NONE (not loaded) */
    uint8_t init;       /* enum init_kind */
    bool skip;          /* REL/RELA section for a non-allocated section */
};

/* What a symbol's value means. */
enum sym_kind {
    SK_NULL,            /* index 0, STT_FILE-like placeholders: value 0 */
    SK_SECTION,         /* defined in an allocated section */
    SK_NONALLOC,        /* defined in a non-allocated section: unusable */
    SK_ABS,             /* SHN_ABS */
    SK_COMMON,          /* SHN_COMMON: placed in BSS by layout */
    SK_IMPORT,          /* undefined: resolved through env->resolve */
    SK_GOTBASE,         /* undefined _GLOBAL_OFFSET_TABLE_ */
};

struct elfobj_symstate {
    uint32_t value;     /* SECTION/ABS: st_value; COMMON: BSS offset;
                           IMPORT: resolved address (0 if unresolved) */
    uint32_t got;       /* GOT slot index, NONE if none */
    uint16_t shndx;
    uint8_t kind;       /* enum sym_kind */
    bool resolved;
};

/* An ELF32 symbol, decoded. */
struct sym {
    uint32_t name, value, size;
    uint8_t bind, type, vis;
    uint16_t shndx;
};

/* ---------------------------------------------------------------------
 * Error messages (elfobj.c).  No printf in the kernel's freestanding
 * build, so a tiny formatter: %s (string, long ones shortened), %u, %x
 * (as 0x...).  Arguments travel in a typed array, which keeps the call
 * sites short.  eo_failf writes "OBJ: message" into *err (if err is not
 * NULL) and returns -1.
 */
struct fmtarg {
    const char *s;
    uint32_t u;
    bool str;
};
#define S(x) ((struct fmtarg){ .s = (x), .str = true })
#define U(x) ((struct fmtarg){ .u = (uint32_t)(x) })
#define ARGS(...) (const struct fmtarg[]){ __VA_ARGS__ }, \
    (sizeof((const struct fmtarg[]){ __VA_ARGS__ }) / sizeof(struct fmtarg))
#define NOARGS NULL, 0

int eo_failf(const struct elfobj *o, struct elfobj_error *err,
             const char *fmt, const struct fmtarg *a, size_t n);

/* ---------------------------------------------------------------------
 * Engine memory (elfobj.c): from env->alloc, capped; every table is
 * stored in the object as soon as it is obtained, so that
 * elfobj_release() frees it whatever step failed.
 */
void *eo_xalloc(struct elfobj *o, struct elfobj_error *err,
                uint64_t n, const char *what);
void eo_xfree(struct elfobj *o, void *p);

/* In-place heapsort of section/symbol indices (elfobj.c). */
typedef bool (*less_fn)(const struct elfobj *o, uint32_t a, uint32_t b);
void eo_sort_indices(uint32_t *v, uint32_t n, less_fn less,
                     const struct elfobj *o);

/* ---------------------------------------------------------------------
 * Small helpers.
 */
static inline bool is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static inline uint64_t align_up(uint64_t v, uint32_t a)
{
    return (v + a - 1) & ~(uint64_t)(a - 1);
}

static inline const char *secname(const struct elfobj *o, uint32_t i)
{
    if (i < o->shnum && o->sec[i].name)
        return o->sec[i].name[0] ? o->sec[i].name : "(unnamed)";
    return "?";
}

static inline void read_sym(const struct elfobj *o, uint32_t i, struct sym *s)
{
    const uint8_t *p = o->image + o->sec[o->symtab].offset + i * ELF32_SYM_SIZE;

    s->name = get32(p);
    s->value = get32(p + 4);
    s->size = get32(p + 8);
    s->bind = p[12] >> 4;
    s->type = p[12] & 0xf;
    s->vis = p[13] & 0x3;
    s->shndx = get16(p + 14);
}

/* ---------------------------------------------------------------------
 * The steps of elfobj_parse, in order, and of elfobj_relocate.  Each
 * returns 0, or -1 with *err set.
 */

/* elfobj.c: steps 1 and 2 (header, section headers, file extents) are
 * its own; this one is for the symbol table's string table too. */
bool eo_strtab_ok(const struct elfobj *o, uint32_t i);

/* elfobj_layout.c */
int eo_classify_sections(struct elfobj *o, struct elfobj_error *err);   /* 3 */
int eo_layout(struct elfobj *o, struct elfobj_error *err);              /* 6 */
int eo_check_regions(const struct elfobj *o, struct elfobj_error *err);

/* elfobj_sym.c */
int eo_load_symtab(struct elfobj *o, struct elfobj_error *err);         /* 4 */
int eo_scan_symbols(struct elfobj *o, struct elfobj_error *err);
int eo_hash_names(struct elfobj *o, struct elfobj_error *err);
const char *eo_symname(const struct elfobj *o, uint32_t i);
uint32_t eo_symval(const struct elfobj *o, uint32_t i);
void eo_fill_got(struct elfobj *o);      /* also fills o->symrun */

/* elfobj_reloc.c */
int eo_scan_relocations(struct elfobj *o, struct elfobj_error *err);    /* 5 */

/* elfobj_ctors.c */
void eo_classify_init(struct elfobj_sec *s);        /* part of step 3 */
int eo_prepare_init(struct elfobj *o, struct elfobj_error *err);        /* 7 */
void eo_build_init_lists(struct elfobj *o);

#endif /* KEA_LOADER_ELFOBJ_INT_H */
