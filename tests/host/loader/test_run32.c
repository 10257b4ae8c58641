/*
 * test_run32.c — relocated code really runs (a -m32 host process).
 *
 * In a 32-bit process every address is a valid i386 run address, so the
 * engine can place an object in memory of this process and the test can
 * call into it.  Imports resolve to functions and data of this program
 * (libgcc's 64-bit division, libc string functions, a stack-protector
 * hook, test callbacks and variables).  Two placements:
 *
 *   same   one anonymous RWX mapping; write == run
 *   split  a memfd mapped twice: the engine writes through one view, the
 *          code runs from the other, whose pages then get per-region
 *          protections (text r-x, rodata r--, data/bss rw-, GOT r--);
 *          this is the kernel-writes/user-runs situation, and any
 *          relocation computed from the write address would crash or
 *          return wrong values here.
 *
 * For each object the constructors run in the engine's order, exported
 * functions are called and their results checked (values that depend on
 * data, rodata, jump tables, the GOT, imports and constructor order), and
 * the destructors run.  Each object runs in a child process so that a
 * crash is reported as a failure of that group.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl.h"

/* libgcc and libc entry points the objects import. */
extern unsigned long long __udivdi3(unsigned long long, unsigned long long);
extern unsigned long long __umoddi3(unsigned long long, unsigned long long);
extern long long __divdi3(long long, long long);
extern long long __moddi3(long long, long long);
extern int __snprintf_chk(char *, size_t, int, size_t, const char *, ...);

