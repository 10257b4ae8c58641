/*
 * loader/elfobj_layout.c — regions: which of the five regions each
 * allocated section goes to (parse step 3), the layout of sections and
 * COMMON symbols in them (step 6), the check of the addresses the
 * placement gives them (elfobj_relocate), and the section queries.
 */
#include <kea/elfobj.h>

#include "elfobj_int.h"

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
 * Step 3: which region each allocated section goes to, and whether it
 * holds constructors or destructors (eo_classify_init, elfobj_ctors.c).
 */
int eo_classify_sections(struct elfobj *o, struct elfobj_error *err)
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
            return eo_failf(o, err, "section %u (%s): allocatable section of "
                            "unsupported type %u", ARGS(U(i), S(secname(o, i)),
                                                        U(s->type)));
        }
        if (s->flags & SHF_TLS)
            return eo_failf(o, err, "section %u (%s): thread-local storage is "
                            "unsupported", ARGS(U(i), S(secname(o, i))));
        if (s->flags & SHF_COMPRESSED)
            return eo_failf(o, err, "section %u (%s): compressed allocatable "
                            "section", ARGS(U(i), S(secname(o, i))));
        if (s->align > ELFOBJ_MAX_ALIGN)
            return eo_failf(o, err, "section %u (%s): alignment %u exceeds the "
                            "limit %u", ARGS(U(i), S(secname(o, i)),
                                             U(s->align), U(ELFOBJ_MAX_ALIGN)));
        if (s->flags & SHF_EXECINSTR) {
            if (s->flags & SHF_WRITE)
                return eo_failf(o, err, "section %u (%s) is both writable and "
                                "executable", ARGS(U(i), S(secname(o, i))));
            s->region = EO_TEXT;
        } else if (s->type == SHT_NOBITS) {
            s->region = EO_BSS;
        } else if (s->flags & SHF_WRITE) {
            s->region = EO_DATA;
        } else {
            s->region = EO_RODATA;
        }
        eo_classify_init(s);
        if (s->init != INIT_NONE && s->size % 4 != 0)
            return eo_failf(o, err, "section %u (%s): constructor/destructor "
                            "array size %u is not a multiple of 4",
                            ARGS(U(i), S(secname(o, i)), U(s->size)));
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Step 6: layout.  Sections go into their region in header order, each at
 * its own alignment; COMMON symbols follow the NOBITS sections in BSS.
 * Every region is rounded up to whole pages.
 */
int eo_layout(struct elfobj *o, struct elfobj_error *err)
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
                return eo_failf(o, err, "%s region exceeds the %u-byte image "
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
                    return eo_failf(o, err, "bss region exceeds the %u-byte "
                                    "image limit at common symbol %s",
                                    ARGS(U(ELFOBJ_MAX_IMAGE),
                                         S(eo_symname(o, i))));
            }
        }
        if (r == EO_GOT)
            off = (uint64_t)o->ngot * 4;
        o->region[r].size = (uint32_t)align_up(off, ELFOBJ_PAGE_SIZE);
        o->region[r].align = align;
        total += o->region[r].size;
    }
    if (total > ELFOBJ_MAX_IMAGE)
        return eo_failf(o, err, "image needs %u bytes, more than the limit %u",
                        ARGS(U(total > 0xffffffffu ? 0xffffffffu : total),
                             U(ELFOBJ_MAX_IMAGE)));
    return 0;
}

/* ---------------------------------------------------------------------
 * The placement's addresses, checked by elfobj_relocate before it writes
 * anything.
 */
int eo_check_regions(const struct elfobj *o, struct elfobj_error *err)
{
    int r, q;

    for (r = 0; r < EO_NREGIONS; r++) {
        const struct elfobj_region *g = &o->region[r];

        if (!g->size)
            continue;
        if (!g->write)
            return eo_failf(o, err, "%s region has no write address",
                            ARGS(S(region_names[r])));
        if (g->run & (g->align - 1))
            return eo_failf(o, err, "%s region run address %x is not aligned "
                            "to %x", ARGS(S(region_names[r]), U(g->run),
                                          U(g->align)));
        if ((uint64_t)g->run + g->size > 0x100000000ull)
            return eo_failf(o, err, "%s region at %x (+%x) wraps past 4 GiB",
                            ARGS(S(region_names[r]), U(g->run), U(g->size)));
        if ((uintptr_t)g->write + g->size < (uintptr_t)g->write)
            return eo_failf(o, err, "%s region write range wraps",
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
                return eo_failf(o, err, "%s and %s regions overlap at run "
                                "addresses", ARGS(S(region_names[r]),
                                                  S(region_names[q])));
            if (aw < bw + b->size && bw < aw + a->size)
                return eo_failf(o, err, "%s and %s regions overlap at write "
                                "addresses", ARGS(S(region_names[r]),
                                                  S(region_names[q])));
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Queries.
 */
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
