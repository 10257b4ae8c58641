/* Placing relocatable objects (ELF ET_REL): the kernel side of the loader.
 *
 * The engine (loader/elfobj*.c, loader/reloc_i386.c) parses and relocates;
 * this file decides the placement.  Each region of the object gets
 * physically contiguous pages, written through the kernel's direct map.  In
 * the kernel they run where they are written; in a user domain the same
 * pages are mapped at a free user address, text and rodata read-only.
 * Imports are bound to the environment of the placement: the kernel's
 * export table (then kernel-placed objects), or the objects already loaded
 * in the domain, the runtime first.
 *
 * Every loaded object is on one list with the run address of each of its
 * sections, and kobj_loaded_hook() is called after each load,
 * kobj_unloaded_hook() after each unload: that is what a debugger reads to
 * find the symbols of relocated code, and to drop them
 * (scripts/gdb/kea-symbols.py). */
#include <stdio.h>
#include <string.h>
#include <kea/elfobj.h>
#include <kea/memlayout.h>
#include "kernel.h"
#include "kexport.h"
#include "proc.h"
#include "load.h"
#include "service.h"

static struct kobj *objects;            /* every loaded object, newest first */

struct kobj *kobj_list(void) { return objects; }

static void *eng_alloc(void *ctx, size_t n) { (void)ctx; return kmalloc(n); }
static void eng_free(void *ctx, void *p) { (void)ctx; kfree(p); }

/* A library (the runtime) is linked into its domain the way a static
 * library is linked into a program: each global symbol it defines satisfies
 * later imports, hidden ones included.  That is how the names compiled code
 * expects arrive: libgcc's __udivdi3 and libc_nonshared's
 * __stack_chk_fail_local are hidden in libgcc.a and in the runtime alike.
 * elfobj_lookup gives only what an object exports (default or protected
 * visibility); elfobj_lookup_global adds the hidden globals.  Both are one
 * probe of the object's name hash. */
static int resolve_in_domain(struct domain *d, const char *name, uint32_t *addr)
{
    for (struct kobj *o = objects; o; o = o->next)
        if (o->dom == d && o->loaded &&
            (o->library ? elfobj_lookup_global(&o->eo, name, addr) : elfobj_lookup(&o->eo, name, addr)) == 0)
            return 0;
    return -1;
}

static int eng_resolve(void *ctx, const char *name, uint32_t *addr)
{
    struct domain *d = ctx;
    if (d->is_kernel && kexport_lookup(name, addr) == 0)
        return 0;
    return resolve_in_domain(d, name, addr);
}

static void free_regions(struct kobj *o)
{
    for (int r = 0; r < EO_NREGIONS; r++) {
        uint32_t n = o->eo.region[r].size / PGSIZE;
        for (uint32_t i = 0; o->kva[r] && i < n; i++)
            page_free(o->kva[r] + i * PGSIZE);
        o->kva[r] = 0;
    }
}

/* Free what o owns in the kernel: its pages, the engine's tables (a
 * template's copy owns none), o. */
static void destroy(struct kobj *o)
{
    free_regions(o);
    if (!o->tmpl)
        elfobj_release(&o->eo);
    kfree(o->sects);
    kfree(o);
}

/* Choose run addresses and allocate the pages of every region. */
static int place(struct kobj *o, struct domain *d)
{
    for (int r = 0; r < EO_NREGIONS; r++) {
        struct elfobj_region *reg = &o->eo.region[r];
        if (!reg->size) continue;
        o->kva[r] = pages_alloc(reg->size / PGSIZE);
        if (!o->kva[r]) return -KEA_ENOMEM;
        reg->write = o->kva[r];
        if (d->is_kernel) {
            if ((uint32_t)o->kva[r] & (reg->align - 1)) return -KEA_ENOMEM;
            reg->run = (uint32_t)o->kva[r];
        } else {
            uint32_t va = (d->image_top + reg->align - 1) & ~(reg->align - 1);
            if (va + reg->size > USER_HEAP_BASE || va < d->image_top) return -KEA_ENOMEM;
            reg->run = va;
            d->image_top = va + reg->size;
        }
    }
    return 0;
}