/* Imports of the test objects, provided here. */
static int host_callback(int x) { return x + 1000; }
static int imp_add(int a, int b) { return a * 100 + b; }
static int imp_table[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
static int ext_var = 5;
static int ext_arr[4] = { 1, 2, 3, 4 };
static int ext_fn(int x) { return x + 7; }
static void stack_smashed(void)
{
    fprintf(stderr, "stack smashing detected in relocated code\n");
    abort();
}

#define A(x) ((uint32_t)(uintptr_t)(x))
static const struct tl_import host_syms[] = {
    { "__udivdi3", 0 }, { "__umoddi3", 0 }, { "__divdi3", 0 }, { "__moddi3", 0 },
    { "strlen", 0 }, { "strncpy", 0 }, { "memcpy", 0 }, { "snprintf", 0 },
    { "__snprintf_chk", 0 }, { "__stack_chk_fail_local", 0 }, { "__stack_chk_fail", 0 },
    { "host_callback", 0 }, { "imp_add", 0 }, { "imp_table", 0 }, { "ext_var", 0 },
    { "ext_arr", 0 }, { "ext_fn", 0 }, { NULL, 0 },
};
static struct tl_import syms[sizeof host_syms / sizeof host_syms[0]];

static void init_syms(void)
{
    const void *addr[] = {
        (void *)__udivdi3, (void *)__umoddi3, (void *)__divdi3, (void *)__moddi3,
        (void *)strlen, (void *)strncpy, (void *)memcpy, (void *)snprintf,
        (void *)__snprintf_chk, (void *)stack_smashed, (void *)stack_smashed,
        (void *)host_callback, (void *)imp_add, imp_table, &ext_var,
        ext_arr, (void *)ext_fn,
    };
    size_t i;

    for (i = 0; host_syms[i].name; i++) {
        syms[i].name = host_syms[i].name;
        syms[i].addr = A(addr[i]);
    }
}

/* ------------------------------------------------------------------ */
/* Placement. */

struct arena {
    uint8_t *w, *x;             /* write view, run view */
    void *reserve;
    size_t reslen, total;
    uint32_t off[EO_NREGIONS];
};

static size_t up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

static int arena_place(struct elfobj *o, bool split, struct arena *a)
{
    size_t maxalign = 4096;
    int r, fd;

    memset(a, 0, sizeof *a);
    for (r = 0; r < EO_NREGIONS; r++) {
        if (!o->region[r].size)
            continue;
        if (o->region[r].align > maxalign)
            maxalign = o->region[r].align;
        a->total = up(a->total, o->region[r].align);
        a->off[r] = (uint32_t)a->total;
        a->total += o->region[r].size;
    }
    a->reslen = a->total + maxalign;
    a->reserve = mmap(NULL, a->reslen, split ? PROT_NONE : PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a->reserve == MAP_FAILED)
        return -1;
    a->x = (uint8_t *)up((uintptr_t)a->reserve, maxalign);
    a->w = a->x;
    if (split) {
        fd = memfd_create("kea-loader-test", 0);
        if (fd < 0 || ftruncate(fd, (off_t)a->total) != 0)
            return -1;
        a->w = mmap(NULL, a->total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (a->w == MAP_FAILED ||
            mmap(a->x, a->total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) != a->x)
            return -1;
        close(fd);
    }
    for (r = 0; r < EO_NREGIONS; r++) {
        o->region[r].write = a->w + a->off[r];
        o->region[r].run = A(a->x + a->off[r]);
    }
    return 0;
}

/* The protections a placement would give each region once loaded. */
static int arena_protect(struct elfobj *o, struct arena *a)
{
    static const int prot[EO_NREGIONS] = {
        [EO_TEXT] = PROT_READ | PROT_EXEC, [EO_RODATA] = PROT_READ,
        [EO_DATA] = PROT_READ | PROT_WRITE, [EO_BSS] = PROT_READ | PROT_WRITE,
        [EO_GOT] = PROT_READ,
    };
    int r;

    for (r = 0; r < EO_NREGIONS; r++)
        if (o->region[r].size && mprotect(a->x + a->off[r], o->region[r].size, prot[r]) != 0)
            return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Calling into the object. */

static struct elfobj *cur;

static uint32_t sym(const char *name)
{
    uint32_t a = 0;
    CHECK(elfobj_lookup(cur, name, &a) == 0, "%s not exported", name);
    return a;
}

#define FN(type, name) ((type)(uintptr_t)sym(name))
typedef int (*i_v)(void);
typedef int (*i_i)(int);

static bool in_region(uint32_t addr, int r)
{
    return addr >= cur->region[r].run && addr - cur->region[r].run < cur->region[r].size;
}

static void check_run(void)
{
    typedef uint64_t (*div_t)(uint64_t, uint64_t);
    typedef int64_t (*mod_t)(int64_t, int64_t);
    typedef size_t (*len_t)(const char *);
    typedef const char *(*pick_t)(int);
    static const int classes[] = { 10, 21, 32, 43, 54, 65, 0 };
    int i;

    CHECK(FN(i_v, "get_initialized")() == 1234, "constructors: initialized = %d",
          FN(i_v, "get_initialized")());
    CHECK(FN(i_v, "bump")() == 6 && FN(i_v, "bump")() == 7, "bump through the GOT");
    CHECK(*(int *)(uintptr_t)sym("global_counter") == 7, "global_counter not 7");
    CHECK(FN(div_t, "div64")(1000000000007ull, 13) == 1000000000007ull / 13, "div64");
    CHECK(FN(mod_t, "mod64")(-100, 7) == -2, "mod64");
    CHECK(FN(len_t, "name_len")("hello, relocated world") == 22, "name_len");
    CHECK(FN(i_i, "call_import")(5) == 2010, "call_import");
    CHECK(strcmp(FN(pick_t, "pick")(4), "one") == 0, "pick(4)");
    CHECK(in_region(A(FN(pick_t, "pick")(0)), EO_RODATA), "string not in the run view's rodata");
    for (i = 0; i < 7; i++)
        CHECK(FN(i_i, "classify")(i) == classes[i], "classify(%d) = %d", i, FN(i_i, "classify")(i));
}

static void check_distro(void)
{
    struct record { char name[32]; uint64_t total; int64_t delta; } rec;
    typedef uint64_t (*avg_t)(const uint64_t *, unsigned);
    typedef int64_t (*s64_t)(int64_t, int64_t);
    typedef uint64_t (*u64_t)(uint64_t, uint64_t);
    typedef int (*fill_t)(struct record *, const char *, uint64_t);
    typedef int (*fmt_t)(char *, size_t, const struct record *);
    static const uint64_t v[] = { 10000000000ull, 20000000000ull, 30000000001ull };
    char out[64];

    CHECK(FN(avg_t, "average")(v, 3) == 20000000000ull, "average");
    CHECK(FN(s64_t, "signed_ratio")(-9000000000ll, 7) == -9000000000ll / 7, "signed_ratio");
    CHECK(FN(s64_t, "signed_rest")(-9000000001ll, 7) == -9000000001ll % 7, "signed_rest");
    CHECK(FN(u64_t, "unsigned_rest")(9000000001ull, 7) == 9000000001ull % 7, "unsigned_rest");
    CHECK(FN(fill_t, "record_fill")(&rec, "a-rather-long-record-name-that-is-cut", 300) == 31 &&
          rec.total == 300 && rec.delta == 100, "record_fill");
    memset(out, 0, sizeof out);
    CHECK(FN(fmt_t, "record_format")(out, sizeof out - 1, &rec) == 35 &&
          strcmp(out, "a-rather-long-record-name-that-=300") == 0, "record_format: %s", out);
}

static void check_basic(void)
{
    int *order = (int *)(uintptr_t)sym("order");
    int *norder = (int *)(uintptr_t)sym("norder");

    /* Constructors ran 101, 200, default. */
    CHECK(*norder == 3 && order[0] == 2 && order[1] == 3 && order[2] == 1,
          "constructor order: %d entries %d %d %d", *norder, order[0], order[1], order[2]);
    CHECK(FN(i_i, "sw")(0) == 7, "sw(0): static data");
    CHECK(FN(i_i, "sw")(2) == 9, "sw(2): rodata table");
    CHECK(FN(i_i, "sw")(3) == 'l', "sw(3): rodata string");
    CHECK(FN(i_i, "sw")(4) == 'b', "sw(4): pointer table");
    CHECK(FN(i_i, "sw")(5) == 20, "sw(5): imported data");
    CHECK(FN(i_i, "sw")(7) == 41, "sw(7): data");
    CHECK(FN(i_i, "sw")(8) == -1, "sw(8): default");
    CHECK(FN(i_i, "weak_def")(4) == 5, "weak_def");
    /* imp_add(1, 7) + weak_def + fp + imp_table[2]; zeroed += that;
     * + sw(1) (zeroed + 11) + 'r' */
    CHECK(FN(i_i, "entry")(1) == 141 + 152 + 'r', "entry(1) = %d", FN(i_i, "entry")(1));
}

static void check_pic(void)
{
    typedef i_i (*getfn_t)(void);
    typedef int *(*getvar_t)(void);

    CHECK(FN(i_i, "pic_entry")(2) == 5 + 3 + 3 + 4 + 9 + 8, "pic_entry(2) = %d", FN(i_i, "pic_entry")(2));
    CHECK(FN(getfn_t, "get_ext_fn")() == ext_fn, "get_ext_fn");
    CHECK(FN(getfn_t, "get_local_fn")()(3) == 12, "get_local_fn");
    CHECK(in_region(A(FN(getfn_t, "get_local_fn")()), EO_TEXT), "local fn pointer outside run text");
    CHECK(FN(getvar_t, "get_ext_var")() == &ext_var, "get_ext_var");
    CHECK(A(FN(getvar_t, "get_global_var")()) == sym("global_var"), "get_global_var");
}

static void check_merged(void)
{
    CHECK(FN(i_i, "a_entry")(5) == 2 * 4 + 'm' + 100 + 11, "a_entry(5) = %d", FN(i_i, "a_entry")(5));
}

static void check_dtors_basic(void)
{
    int *order = (int *)(uintptr_t)sym("order");
    int *norder = (int *)(uintptr_t)sym("norder");

    /* Destructors: default priority first, then 150. */
    CHECK(*norder == 5 && order[3] == 4 && order[4] == 5, "destructor order: %d entries %d %d",
          *norder, order[3], order[4]);
}

/* ------------------------------------------------------------------ */

static void run_object(const char *name, bool split)
{
    char group[128];
    struct elfobj_error err;
    struct tl_env e;
    struct elfobj o;
    struct arena a;
    const uint32_t *list;
    uint32_t n, i;
    uint8_t *img;
    size_t len;
    int dtor_flag = 0;

    snprintf(group, sizeof group, "run32-%s-%s", split ? "split" : "same", name);
    tl_begin(group);
    img = tl_read_file(tl_obj(name), &len);
    if (!img) {
        CHECK(0, "cannot read %s", tl_obj(name));
        tl_end();
        return;
    }
    tl_env_init(&e, syms);
    if (elfobj_parse(&o, img, len, name, &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    if (arena_place(&o, split, &a) != 0) {
        CHECK(0, "cannot map memory");
        goto release;
    }
    CHECK(split == (a.w != a.x), "write and run views %s", split ? "coincide" : "differ");
    if (elfobj_relocate(&o, &err) != 0) {
        CHECK(0, "relocate: %s", err.msg);
        goto release;
    }
    if (split && arena_protect(&o, &a) != 0) {
        CHECK(0, "mprotect failed");
        goto release;
    }
    cur = &o;
    if (!strncmp(name, "run-", 4))
        *(int **)(uintptr_t)sym("dtor_flag") = &dtor_flag;
    list = elfobj_ctors(&o, &n);
    for (i = 0; i < n; i++)
        ((void (*)(void))(uintptr_t)list[i])();
    if (!strncmp(name, "run-", 4))
        check_run();
    else if (!strncmp(name, "distro-", 7))
        check_distro();
    else if (!strncmp(name, "basic-", 6))
        check_basic();
    else if (!strncmp(name, "pic-", 4))
        check_pic();
    else if (!strcmp(name, "merged.o"))
        check_merged();
    list = elfobj_dtors(&o, &n);
    for (i = 0; i < n; i++)
        ((void (*)(void))(uintptr_t)list[i])();
    if (!strncmp(name, "run-", 4))
        CHECK(dtor_flag == 77, "destructor did not run");
    if (!strncmp(name, "basic-", 6))
        check_dtors_basic();
release:
    elfobj_release(&o);
    CHECK(e.live == 0 && e.misuse == 0, "leak");
out:
    free(img);
    tl_end();
}

int main(void)
{
    static const char *const objs[] = {
        "run-nopic-O0.o", "run-nopic-O2.o", "run-pic-O2.o", "run-distro.o",
        "distro-distro.o", "distro-fortify.o",
        "basic-nopic-O0.o", "basic-nopic-O2.o", "basic-pic-O0.o", "basic-pic-O2.o",
        "basic-pic-O2-got32.o", "basic-pie-O2.o", "basic-pic-O2-sections.o",
        "pic-nopic-O2.o", "pic-pic-O0.o", "pic-pic-O2.o", "pic-pic-O2-got32.o",
        "merged.o",
    };
    size_t i;
    int split, failed = 0;

    init_syms();
    for (i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        for (split = 0; split < 2; split++) {
            pid_t pid;
            int status;

            fflush(stdout);
            pid = fork();
            if (pid == 0) {
                run_object(objs[i], split);
                fflush(stdout);
                _exit(tl_exit());
            }
            if (pid < 0 || waitpid(pid, &status, 0) != pid) {
                printf("FAIL: loader/run32-%s-%s: fork/wait failed\n", split ? "split" : "same", objs[i]);
                failed = 1;
            } else if (WIFSIGNALED(status)) {
                printf("FAIL: loader/run32-%s-%s: relocated code died with signal %d\n",
                       split ? "split" : "same", objs[i], WTERMSIG(status));
                failed = 1;
            } else if (WEXITSTATUS(status) != 0) {
                failed = 1;
            }
        }
    }
    return failed;
}
