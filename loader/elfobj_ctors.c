/*
 * loader/elfobj_ctors.c — constructor and destructor lists: which
 * sections hold them and at which priority (part of parse step 3), the
 * order those sections run in (step 7), and the lists of entries, read
 * once elfobj_relocate has relocated them.
 */
#include <kea/elfobj.h>

#include <string.h>

#include "elfobj_int.h"

/* ---------------------------------------------------------------------
 * Step 3 (with eo_classify_sections, elfobj_layout.c): whether a section
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
void eo_classify_init(struct elfobj_sec *s)
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

/* ---------------------------------------------------------------------
 * Step 7: constructor/destructor sections in run order.  Only the order of
 * sections is fixed here; the entries are read after relocation.
 */
static bool init_less(const struct elfobj *o, uint32_t a, uint32_t b)
{
    return o->sec[a].key < o->sec[b].key ||
           (o->sec[a].key == o->sec[b].key && a < b);
}

int eo_prepare_init(struct elfobj *o, struct elfobj_error *err)
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
    if (ni && !(o->initorder = eo_xalloc(o, err, (uint64_t)ni * 4,
                                         "ctor section")))
        return -1;
    if (nf && !(o->finiorder = eo_xalloc(o, err, (uint64_t)nf * 4,
                                         "dtor section")))
        return -1;
    if (nctor && !(o->ctor = eo_xalloc(o, err, nctor * 4, "constructor")))
        return -1;
    if (ndtor && !(o->dtor = eo_xalloc(o, err, ndtor * 4, "destructor")))
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
    eo_sort_indices(o->initorder, o->ninit, init_less, o);
    eo_sort_indices(o->finiorder, o->nfini, init_less, o);
    return 0;
}

/* ---------------------------------------------------------------------
 * The lists, read after relocation: constructor and destructor run
 * addresses in run order.
 */

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

void eo_build_init_lists(struct elfobj *o)
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