/* Map a user placement's regions: text and rodata read-only. */
static int map_user(struct kobj *o, struct domain *d)
{
    for (int r = 0; r < EO_NREGIONS; r++) {
        struct elfobj_region *reg = &o->eo.region[r];
        int writable = r != EO_TEXT && r != EO_RODATA;
        for (uint32_t i = 0; i < reg->size / PGSIZE; i++) {
            page_incref(o->kva[r] + i * PGSIZE);      /* the mapping's own reference */
            int e = domain_insert(d, reg->run + i * PGSIZE, o->kva[r] + i * PGSIZE, writable);
            if (e < 0) {
                page_free(o->kva[r] + i * PGSIZE);
                return e;
            }
        }
    }
    return 0;
}

/* Record where every allocated section went, for debuggers. */
static int list_sections(struct kobj *o)
{
    uint32_t n = 0, total = elfobj_nsections(&o->eo);
    struct elfobj_secinfo si;
    for (uint32_t i = 1; i < total; i++)
        if (elfobj_section(&o->eo, i, &si) == 0 && si.region >= 0) n++;
    if (n == 0) return 0;
    o->sects = kmalloc(n * sizeof *o->sects);
    if (!o->sects) return -KEA_ENOMEM;
    for (uint32_t i = 1; i < total; i++)
        if (elfobj_section(&o->eo, i, &si) == 0 && si.region >= 0) {
            o->sects[o->nsects].name = si.name;
            o->sects[o->nsects++].addr = si.run;
        }
    return 0;
}

static int run_ctors(struct kobj *o)
{
    uint32_t n;
    const uint32_t *ctor = elfobj_ctors(&o->eo, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (o->dom->is_kernel) {
            ((void (*)(void))ctor[i])();
        } else {
            int r = domain_call(o->dom, ctor[i], 0);
            if (r == -KEA_ECALLEEFAULT) return r;
        }
    }
    return 0;
}

/* o is placed and mapped: put it on the list and tell the debugger. */
static struct kobj *listed(struct kobj *o)
{
    o->loaded = 1;
    o->next = objects;
    objects = o;
    kobj_loaded_hook(o);
    return o;
}

/* A new object record with the image parsed (nothing placed yet), or 0
 * with err set. */
static struct kobj *parsed(const char *name, const void *image, size_t len,
                           const struct elfobj_env *env, char *err, size_t errlen)
{
    struct kobj *o = kzalloc(sizeof *o);
    if (!o) {
        snprintf(err, errlen, "%s: out of memory", name);
        return 0;
    }
    strlcpy(o->name, name, sizeof o->name);
    o->image = image;
    o->len = len;
    struct elfobj_error e;
    if (elfobj_parse(&o->eo, image, len, o->name, env, &e) < 0) {
        snprintf(err, errlen, "%s", e.msg);
        kfree(o);
        return 0;
    }
    return o;
}

/* Parse, place, relocate and map: everything but running the object's
 * code.  The object is on the list (and the debugger told) when this
 * returns. */
struct kobj *kobj_place(struct domain *d, const char *name, const void *image, size_t len,
                        char *err, size_t errlen)
{
    struct elfobj_env env = { eng_alloc, eng_free, eng_resolve, d };
    struct kobj *o = parsed(name, image, len, &env, err, errlen);
    if (!o) return 0;
    o->dom = d;
    struct elfobj_error e;
    int r = place(o, d);
    if (r == 0 && elfobj_relocate(&o->eo, &e) < 0) {
        snprintf(err, errlen, "%s", e.msg);
        r = -KEA_EBADOBJ;
    } else if (r < 0) {
        snprintf(err, errlen, "%s: %s", name, kea_strerror(r));
    }
    if (r == 0 && !d->is_kernel && (r = map_user(o, d)) < 0)
        snprintf(err, errlen, "%s: mapping into %s: %s", name, d->name, kea_strerror(r));
    if (r == 0 && (r = list_sections(o)) < 0)
        snprintf(err, errlen, "%s: %s", name, kea_strerror(r));
    if (r < 0) {
        if (!d->is_kernel) unmap_user(o, d);
        destroy(o);
        return 0;
    }
    return listed(o);
}

/* ---- the runtime, shared between user domains ---------------------------
 *
 * Every user domain starts with the same object (rt.o) at the same address
 * (USER_IMAGE_BASE, its image being empty), so relocation gives the same
 * bytes in every domain.  It is done once, into a template that is placed
 * at those run addresses but mapped nowhere and never run; each domain then
 * maps the template's text and rodata pages read-only (a reference each),
 * and gets its own copy of the data (relocated values included), zeroed
 * BSS and GOT copy.  The copy shares the template's parsed tables (symbols,
 * sections, constructors), all of which depend only on the run addresses. */
