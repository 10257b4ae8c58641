/*
 * loader/elfobj_sym.c — symbols: the symbol table and the classification
 * of its symbols, with import resolution (parse step 4), symbol names and
 * run addresses, the GOT's contents, and lookup and iteration of exports
 * and imports.  Lookups by name go through a hash of the defined global
 * names built at parse time: a program importing k names from a runtime
 * of n symbols costs k hashes, not k * n string comparisons.
 */
#include <kea/elfobj.h>

#include <string.h>

#include "elfobj_int.h"

/* ---------------------------------------------------------------------
 * Step 4: the symbol table, symbol classification and import resolution.
 */
int eo_load_symtab(struct elfobj *o, struct elfobj_error *err)
{
    const struct elfobj_sec *s;
    uint32_t i;

    for (i = 1; i < o->shnum; i++) {
        if (o->sec[i].type != SHT_SYMTAB)
            continue;
        if (o->symtab)
            return eo_failf(o, err, "more than one symbol table (sections %u "
                            "and %u)", ARGS(U(o->symtab), U(i)));
        o->symtab = i;
    }
    if (!o->symtab)
        return 0;       /* legal if nothing needs symbols; checked later */

    s = &o->sec[o->symtab];
    if (s->entsize != ELF32_SYM_SIZE)
        return eo_failf(o, err, "symbol table entry size %u, want 16",
                        ARGS(U(s->entsize)));
    if (s->size % ELF32_SYM_SIZE)
        return eo_failf(o, err, "symbol table size %u is not a multiple of 16",
                        ARGS(U(s->size)));
    if (s->link == 0 || s->link >= o->shnum || !eo_strtab_ok(o, s->link))
        return eo_failf(o, err, "symbol table's sh_link %u is not a "
                        "NUL-terminated string table", ARGS(U(s->link)));
    o->nsyms = s->size / ELF32_SYM_SIZE;
    if (s->info > o->nsyms)
        return eo_failf(o, err, "symbol table's sh_info %u exceeds its %u "
                        "symbols", ARGS(U(s->info), U(o->nsyms)));
    o->strtab = (const char *)o->image + o->sec[s->link].offset;
    o->strsz = o->sec[s->link].size;
    return 0;
}

/* Imports nothing provides are all counted, and the first few named, so
 * that one load error shows everything the environment lacks. */
#define UNDEF_NAMED 5           /* at most this many names in the message */
#define UNDEF_NAMES_LEN 80      /* ... and at most about this many bytes of them */

struct undefs {
    uint32_t n;
    uint32_t first[UNDEF_NAMED];        /* symbol indices */
};

static int undef_error(struct elfobj *o, struct elfobj_error *err,
                       const struct undefs *u)
{
    struct fmtarg a[UNDEF_NAMED + 2];
    char fmt[48 + 6 * UNDEF_NAMED];    /* the parts below, and a NUL */
    size_t k = 0, len = 0, f;
    uint32_t named = 0;

    if (u->n == 1)
        return eo_failf(o, err, "undefined symbol '%s' (symbol %u)",
                        ARGS(S(eo_symname(o, u->first[0])), U(u->first[0])));
    strcpy(fmt, "%u undefined symbols: ");
    f = strlen(fmt);
    a[k++] = U(u->n);
    while (named < u->n && named < UNDEF_NAMED) {
        size_t l = strlen(eo_symname(o, u->first[named]));

        if (named && len + l > UNDEF_NAMES_LEN)
            break;
        len += l + 4;
        memcpy(fmt + f, named ? ", '%s'" : "'%s'", named ? 6 : 4);
        f += named ? 6 : 4;
        a[k++] = S(eo_symname(o, u->first[named++]));
    }
    if (named < u->n) {
        memcpy(fmt + f, " and %u more", 12);
        f += 12;
        a[k++] = U(u->n - named);
    }
    fmt[f] = '\0';
    return eo_failf(o, err, fmt, a, k);
}

static int resolve_import(struct elfobj *o, struct elfobj_error *err,
                          uint32_t i, const struct sym *s,
                          struct elfobj_symstate *st, struct undefs *u)
{
    const char *name = o->strtab + s->name;
    uint32_t addr = 0;

