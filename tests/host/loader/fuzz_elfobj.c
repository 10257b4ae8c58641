/*
 * fuzz_elfobj.c — libFuzzer target over the whole engine.
 *
 * Each input is an object image.  The harness parses it with a bounded,
 * counting allocator; if parse succeeds it checks the layout promises
 * (page-multiple regions, power-of-two alignment, the 64 MiB cap), places
 * the regions in malloc'd memory at fixed run addresses, relocates, and
 * exercises every query.  Then it parses again with one allocation made to
 * fail, to walk the error paths.  Any leak, broken promise or unterminated
 * message aborts; ASan and UBSan catch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kea/elfobj.h>

#define HEAP_CAP (256u << 20)           /* engine tables, all inputs */
#define PLACE_CAP (16u << 20)           /* relocate only images up to this */

struct fenv {
    long live, nalloc, fail_at;
    size_t bytes;
};

static void *f_alloc(void *ctx, size_t n)
{
    struct fenv *e = ctx;
    size_t *p;

    if (n == 0)
        abort();                        /* the API promises never to ask */
    if (e->nalloc++ == e->fail_at || n > HEAP_CAP - e->bytes)
        return NULL;
    p = malloc(sizeof(size_t) + n);
    if (!p)
        return NULL;
    *p = n;
    e->bytes += n;
    e->live++;
    return p + 1;
}

static void f_free(void *ctx, void *q)
{
    struct fenv *e = ctx;
    size_t *p = (size_t *)q - 1;

    if (!q)
        abort();
    e->bytes -= *p;
    e->live--;
    free(p);
}

/* Resolve about half the names, deterministically. */
static int f_resolve(void *ctx, const char *name, uint32_t *addr)
{
    uint32_t h = 2166136261u;
    size_t n = strlen(name);            /* ASan: must be a terminated string */

    (void)ctx;
    while (*name)
        h = (h ^ (uint8_t)*name++) * 16777619u;
    if (h & 1)
        return -1;
    *addr = n < 3 ? (h & 0x7f) : h;     /* some small, for 8/16-bit fields */
    return 0;
}

static void check_msg(const struct elfobj_error *err)
{
    if (!memchr(err->msg, 0, sizeof err->msg) || strncmp(err->msg, "fuzz.o: ", 8) != 0)
        abort();
}

static void exercise(struct elfobj *o)
{
    static const uint32_t run[EO_NREGIONS] = {
        0x00400000, 0x04400000, 0x08400000, 0x0c400000, 0x10400000
    };
    struct elfobj_error err;
    struct elfobj_secinfo si;
    struct elfobj_sym s;
    void *mem[EO_NREGIONS] = { 0 };
    uint64_t total = 0;
    uint32_t i, n, cur, a;
    const uint32_t *list;
    int r;

    for (r = 0; r < EO_NREGIONS; r++) {
        const struct elfobj_region *g = &o->region[r];
        if (g->size % ELFOBJ_PAGE_SIZE || g->align < ELFOBJ_PAGE_SIZE ||
            (g->align & (g->align - 1)) || g->align > ELFOBJ_MAX_ALIGN ||
            g->write || g->run)
            abort();
        total += g->size;
    }
    if (total > ELFOBJ_MAX_IMAGE)
        abort();
    if (total <= PLACE_CAP) {
        for (r = 0; r < EO_NREGIONS; r++) {
            o->region[r].run = run[r];
            if (o->region[r].size && !(mem[r] = o->region[r].write = malloc(o->region[r].size)))
                goto out;
        }
        if (elfobj_relocate(o, &err) != 0) {
            check_msg(&err);
        } else {
            list = elfobj_ctors(o, &n);
            for (i = 0, a = 0; i < n; i++)
                a ^= list[i];
            list = elfobj_dtors(o, &n);
            for (i = 0; i < n; i++)
                a ^= list[i];
            (void)a;
        }
    }
    cur = 0;
    while (elfobj_next_export(o, &cur, &s))
        if (elfobj_lookup(o, s.name, &a) != 0)
            abort();                    /* every export can be looked up */
    cur = 0;
    while (elfobj_next_import(o, &cur, &s))
        if (strlen(s.name) == 0)
            abort();
    for (i = 1; i < elfobj_nsections(o); i++)
        if (elfobj_section(o, i, &si) != 0 || strlen(si.name) > 0x7fffffff)
            abort();
out:
    for (r = 0; r < EO_NREGIONS; r++)
        free(mem[r]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elfobj_env env = { f_alloc, f_free, f_resolve, NULL };
    struct elfobj_error err;
    struct fenv e = { 0, 0, -1, 0 };
    struct elfobj o;
    long n;

    env.ctx = &e;
    if (elfobj_parse(&o, data, size, "fuzz.o", &env, &err) != 0) {
        check_msg(&err);
        if (e.live)
            abort();
        return 0;
    }
    exercise(&o);
    elfobj_release(&o);
    if (e.live)
        abort();

    /* The same input with one allocation failing must fail cleanly. */
    n = e.nalloc;
    if (n > 0) {
        struct fenv f = { 0, 0, (long)(size % (size_t)n), 0 };
        env.ctx = &f;
        if (elfobj_parse(&o, data, size, "fuzz.o", &env, &err) == 0)
            abort();
        check_msg(&err);
        if (f.live)
            abort();
    }
    return 0;
}
