/*
 * loader/elfobj.c — generic part of the relocatable-object loader.
 *
 * Parse (all validation, layout and import resolution, so that a bad or
 * unloadable object is refused before the placement commits any memory),
 * then relocate (copy, fill the GOT, patch).  Only the relocation
 * arithmetic is architecture-specific; it lives in reloc_i386.c behind
 * the interface in reloc.h.
 *
 * Everything read from the image is untrusted.  The rules:
 *   - every offset/size pair is checked against the file length in 64-bit
 *     arithmetic before anything is read through it;
 *   - string tables must end in NUL, so any in-range name is terminated;
 *   - all engine memory comes from env->alloc and is recorded in the
 *     struct elfobj as soon as it is obtained, so a single release path
 *     frees it whatever step failed.
 */
#include <kea/elfobj.h>

#include <string.h>

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

static const char *const region_names[EO_NREGIONS] = {
    "text", "rodata", "data", "bss", "got"
};

const char *elfobj_region_name(int region)
{
    if (region < 0 || region >= EO_NREGIONS)
        return "?";
    return region_names[region];
}

/* ---------------------------------------------------------------------
 * Error messages.  No printf in the kernel's freestanding build, so a
 * tiny formatter: %s (string, long ones shortened), %u, %x (as 0x...).
 * Arguments travel in a typed array, which keeps the call sites short.
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

#define MAXSTR 48       /* longest name quoted in a message */

struct out {
    char *buf;
    size_t cap, len;
};

static void out_c(struct out *w, char c)
{
    if (w->len + 1 < w->cap)
        w->buf[w->len++] = c;
}

static void out_s(struct out *w, const char *s)
{
    size_t i;

    if (!s)
        s = "(null)";
    for (i = 0; s[i] && i < MAXSTR; i++)
        out_c(w, s[i]);
    if (s[i])
        out_s(w, "...");
}

