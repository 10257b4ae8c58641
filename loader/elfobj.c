/*
 * loader/elfobj.c — generic part of the relocatable-object loader:
 * parsing, error messages and engine memory.
 *
 * Parse (all validation, layout and import resolution, so that a bad or
 * unloadable object is refused before the placement commits any memory),
 * then relocate (copy, fill the GOT, patch).  Only the relocation
 * arithmetic is architecture-specific; it lives in reloc_i386.c behind
 * the interface in reloc.h.  The generic part is one file per mechanism
 * (listed in elfobj_int.h); this one reads the ELF header and the section
 * headers and runs the steps of parse in order.
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

#include "elfobj_int.h"

/* ---------------------------------------------------------------------
 * Error messages: the formatter behind eo_failf (elfobj_int.h).
 */
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

int eo_failf(const struct elfobj *o, struct elfobj_error *err,
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
void *eo_xalloc(struct elfobj *o, struct elfobj_error *err,
                uint64_t n, const char *what)
{
    void *p;

    /* The cap keeps a 32-bit kernel's size_t from overflowing and keeps
     * a hostile image from asking for absurd tables. */
    if (n == 0) {
        eo_failf(o, err, "internal error: empty %s table", ARGS(S(what)));
        return NULL;
    }
    if (n > ELFOBJ_MAX_IMAGE) {
        eo_failf(o, err, "%s table of %u bytes is too large",
                 ARGS(S(what), U(n > 0xffffffffu ? 0xffffffffu : n)));
        return NULL;
    }
    p = o->env.alloc(o->env.ctx, (size_t)n);
    if (!p)
        eo_failf(o, err, "out of memory (%u bytes for %s)",
                 ARGS(U(n), S(what)));
    return p;
}

void eo_xfree(struct elfobj *o, void *p)
{
    if (p)
        o->env.free(o->env.ctx, p);
}

void elfobj_release(struct elfobj *o)
{
    if (!o)
        return;
    if (o->env.free) {
        eo_xfree(o, o->sec);
        eo_xfree(o, o->sym);
        eo_xfree(o, o->symrun);
        eo_xfree(o, o->initorder);
        eo_xfree(o, o->finiorder);
        eo_xfree(o, o->ctor);
        eo_xfree(o, o->dtor);
        eo_xfree(o, o->names);
    }
    memset(o, 0, sizeof *o);
}

/*
 * In-place heapsort of section/symbol indices: no recursion and no extra
 * memory, and O(n log n) even for a hostile object with 65k sections.
 */
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

void eo_sort_indices(uint32_t *v, uint32_t n, less_fn less,
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
        return eo_failf(o, err, "truncated: %u bytes, an ELF32 header needs 52",
                        ARGS(U(o->len)));
    if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
        return eo_failf(o, err, "not an ELF file (bad magic)", NOARGS);
    if (h[EI_CLASS] != ELFCLASS32)
        return eo_failf(o, err, "not ELF32 (EI_CLASS %u)",
                        ARGS(U(h[EI_CLASS])));
    if (h[EI_DATA] != ELFDATA2LSB)
        return eo_failf(o, err, "not little-endian (EI_DATA %u)",
                        ARGS(U(h[EI_DATA])));
    if (h[EI_VERSION] != EV_CURRENT || get32(h + 20) != EV_CURRENT)
        return eo_failf(o, err, "unknown ELF version", NOARGS);
    if (get16(h + 16) != ET_REL)
        return eo_failf(o, err, "not a relocatable object (e_type %u, want 1)",
                        ARGS(U(get16(h + 16))));
    if (get16(h + 18) != elfobj_arch_machine())
        return eo_failf(o, err, "e_machine %u is not %s (%u)",
                        ARGS(U(get16(h + 18)), S(elfobj_arch_name()),
                             U(elfobj_arch_machine())));
    if (get16(h + 40) != ELF32_EHDR_SIZE)
        return eo_failf(o, err, "e_ehsize %u, want 52",
                        ARGS(U(get16(h + 40))));
    if (get16(h + 46) != ELF32_SHDR_SIZE)
        return eo_failf(o, err, "e_shentsize %u, want 40",
                        ARGS(U(get16(h + 46))));

    shoff = get32(h + 32);
    shnum = get16(h + 48);
    *shstrndx = get16(h + 50);
    if (shnum == 0)
        return eo_failf(o, err, shoff ? "extended section numbering unsupported"
                                      : "no section headers", NOARGS);
    if (shnum >= SHN_LORESERVE)
        return eo_failf(o, err, "e_shnum %u is in the reserved range",
                        ARGS(U(shnum)));
    if ((uint64_t)shoff + (uint64_t)shnum * ELF32_SHDR_SIZE > o->len)
        return eo_failf(o, err, "section headers at %x (%u of them) extend "
                        "beyond the end of the file (%u bytes)",
                        ARGS(U(shoff), U(shnum), U(o->len)));
    if (*shstrndx == SHN_XINDEX)
        return eo_failf(o, err, "extended e_shstrndx (SHN_XINDEX) unsupported",
                        NOARGS);
    if (*shstrndx == SHN_UNDEF || *shstrndx >= shnum)
        return eo_failf(o, err, "e_shstrndx %u out of range (%u sections)",
                        ARGS(U(*shstrndx), U(shnum)));
    o->shoff = shoff;
    o->shnum = shnum;
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 2: section headers, their names and file extents.
 */
bool eo_strtab_ok(const struct elfobj *o, uint32_t i)
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

    o->sec = eo_xalloc(o, err, (uint64_t)o->shnum * sizeof *o->sec, "section");
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
                return eo_failf(o, err, "section 0 is not SHT_NULL", NOARGS);
            continue;
        }
        if (s->type != SHT_NOBITS && s->type != SHT_NULL &&
            (uint64_t)s->offset + s->size > o->len)
            return eo_failf(o, err, "section %u: contents [%x, +%x) extend "
                            "beyond the end of the file (%u bytes)",
                            ARGS(U(i), U(s->offset), U(s->size), U(o->len)));
        if (!is_pow2(s->align))
            return eo_failf(o, err, "section %u: alignment %u is not a power "
                            "of two", ARGS(U(i), U(s->align)));
    }

    if (!eo_strtab_ok(o, shstrndx))
        return eo_failf(o, err, "section name table (section %u) is not a "
                        "NUL-terminated SHT_STRTAB", ARGS(U(shstrndx)));
    strs = &o->sec[shstrndx];
    for (i = 0; i < o->shnum; i++) {
        uint32_t n = get32(o->image + o->shoff + i * ELF32_SHDR_SIZE);

        if (n >= strs->size)
            return eo_failf(o, err, "section %u: name offset %u beyond the "
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

    v = eo_xalloc(o, err, (uint64_t)(o->shnum + 2) * sizeof *v, "overlap");
    if (!v)
        return -1;
    for (i = 1; i < o->shnum; i++)
        if (o->sec[i].type != SHT_NOBITS && o->sec[i].type != SHT_NULL &&
            o->sec[i].size > 0)
            v[n++] = i;
    v[n++] = o->shnum;
    v[n++] = o->shnum + 1;
    eo_sort_indices(v, n, extent_less, o);
    for (i = 1; i < n; i++) {
        uint64_t plo, phi, lo, hi;

        extent(o, v[i - 1], &plo, &phi);
        extent(o, v[i], &lo, &hi);
        if (lo < phi) {
            rc = eo_failf(o, err, "%s and %s overlap in the file (at %x)",
                          ARGS(S(extent_name(o, v[i - 1])),
                               S(extent_name(o, v[i])), U(lo)));
            break;
        }
    }
    eo_xfree(o, v);
    return rc;
}

/*
 * The steps, each relying on the ones before it:
 *   1 the ELF header                                  (here)
 *   2 section headers, names, disjoint file extents   (here)
 *   3 each allocated section's region                 (elfobj_layout.c)
 *     and constructor/destructor role                 (elfobj_ctors.c)
 *   4 the symbol table, imports resolved, the hash    (elfobj_sym.c)
 *     of the names it defines
 *   5 relocation sections validated, GOT slots        (elfobj_reloc.c)
 *   6 layout of sections and COMMON symbols           (elfobj_layout.c)
 *   7 constructor/destructor sections in run order    (elfobj_ctors.c)
 */
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
        return eo_failf(o, err, "environment lacks alloc/free", NOARGS);
    o->env = *env;
    if (!image)
        return eo_failf(o, err, "no image", NOARGS);

    if (parse_header(o, err, &shstrndx) ||
        load_sections(o, err, shstrndx) ||
        check_overlap(o, err) ||
        eo_classify_sections(o, err) ||
        eo_load_symtab(o, err) ||
        eo_scan_symbols(o, err) ||
        eo_hash_names(o, err) ||
        eo_scan_relocations(o, err) ||
        eo_layout(o, err) ||
        eo_prepare_init(o, err)) {
        elfobj_release(o);
        return -1;
    }
    return 0;
}
