/*
 * loader/elfobj_reloc.c — relocation sections: validated completely at
 * parse time (step 5), which also gives symbols their GOT slots; applied
 * by elfobj_relocate, which fills the regions.  The arithmetic of each
 * relocation type is reloc_i386.c's (elfobj_apply_relocate, reloc.h).
 */
#include <kea/elfobj.h>

#include <string.h>

#include "elfobj_int.h"

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
        return eo_failf(o, err, "unsupported relocation type %s (%u) in "
                        "section %s, entry %u",
                        ARGS(S(name), U(type), S(secname(o, rsec)), U(k)));
    return eo_failf(o, err, "unknown relocation type %u in section %s, "
                    "entry %u", ARGS(U(type), S(secname(o, rsec)), U(k)));
}

static int scan_relsec(struct elfobj *o, struct elfobj_error *err,
                       uint32_t i)
{
    struct elfobj_sec *rs = &o->sec[i];
    uint32_t want = rs->type == SHT_RELA ? ELF32_RELA_SIZE : ELF32_REL_SIZE;
    const struct elfobj_sec *t;
    struct reloc_howto h;
    uint32_t k, n, howto_type = NONE;

    if (rs->info == 0 || rs->info >= o->shnum)
        return eo_failf(o, err, "relocation section %u (%s): target section "
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
        return eo_failf(o, err, "relocation section %u (%s): entry size %u, "
                        "want %u", ARGS(U(i), S(secname(o, i)), U(rs->entsize),
                                        U(want)));
    if (rs->size % want)
        return eo_failf(o, err, "relocation section %u (%s): size %u is not a "
                        "multiple of %u", ARGS(U(i), S(secname(o, i)),
                                               U(rs->size), U(want)));
    if (!o->symtab || rs->link != o->symtab)
        return eo_failf(o, err, "relocation section %u (%s): sh_link %u is not "
                        "the symbol table", ARGS(U(i), S(secname(o, i)),
                                                 U(rs->link)));
    if (t->type == SHT_NOBITS)
        return eo_failf(o, err, "relocation section %u (%s) applies to "
                        "section %u (%s), which has no contents",
                        ARGS(U(i), S(secname(o, i)), U(rs->info),
                             S(secname(o, rs->info))));

    n = rs->size / want;
    o->nrelocs += n;
    for (k = 0; k < n; k++) {
        struct rel r;

        read_rel(o, rs, k, &r);
        if (r.sym >= o->nsyms)
            return eo_failf(o, err, "section %s, entry %u: symbol index %u out "
                            "of range (%u symbols)", ARGS(S(secname(o, i)),
                            U(k), U(r.sym), U(o->nsyms)));
        /* Runs of one type are the rule (PC32 in text): ask once a run. */
        if (r.type != howto_type) {
            if (!elfobj_arch_howto(r.type, &h))
                return unsupported(o, err, r.type, i, k);
            howto_type = r.type;
        }
        if ((uint64_t)r.offset + h.size > t->size)
            return eo_failf(o, err, "section %s, entry %u: offset %x (+%u) "
                            "beyond section %s (%x bytes)",
                            ARGS(S(secname(o, i)), U(k), U(r.offset), U(h.size),
                                 S(secname(o, rs->info)), U(t->size)));
        if (o->sym[r.sym].kind == SK_NONALLOC)
            return eo_failf(o, err, "section %s, entry %u: symbol %s is in "
                            "non-allocated section %u",
                            ARGS(S(secname(o, i)), U(k),
                                 S(eo_symname(o, r.sym)),
                                 U(o->sym[r.sym].shndx)));
        if (h.got_slot && o->sym[r.sym].got == NONE)
            o->sym[r.sym].got = o->ngot++;
    }
    return 0;
}

int eo_scan_relocations(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i;

    for (i = 1; i < o->shnum; i++)
        if (o->sec[i].type == SHT_REL || o->sec[i].type == SHT_RELA)
            if (scan_relsec(o, err, i))
                return -1;
    return 0;
}

/* ---------------------------------------------------------------------
 * Relocation.
 */
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

        /* The simple entries from k on, straight from the image (reloc.h);
         * the entry after them, if any, the general way. */
        if (rs->type == SHT_REL &&
            (k += elfobj_apply_rel_run(o->image + rs->offset + k * ELF32_REL_SIZE,
                                       n - k, o->symrun, wbase, rbase)) == n)
            break;
        read_rel(o, rs, k, &r);
        site.type = r.type;
        site.loc = wbase + r.offset;
        site.P = rbase + r.offset;
        site.S = o->symrun[r.sym];
        site.A = r.addend;
        site.rela = rs->type == SHT_RELA;
        site.GOT = o->region[EO_GOT].run;
        site.G = o->sym[r.sym].got == NONE ? 0 : o->sym[r.sym].got * 4;
        site.prev = r.offset ? o->image[t->offset + r.offset - 1] : -1;

        switch (elfobj_apply_relocate(&site, &value)) {
        case RELOC_OK:
            break;
        case RELOC_OVERFLOW:
            return eo_failf(o, err, "%s against %s in section %s, entry %u: "
                            "value %x does not fit the field",
                            ARGS(S(elfobj_arch_reloc_name(r.type)),
                                 S(eo_symname(o, r.sym)), S(secname(o, i)),
                                 U(k), U(value)));
        case RELOC_UNSUPPORTED:     /* parse checked the type: defensive */
            return unsupported(o, err, r.type, i, k);
        }
    }
    return 0;
}

int elfobj_relocate(struct elfobj *o, struct elfobj_error *err)
{
    uint32_t i;
    int r;

    if (err)
        err->msg[0] = '\0';
    if (!o->sec)
        return eo_failf(o, err, "relocate before a successful parse", NOARGS);
    o->relocated = false;
    if (eo_check_regions(o, err))
        return -1;

    /* Every byte of every region is written: the contents of sections,
     * and zeros everywhere else (padding between sections, BSS and
     * COMMON, the tail of the last page), so that the previous contents
     * of the placement's memory never leak into the loaded object.
     * Layout put each region's sections at increasing offsets in section
     * order, so one cursor per region zeroes the gaps as it goes. */
    uint32_t done[EO_NREGIONS] = { 0 };

    for (i = 1; i < o->shnum; i++) {
        const struct elfobj_sec *s = &o->sec[i];
        uint8_t *w;

        if (s->region == REG_NONE || s->type == SHT_NOBITS || !s->size)
            continue;
        w = o->region[s->region].write;
        memset(w + done[s->region], 0, s->off - done[s->region]);
        memcpy(w + s->off, o->image + s->offset, s->size);
        done[s->region] = s->off + s->size;
    }
    for (r = 0; r < EO_NREGIONS; r++)
        if (o->region[r].size)
            memset((uint8_t *)o->region[r].write + done[r], 0,
                   o->region[r].size - done[r]);

    eo_fill_got(o);

    for (i = 1; i < o->shnum; i++) {
        const struct elfobj_sec *s = &o->sec[i];

        if ((s->type == SHT_REL || s->type == SHT_RELA) && !s->skip)
            if (apply_relsec(o, err, i))
                return -1;
    }

    eo_build_init_lists(o);
    o->relocated = true;
    return 0;
}

uint32_t elfobj_nrelocs(const struct elfobj *o)
{
    return o->nrelocs;
}