struct template { const void *image; struct kobj *o; };
static struct template templates[2];      /* the runtime; one spare */

static int shared_region(int r) { return r == EO_TEXT || r == EO_RODATA; }

static struct kobj *make_template(const char *name, const void *image, size_t len,
                                  char *err, size_t errlen)
{
    struct elfobj_env env = { eng_alloc, eng_free, 0, 0 };   /* imports nothing */
    struct kobj *o = parsed(name, image, len, &env, err, errlen);
    if (!o) return 0;
    struct elfobj_error e;
    uint32_t top = USER_IMAGE_BASE;       /* as place() lays out a fresh domain */
    int r = 0;
    for (int i = 0; r == 0 && i < EO_NREGIONS; i++) {
        struct elfobj_region *reg = &o->eo.region[i];
        if (!reg->size) continue;
        uint32_t va = (top + reg->align - 1) & ~(reg->align - 1);
        if (!(o->kva[i] = pages_alloc(reg->size / PGSIZE)) || va + reg->size > USER_HEAP_BASE) {
            r = -KEA_ENOMEM;
            break;
        }
        reg->write = o->kva[i];
        reg->run = va;
        top = va + reg->size;
    }
    if (r == 0 && elfobj_relocate(&o->eo, &e) < 0) {
        snprintf(err, errlen, "%s", e.msg);
        r = -KEA_EBADOBJ;
    } else if (r < 0)
        snprintf(err, errlen, "%s: %s", name, kea_strerror(r));
    if (r < 0) {
        destroy(o);
        return 0;
    }
    return o;
}

static struct kobj *template_for(const char *name, const void *image, size_t len,
                                 char *err, size_t errlen)
{
    struct template *free_t = 0;
    for (int i = 0; i < (int)(sizeof templates / sizeof templates[0]); i++) {
        if (templates[i].image == image) return templates[i].o;
        if (!templates[i].image && !free_t) free_t = &templates[i];
    }
    if (!free_t) {
        snprintf(err, errlen, "%s: no room for another shared template", name);
        return 0;
    }
    struct kobj *o = make_template(name, image, len, err, errlen);
    if (o) {
        free_t->image = image;
        free_t->o = o;
    }
    return o;
}

int kobj_prepare_shared(const char *name, const void *image, size_t len, char *err, size_t errlen)
{
    return template_for(name, image, len, err, errlen) ? 0 : -1;
}

struct kobj *kobj_place_shared(struct domain *d, const char *name, const void *image, size_t len,
                               char *err, size_t errlen)
{
    if (d->is_kernel || d->image_top != USER_IMAGE_BASE) {   /* not a fresh domain */
        snprintf(err, errlen, "%s: a shared object goes first into a user domain", name);
        return 0;
    }
    const struct kobj *t = template_for(name, image, len, err, errlen);
    if (!t) return 0;
    struct kobj *o = kzalloc(sizeof *o);
    if (!o) {
        snprintf(err, errlen, "%s: out of memory", name);
        return 0;
    }
    *o = *t;                              /* name, image, the engine's state */
    o->next = 0;
    o->sects = 0;
    o->nsects = 0;
    o->tmpl = t;
    o->dom = d;
    memset(o->kva, 0, sizeof o->kva);     /* none of the template's pages is o's yet */
    int r = 0;
    for (int i = 0; i < EO_NREGIONS; i++) {
        struct elfobj_region *reg = &o->eo.region[i];
        uint32_t n = reg->size / PGSIZE;
        if (!n) continue;
        if (shared_region(i)) {
            o->kva[i] = t->kva[i];        /* o's own reference to each page */
            for (uint32_t k = 0; k < n; k++)
                page_incref(o->kva[i] + k * PGSIZE);
        } else if ((o->kva[i] = pages_alloc(n)) != 0) {
            if (i != EO_BSS) memcpy(o->kva[i], t->kva[i], reg->size);
        } else {
            r = -KEA_ENOMEM;
            break;
        }
        reg->write = o->kva[i];
        if (reg->run + reg->size > d->image_top) d->image_top = reg->run + reg->size;
    }
    if (r == 0 && (r = map_user(o, d)) < 0)
        snprintf(err, errlen, "%s: mapping into %s: %s", name, d->name, kea_strerror(r));
    else if (r < 0)
        snprintf(err, errlen, "%s: %s", name, kea_strerror(r));
    if (r == 0 && (r = list_sections(o)) < 0)
        snprintf(err, errlen, "%s: %s", name, kea_strerror(r));
    if (r < 0) {
        unmap_user(o, d);
        destroy(o);
        return 0;
    }
    return listed(o);
}