static void out_u(struct out *w, uint32_t v, unsigned base)
{
    char d[10];
    int n = 0;

    do {
        d[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        out_c(w, d[--n]);
}

static int failf(const struct elfobj *o, struct elfobj_error *err,
                 const char *fmt, const struct fmtarg *a, size_t n)
{
    struct out w;
    size_t k = 0;

    if (!err)
        return -1;
    w.buf = err->msg;
    w.cap = sizeof err->msg;
    w.len = 0;
    out_s(&w, o->name ? o->name : "object");
    out_s(&w, ": ");
    for (; *fmt; fmt++) {
        if (*fmt != '%' || !fmt[1]) {
            out_c(&w, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == '%') {
            out_c(&w, '%');
        } else if (k >= n || (a[k].str != (*fmt == 's'))) {
            out_c(&w, '?');         /* programming error: visible, not UB */
            k++;
        } else if (*fmt == 's') {
            out_s(&w, a[k++].s);
        } else if (*fmt == 'x') {
            out_s(&w, "0x");
            out_u(&w, a[k++].u, 16);
        } else {
            out_u(&w, a[k++].u, 10);
        }
    }
    w.buf[w.len] = '\0';
    return -1;
}

/* ---------------------------------------------------------------------
 * Memory: every table is stored in the object as soon as it is obtained
 * (the overlap check's scratch array is freed before that step returns),
 * so elfobj_release() is the one cleanup path for every failure.
 */
static void *xalloc(struct elfobj *o, struct elfobj_error *err,
                    uint64_t n, const char *what)
{
    void *p;

    /* The cap keeps a 32-bit kernel's size_t from overflowing and keeps
     * a hostile image from asking for absurd tables. */
    if (n == 0) {
        failf(o, err, "internal error: empty %s table", ARGS(S(what)));
        return NULL;
    }
    if (n > ELFOBJ_MAX_IMAGE) {
        failf(o, err, "%s table of %u bytes is too large",
              ARGS(S(what), U(n > 0xffffffffu ? 0xffffffffu : n)));
        return NULL;
    }
    p = o->env.alloc(o->env.ctx, (size_t)n);
    if (!p)
        failf(o, err, "out of memory (%u bytes for %s)", ARGS(U(n), S(what)));
    return p;
}

static void xfree(struct elfobj *o, void *p)
{
    if (p)
        o->env.free(o->env.ctx, p);
}

void elfobj_release(struct elfobj *o)
{
    if (!o)
        return;
    if (o->env.free) {
        xfree(o, o->sec);
        xfree(o, o->sym);
        xfree(o, o->initorder);
        xfree(o, o->finiorder);
        xfree(o, o->ctor);
        xfree(o, o->dtor);
    }
    memset(o, 0, sizeof *o);
}

/* ---------------------------------------------------------------------
 * Small helpers.
 */
static bool is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
    return (v + a - 1) & ~(uint64_t)(a - 1);
}

static const char *secname(const struct elfobj *o, uint32_t i)
{
    if (i < o->shnum && o->sec[i].name)
        return o->sec[i].name[0] ? o->sec[i].name : "(unnamed)";
    return "?";
}

static void read_sym(const struct elfobj *o, uint32_t i, struct sym *s)
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

static const char *symname(const struct elfobj *o, uint32_t i)
{
    struct sym s;

    if (i == 0 || i >= o->nsyms)
        return "(none)";
    read_sym(o, i, &s);
    if (s.type == STT_SECTION && s.shndx < o->shnum)
        return secname(o, s.shndx);
    return o->strtab[s.name] ? o->strtab + s.name : "(unnamed)";
}

/*
 * In-place heapsort of section/symbol indices: no recursion and no extra
 * memory, and O(n log n) even for a hostile object with 65k sections.
 */
typedef bool (*less_fn)(const struct elfobj *o, uint32_t a, uint32_t b);

static void sift(uint32_t *v, uint32_t root, uint32_t n, less_fn less,
                 const struct elfobj *o)
{
    for (;;) {
        uint32_t big = root, l = 2 * root + 1, r = l + 1, t;

        if (l < n && less(o, v[big], v[l]))
            big = l;
        if (r < n && less(o, v[big], v[r]))
            big = r;
        if (big == root)
            return;
        t = v[root];
        v[root] = v[big];
        v[big] = t;
        root = big;
    }
}

static void sort_indices(uint32_t *v, uint32_t n, less_fn less,
                         const struct elfobj *o)
{
    uint32_t i, t;

    for (i = n / 2; i-- > 0;)
        sift(v, i, n, less, o);
    for (i = n; i-- > 1;) {
        t = v[0];
        v[0] = v[i];
        v[i] = t;
        sift(v, 0, i, less, o);
    }
}

/* ---------------------------------------------------------------------
 * Step 1: ELF header.
 */
static int parse_header(struct elfobj *o, struct elfobj_error *err,
                        uint32_t *shstrndx)
{
    const uint8_t *h = o->image;
    uint32_t shoff, shnum;

    if (o->len < ELF32_EHDR_SIZE)
        return failf(o, err, "truncated: %u bytes, an ELF32 header needs 52",
                     ARGS(U(o->len)));
    if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
        return failf(o, err, "not an ELF file (bad magic)", NOARGS);
    if (h[EI_CLASS] != ELFCLASS32)
        return failf(o, err, "not ELF32 (EI_CLASS %u)", ARGS(U(h[EI_CLASS])));
    if (h[EI_DATA] != ELFDATA2LSB)
        return failf(o, err, "not little-endian (EI_DATA %u)",
                     ARGS(U(h[EI_DATA])));
    if (h[EI_VERSION] != EV_CURRENT || get32(h + 20) != EV_CURRENT)
        return failf(o, err, "unknown ELF version", NOARGS);
    if (get16(h + 16) != ET_REL)
        return failf(o, err, "not a relocatable object (e_type %u, want 1)",
                     ARGS(U(get16(h + 16))));
    if (get16(h + 18) != elfobj_arch_machine())
        return failf(o, err, "e_machine %u is not %s (%u)",
                     ARGS(U(get16(h + 18)), S(elfobj_arch_name()),
                          U(elfobj_arch_machine())));
    if (get16(h + 40) != ELF32_EHDR_SIZE)
        return failf(o, err, "e_ehsize %u, want 52", ARGS(U(get16(h + 40))));
    if (get16(h + 46) != ELF32_SHDR_SIZE)
        return failf(o, err, "e_shentsize %u, want 40", ARGS(U(get16(h + 46))));

    shoff = get32(h + 32);
    shnum = get16(h + 48);
    *shstrndx = get16(h + 50);
    if (shnum == 0)
        return failf(o, err, shoff ? "extended section numbering unsupported"
                                   : "no section headers", NOARGS);
    if (shnum >= SHN_LORESERVE)
        return failf(o, err, "e_shnum %u is in the reserved range",
                     ARGS(U(shnum)));
    if ((uint64_t)shoff + (uint64_t)shnum * ELF32_SHDR_SIZE > o->len)
        return failf(o, err, "section headers at %x (%u of them) extend "
                     "beyond the end of the file (%u bytes)",
                     ARGS(U(shoff), U(shnum), U(o->len)));
    if (*shstrndx == SHN_XINDEX)
        return failf(o, err, "extended e_shstrndx (SHN_XINDEX) unsupported",
                     NOARGS);
    if (*shstrndx == SHN_UNDEF || *shstrndx >= shnum)
        return failf(o, err, "e_shstrndx %u out of range (%u sections)",
                     ARGS(U(*shstrndx), U(shnum)));
    o->shoff = shoff;
    o->shnum = shnum;
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 2: section headers, their names and file extents.
 */
static bool strtab_ok(const struct elfobj *o, uint32_t i)
{
    const struct elfobj_sec *s = &o->sec[i];

    return s->type == SHT_STRTAB && s->size > 0 &&
           o->image[s->offset + s->size - 1] == '\0';
}

static int load_sections(struct elfobj *o, struct elfobj_error *err,
                         uint32_t shstrndx)
{
    const struct elfobj_sec *strs;
    uint32_t i;

    o->sec = xalloc(o, err, (uint64_t)o->shnum * sizeof *o->sec, "section");
    if (!o->sec)
        return -1;
    memset(o->sec, 0, o->shnum * sizeof *o->sec);

    for (i = 0; i < o->shnum; i++) {
        const uint8_t *p = o->image + o->shoff + i * ELF32_SHDR_SIZE;
        struct elfobj_sec *s = &o->sec[i];

        s->type = get32(p + 4);
        s->flags = get32(p + 8);
        s->offset = get32(p + 16);
        s->size = get32(p + 20);
        s->link = get32(p + 24);
        s->info = get32(p + 28);
        s->align = get32(p + 32);
        s->entsize = get32(p + 36);
        s->region = REG_NONE;
        if (s->align == 0)
            s->align = 1;       /* gABI: 0 and 1 both mean unaligned */

        if (i == 0) {
            if (s->type != SHT_NULL)
                return failf(o, err, "section 0 is not SHT_NULL", NOARGS);
            continue;
        }
        if (s->type != SHT_NOBITS && s->type != SHT_NULL &&
            (uint64_t)s->offset + s->size > o->len)
            return failf(o, err, "section %u: contents [%x, +%x) extend "
                         "beyond the end of the file (%u bytes)",
                         ARGS(U(i), U(s->offset), U(s->size), U(o->len)));
        if (!is_pow2(s->align))
            return failf(o, err, "section %u: alignment %u is not a power "
                         "of two", ARGS(U(i), U(s->align)));
    }

    if (!strtab_ok(o, shstrndx))
        return failf(o, err, "section name table (section %u) is not a "
                     "NUL-terminated SHT_STRTAB", ARGS(U(shstrndx)));
    strs = &o->sec[shstrndx];
    for (i = 0; i < o->shnum; i++) {
        uint32_t n = get32(o->image + o->shoff + i * ELF32_SHDR_SIZE);

        if (n >= strs->size)
            return failf(o, err, "section %u: name offset %u beyond the "
                         "section name table (%u bytes)",
                         ARGS(U(i), U(n), U(strs->size)));
        o->sec[i].name = (const char *)o->image + strs->offset + n;
    }
    return 0;
}

/*
 * The ELF header, the section header table and every section with file
 * contents must occupy disjoint byte ranges: overlapping contents would
 * let one section's relocations silently rewrite another's bytes.
 * Items shnum and shnum+1 stand for the ELF header and the header table.
 */
static void extent(const struct elfobj *o, uint32_t i, uint64_t *lo,
                   uint64_t *hi)
{
    if (i == o->shnum) {
        *lo = 0;
        *hi = ELF32_EHDR_SIZE;
    } else if (i == o->shnum + 1) {
        *lo = o->shoff;
        *hi = o->shoff + (uint64_t)o->shnum * ELF32_SHDR_SIZE;
    } else {
        *lo = o->sec[i].offset;
        *hi = *lo + o->sec[i].size;
    }
}

static bool extent_less(const struct elfobj *o, uint32_t a, uint32_t b)
{
    uint64_t alo, ahi, blo, bhi;

    extent(o, a, &alo, &ahi);
    extent(o, b, &blo, &bhi);
    return alo < blo || (alo == blo && a < b);
}

static const char *extent_name(const struct elfobj *o, uint32_t i)
{
    if (i == o->shnum)
        return "ELF header";
    if (i == o->shnum + 1)
        return "section header table";
    return secname(o, i);
}

static int check_overlap(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t *v, n = 0, i;
    int rc = 0;

    v = xalloc(o, err, (uint64_t)(o->shnum + 2) * sizeof *v, "overlap");
    if (!v)
        return -1;
    for (i = 1; i < o->shnum; i++)
        if (o->sec[i].type != SHT_NOBITS && o->sec[i].type != SHT_NULL &&
            o->sec[i].size > 0)
            v[n++] = i;
    v[n++] = o->shnum;
    v[n++] = o->shnum + 1;
    sort_indices(v, n, extent_less, o);
    for (i = 1; i < n; i++) {
        uint64_t plo, phi, lo, hi;

        extent(o, v[i - 1], &plo, &phi);
        extent(o, v[i], &lo, &hi);
        if (lo < phi) {
            rc = failf(o, err, "%s and %s overlap in the file (at %x)",
                       ARGS(S(extent_name(o, v[i - 1])),
                            S(extent_name(o, v[i])), U(lo)));
            break;
        }
    }
    xfree(o, v);
    return rc;
}

/* ---------------------------------------------------------------------
 * Step 3: which region each allocated section goes to, and whether it
 * holds constructors or destructors.
 */

/* Is `name` `base` itself or `base` followed by ".something"? */
static bool named(const char *name, const char *base)
{
    size_t n = strlen(base);

    return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/*
 * Initialization priority of a constructor/destructor section, as GNU ld's
 * SORT_BY_INIT_PRIORITY sees it: ".init_array.N"/".fini_array.N" have
 * priority N; gcc names priority p ".ctors.(65535-p)"/".dtors.(65535-p)";
 * anything without a numeric suffix has the default priority 65535, which
 * runs last.
 */
static uint32_t init_priority(const char *name, const char *base, bool legacy)
{
    const char *p = name + strlen(base);
    uint32_t v = 0;
    int digits = 0;

    if (*p != '.')
        return 65535;
    for (p++; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
        v = v * 10 + (uint32_t)(*p - '0');
    if (*p || digits == 0 || v > 65535)
        return 65535;
    return legacy ? 65535 - v : v;
}

/* Sort key: .preinit_array (0) before every priority (1 + priority). */
static void classify_init(struct elfobj_sec *s)
{
    if (s->type == SHT_PREINIT_ARRAY) {
        s->init = INIT_PREINIT;
        s->key = 0;
    } else if (s->type == SHT_INIT_ARRAY) {
        s->init = INIT_ARRAY;
        s->key = 1 + init_priority(s->name, ".init_array", false);
    } else if (s->type == SHT_FINI_ARRAY) {
        s->init = FINI_ARRAY;
        s->key = 1 + init_priority(s->name, ".fini_array", false);
    } else if (s->type == SHT_PROGBITS && named(s->name, ".ctors")) {
        s->init = INIT_CTORS;
        s->key = 1 + init_priority(s->name, ".ctors", true);
    } else if (s->type == SHT_PROGBITS && named(s->name, ".dtors")) {
        s->init = FINI_DTORS;
        s->key = 1 + init_priority(s->name, ".dtors", true);
    }
}

static int classify_sections(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i;

    for (i = 1; i < o->shnum; i++) {
        struct elfobj_sec *s = &o->sec[i];

        if (!(s->flags & SHF_ALLOC) || s->type == SHT_NULL)
            continue;       /* SHT_NULL: inactive, whatever its flags */
        switch (s->type) {
        case SHT_PROGBITS: case SHT_NOBITS: case SHT_NOTE:
        case SHT_INIT_ARRAY: case SHT_FINI_ARRAY: case SHT_PREINIT_ARRAY:
            break;
        default:
            return failf(o, err, "section %u (%s): allocatable section of "
                         "unsupported type %u", ARGS(U(i), S(secname(o, i)),
                                                     U(s->type)));
        }
        if (s->flags & SHF_TLS)
            return failf(o, err, "section %u (%s): thread-local storage is "
                         "unsupported", ARGS(U(i), S(secname(o, i))));
        if (s->flags & SHF_COMPRESSED)
            return failf(o, err, "section %u (%s): compressed allocatable "
                         "section", ARGS(U(i), S(secname(o, i))));
        if (s->align > ELFOBJ_MAX_ALIGN)
            return failf(o, err, "section %u (%s): alignment %u exceeds the "
                         "limit %u", ARGS(U(i), S(secname(o, i)), U(s->align),
                                          U(ELFOBJ_MAX_ALIGN)));
        if (s->flags & SHF_EXECINSTR) {
            if (s->flags & SHF_WRITE)
                return failf(o, err, "section %u (%s) is both writable and "
                             "executable", ARGS(U(i), S(secname(o, i))));
            s->region = EO_TEXT;
        } else if (s->type == SHT_NOBITS) {
            s->region = EO_BSS;
        } else if (s->flags & SHF_WRITE) {
            s->region = EO_DATA;
        } else {
            s->region = EO_RODATA;
        }
        classify_init(s);
        if (s->init != INIT_NONE && s->size % 4 != 0)
            return failf(o, err, "section %u (%s): constructor/destructor "
                         "array size %u is not a multiple of 4",
                         ARGS(U(i), S(secname(o, i)), U(s->size)));
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 4: the symbol table, symbol classification and import resolution.
 */
static int load_symtab(struct elfobj *o, struct elfobj_error *err)
{
    const struct elfobj_sec *s;
    uint32_t i;

    for (i = 1; i < o->shnum; i++) {
        if (o->sec[i].type != SHT_SYMTAB)
            continue;
        if (o->symtab)
            return failf(o, err, "more than one symbol table (sections %u "
                         "and %u)", ARGS(U(o->symtab), U(i)));
        o->symtab = i;
    }
    if (!o->symtab)
        return 0;       /* legal if nothing needs symbols; checked later */

    s = &o->sec[o->symtab];
    if (s->entsize != ELF32_SYM_SIZE)
        return failf(o, err, "symbol table entry size %u, want 16",
                     ARGS(U(s->entsize)));
    if (s->size % ELF32_SYM_SIZE)
        return failf(o, err, "symbol table size %u is not a multiple of 16",
                     ARGS(U(s->size)));
    if (s->link == 0 || s->link >= o->shnum || !strtab_ok(o, s->link))
        return failf(o, err, "symbol table's sh_link %u is not a "
                     "NUL-terminated string table", ARGS(U(s->link)));
    o->nsyms = s->size / ELF32_SYM_SIZE;
    if (s->info > o->nsyms)
        return failf(o, err, "symbol table's sh_info %u exceeds its %u "
                     "symbols", ARGS(U(s->info), U(o->nsyms)));
    o->strtab = (const char *)o->image + o->sec[s->link].offset;
    o->strsz = o->sec[s->link].size;
    return 0;
}

static int resolve_import(struct elfobj *o, struct elfobj_error *err,
                          uint32_t i, const struct sym *s,
                          struct elfobj_symstate *st)
{
    const char *name = o->strtab + s->name;
    uint32_t addr = 0;

    if (s->bind == STB_LOCAL)
        return failf(o, err, "symbol %u (%s) is local but undefined",
                     ARGS(U(i), S(name)));
    if (!name[0])
        return failf(o, err, "symbol %u is undefined and has no name",
                     ARGS(U(i)));
    if (strcmp(name, GOTBASE_NAME) == 0) {
        st->kind = SK_GOTBASE;
        return 0;
    }
    st->kind = SK_IMPORT;
    if (o->env.resolve && o->env.resolve(o->env.ctx, name, &addr) == 0) {
        st->value = addr;
        st->resolved = true;
    } else if (s->bind == STB_WEAK) {
        st->value = 0;          /* unresolved weak reference: address 0 */
    } else {
        return failf(o, err, "undefined symbol '%s' (symbol %u)",
                     ARGS(S(name), U(i)));
    }
    return 0;
}

static int scan_symbols(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i;

    if (o->nsyms == 0)
        return 0;
    o->sym = xalloc(o, err, (uint64_t)o->nsyms * sizeof *o->sym, "symbol");
    if (!o->sym)
        return -1;
    memset(o->sym, 0, o->nsyms * sizeof *o->sym);

    for (i = 0; i < o->nsyms; i++) {
        struct elfobj_symstate *st = &o->sym[i];
        struct sym s;

        st->got = NONE;
        st->kind = SK_NULL;
        if (i == 0)
            continue;           /* the reserved null symbol */
        read_sym(o, i, &s);
        st->shndx = s.shndx;
        if (s.name >= o->strsz)
            return failf(o, err, "symbol %u: name offset %u beyond the "
                         "string table (%u bytes)",
                         ARGS(U(i), U(s.name), U(o->strsz)));
        if (s.bind != STB_LOCAL && s.bind != STB_GLOBAL &&
            s.bind != STB_WEAK && s.bind != STB_GNU_UNIQUE)
            return failf(o, err, "symbol %u (%s): unsupported binding %u",
                         ARGS(U(i), S(o->strtab + s.name), U(s.bind)));
        if (s.type == STT_TLS)
            return failf(o, err, "symbol %u (%s): thread-local symbols are "
                         "unsupported", ARGS(U(i), S(o->strtab + s.name)));
        if (s.type == STT_GNU_IFUNC)
            return failf(o, err, "symbol %u (%s): IFUNC symbols are "
                         "unsupported", ARGS(U(i), S(o->strtab + s.name)));

        if (s.shndx == SHN_UNDEF) {
            if (resolve_import(o, err, i, &s, st))
                return -1;
        } else if (s.shndx == SHN_ABS) {
            st->kind = SK_ABS;
            st->value = s.value;
        } else if (s.shndx == SHN_COMMON) {
            /* For COMMON, st_value is the required alignment. */
            if (!is_pow2(s.value) || s.value > ELFOBJ_MAX_ALIGN)
                return failf(o, err, "common symbol %u (%s): alignment %u "
                             "is not a power of two up to %u",
                             ARGS(U(i), S(o->strtab + s.name), U(s.value),
                                  U(ELFOBJ_MAX_ALIGN)));
            st->kind = SK_COMMON;
        } else if (s.shndx == SHN_XINDEX) {
            return failf(o, err, "symbol %u (%s): extended section index "
                         "(SHN_XINDEX) unsupported",
                         ARGS(U(i), S(o->strtab + s.name)));
        } else if (s.shndx >= SHN_LORESERVE) {
            return failf(o, err, "symbol %u (%s): reserved section index %x "
                         "unsupported", ARGS(U(i), S(o->strtab + s.name),
                                             U(s.shndx)));
        } else if (s.shndx >= o->shnum) {
            return failf(o, err, "symbol %u (%s): section index %u out of "
                         "range (%u sections)",
                         ARGS(U(i), S(o->strtab + s.name), U(s.shndx),
                              U(o->shnum)));
        } else if (o->sec[s.shndx].region == REG_NONE) {
            st->kind = SK_NONALLOC;     /* debug info etc.: never placed */
        } else {
            if (s.value > o->sec[s.shndx].size)
                return failf(o, err, "symbol %u (%s): value %x beyond the "
                             "end of section %u (%s, %x bytes)",
                             ARGS(U(i), S(symname(o, i)), U(s.value),
                                  U(s.shndx), S(secname(o, s.shndx)),
                                  U(o->sec[s.shndx].size)));
            st->kind = SK_SECTION;
            st->value = s.value;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 5: relocation sections.  Validated completely here, so that
 * relocate() can only fail on values (overflow), never on structure, and
 * so the GOT size is known before layout.
 */
struct rel {
    uint32_t offset, sym, type, addend;
};

static void read_rel(const struct elfobj *o, const struct elfobj_sec *rs,
                     uint32_t k, struct rel *r)
{
    const uint8_t *p = o->image + rs->offset + k * rs->entsize;
    uint32_t info = get32(p + 4);

    r->offset = get32(p);
    r->sym = info >> 8;
    r->type = info & 0xff;
    r->addend = rs->type == SHT_RELA ? get32(p + 8) : 0;
}

static int unsupported(const struct elfobj *o, struct elfobj_error *err,
                       uint32_t type, uint32_t rsec, uint32_t k)
{
    const char *name = elfobj_arch_reloc_name(type);

    if (name)
        return failf(o, err, "unsupported relocation type %s (%u) in "
                     "section %s, entry %u",
                     ARGS(S(name), U(type), S(secname(o, rsec)), U(k)));
    return failf(o, err, "unknown relocation type %u in section %s, "
                 "entry %u", ARGS(U(type), S(secname(o, rsec)), U(k)));
}

static int scan_relsec(struct elfobj *o, struct elfobj_error *err,
                       uint32_t i)
{
    struct elfobj_sec *rs = &o->sec[i];
    uint32_t want = rs->type == SHT_RELA ? ELF32_RELA_SIZE : ELF32_REL_SIZE;
    const struct elfobj_sec *t;
    uint32_t k, n;

    if (rs->info == 0 || rs->info >= o->shnum)
        return failf(o, err, "relocation section %u (%s): target section "
                     "(sh_info) %u out of range",
                     ARGS(U(i), S(secname(o, i)), U(rs->info)));
    t = &o->sec[rs->info];
    if (t->region == REG_NONE) {
        /* .rel.debug_* and the like: the target is never loaded, so its
         * relocations are not applied (nor even looked at). */
        rs->skip = true;
        return 0;
    }
    if (rs->entsize != want)
        return failf(o, err, "relocation section %u (%s): entry size %u, "
                     "want %u", ARGS(U(i), S(secname(o, i)), U(rs->entsize),
                                     U(want)));
    if (rs->size % want)
        return failf(o, err, "relocation section %u (%s): size %u is not a "
                     "multiple of %u", ARGS(U(i), S(secname(o, i)),
                                            U(rs->size), U(want)));
    if (!o->symtab || rs->link != o->symtab)
        return failf(o, err, "relocation section %u (%s): sh_link %u is not "
                     "the symbol table", ARGS(U(i), S(secname(o, i)),
                                              U(rs->link)));
    if (t->type == SHT_NOBITS)
        return failf(o, err, "relocation section %u (%s) applies to "
                     "section %u (%s), which has no contents",
                     ARGS(U(i), S(secname(o, i)), U(rs->info),
                          S(secname(o, rs->info))));

    n = rs->size / want;
    for (k = 0; k < n; k++) {
        struct reloc_howto h;
        struct rel r;

        read_rel(o, rs, k, &r);
        if (r.sym >= o->nsyms)
            return failf(o, err, "section %s, entry %u: symbol index %u out "
                         "of range (%u symbols)", ARGS(S(secname(o, i)),
                         U(k), U(r.sym), U(o->nsyms)));
        if (!elfobj_arch_howto(r.type, &h))
            return unsupported(o, err, r.type, i, k);
        if ((uint64_t)r.offset + h.size > t->size)
            return failf(o, err, "section %s, entry %u: offset %x (+%u) "
                         "beyond section %s (%x bytes)",
                         ARGS(S(secname(o, i)), U(k), U(r.offset), U(h.size),
                              S(secname(o, rs->info)), U(t->size)));
        if (o->sym[r.sym].kind == SK_NONALLOC)
            return failf(o, err, "section %s, entry %u: symbol %s is in "
                         "non-allocated section %u",
                         ARGS(S(secname(o, i)), U(k), S(symname(o, r.sym)),
                              U(o->sym[r.sym].shndx)));
        if (h.got_slot && o->sym[r.sym].got == NONE)
            o->sym[r.sym].got = o->ngot++;
    }
    return 0;
}

static int scan_relocations(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i;

    for (i = 1; i < o->shnum; i++)
        if (o->sec[i].type == SHT_REL || o->sec[i].type == SHT_RELA)
            if (scan_relsec(o, err, i))
                return -1;
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 6: layout.  Sections go into their region in header order, each at
 * its own alignment; COMMON symbols follow the NOBITS sections in BSS.
 * Every region is rounded up to whole pages.
 */
static int layout(struct elfobj *o, struct elfobj_error *err)
{
    uint64_t total = 0;
    int r;

    for (r = 0; r < EO_NREGIONS; r++) {
        uint64_t off = 0;
        uint32_t align = ELFOBJ_PAGE_SIZE, i;

        for (i = 1; i < o->shnum; i++) {
            struct elfobj_sec *s = &o->sec[i];

            if (s->region != r)
                continue;
            off = align_up(off, s->align);
            s->off = (uint32_t)off;
            off += s->size;
            if (s->align > align)
                align = s->align;
            if (off > ELFOBJ_MAX_IMAGE)
                return failf(o, err, "%s region exceeds the %u-byte image "
                             "limit at section %u (%s)",
                             ARGS(S(region_names[r]), U(ELFOBJ_MAX_IMAGE),
                                  U(i), S(secname(o, i))));
        }
        if (r == EO_BSS) {
            for (i = 1; i < o->nsyms; i++) {
                struct sym s;

                if (o->sym[i].kind != SK_COMMON)
                    continue;
                read_sym(o, i, &s);
                off = align_up(off, s.value);
                o->sym[i].value = (uint32_t)off;
                off += s.size;
                if (s.value > align)
                    align = s.value;
                if (off > ELFOBJ_MAX_IMAGE)
                    return failf(o, err, "bss region exceeds the %u-byte "
                                 "image limit at common symbol %s",
                                 ARGS(U(ELFOBJ_MAX_IMAGE),
                                      S(symname(o, i))));
            }
        }
        if (r == EO_GOT)
            off = (uint64_t)o->ngot * 4;
        o->region[r].size = (uint32_t)align_up(off, ELFOBJ_PAGE_SIZE);
        o->region[r].align = align;
        total += o->region[r].size;
    }
    if (total > ELFOBJ_MAX_IMAGE)
        return failf(o, err, "image needs %u bytes, more than the limit %u",
                     ARGS(U(total > 0xffffffffu ? 0xffffffffu : total),
                          U(ELFOBJ_MAX_IMAGE)));
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 7: constructor/destructor sections in run order.  Only the order of
 * sections is fixed here; the entries are read after relocation.
 */
static bool init_less(const struct elfobj *o, uint32_t a, uint32_t b)
{
    return o->sec[a].key < o->sec[b].key ||
           (o->sec[a].key == o->sec[b].key && a < b);
}

static int prepare_init(struct elfobj *o, struct elfobj_error *err)
{
    uint64_t nctor = 0, ndtor = 0;
    uint32_t i, ni = 0, nf = 0;

    for (i = 1; i < o->shnum; i++) {
        uint8_t k = o->sec[i].init;

        if (k == INIT_PREINIT || k == INIT_ARRAY || k == INIT_CTORS) {
            ni++;
            nctor += o->sec[i].size / 4;
        } else if (k == FINI_ARRAY || k == FINI_DTORS) {
            nf++;
            ndtor += o->sec[i].size / 4;
        }
    }
    if (ni && !(o->initorder = xalloc(o, err, (uint64_t)ni * 4, "ctor section")))
        return -1;
    if (nf && !(o->finiorder = xalloc(o, err, (uint64_t)nf * 4, "dtor section")))
        return -1;
    if (nctor && !(o->ctor = xalloc(o, err, nctor * 4, "constructor")))
        return -1;
    if (ndtor && !(o->dtor = xalloc(o, err, ndtor * 4, "destructor")))
        return -1;
    o->ctorcap = (uint32_t)nctor;
    o->dtorcap = (uint32_t)ndtor;

    for (i = 1; i < o->shnum; i++) {
        uint8_t k = o->sec[i].init;

        if (k == INIT_PREINIT || k == INIT_ARRAY || k == INIT_CTORS)
            o->initorder[o->ninit++] = i;
        else if (k == FINI_ARRAY || k == FINI_DTORS)
            o->finiorder[o->nfini++] = i;
    }
    sort_indices(o->initorder, o->ninit, init_less, o);
    sort_indices(o->finiorder, o->nfini, init_less, o);
    return 0;
}

int elfobj_parse(struct elfobj *o, const void *image, size_t len,
                 const char *name, const struct elfobj_env *env,
                 struct elfobj_error *err)
{
    uint32_t shstrndx = 0;

    memset(o, 0, sizeof *o);
    o->image = image;
    o->len = len;
    o->name = name ? name : "object";
    if (err)
        err->msg[0] = '\0';
    if (!env || !env->alloc || !env->free)
        return failf(o, err, "environment lacks alloc/free", NOARGS);
    o->env = *env;
    if (!image)
        return failf(o, err, "no image", NOARGS);

    if (parse_header(o, err, &shstrndx) ||
        load_sections(o, err, shstrndx) ||
        check_overlap(o, err) ||
        classify_sections(o, err) ||
        load_symtab(o, err) ||
        scan_symbols(o, err) ||
        scan_relocations(o, err) ||
        layout(o, err) ||
        prepare_init(o, err)) {
        elfobj_release(o);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Relocation.
 */
static uint32_t symval(const struct elfobj *o, uint32_t i)
{
    const struct elfobj_symstate *st = &o->sym[i];
    const struct elfobj_sec *s;

    switch (st->kind) {
    case SK_SECTION:
        s = &o->sec[st->shndx];
        return o->region[s->region].run + s->off + st->value;
    case SK_COMMON:
        return o->region[EO_BSS].run + st->value;
    case SK_ABS:
    case SK_IMPORT:
        return st->value;
    case SK_GOTBASE:
        return o->region[EO_GOT].run;
    }
    return 0;
}

static int check_regions(const struct elfobj *o, struct elfobj_error *err)
{
    int r, q;

    for (r = 0; r < EO_NREGIONS; r++) {
        const struct elfobj_region *g = &o->region[r];

        if (!g->size)
            continue;
        if (!g->write)
            return failf(o, err, "%s region has no write address",
                         ARGS(S(region_names[r])));
        if (g->run & (g->align - 1))
            return failf(o, err, "%s region run address %x is not aligned "
                         "to %x", ARGS(S(region_names[r]), U(g->run),
                                       U(g->align)));
        if ((uint64_t)g->run + g->size > 0x100000000ull)
            return failf(o, err, "%s region at %x (+%x) wraps past 4 GiB",
                         ARGS(S(region_names[r]), U(g->run), U(g->size)));
        if ((uintptr_t)g->write + g->size < (uintptr_t)g->write)
            return failf(o, err, "%s region write range wraps",
                         ARGS(S(region_names[r])));
    }
    for (r = 0; r < EO_NREGIONS; r++) {
        for (q = r + 1; q < EO_NREGIONS; q++) {
            const struct elfobj_region *a = &o->region[r], *b = &o->region[q];
            uintptr_t aw = (uintptr_t)a->write, bw = (uintptr_t)b->write;

            if (!a->size || !b->size)
                continue;
            if ((uint64_t)a->run < (uint64_t)b->run + b->size &&
                (uint64_t)b->run < (uint64_t)a->run + a->size)
                return failf(o, err, "%s and %s regions overlap at run "
                             "addresses", ARGS(S(region_names[r]),
                                               S(region_names[q])));
            if (aw < bw + b->size && bw < aw + a->size)
                return failf(o, err, "%s and %s regions overlap at write "
                             "addresses", ARGS(S(region_names[r]),
                                               S(region_names[q])));
        }
    }
    return 0;
}

static int apply_relsec(struct elfobj *o, struct elfobj_error *err,
                        uint32_t i)
{
    const struct elfobj_sec *rs = &o->sec[i], *t = &o->sec[rs->info];
    const struct elfobj_region *g = &o->region[t->region];
    uint8_t *wbase;
    uint32_t rbase = g->run + t->off;
    uint32_t k, n = rs->size / rs->entsize;

    /* An empty section can only carry R_386_NONE-like entries, and may
     * sit in an empty region that has no memory at all. */
    if (t->size == 0)
        return 0;
    wbase = (uint8_t *)g->write + t->off;

    for (k = 0; k < n; k++) {
        struct reloc_site site;
        struct rel r;
        uint32_t value = 0;

        read_rel(o, rs, k, &r);
        site.type = r.type;
        site.loc = wbase + r.offset;
        site.P = rbase + r.offset;
        site.S = symval(o, r.sym);
        site.A = r.addend;
        site.rela = rs->type == SHT_RELA;
        site.GOT = o->region[EO_GOT].run;
        site.G = o->sym[r.sym].got == NONE ? 0 : o->sym[r.sym].got * 4;
        site.prev = r.offset ? o->image[t->offset + r.offset - 1] : -1;

        switch (elfobj_apply_relocate(&site, &value)) {
        case RELOC_OK:
            break;
        case RELOC_OVERFLOW:
            return failf(o, err, "%s against %s in section %s, entry %u: "
                         "value %x does not fit the field",
                         ARGS(S(elfobj_arch_reloc_name(r.type)),
                              S(symname(o, r.sym)), S(secname(o, i)), U(k),
                              U(value)));
        case RELOC_UNSUPPORTED:     /* parse checked the type: defensive */
            return unsupported(o, err, r.type, i, k);
        }
    }
    return 0;
}

/* Append a constructor/destructor section's entries to list, last entry
 * first if `backward`. */
static void collect(struct elfobj *o, uint32_t i, uint32_t *list,
                    uint32_t *n, bool backward)
{
    const struct elfobj_sec *s = &o->sec[i];
    const uint8_t *base;
    bool legacy = s->init == INIT_CTORS || s->init == FINI_DTORS;
    uint32_t cnt = s->size / 4, j;

    if (cnt == 0)
        return;                 /* may be in an empty region: no memory */
    base = (const uint8_t *)o->region[s->region].write + s->off;
    for (j = 0; j < cnt; j++) {
        uint32_t e = get32(base + 4 * (backward ? cnt - 1 - j : j));

        if (legacy && (e == 0 || e == 0xffffffffu))
            continue;           /* crtstuff-style list terminators */
        list[(*n)++] = e;
    }
}

static void build_init_lists(struct elfobj *o)
{
    uint32_t i, a, b;

    o->nctor = 0;
    for (i = 0; i < o->ninit; i++) {
        uint32_t s = o->initorder[i];
        collect(o, s, o->ctor, &o->nctor, o->sec[s].init == INIT_CTORS);
    }

    /* Build the array a linker would emit as .fini_array (.dtors turned
     * around, as ld does when it merges them), then run it backward. */
    o->ndtor = 0;
    for (i = 0; i < o->nfini; i++) {
        uint32_t s = o->finiorder[i];
        collect(o, s, o->dtor, &o->ndtor, o->sec[s].init == FINI_DTORS);
    }
    for (a = 0, b = o->ndtor; a + 1 < b; a++, b--) {
        uint32_t t = o->dtor[a];
        o->dtor[a] = o->dtor[b - 1];
        o->dtor[b - 1] = t;
    }
}

int elfobj_relocate(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i;
    int r;

    if (err)
        err->msg[0] = '\0';
    if (!o->sec)
        return failf(o, err, "relocate before a successful parse", NOARGS);
    o->relocated = false;
    if (check_regions(o, err))
        return -1;

    /* Zero everything first: padding between sections, BSS and COMMON,
     * and the tail of the last page, must never leak the previous
     * contents of the placement's memory into the loaded object. */
    for (r = 0; r < EO_NREGIONS; r++)
        if (o->region[r].size)
            memset(o->region[r].write, 0, o->region[r].size);

    for (i = 1; i < o->shnum; i++) {
        const struct elfobj_sec *s = &o->sec[i];

        if (s->region == REG_NONE || s->type == SHT_NOBITS || !s->size)
            continue;
        memcpy((uint8_t *)o->region[s->region].write + s->off,
               o->image + s->offset, s->size);
    }

    for (i = 1; i < o->nsyms; i++)
        if (o->sym[i].got != NONE)
            put32((uint8_t *)o->region[EO_GOT].write + 4 * o->sym[i].got,
                  symval(o, i));

    for (i = 1; i < o->shnum; i++) {
        const struct elfobj_sec *s = &o->sec[i];

        if ((s->type == SHT_REL || s->type == SHT_RELA) && !s->skip)
            if (apply_relsec(o, err, i))
                return -1;
    }

    build_init_lists(o);
    o->relocated = true;
    return 0;
}

/* ---------------------------------------------------------------------
 * Queries.
 */
static bool exported(const struct elfobj *o, uint32_t i, struct sym *s)
{
    uint8_t k = o->sym[i].kind;

    read_sym(o, i, s);
    return (k == SK_SECTION || k == SK_ABS || k == SK_COMMON) &&
           (s->bind == STB_GLOBAL || s->bind == STB_WEAK ||
            s->bind == STB_GNU_UNIQUE) &&
           (s->vis == STV_DEFAULT || s->vis == STV_PROTECTED) &&
           o->strtab[s->name] != '\0';
}

int elfobj_lookup(const struct elfobj *o, const char *name, uint32_t *run_addr)
{
    uint32_t i;
    struct sym s;

    if (!o->sym || !name)
        return -1;
    for (i = 1; i < o->nsyms; i++) {
        if (exported(o, i, &s) && strcmp(o->strtab + s.name, name) == 0) {
            *run_addr = symval(o, i);
            return 0;
        }
    }
    return -1;
}

static void fill(const struct elfobj *o, uint32_t i, const struct sym *s,
                 struct elfobj_sym *out)
{
    out->name = o->strtab + s->name;
    out->addr = symval(o, i);
    out->size = s->size;
    out->type = s->type;
    out->weak = s->bind == STB_WEAK;
    out->resolved = o->sym[i].kind != SK_IMPORT || o->sym[i].resolved;
}

bool elfobj_next_export(const struct elfobj *o, uint32_t *cursor,
                        struct elfobj_sym *out)
{
    struct sym s;

    if (!o->sym)
        return false;
    if (*cursor == 0)
        *cursor = 1;
    while (*cursor < o->nsyms) {
        uint32_t i = (*cursor)++;

        if (exported(o, i, &s)) {
            fill(o, i, &s, out);
            return true;
        }
    }
    return false;
}

bool elfobj_next_import(const struct elfobj *o, uint32_t *cursor,
                        struct elfobj_sym *out)
{
    struct sym s;

    if (!o->sym)
        return false;
    if (*cursor == 0)
        *cursor = 1;
    while (*cursor < o->nsyms) {
        uint32_t i = (*cursor)++;

        if (o->sym[i].kind == SK_IMPORT) {
            read_sym(o, i, &s);
            fill(o, i, &s, out);
            return true;
        }
    }
    return false;
}

const uint32_t *elfobj_ctors(const struct elfobj *o, uint32_t *n)
{
    *n = o->relocated ? o->nctor : 0;
    return o->ctor;
}

const uint32_t *elfobj_dtors(const struct elfobj *o, uint32_t *n)
{
    *n = o->relocated ? o->ndtor : 0;
    return o->dtor;
}

uint32_t elfobj_nsections(const struct elfobj *o)
{
    return o->shnum;
}

int elfobj_section(const struct elfobj *o, uint32_t index,
                   struct elfobj_secinfo *out)
{
    const struct elfobj_sec *s;

    if (!o->sec || index == 0 || index >= o->shnum)
        return -1;
    s = &o->sec[index];
    out->name = s->name;
    out->type = s->type;
    out->flags = s->flags;
    out->size = s->size;
    out->align = s->align;
    if (s->region == REG_NONE) {
        out->region = -1;
        out->run = 0;
        out->write = NULL;
    } else {
        out->region = s->region;
        out->run = o->region[s->region].run + s->off;
        out->write = o->region[s->region].write
                         ? (uint8_t *)o->region[s->region].write + s->off
                         : NULL;
    }
    return 0;
}