    if (s->bind == STB_LOCAL)
        return eo_failf(o, err, "symbol %u (%s) is local but undefined",
                        ARGS(U(i), S(name)));
    if (!name[0])
        return eo_failf(o, err, "symbol %u is undefined and has no name",
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
        if (u->n < UNDEF_NAMED)
            u->first[u->n] = i;
        u->n++;                 /* reported once the scan is over */
    }
    return 0;
}

int eo_scan_symbols(struct elfobj *o, struct elfobj_error *err)
{
    struct undefs u = { 0, { 0 } };
    uint32_t i;

    if (o->nsyms == 0)
        return 0;
    o->sym = eo_xalloc(o, err, (uint64_t)o->nsyms * sizeof *o->sym, "symbol");
    if (!o->sym)
        return -1;
    memset(o->sym, 0, o->nsyms * sizeof *o->sym);
    o->symrun = eo_xalloc(o, err, (uint64_t)o->nsyms * sizeof *o->symrun,
                          "symbol address");
    if (!o->symrun)
        return -1;
    o->symrun[0] = 0;

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
            return eo_failf(o, err, "symbol %u: name offset %u beyond the "
                            "string table (%u bytes)",
                            ARGS(U(i), U(s.name), U(o->strsz)));
        if (s.bind != STB_LOCAL && s.bind != STB_GLOBAL &&
            s.bind != STB_WEAK && s.bind != STB_GNU_UNIQUE)
            return eo_failf(o, err, "symbol %u (%s): unsupported binding %u",
                            ARGS(U(i), S(o->strtab + s.name), U(s.bind)));
        if (s.type == STT_TLS)
            return eo_failf(o, err, "symbol %u (%s): thread-local symbols are "
                            "unsupported", ARGS(U(i), S(o->strtab + s.name)));
        if (s.type == STT_GNU_IFUNC)
            return eo_failf(o, err, "symbol %u (%s): IFUNC symbols are "
                            "unsupported", ARGS(U(i), S(o->strtab + s.name)));

        if (s.shndx == SHN_UNDEF) {
            if (resolve_import(o, err, i, &s, st, &u))
                return -1;
        } else if (s.shndx == SHN_ABS) {
            st->kind = SK_ABS;
            st->value = s.value;
        } else if (s.shndx == SHN_COMMON) {
            /* For COMMON, st_value is the required alignment. */
            if (!is_pow2(s.value) || s.value > ELFOBJ_MAX_ALIGN)
                return eo_failf(o, err, "common symbol %u (%s): alignment %u "
                                "is not a power of two up to %u",
                                ARGS(U(i), S(o->strtab + s.name), U(s.value),
                                     U(ELFOBJ_MAX_ALIGN)));
            st->kind = SK_COMMON;
        } else if (s.shndx == SHN_XINDEX) {
            return eo_failf(o, err, "symbol %u (%s): extended section index "
                            "(SHN_XINDEX) unsupported",
                            ARGS(U(i), S(o->strtab + s.name)));
        } else if (s.shndx >= SHN_LORESERVE) {
            return eo_failf(o, err, "symbol %u (%s): reserved section index %x "
                            "unsupported", ARGS(U(i), S(o->strtab + s.name),
                                                U(s.shndx)));
        } else if (s.shndx >= o->shnum) {
            return eo_failf(o, err, "symbol %u (%s): section index %u out of "
                            "range (%u sections)",
                            ARGS(U(i), S(o->strtab + s.name), U(s.shndx),
                                 U(o->shnum)));
        } else if (o->sec[s.shndx].region == REG_NONE) {
            st->kind = SK_NONALLOC;     /* debug info etc.: never placed */
        } else {
            if (s.value > o->sec[s.shndx].size)
                return eo_failf(o, err, "symbol %u (%s): value %x beyond the "
                                "end of section %u (%s, %x bytes)",
                                ARGS(U(i), S(eo_symname(o, i)), U(s.value),
                                     U(s.shndx), S(secname(o, s.shndx)),
                                     U(o->sec[s.shndx].size)));
            st->kind = SK_SECTION;
            st->value = s.value;
        }
    }
    return u.n ? undef_error(o, err, &u) : 0;
}

/* ---------------------------------------------------------------------
 * A symbol's name, for messages, and its run address (valid once the
 * regions' run addresses are set).
 */