/* Run the constructors; if one faults, unload o (0, or -1 with err set). */
int kobj_start(struct kobj *o, char *err, size_t errlen)
{
    if (run_ctors(o) == 0) return 0;
    snprintf(err, errlen, "%s: a constructor faulted", o->name);
    kobj_unload(o);
    return -1;
}

struct kobj *kobj_load(struct domain *d, const char *name, const void *image, size_t len,
                       char *err, size_t errlen)
{
    struct kobj *o = kobj_place(d, name, image, len, err, errlen);
    return o && kobj_start(o, err, errlen) == 0 ? o : 0;
}

void unmap_user(struct kobj *o, struct domain *d)
{
    for (int r = 0; r < EO_NREGIONS; r++)
        if (o->eo.region[r].size && o->eo.region[r].run)
            domain_unmap(d, o->eo.region[r].run, o->eo.region[r].size / PGSIZE);
}

/* Run destructors, unmap and free everything of o. */
void kobj_unload(struct kobj *o)
{
    uint32_t n;
    const uint32_t *dtor = elfobj_dtors(&o->eo, &n);
    for (uint32_t i = 0; i < n && o->dom->alive; i++) {
        if (o->dom->is_kernel) ((void (*)(void))dtor[i])();
        else domain_call(o->dom, dtor[i], 0);
    }
    for (struct kobj **pp = &objects; *pp; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
    if (!o->dom->is_kernel && o->dom->alive)
        unmap_user(o, o->dom);
    destroy(o);
    kobj_unloaded_hook();
}

/* Forget the objects of a dying domain (its pages go with its page tables),
 * and the service one of them implements: a domain can be destroyed from
 * elsewhere than service_unload (the domain service, the monitor). */
void kobj_forget_domain(struct domain *d)
{
    int gone = 0;
    for (struct kobj **pp = &objects; *pp; ) {
        struct kobj *o = *pp;
        if (o->dom != d) { pp = &o->next; continue; }
        *pp = o->next;
        service_object_gone(o);
        destroy(o);
        gone = 1;
    }
    if (gone) kobj_unloaded_hook();
}

int kobj_lookup(struct kobj *o, const char *name, uint32_t *addr)
{
    return elfobj_lookup(&o->eo, name, addr);
}

int kobj_region_of(const struct kobj *o, uint32_t run)
{
    for (int r = 0; r < EO_NREGIONS; r++) {
        const struct elfobj_region *reg = &o->eo.region[r];
        if (reg->size && run >= reg->run && run - reg->run < reg->size)
            return r;
    }
    return -1;
}

void *kobj_bytes(const struct kobj *o, uint32_t run, uint32_t len)
{
    int r = kobj_region_of(o, run);
    if (r < 0) return 0;
    const struct elfobj_region *reg = &o->eo.region[r];
    if (len > reg->size - (run - reg->run)) return 0;
    return o->kva[r] + (run - reg->run);
}

uint32_t kobj_size(const struct kobj *o)
{
    uint32_t n = 0;
    for (int r = 0; r < EO_NREGIONS; r++)
        n += o->eo.region[r].size;
    return n;
}

/* Unloading o would leave such an importer calling freed memory. */
struct kobj *kobj_importer(const struct kobj *o)
{
    for (struct kobj *p = objects; p; p = p->next) {
        if (p == o || p->dom != o->dom) continue;
        struct elfobj_sym sym;
        for (uint32_t c = 0; elfobj_next_import(&p->eo, &c, &sym); )
            if (sym.resolved && sym.addr && kobj_region_of(o, sym.addr) >= 0)
                return p;
    }
    return 0;
}

/* A hook for debuggers: scripts/gdb/kea-symbols.py breaks here to add the
 * new object's symbols (kobj_list() has every object with the address of
 * each section).  Called before the object's constructors run, so a
 * breakpoint in them, or in its init, is already in place. */
__attribute__((noinline)) void kobj_loaded_hook(struct kobj *o)
{
    __asm__ volatile("" : : "r"(o) : "memory");
}

/* The same after an object left the list: the debugger drops its symbols
 * (a breakpoint in a gone object would otherwise stay at an address that
 * the next load reuses). */
__attribute__((noinline)) void kobj_unloaded_hook(void)
{
    __asm__ volatile("" : : : "memory");
}
