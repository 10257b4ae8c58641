/* tl.c — see tl.h. */
#include "tl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *group;
static char why[512];
static bool failed_any;

void tl_begin(const char *name)
{
    group = name;
    why[0] = '\0';
}

bool tl_ok(void)
{
    return why[0] == '\0';
}

void tl_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (why[0])
        return;                 /* report the first failure of the group */
    n = snprintf(why, sizeof why, "%s:%d: ", strrchr(file, '/') ? strrchr(file, '/') + 1 : file, line);
    va_start(ap, fmt);
    vsnprintf(why + n, sizeof why - (size_t)n, fmt, ap);
    va_end(ap);
    for (char *p = why; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

bool tl_end(void)
{
    if (why[0]) {
        printf("FAIL: loader/%s: %s\n", group, why);
        failed_any = true;
    } else {
        printf("PASS: loader/%s\n", group);
    }
    fflush(stdout);
    return !why[0];
}

int tl_exit(void)
{
    return failed_any ? 1 : 0;
}

/* Blocks carry a header so that free() can check it was ours. */
#define TL_MAGIC 0x6b65616cu

struct blk {
    uint32_t magic;
    size_t size;
    max_align_t pad[];
};

static void *count_alloc(void *ctx, size_t n)
{
    struct tl_env *e = ctx;
    struct blk *b;

    if (n == 0) {
        e->misuse++;          /* the API promises never to ask for 0 */
        return NULL;
    }
    if (e->nalloc++ == e->fail_at)
        return NULL;
    b = malloc(sizeof *b + n);
    if (!b)
        return NULL;
    b->magic = TL_MAGIC;
    b->size = n;
    memset(b->pad, 0xa5, n);    /* the engine must not rely on zeroed memory */
    e->live++;
    return b->pad;
}

static void count_free(void *ctx, void *p)
{
    struct tl_env *e = ctx;
    struct blk *b;

    if (!p) {
        e->misuse++;
        return;
    }
    b = (struct blk *)((char *)p - offsetof(struct blk, pad));
    if (b->magic != TL_MAGIC) {
        e->misuse++;
        return;
    }
    b->magic = 0;
    e->live--;
    free(b);
}

static int table_resolve(void *ctx, const char *name, uint32_t *addr)
{
    struct tl_env *e = ctx;
    const struct tl_import *i;

    e->resolves++;
    for (i = e->imports; i && i->name; i++) {
        if (strcmp(i->name, name) == 0) {
            *addr = i->addr;
            return 0;
        }
    }
    if (e->fallback) {
        bool found = false;
        uint32_t a = e->fallback(name, &found);
        if (found) {
            *addr = a;
            return 0;
        }
    }
    return -1;
}

void tl_env_init(struct tl_env *e, const struct tl_import *imports)
{
    memset(e, 0, sizeof *e);
    e->env.alloc = count_alloc;
    e->env.free = count_free;
    e->env.resolve = table_resolve;
    e->env.ctx = e;
    e->fail_at = -1;
    e->imports = imports;
}

uint32_t tl_fake_addr(const char *name, bool *found)
{
    uint32_t h = 2166136261u;
    const char *p;

    *found = !strstr(name, "missing");
    for (p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    if (!*found)
        return 0;
    if (strncmp(name, "abs16_", 6) == 0)
        return 0x1000 + (h & 0xfff);
    if (strncmp(name, "abs8_", 5) == 0)
        return 0x10 + (h & 0x3f);
    return 0x60000000u | ((h & 0xffffffu) << 4);
}

uint8_t *tl_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

const char *tl_obj(const char *name)
{
    static char path[4][1024];
    static int k;

    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", LT_DIR, name);
    return path[k];
}