const char *eo_symname(const struct elfobj *o, uint32_t i)
{
    struct sym s;

    if (i == 0 || i >= o->nsyms)
        return "(none)";
    read_sym(o, i, &s);
    if (s.type == STT_SECTION && s.shndx < o->shnum)
        return secname(o, s.shndx);
    return o->strtab[s.name] ? o->strtab + s.name : "(unnamed)";
}

uint32_t eo_symval(const struct elfobj *o, uint32_t i)
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

/* The GOT: one slot per symbol that a relocation asked one for
 * (elfobj_reloc.c), holding the symbol's run address.  Every symbol's run
 * address is cached on the way, once per symbol rather than once per
 * relocation that uses it. */
void eo_fill_got(struct elfobj *o)
{
    uint32_t i;

    for (i = 1; i < o->nsyms; i++) {
        o->symrun[i] = eo_symval(o, i);
        if (o->sym[i].got != NONE)
            put32((uint8_t *)o->region[EO_GOT].write + 4 * o->sym[i].got,
                  o->symrun[i]);
    }
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

/* A hidden global defined in a section: what a library lends its domain. */
static bool hidden_global(const struct elfobj *o, uint32_t i, struct sym *s)
{
    read_sym(o, i, s);
    return o->sym[i].kind == SK_SECTION && s->bind == STB_GLOBAL &&
           s->vis == STV_HIDDEN && o->strtab[s->name] != '\0';
}

/* FNV-1a: a few instructions per character, well spread for identifiers. */
static uint32_t name_hash(const char *p)
{
    uint32_t h = 2166136261u;

    while (*p)
        h = (h ^ (uint8_t)*p++) * 16777619u;
    return h;
}

#define HIDDEN_BIT 0x80000000u  /* in a slot: the symbol is hidden */

/* Open addressing, linear probing, at most half full; a slot holds a
 * symbol index (0: empty), HIDDEN_BIT set for hidden globals.  Symbols go
 * in in index order, so of two with one name the first is found first, as
 * the linear search it replaces found it.  Objects defining no global
 * name get no table (lookups then find nothing). */
int eo_hash_names(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i, n = 0, cap = 8;
    struct sym s;

    for (i = 1; i < o->nsyms; i++)
        if (o->sym[i].kind == SK_SECTION || o->sym[i].kind == SK_ABS ||
            o->sym[i].kind == SK_COMMON)
            n++;                        /* a bound: some are local */
    if (n == 0)
        return 0;
    while (cap < 2 * n)
        cap *= 2;
    o->names = eo_xalloc(o, err, (uint64_t)cap * sizeof *o->names, "name hash");
    if (!o->names)
        return -1;
    memset(o->names, 0, cap * sizeof *o->names);
    o->namemask = cap - 1;
    for (i = 1; i < o->nsyms; i++) {
        uint32_t tag, h;

        if (exported(o, i, &s))
            tag = i;
        else if (hidden_global(o, i, &s))
            tag = i | HIDDEN_BIT;
        else
            continue;
        for (h = name_hash(o->strtab + s.name); o->names[h & o->namemask];
             h++)
            ;
        o->names[h & o->namemask] = tag;
    }
    return 0;
}

static int lookup(const struct elfobj *o, const char *name, bool hidden_too,
                  uint32_t *run_addr)
{
    uint32_t h, tag;

    if (!o->names || !name)
        return -1;
    for (h = name_hash(name); (tag = o->names[h & o->namemask]) != 0; h++) {
        uint32_t i = tag & ~HIDDEN_BIT;
        struct sym s;

        if ((tag & HIDDEN_BIT) && !hidden_too)
            continue;
        read_sym(o, i, &s);
        if (strcmp(o->strtab + s.name, name) == 0) {
            *run_addr = eo_symval(o, i);
            return 0;
        }
    }
    return -1;
}

int elfobj_lookup(const struct elfobj *o, const char *name, uint32_t *run_addr)
{
    return lookup(o, name, false, run_addr);
}

int elfobj_lookup_global(const struct elfobj *o, const char *name,
                         uint32_t *run_addr)
{
    return lookup(o, name, true, run_addr);
}

static void fill(const struct elfobj *o, uint32_t i, const struct sym *s,
                 struct elfobj_sym *out)
{
    out->name = o->strtab + s->name;
    out->addr = eo_symval(o, i);
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
