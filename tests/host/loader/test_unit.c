/*
 * test_unit.c — unit tests of the loader engine (x86_64 host, ASan+UBSan).
 *
 *   reloc-*       relocation arithmetic and overflow rules, by calling the
 *                 i386 apply_relocate directly with chosen S, A, P, GOT, G
 *   engine-*      the same types end to end: an object built in memory,
 *                 parsed, placed with write != run, relocated, each field
 *                 checked against a value computed here
 *   reject-*      one malformed property each; the error must name it and
 *                 no allocation may survive
 *   oom-walk      every allocation of a real object's parse failed in turn
 *   layout, regions, symbols, got, ctors, debug-relocs, relocate-again
 *
 * Every group uses the counting environment of tl.c and ends by checking
 * that the engine freed everything it allocated.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reloc.h"      /* the engine's private arch interface */
#include "elfbuild.h"
#include "tl.h"

/*
 * With LOADER_DUMP_CORPUS=DIR in the environment, the objects built here
 * are also written to DIR: they seed the fuzzer with the shapes gas does
 * not produce (RELA, every constructor naming scheme, odd symbols).
 */
static void dump(const char *name, const uint8_t *img, size_t len)
{
    const char *dir = getenv("LOADER_DUMP_CORPUS");
    char path[512];
    FILE *f;

    if (!dir)
        return;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "wb"))) {
        fwrite(img, 1, len, f);
        fclose(f);
    }
}

/* ------------------------------------------------------------------ */
/* Relocation names and howto. */

static void test_reloc_names(void)
{
    /* Names checked against the host's <elf.h> numbering, so that a typo
     * in either the number or the name is caught. */
#define N(t) { t, #t }
    static const struct { uint32_t type; const char *name; } want[] = {
        N(R_386_NONE), N(R_386_32), N(R_386_PC32), N(R_386_GOT32),
        N(R_386_PLT32), N(R_386_COPY), N(R_386_GLOB_DAT),
        N(R_386_RELATIVE), N(R_386_GOTOFF), N(R_386_GOTPC), N(R_386_32PLT),
        N(R_386_TLS_TPOFF), N(R_386_TLS_IE), N(R_386_TLS_GOTIE),
        N(R_386_TLS_LE), N(R_386_TLS_GD), N(R_386_TLS_LDM), N(R_386_16),
        N(R_386_PC16), N(R_386_8), N(R_386_PC8), N(R_386_TLS_GD_32),
        N(R_386_TLS_GD_PUSH), N(R_386_TLS_GD_CALL), N(R_386_TLS_GD_POP),
        N(R_386_TLS_LDM_32), N(R_386_TLS_LDM_PUSH), N(R_386_TLS_LDM_CALL),
        N(R_386_TLS_LDM_POP), N(R_386_TLS_LDO_32), N(R_386_TLS_IE_32),
        N(R_386_TLS_LE_32), N(R_386_TLS_DTPMOD32), N(R_386_TLS_DTPOFF32),
        N(R_386_TLS_TPOFF32), N(R_386_SIZE32), N(R_386_TLS_GOTDESC),
        N(R_386_TLS_DESC_CALL), N(R_386_TLS_DESC), N(R_386_IRELATIVE),
        N(R_386_GOT32X),
    };
#undef N
    size_t i;

    tl_begin("reloc-names");
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = elfobj_arch_reloc_name(want[i].type);
        CHECK(got && strcmp(got, want[i].name) == 0, "type %u named %s, want %s",
              want[i].type, got ? got : "NULL", want[i].name);
    }
    /* glibc spells 7 R_386_JMP_SLOT; the psABI R_386_JUMP_SLOT. */
    CHECK(elfobj_arch_reloc_name(7) && strcmp(elfobj_arch_reloc_name(7), "R_386_JUMP_SLOT") == 0,
          "type 7 misnamed");
    CHECK(!elfobj_arch_reloc_name(12) && !elfobj_arch_reloc_name(13), "12/13 are unassigned");
    CHECK(!elfobj_arch_reloc_name(44) && !elfobj_arch_reloc_name(255), "44/255 are unassigned");
    CHECK(elfobj_arch_reloc_name(250) && strcmp(elfobj_arch_reloc_name(250), "R_386_GNU_VTINHERIT") == 0,
          "250 misnamed");
    tl_end();
}

static void test_reloc_howto(void)
{
    static const struct { uint32_t type; uint8_t size; bool slot, base; } want[] = {
        { R_386_NONE, 0, false, false },  { R_386_32, 4, false, false },
        { R_386_PC32, 4, false, false },  { R_386_PLT32, 4, false, false },
        { R_386_GOTPC, 4, false, true },  { R_386_GOTOFF, 4, false, true },
        { R_386_GOT32, 4, true, true },   { R_386_GOT32X, 4, true, true },
        { R_386_16, 2, false, false },    { R_386_PC16, 2, false, false },
        { R_386_8, 1, false, false },     { R_386_PC8, 1, false, false },
    };
    struct reloc_howto h;
    uint32_t t, supported = 0;
    size_t i;

    tl_begin("reloc-howto");
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        CHECK(elfobj_arch_howto(want[i].type, &h), "type %u unsupported", want[i].type);
        CHECK(h.size == want[i].size && h.got_slot == want[i].slot && h.got_base == want[i].base,
              "type %u: size %u slot %d base %d", want[i].type, h.size, h.got_slot, h.got_base);
    }
    for (t = 0; t < 256; t++)
        supported += elfobj_arch_howto(t, &h);
    CHECK(supported == sizeof want / sizeof want[0], "%u types claim support", supported);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Arithmetic, straight through elfobj_apply_relocate. */

struct ar {
    uint8_t buf[8];
    struct reloc_site r;
    uint32_t value;
};

static void ar_init(struct ar *a, uint32_t type, uint32_t inplace, int size)
{
    memset(a, 0, sizeof *a);
    memset(a->buf, 0xee, sizeof a->buf);
    a->r.type = type;
    a->r.loc = a->buf + 2;
    a->r.prev = -1;
    if (size == 4)
        put32(a->r.loc, inplace);
    else if (size == 2)
        put16(a->r.loc, inplace);
    else if (size == 1)
        a->r.loc[0] = (uint8_t)inplace;
}

static enum reloc_status ar_apply(struct ar *a)
{
    return elfobj_apply_relocate(&a->r, &a->value);
}

/* Bytes outside the field must never change. */
static bool ar_guard(const struct ar *a, int size)
{
    int i;
    for (i = 0; i < 8; i++)
        if ((i < 2 || i >= 2 + size) && a->buf[i] != 0xee)
            return false;
    return true;
}

static void test_arith_32(void)
{
    struct ar a;

    tl_begin("reloc-arith-32");
    ar_init(&a, R_386_32, 4, 4);
    a.r.S = 0x1000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x1004, "S+A: %#x", get32(a.r.loc));
    CHECK(ar_guard(&a, 4), "bytes outside the field changed");
    ar_init(&a, R_386_32, 0xfffffffc, 4);       /* in-place -4 */
    a.r.S = 0x2000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x1ffc, "negative addend: %#x", get32(a.r.loc));
    ar_init(&a, R_386_32, 0x11111111, 4);       /* RELA ignores the field */
    a.r.S = 0x2000;
    a.r.rela = true;
    a.r.A = (uint32_t)-8;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x1ff8, "RELA: %#x", get32(a.r.loc));
    ar_init(&a, R_386_32, 0x20, 4);             /* wraps modulo 2^32, no error */
    a.r.S = 0xfffffff0;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x10, "wrap: %#x", get32(a.r.loc));
    tl_end();
}

static void test_arith_pc32(uint32_t type, const char *name)
{
    struct ar a;

    tl_begin(name);
    ar_init(&a, type, 0xfffffffc, 4);
    a.r.S = 0x00402000;
    a.r.P = 0x00401000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0xffc, "forward: %#x", get32(a.r.loc));
    ar_init(&a, type, 0xfffffffc, 4);
    a.r.S = 0x00400000;
    a.r.P = 0x00401000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == (uint32_t)-0x1004, "backward: %#x", get32(a.r.loc));
    ar_init(&a, type, 0xfffffffc, 4);           /* unresolved weak: S = 0 */
    a.r.S = 0;
    a.r.P = 0xc0001000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x3fffeffc, "to 0: %#x", get32(a.r.loc));
    CHECK(ar_guard(&a, 4), "bytes outside the field changed");
    tl_end();
}

static void test_arith_gotpc_gotoff(void)
{
    struct ar a;

    tl_begin("reloc-arith-gotpc-gotoff");
    ar_init(&a, R_386_GOTPC, 2, 4);             /* addl $_GOT_+2, %ebx */
    a.r.GOT = 0x00c00000;
    a.r.P = 0x00400010;
    a.r.S = 0xdeadbeef;                         /* must not matter */
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x00c00000 + 2 - 0x00400010,
          "GOTPC: %#x", get32(a.r.loc));
    ar_init(&a, R_386_GOTOFF, 8, 4);
    a.r.S = 0x00800000;
    a.r.GOT = 0x00c00000;
    a.r.P = 0x12345678;                         /* must not matter */
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == (uint32_t)(0x00800008 - 0x00c00000),
          "GOTOFF: %#x", get32(a.r.loc));
    ar_init(&a, R_386_GOTOFF, 0, 4);            /* GOT base 0 (no GOT region) */
    a.r.S = 0x00800000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x00800000, "GOTOFF base 0");
    tl_end();
}

static void test_arith_got32(uint32_t type, const char *name)
{
    static const struct { int prev; bool baseless; } forms[] = {
        { 0x83, false },    /* mov disp32(%ebx), %eax   (8b 83) */
        { 0x93, false },    /* call *disp32(%ebx)       (ff 93) */
        { 0x80, false },    /* mov disp32(%eax), %eax   (8b 80) */
        { 0x05, true },     /* mov disp32, %eax         (8b 05) */
        { 0x1d, true },     /* mov disp32, %ebx         (8b 1d) */
        { 0x15, true },     /* call *disp32             (ff 15) */
        { 0x25, true },     /* jmp *disp32              (ff 25) */
        { -1, false },      /* field at section start: no ModRM */
    };
    struct ar a;
    size_t i;

    tl_begin(name);
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        uint32_t want;

        ar_init(&a, type, 0, 4);
        a.r.S = 0x12345678;                     /* the slot holds S; field does not */
        a.r.GOT = 0x00c00000;
        a.r.G = 12;
        a.r.prev = forms[i].prev;
        want = forms[i].baseless ? 0x00c0000c : 12;
        CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == want,
              "ModRM %#x: %#x, want %#x", forms[i].prev, get32(a.r.loc), want);
    }
    ar_init(&a, type, 4, 4);                    /* in-place addend */
    a.r.G = 8;
    a.r.prev = 0x83;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 12, "G+A: %#x", get32(a.r.loc));
    tl_end();
}

struct range_case {
    uint32_t S, P, inplace;
    bool ok;
    uint32_t field;
};

static void run_range(const char *name, uint32_t type, int size,
                      const struct range_case *c, size_t n)
{
    size_t i;

    tl_begin(name);
    for (i = 0; i < n; i++) {
        struct ar a;
        enum reloc_status st;
        uint32_t got;

        ar_init(&a, type, c[i].inplace, size);
        a.r.S = c[i].S;
        a.r.P = c[i].P;
        st = ar_apply(&a);
        got = size == 2 ? get16(a.r.loc) : a.r.loc[0];
        if (c[i].ok) {
            CHECK(st == RELOC_OK && got == c[i].field,
                  "case %zu: status %d field %#x, want ok %#x", i, st, got, c[i].field);
        } else {
            CHECK(st == RELOC_OVERFLOW, "case %zu: overflow not detected (status %d)", i, st);
            CHECK(got == (c[i].inplace & (size == 2 ? 0xffffu : 0xffu)),
                  "case %zu: field written despite overflow", i);
        }
        CHECK(ar_guard(&a, size), "case %zu: bytes outside the field changed", i);
    }
    tl_end();
}

static void test_arith_small(void)
{
    /* R_386_16: signed or unsigned 16-bit, [-32768, 65535]. */
    static const struct range_case r16[] = {
        { 0x1234, 0, 2, true, 0x1236 },
        { 0xffff, 0, 0, true, 0xffff },
        { 0x10000, 0, 0, false, 0 },
        { 0x10, 0, 0xfffe, true, 0x000e },      /* in-place -2 is sign-extended */
        { 0xffff8000, 0, 0, true, 0x8000 },     /* -32768 */
        { 0xffff7fff, 0, 0, false, 0 },         /* -32769 */
        { 0xfffff000, 0, 0x2000, true, 0x1000 },
        { 0x00400000, 0, 0, false, 0 },         /* a typical address */
    };
    /* R_386_PC16: signed, [-32768, 32767]. */
    static const struct range_case pc16[] = {
        { 0x1000 + 0x7fff, 0x1000, 0, true, 0x7fff },
        { 0x1000 + 0x8000, 0x1000, 0, false, 0 },
        { 0x9000, 0x9000 + 0x8000, 0, true, 0x8000 },
        { 0x9000, 0x9000 + 0x8001, 0, false, 0 },
        { 0x1010, 0x1000, 0xfffe, true, 0x000e },
        { 0x10, 0xfffffff0, 0, true, 0x20 },    /* wraps past 0, as the CPU does */
    };
    /* R_386_8: [-128, 255]. */
    static const struct range_case r8[] = {
        { 0x56, 0, 1, true, 0x57 },
        { 0xff, 0, 0, true, 0xff },
        { 0x100, 0, 0, false, 0 },
        { 0xffffff80, 0, 0, true, 0x80 },
        { 0xffffff7f, 0, 0, false, 0 },
        { 0x10, 0, 0xff, true, 0x0f },          /* in-place -1 */
    };
    /* R_386_PC8: [-128, 127]. */
    static const struct range_case pc8[] = {
        { 0x107f, 0x1000, 0, true, 0x7f },
        { 0x1080, 0x1000, 0, false, 0 },
        { 0x1000, 0x1080, 0, true, 0x80 },
        { 0x1000, 0x1081, 0, false, 0 },
        { 0x1010, 0x1000, 0xfd, true, 0x0d },   /* in-place -3 */
    };

    run_range("reloc-arith-16", R_386_16, 2, r16, sizeof r16 / sizeof r16[0]);
    run_range("reloc-arith-pc16", R_386_PC16, 2, pc16, sizeof pc16 / sizeof pc16[0]);
    run_range("reloc-arith-8", R_386_8, 1, r8, sizeof r8 / sizeof r8[0]);
    run_range("reloc-arith-pc8", R_386_PC8, 1, pc8, sizeof pc8 / sizeof pc8[0]);
}

static void test_arith_none_unsupported(void)
{
    static const uint32_t bad[] = { R_386_COPY, R_386_GLOB_DAT, R_386_JMP_SLOT,
        R_386_RELATIVE, R_386_32PLT, R_386_TLS_GD, R_386_TLS_LE, R_386_TLS_IE,
        R_386_TLS_TPOFF32, R_386_SIZE32, R_386_IRELATIVE, 12, 99, 250 };
    struct ar a;
    size_t i;

    tl_begin("reloc-arith-none-unsupported");
    ar_init(&a, R_386_NONE, 0x12345678, 4);
    a.r.S = 0x1000;
    CHECK(ar_apply(&a) == RELOC_OK && get32(a.r.loc) == 0x12345678, "R_386_NONE changed the field");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ar_init(&a, bad[i], 0x12345678, 4);
        CHECK(ar_apply(&a) == RELOC_UNSUPPORTED, "type %u accepted", bad[i]);
        CHECK(get32(a.r.loc) == 0x12345678 && ar_guard(&a, 4), "type %u wrote", bad[i]);
    }
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Helpers for whole-object tests. */

struct placed {
    struct elfobj o;
    uint8_t *mem[EO_NREGIONS];
};

static const uint32_t RUN[EO_NREGIONS] = {
    0x00400000, 0x00600000, 0x00800000, 0x00a00000, 0x00c00000
};

/* Give every non-empty region a separate malloc'd buffer (write) filled
 * with junk, and the run addresses above. */
static void place(struct placed *p, const uint32_t run[EO_NREGIONS])
{
    int r;

    for (r = 0; r < EO_NREGIONS; r++) {
        p->mem[r] = NULL;
        p->o.region[r].run = run[r];
        if (p->o.region[r].size) {
            p->mem[r] = malloc(p->o.region[r].size);
            memset(p->mem[r], 0xaa, p->o.region[r].size);
        }
        p->o.region[r].write = p->mem[r];
    }
}

static void unplace(struct placed *p)
{
    int r;
    for (r = 0; r < EO_NREGIONS; r++)
        free(p->mem[r]);
}

/* Target run address -> write pointer, through the engine's regions. */
static uint8_t *at(struct placed *p, uint32_t run)
{
    int r;
    for (r = 0; r < EO_NREGIONS; r++) {
        struct elfobj_region *g = &p->o.region[r];
        if (g->size && run >= g->run && run - g->run < g->size)
            return (uint8_t *)g->write + (run - g->run);
    }
    return NULL;
}

static uint32_t sec_run(struct elfobj *o, uint32_t idx)
{
    struct elfobj_secinfo si;
    if (elfobj_section(o, idx, &si) != 0 || si.region < 0)
        return 0xffffffff;
    return si.run;
}

static bool no_leak(const struct tl_env *e)
{
    return e->live == 0 && e->misuse == 0;
}

/* ------------------------------------------------------------------ */
/* End-to-end relocation of every supported type. */

static const struct tl_import engine_imports[] = {
    { "ext", 0x12345678 }, { "s16", 0x1234 }, { "s8", 0x56 }, { NULL, 0 }
};

static void build_engine_obj(struct eb *b, uint8_t *text, uint8_t *data, bool rela)
{
    int ts, ds, s_tgt, s_ext, s_s16, s_s8, s_near, s_fn, s_wimp, s_got, s_sec;

    eb_init(b);
    b->rela = rela;
    memset(text, rela ? 0xcc : 0, 64);          /* RELA must ignore these */
    memset(data, rela ? 0xcc : 0, 20);
    ts = eb_section(b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, text, 64);
    ds = eb_section(b, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 4, data, 20);
    s_sec = eb_symbol(b, "", STB_LOCAL, STT_SECTION, (uint16_t)ds, 0, 0);
    s_near = eb_symbol(b, "near", STB_LOCAL, STT_NOTYPE, (uint16_t)ts, 60, 0);
    s_tgt = eb_symbol(b, "tgt", STB_GLOBAL, STT_OBJECT, (uint16_t)ds, 8, 4);
    s_fn = eb_symbol(b, "fn", STB_GLOBAL, STT_FUNC, (uint16_t)ts, 48, 4);
    s_ext = eb_symbol(b, "ext", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    s_s16 = eb_symbol(b, "s16", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    s_s8 = eb_symbol(b, "s8", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    s_wimp = eb_symbol(b, "wimp", STB_WEAK, STT_NOTYPE, SHN_UNDEF, 0, 0);
    s_got = eb_symbol(b, "_GLOBAL_OFFSET_TABLE_", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);

#define REL(sec, off, type, sym, add, bytes, n) do { \
        if (!rela) memcpy((sec == ts ? text : data) + (off), bytes, n); \
        eb_reloc(b, sec, off, type, sym, add); } while (0)
    REL(ts, 0, R_386_32, s_tgt, 4, "\x04\0\0\0", 4);
    REL(ts, 4, R_386_PC32, s_ext, -4, "\xfc\xff\xff\xff", 4);
    REL(ts, 8, R_386_PLT32, s_ext, -4, "\xfc\xff\xff\xff", 4);
    REL(ts, 12, R_386_GOTPC, s_got, 2, "\x02\0\0\0", 4);
    REL(ts, 16, R_386_GOTOFF, s_tgt, 0, "\0\0\0\0", 4);
    text[21] = 0x83;                            /* ModRM: base register */
    REL(ts, 22, R_386_GOT32X, s_ext, 0, "\0\0\0\0", 4);
    text[27] = 0x05;                            /* ModRM: no base register */
    REL(ts, 28, R_386_GOT32X, s_ext, 0, "\0\0\0\0", 4);
    text[33] = 0x93;
    REL(ts, 34, R_386_GOT32, s_tgt, 0, "\0\0\0\0", 4);
    REL(ts, 38, R_386_16, s_s16, 2, "\x02\0", 2);
    REL(ts, 40, R_386_PC16, s_near, -2, "\xfe\xff", 2);
    REL(ts, 42, R_386_8, s_s8, 1, "\x01", 1);
    REL(ts, 43, R_386_PC8, s_near, 0, "\0", 1);
    REL(ts, 44, R_386_NONE, s_tgt, 0, "", 0);
    REL(ds, 0, R_386_32, s_fn, 0, "\0\0\0\0", 4);
    REL(ds, 4, R_386_32, s_wimp, 0x10, "\x10\0\0\0", 4);
    REL(ds, 12, R_386_32, s_sec, 8, "\x08\0\0\0", 4);
    REL(ds, 16, R_386_32, s_got, 0, "\0\0\0\0", 4);
#undef REL
}

static void test_engine_relocs(bool rela)
{
    uint8_t text[64], data[20], *img, *t, *d, *g;
    struct elfobj_error err;
    struct tl_env e;
    struct placed p;
    struct eb b;
    size_t len;
    uint32_t T = RUN[EO_TEXT], D = RUN[EO_DATA], G = RUN[EO_GOT];

    tl_begin(rela ? "engine-relocs-rela" : "engine-relocs-rel");
    build_engine_obj(&b, text, data, rela);
    img = eb_build(&b, &len, NULL);
    dump(rela ? "built-relocs-rela.o" : "built-relocs-rel.o", img, len);
    tl_env_init(&e, engine_imports);
    if (elfobj_parse(&p.o, img, len, "t.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    CHECK(p.o.region[EO_GOT].size == 4096, "GOT region %u bytes", p.o.region[EO_GOT].size);
    CHECK(p.o.region[EO_TEXT].size == 4096 && p.o.region[EO_DATA].size == 4096 &&
          p.o.region[EO_RODATA].size == 0 && p.o.region[EO_BSS].size == 0, "region sizes");
    place(&p, RUN);
    if (elfobj_relocate(&p.o, &err) != 0) {
        CHECK(0, "relocate: %s", err.msg);
        goto release;
    }
    t = at(&p, T);
    d = at(&p, D);
    g = at(&p, G);
    /* GOT slots in order of first use: ext (0), tgt (1). */
    CHECK(get32(g) == 0x12345678 && get32(g + 4) == D + 8, "GOT slots %#x %#x", get32(g), get32(g + 4));
    CHECK(get32(t + 0) == D + 8 + 4, "R_386_32: %#x", get32(t + 0));
    CHECK(get32(t + 4) == 0x12345678 - 4 - (T + 4), "R_386_PC32: %#x", get32(t + 4));
    CHECK(get32(t + 8) == 0x12345678 - 4 - (T + 8), "R_386_PLT32: %#x", get32(t + 8));
    CHECK(get32(t + 12) == G + 2 - (T + 12), "R_386_GOTPC: %#x", get32(t + 12));
    CHECK(get32(t + 16) == D + 8 - G, "R_386_GOTOFF: %#x", get32(t + 16));
    CHECK(get32(t + 22) == 0, "R_386_GOT32X base: %#x", get32(t + 22));
    CHECK(get32(t + 28) == G, "R_386_GOT32X baseless: %#x", get32(t + 28));
    CHECK(get32(t + 34) == 4, "R_386_GOT32: %#x", get32(t + 34));
    CHECK(get16(t + 38) == 0x1236, "R_386_16: %#x", get16(t + 38));
    CHECK(get16(t + 40) == (uint16_t)(T + 60 - 2 - (T + 40)), "R_386_PC16: %#x", get16(t + 40));
    CHECK(t[42] == 0x57, "R_386_8: %#x", t[42]);
    CHECK(t[43] == 60 - 43, "R_386_PC8: %#x", t[43]);
    CHECK(t[44] == (rela ? 0xcc : 0), "R_386_NONE wrote");
    CHECK(get32(d + 0) == T + 48, "data -> fn: %#x", get32(d + 0));
    CHECK(get32(d + 4) == 0x10, "weak unresolved + A: %#x", get32(d + 4));
    CHECK(get32(d + 12) == D + 8, "section symbol + A: %#x", get32(d + 12));
    CHECK(get32(d + 16) == G, "_GLOBAL_OFFSET_TABLE_: %#x", get32(d + 16));
    /* Unrelocated data is copied, padding and page tails are zero. */
    CHECK(get32(d + 8) == (rela ? 0xcccccccc : 0), "plain data not copied");
    CHECK(t[63] == (rela ? 0xcc : 0) && t[64] == 0 && t[4095] == 0 && d[20] == 0 && g[8] == 0,
          "padding not zeroed");
release:
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak: %ld live, %ld misuse", e.live, e.misuse);
    free(img);
    tl_end();
}

/* One relocation of `type` against an import at `addr`; returns the
 * engine's verdict and message. */
static int one_reloc(uint32_t type, uint32_t addr, struct elfobj_error *err, bool *leak)
{
    static uint8_t text[16];
    struct tl_import imp[] = { { "far", addr }, { NULL, 0 } };
    struct tl_env e;
    struct placed p;
    struct eb b;
    uint8_t *img;
    size_t len;
    int ts, s, rc;

    eb_init(&b);
    ts = eb_section(&b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, text, 16);
    s = eb_symbol(&b, "far", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    eb_reloc(&b, ts, 4, type, s, 0);
    img = eb_build(&b, &len, NULL);
    tl_env_init(&e, imp);
    rc = elfobj_parse(&p.o, img, len, "one.o", &e.env, err);
    if (rc == 0) {
        place(&p, RUN);
        rc = elfobj_relocate(&p.o, err);
        elfobj_release(&p.o);
        unplace(&p);
    }
    *leak = !no_leak(&e);
    free(img);
    return rc;
}

static void test_engine_overflow(void)
{
    struct elfobj_error err;
    bool leak;

    tl_begin("engine-overflow");
    CHECK(one_reloc(R_386_8, 0x100, &err, &leak) == -1, "R_386_8 of 0x100 accepted");
    CHECK(strstr(err.msg, "one.o: ") == err.msg && strstr(err.msg, "R_386_8") &&
          strstr(err.msg, "far") && strstr(err.msg, ".rel.text") && strstr(err.msg, "0x100") &&
          strstr(err.msg, "does not fit"), "message: %s", err.msg);
    CHECK(!leak, "leak after overflow");
    CHECK(one_reloc(R_386_16, 0x10000, &err, &leak) == -1 && strstr(err.msg, "R_386_16"), "R_386_16: %s", err.msg);
    CHECK(one_reloc(R_386_PC8, RUN[EO_TEXT] + 4 + 200, &err, &leak) == -1, "PC8 +200 accepted");
    CHECK(one_reloc(R_386_PC16, RUN[EO_TEXT] + 4 + 0x8000, &err, &leak) == -1, "PC16 +32768 accepted");
    CHECK(one_reloc(R_386_8, 0xff, &err, &leak) == 0, "R_386_8 of 0xff refused: %s", err.msg);
    CHECK(one_reloc(R_386_PC8, RUN[EO_TEXT] + 4 + 127, &err, &leak) == 0, "PC8 +127 refused: %s", err.msg);
    tl_end();
}

static void test_engine_unsupported(void)
{
    struct elfobj_error err;
    bool leak;

    tl_begin("engine-unsupported-type");
    CHECK(one_reloc(R_386_TLS_GD, 0, &err, &leak) == -1, "TLS_GD accepted");
    CHECK(strcmp(err.msg, "one.o: unsupported relocation type R_386_TLS_GD (18) in section .rel.text, entry 0") == 0,
          "message: %s", err.msg);
    CHECK(!leak, "leak");
    CHECK(one_reloc(R_386_RELATIVE, 0, &err, &leak) == -1 && strstr(err.msg, "R_386_RELATIVE (8)"),
          "RELATIVE: %s", err.msg);
    CHECK(one_reloc(R_386_TLS_TPOFF32, 0, &err, &leak) == -1 && strstr(err.msg, "R_386_TLS_TPOFF32 (37)"),
          "TPOFF32: %s", err.msg);
    CHECK(one_reloc(99, 0, &err, &leak) == -1 && strstr(err.msg, "unknown relocation type 99"),
          "99: %s", err.msg);
    CHECK(!leak, "leak");
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Malformed objects.  The base object is well formed; each case breaks
 * one thing. */

static uint8_t base_text[32], base_data[16], base_dbg[16], base_ro[8];

struct base {
    struct eb b;
    int text, data, bss, ro, dbg;
    int s_fn, s_obj, s_imp, s_wimp, s_cm, s_textsec, s_dbgsec;
};

static void make_base(struct base *x)
{
    struct eb *b = &x->b;

    eb_init(b);
    x->text = eb_section(b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, base_text, 32);
    x->data = eb_section(b, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 4, base_data, 16);
    x->bss = eb_section(b, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 8, NULL, 64);
    x->ro = eb_section(b, ".rodata", SHT_PROGBITS, SHF_ALLOC, 8, base_ro, 8);
    x->dbg = eb_section(b, ".debug_info", SHT_PROGBITS, 0, 1, base_dbg, 16);
    x->s_textsec = eb_symbol(b, "", STB_LOCAL, STT_SECTION, (uint16_t)x->text, 0, 0);
    x->s_dbgsec = eb_symbol(b, "", STB_LOCAL, STT_SECTION, (uint16_t)x->dbg, 0, 0);
    x->s_fn = eb_symbol(b, "fn", STB_GLOBAL, STT_FUNC, (uint16_t)x->text, 0, 16);
    x->s_obj = eb_symbol(b, "obj", STB_GLOBAL, STT_OBJECT, (uint16_t)x->data, 4, 4);
    x->s_imp = eb_symbol(b, "imp", STB_GLOBAL, STT_FUNC, SHN_UNDEF, 0, 0);
    x->s_wimp = eb_symbol(b, "wimp", STB_WEAK, STT_NOTYPE, SHN_UNDEF, 0, 0);
    x->s_cm = eb_symbol(b, "cm", STB_GLOBAL, STT_OBJECT, SHN_COMMON, 16, 8);
    eb_reloc(b, x->text, 0, R_386_32, x->s_obj, 0);
    eb_reloc(b, x->text, 4, R_386_PC32, x->s_imp, 0);
    eb_reloc(b, x->data, 0, R_386_32, x->s_fn, 0);
    eb_reloc(b, x->dbg, 0, R_386_32, x->s_textsec, 0);
    eb_reloc(b, x->dbg, 4, R_386_32, x->s_dbgsec, 0);
}

static const struct tl_import base_imports[] = { { "imp", 0x00123450 }, { NULL, 0 } };

/* Parse an image that must be refused with a message containing `want`. */
static void expect_reject(const char *group, const uint8_t *img, size_t len, const char *want)
{
    struct elfobj_error err;
    struct tl_env e;
    struct elfobj o;
    int rc;

    tl_begin(group);
    tl_env_init(&e, base_imports);
    memset(&err, 0x55, sizeof err);
    rc = elfobj_parse(&o, img, len, "bad.o", &e.env, &err);
    CHECK(rc == -1, "accepted (want \"%s\")", want);
    if (rc == 0) {
        elfobj_release(&o);
    } else {
        CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL, "message not terminated");
        CHECK(strncmp(err.msg, "bad.o: ", 7) == 0, "message does not name the object: %s", err.msg);
        CHECK(strstr(err.msg, want) != NULL, "message \"%s\" lacks \"%s\"", err.msg, want);
        CHECK(no_leak(&e), "leak: %ld blocks live, %ld misuse", e.live, e.misuse);
        elfobj_release(&o);                     /* harmless after failure */
        CHECK(no_leak(&e), "release after failure freed again");
        CHECK(elfobj_relocate(&o, &err) == -1, "relocate after failed parse accepted");
    }
    tl_end();
}

/* Build the base, let `mut` change the description, and expect refusal. */
static void reject_desc(const char *group, void (*mut)(struct base *), const char *want)
{
    struct base x;
    uint8_t *img;
    size_t len;

    make_base(&x);
    mut(&x);
    img = eb_build(&x.b, &len, NULL);
    expect_reject(group, img, len, want);
    free(img);
}

/* An object importing `n` names nobody provides (and `imp`, which the
 * environment has): the load error must count them all and name the first
 * few, so a user sees at once what the environment lacks. */
static void reject_undefined(const char *group, const char *const *names, int n, const char *want)
{
    static uint8_t text[16];
    struct eb b;
    uint8_t *img;
    size_t len;
    int k;

    eb_init(&b);
    eb_section(&b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, text, sizeof text);
    eb_symbol(&b, "imp", STB_GLOBAL, STT_FUNC, SHN_UNDEF, 0, 0);
    for (k = 0; k < n; k++)
        eb_symbol(&b, names[k], STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    img = eb_build(&b, &len, NULL);
    expect_reject(group, img, len, want);
    free(img);
}

static void test_undefined_named(void)
{
    static const char *const posix[] = { "open", "close", "write" };
    static const char *const many[] = {
        "missing_function_00", "missing_function_01", "missing_function_02", "missing_function_03",
        "missing_function_04", "missing_function_05", "missing_function_06", "missing_function_07",
        "missing_function_08", "missing_function_09", "missing_function_10", "missing_function_11",
    };
    static const char *const longs[] = {
        "a_very_long_symbol_name_that_goes_on_and_on_and_on_for_sixty_c",
        "another_very_long_symbol_name_that_goes_on_and_on_for_sixty_ch",
    };

    reject_undefined("reject-undefined-one", posix + 2, 1, "bad.o: undefined symbol 'write' (symbol ");
    reject_undefined("reject-undefined-all-named", posix, 3,
                     "bad.o: 3 undefined symbols: 'open', 'close', 'write'");
    reject_undefined("reject-undefined-count-and-first", many, 12,
                     "bad.o: 12 undefined symbols: 'missing_function_00', 'missing_function_01', "
                     "'missing_function_02' and 9 more");
    reject_undefined("reject-undefined-long-names", longs, 2,
                     "bad.o: 2 undefined symbols: 'a_very_long_symbol_name_that_goes_on_and_on_and_...' "
                     "and 1 more");
}

static void m_symshndx(struct base *x) { x->b.sym[x->s_obj].shndx = 99; }
static void m_symxindex(struct base *x) { x->b.sym[x->s_obj].shndx = SHN_XINDEX; }
static void m_symreserved(struct base *x) { x->b.sym[x->s_obj].shndx = 0xff10; }
static void m_symvalue(struct base *x) { x->b.sym[x->s_obj].value = 17; }
static void m_undef(struct base *x) { strcpy(x->b.sym[x->s_imp].name, "nowhere"); }
static void m_localundef(struct base *x) { x->b.sym[x->s_dbgsec].shndx = SHN_UNDEF; x->b.sym[x->s_dbgsec].info = ELF32_ST_INFO(STB_LOCAL, STT_NOTYPE); strcpy(x->b.sym[x->s_dbgsec].name, "lu"); }
static void m_commonalign(struct base *x) { x->b.sym[x->s_cm].value = 12; }
static void m_commonhuge(struct base *x) { x->b.sym[x->s_cm].size = 0x7fffffff; }
static void m_nobitshuge(struct base *x) { x->b.sec[x->bss].size = 0x7ffff000; }
static void m_sum(struct base *x)
{
    /* Each region within the limit, their sum over it. */
    x->b.sec[x->bss].size = 40u << 20;
    eb_section(&x->b, ".bss.more", SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR, 4, NULL, 30u << 20);
    x->b.sec[x->b.nsec - 1].flags = SHF_ALLOC | SHF_EXECINSTR;  /* nobits text */
}
static void m_align3(struct base *x) { x->b.sec[x->data].align = 3; }
static void m_alignbig(struct base *x) { x->b.sec[x->data].align = 1u << 20; }
static void m_tls(struct base *x) { x->b.sec[x->data].flags |= SHF_TLS; }
static void m_wx(struct base *x) { x->b.sec[x->text].flags |= SHF_WRITE; }
static void m_badtype(struct base *x) { x->b.sec[x->ro].type = SHT_DYNAMIC; }
static void m_reloff(struct base *x) { x->b.rel[0].offset = 30; }  /* 4 bytes at 30 in 32 */
static void m_reloffhuge(struct base *x) { x->b.rel[0].offset = 0xfffffffe; }
static void m_relsym(struct base *x) { x->b.rel[1].sym = 200; }
static void m_reltype(struct base *x) { x->b.rel[1].type = R_386_TLS_LE; }
static void m_relnonalloc(struct base *x) { x->b.rel[0].sym = x->s_dbgsec; }
static void m_relnobits(struct base *x) { eb_reloc(&x->b, x->bss, 0, R_386_32, x->s_fn, 0); }
static void m_ifunc(struct base *x) { x->b.sym[x->s_fn].info = ELF32_ST_INFO(STB_GLOBAL, STT_GNU_IFUNC); }
static void m_tlssym(struct base *x) { x->b.sym[x->s_obj].info = ELF32_ST_INFO(STB_GLOBAL, STT_TLS); }
static void m_binding(struct base *x) { x->b.sym[x->s_obj].info = ELF32_ST_INFO(5, STT_OBJECT); }
static void m_ctorsize(struct base *x) { eb_section(&x->b, ".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE, 4, base_dbg, 6); }
static void m_noname(struct base *x) { x->b.sym[x->s_imp].name[0] = '\0'; }

/* Patch the built image of the base object. */
typedef void (*patch_fn)(uint8_t *img, size_t *len, const struct eb_layout *l, const struct base *x);

static void reject_patch(const char *group, patch_fn fn, const char *want)
{
    struct eb_layout l;
    struct base x;
    uint8_t *img;
    size_t len;

    make_base(&x);
    img = eb_build(&x.b, &len, &l);
    img = realloc(img, len + 4096);             /* room for patches that grow it */
    memset(img + len, 0, 4096);
    fn(img, &len, &l, &x);
    expect_reject(group, img, len, want);
    free(img);
}

#define PATCH(name) static void name(uint8_t *img, size_t *len, const struct eb_layout *l, const struct base *x)
PATCH(p_trunc_hdr) { (void)img; (void)l; (void)x; *len = 40; }
PATCH(p_trunc_shdr) { (void)img; (void)x; *len = l->shoff + 40 * 3; }
PATCH(p_magic) { (void)len; (void)l; (void)x; img[1] = 'X'; }
PATCH(p_class) { (void)len; (void)l; (void)x; img[EI_CLASS] = ELFCLASS64; }
PATCH(p_data) { (void)len; (void)l; (void)x; img[EI_DATA] = ELFDATA2MSB; }
PATCH(p_version) { (void)len; (void)l; (void)x; eb_put32(img, 20, 0); }
PATCH(p_type) { (void)len; (void)l; (void)x; eb_put16(img, 16, ET_EXEC); }
PATCH(p_machine) { (void)len; (void)l; (void)x; eb_put16(img, 18, EM_X86_64); }
PATCH(p_ehsize) { (void)len; (void)l; (void)x; eb_put16(img, 40, 64); }
PATCH(p_shentsize) { (void)len; (void)l; (void)x; eb_put16(img, EH_SHENTSIZE, 32); }
PATCH(p_shnum0) { (void)len; (void)l; (void)x; eb_put16(img, EH_SHNUM, 0); }
PATCH(p_shnumbig) { (void)len; (void)l; (void)x; eb_put16(img, EH_SHNUM, 2000); }
PATCH(p_shstrndx) { (void)len; (void)x; eb_put16(img, EH_SHSTRNDX, (uint16_t)(l->shnum + 1)); }
PATCH(p_shstrxindex) { (void)len; (void)l; (void)x; eb_put16(img, EH_SHSTRNDX, SHN_XINDEX); }
PATCH(p_shstrnotstr) { (void)len; eb_put16(img, EH_SHSTRNDX, (uint16_t)x->text); (void)l; }
PATCH(p_secoff) { (void)x; eb_put32(img, eb_shdr(l, x->data, SH_OFFSET), (uint32_t)*len - 8); }
PATCH(p_secwrap) { (void)len; eb_put32(img, eb_shdr(l, x->data, SH_OFFSET), 0xfffffff0); eb_put32(img, eb_shdr(l, x->data, SH_SIZE), 0x20); }
PATCH(p_secname) { (void)len; eb_put32(img, eb_shdr(l, x->ro, SH_NAME), 0x10000); }
PATCH(p_shstrnul) { (void)len; (void)x; uint32_t o = eb_get32(img, eb_shdr(l, l->shstrtab, SH_OFFSET)), n = eb_get32(img, eb_shdr(l, l->shstrtab, SH_SIZE)); img[o + n - 1] = 'x'; }
PATCH(p_strtabnul) { (void)len; (void)x; uint32_t o = eb_get32(img, eb_shdr(l, l->strtab, SH_OFFSET)), n = eb_get32(img, eb_shdr(l, l->strtab, SH_SIZE)); img[o + n - 1] = 'x'; }
PATCH(p_symlink) { (void)len; (void)x; eb_put32(img, eb_shdr(l, l->symtab, SH_LINK), 77); }
PATCH(p_symlinknotstr) { (void)len; eb_put32(img, eb_shdr(l, l->symtab, SH_LINK), (uint32_t)x->data); }
PATCH(p_syment) { (void)len; (void)x; eb_put32(img, eb_shdr(l, l->symtab, SH_ENTSIZE), 24); }
PATCH(p_symsize) { (void)len; (void)x; eb_put32(img, eb_shdr(l, l->symtab, SH_SIZE), eb_get32(img, eb_shdr(l, l->symtab, SH_SIZE)) - 3); }
PATCH(p_syminfo) { (void)len; (void)x; eb_put32(img, eb_shdr(l, l->symtab, SH_INFO), 1000); }
PATCH(p_symname) { (void)len; (void)x; eb_put32(img, l->symoff + 16 * 3, 0x7fffffff); }
PATCH(p_relinfo) { (void)len; eb_put32(img, eb_shdr(l, l->relsec[x->text], SH_INFO), 300); }
PATCH(p_relinfo0) { (void)len; eb_put32(img, eb_shdr(l, l->relsec[x->text], SH_INFO), 0); }
PATCH(p_rellink) { (void)len; eb_put32(img, eb_shdr(l, l->relsec[x->text], SH_LINK), (uint32_t)l->strtab); }
PATCH(p_relent) { (void)len; eb_put32(img, eb_shdr(l, l->relsec[x->text], SH_ENTSIZE), 12); }
PATCH(p_relsize) { (void)len; eb_put32(img, eb_shdr(l, l->relsec[x->text], SH_SIZE), 13); }
PATCH(p_relalloc) { (void)len; eb_put32(img, eb_shdr(l, l->relsec[x->text], SH_FLAGS), SHF_ALLOC); }
PATCH(p_overlap) { (void)len; eb_put32(img, eb_shdr(l, x->ro, SH_OFFSET), eb_get32(img, eb_shdr(l, x->data, SH_OFFSET)) + 4); }
PATCH(p_overlap_shdr) { (void)len; eb_put32(img, eb_shdr(l, x->ro, SH_OFFSET), l->shoff + 8); }
PATCH(p_overlap_ehdr) { (void)len; eb_put32(img, eb_shdr(l, x->ro, SH_OFFSET), 40); }
PATCH(p_sec0) { (void)len; (void)x; eb_put32(img, eb_shdr(l, 0, SH_TYPE), SHT_PROGBITS); }
PATCH(p_twosymtabs) { (void)len; eb_put32(img, eb_shdr(l, x->dbg, SH_TYPE), SHT_SYMTAB); }
#undef PATCH

static void test_rejects(void)
{
    reject_patch("reject-truncated-header", p_trunc_hdr, "truncated");
    reject_patch("reject-truncated-section-headers", p_trunc_shdr, "beyond the end of the file");
    reject_patch("reject-bad-magic", p_magic, "not an ELF file");
    reject_patch("reject-elfclass64", p_class, "not ELF32");
    reject_patch("reject-big-endian", p_data, "not little-endian");
    reject_patch("reject-version", p_version, "unknown ELF version");
    reject_patch("reject-not-rel", p_type, "not a relocatable object (e_type 2");
    reject_patch("reject-machine", p_machine, "e_machine 62 is not i386");
    reject_patch("reject-ehsize", p_ehsize, "e_ehsize 64");
    reject_patch("reject-shentsize", p_shentsize, "e_shentsize 32, want 40");
    reject_patch("reject-extended-shnum", p_shnum0, "extended section numbering");
    reject_patch("reject-shnum-beyond-file", p_shnumbig, "section headers at");
    reject_patch("reject-shstrndx-range", p_shstrndx, "e_shstrndx");
    reject_patch("reject-shstrndx-xindex", p_shstrxindex, "SHN_XINDEX");
    reject_patch("reject-shstrtab-type", p_shstrnotstr, "section name table");
    reject_patch("reject-section-beyond-file", p_secoff, "section 2: contents");
    reject_patch("reject-section-offset-wraps", p_secwrap, "extend beyond the end of the file");
    reject_patch("reject-section-name-range", p_secname, "name offset 65536");
    reject_patch("reject-shstrtab-unterminated", p_shstrnul, "section name table");
    reject_patch("reject-strtab-unterminated", p_strtabnul, "NUL-terminated string table");
    reject_patch("reject-symtab-link-range", p_symlink, "sh_link 77");
    reject_patch("reject-symtab-link-type", p_symlinknotstr, "sh_link 2 is not");
    reject_patch("reject-symtab-entsize", p_syment, "entry size 24");
    reject_patch("reject-symtab-size", p_symsize, "not a multiple of 16");
    reject_patch("reject-symtab-info", p_syminfo, "sh_info 1000");
    reject_patch("reject-symbol-name-range", p_symname, "name offset");
    reject_patch("reject-rel-info-range", p_relinfo, "sh_info) 300 out of range");
    reject_patch("reject-rel-info-zero", p_relinfo0, "out of range");
    reject_patch("reject-rel-link", p_rellink, "is not the symbol table");
    reject_patch("reject-rel-entsize", p_relent, "entry size 12, want 8");
    reject_patch("reject-rel-size", p_relsize, "not a multiple of 8");
    reject_patch("reject-rel-allocatable", p_relalloc, "allocatable section of unsupported type 9");
    reject_patch("reject-overlapping-sections", p_overlap, "overlap in the file");
    reject_patch("reject-section-over-header-table", p_overlap_shdr, "section header table");
    reject_patch("reject-section-over-elf-header", p_overlap_ehdr, "ELF header");
    reject_patch("reject-section0-not-null", p_sec0, "section 0 is not SHT_NULL");
    reject_patch("reject-two-symtabs", p_twosymtabs, "more than one symbol table");

    reject_desc("reject-symbol-shndx-range", m_symshndx, "section index 99 out of range");
    reject_desc("reject-symbol-shn-xindex", m_symxindex, "SHN_XINDEX");
    reject_desc("reject-symbol-shn-reserved", m_symreserved, "reserved section index 0xff10");
    reject_desc("reject-symbol-value-range", m_symvalue, "beyond the end of section");
    reject_desc("reject-undefined-symbol", m_undef, "undefined symbol 'nowhere'");
    reject_desc("reject-local-undefined", m_localundef, "local but undefined");
    reject_desc("reject-common-alignment", m_commonalign, "alignment 12");
    reject_desc("reject-common-huge", m_commonhuge, "image limit");
    reject_desc("reject-nobits-huge", m_nobitshuge, "image limit");
    reject_desc("reject-image-total", m_sum, "more than the limit");
    reject_desc("reject-alignment-not-pow2", m_align3, "alignment 3 is not a power of two");
    reject_desc("reject-alignment-huge", m_alignbig, "exceeds the limit");
    reject_desc("reject-tls-section", m_tls, "thread-local");
    reject_desc("reject-writable-executable", m_wx, "writable and executable");
    reject_desc("reject-alloc-section-type", m_badtype, "unsupported type 6");
    reject_desc("reject-reloc-offset", m_reloff, "offset 0x1e (+4) beyond section .text");
    reject_desc("reject-reloc-offset-wraps", m_reloffhuge, "beyond section .text");
    reject_desc("reject-reloc-symbol-range", m_relsym, "symbol index 200 out of range");
    reject_desc("reject-reloc-type", m_reltype, "unsupported relocation type R_386_TLS_LE (17) in section .rel.text");
    reject_desc("reject-reloc-nonalloc-symbol", m_relnonalloc, "non-allocated section");
    reject_desc("reject-reloc-into-nobits", m_relnobits, "no contents");
    reject_desc("reject-ifunc", m_ifunc, "IFUNC");
    reject_desc("reject-tls-symbol", m_tlssym, "thread-local symbols");
    reject_desc("reject-symbol-binding", m_binding, "unsupported binding 5");
    reject_desc("reject-ctor-array-size", m_ctorsize, "not a multiple of 4");
    reject_desc("reject-nameless-import", m_noname, "no name");
}

/* The base object itself is fine, and stays fine with garbage in the
 * relocations of its non-allocated .debug_info: those are never applied
 * nor even read. */
static void test_debug_relocs(void)
{
    struct elfobj_error err;
    struct eb_layout l;
    struct tl_env e;
    struct placed p;
    struct base x;
    uint8_t *img;
    size_t len;
    uint32_t o, k;

    tl_begin("debug-relocs-skipped");
    make_base(&x);
    img = eb_build(&x.b, &len, &l);
    /* Garbage: every entry of .rel.debug_info gets a huge offset, a bad
     * symbol and an unsupported type. */
    o = eb_get32(img, eb_shdr(&l, l.relsec[x.dbg], SH_OFFSET));
    for (k = 0; k < 2; k++) {
        eb_put32(img, o + 8 * k, 0xfffffff0);
        eb_put32(img, o + 8 * k + 4, (5000u << 8) | R_386_TLS_GD);
    }
    tl_env_init(&e, base_imports);
    if (elfobj_parse(&p.o, img, len, "dbg.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
    } else {
        place(&p, RUN);
        CHECK(elfobj_relocate(&p.o, &err) == 0, "relocate: %s", err.msg);
        CHECK(sec_run(&p.o, (uint32_t)x.dbg) == 0xffffffff, ".debug_info was loaded");
        elfobj_release(&p.o);
        unplace(&p);
    }
    /* The same garbage in .rel.text is refused. */
    o = eb_get32(img, eb_shdr(&l, l.relsec[x.text], SH_OFFSET));
    eb_put32(img, o, 0xfffffff0);
    CHECK(elfobj_parse(&p.o, img, len, "dbg.o", &e.env, &err) == -1, "garbage .rel.text accepted");
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Every allocation of a real object's parse fails in turn. */

static void test_oom_walk(void)
{
    static const char *const objs[] = { "basic-pic-O2.o", "relocs-asm.o", "merged.o" };
    size_t i, len;

    tl_begin("oom-walk");
    for (i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        struct elfobj_error err;
        struct tl_env e;
        struct elfobj o;
        uint8_t *img = tl_read_file(tl_obj(objs[i]), &len);
        long n, k;

        if (!img) {
            CHECK(0, "cannot read %s", tl_obj(objs[i]));
            continue;
        }
        tl_env_init(&e, NULL);
        e.fallback = tl_fake_addr;
        if (elfobj_parse(&o, img, len, objs[i], &e.env, &err) != 0) {
            CHECK(0, "%s: %s", objs[i], err.msg);
            free(img);
            continue;
        }
        elfobj_release(&o);
        n = e.nalloc;
        CHECK(n >= 3, "%s: only %ld allocations", objs[i], n);
        for (k = 0; k < n; k++) {
            tl_env_init(&e, NULL);
            e.fallback = tl_fake_addr;
            e.fail_at = k;
            CHECK(elfobj_parse(&o, img, len, objs[i], &e.env, &err) == -1,
                  "%s: allocation %ld failed but parse succeeded", objs[i], k);
            CHECK(strstr(err.msg, "out of memory"), "%s: %s", objs[i], err.msg);
            CHECK(no_leak(&e), "%s: allocation %ld failed: %ld blocks leaked", objs[i], k, e.live);
            elfobj_release(&o);
        }
        free(img);
    }
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Layout rules on real objects. */

static void test_layout(void)
{
    static const char *const objs[] = { "basic-nopic-O2.o", "basic-pic-O2-sections.o",
                                        "relocs-asm.o", "merged.o", "basic-nopic-O2g.o" };
    size_t i, len;

    tl_begin("layout");
    for (i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        struct elfobj_error err;
        struct tl_env e;
        struct placed p;
        uint8_t *img = tl_read_file(tl_obj(objs[i]), &len);
        uint32_t s, c;
        int r;

        if (!img) {
            CHECK(0, "cannot read %s", objs[i]);
            continue;
        }
        tl_env_init(&e, NULL);
        e.fallback = tl_fake_addr;
        if (elfobj_parse(&p.o, img, len, objs[i], &e.env, &err) != 0) {
            CHECK(0, "%s", err.msg);
            free(img);
            continue;
        }
        for (r = 0; r < EO_NREGIONS; r++) {
            CHECK(p.o.region[r].size % ELFOBJ_PAGE_SIZE == 0, "%s: %s size %#x", objs[i],
                  elfobj_region_name(r), p.o.region[r].size);
            CHECK(p.o.region[r].align >= ELFOBJ_PAGE_SIZE &&
                  (p.o.region[r].align & (p.o.region[r].align - 1)) == 0, "%s: align", objs[i]);
        }
        place(&p, RUN);
        CHECK(elfobj_relocate(&p.o, &err) == 0, "%s: %s", objs[i], err.msg);
        for (s = 1; s < elfobj_nsections(&p.o); s++) {
            struct elfobj_secinfo a, b;
            int want;

            elfobj_section(&p.o, s, &a);
            want = !(a.flags & SHF_ALLOC) ? -1 : (a.flags & SHF_EXECINSTR) ? EO_TEXT
                 : a.type == SHT_NOBITS ? EO_BSS : (a.flags & SHF_WRITE) ? EO_DATA : EO_RODATA;
            CHECK(a.region == want, "%s: %s in region %d, want %d", objs[i], a.name, a.region, want);
            if (a.region < 0)
                continue;
            CHECK(a.run % a.align == 0, "%s: %s at %#x misaligned (%u)", objs[i], a.name, a.run, a.align);
            CHECK(a.run >= p.o.region[a.region].run &&
                  a.run + a.size <= p.o.region[a.region].run + p.o.region[a.region].size,
                  "%s: %s outside its region", objs[i], a.name);
            CHECK((uint8_t *)a.write == at(&p, a.run), "%s: %s write/run mismatch", objs[i], a.name);
            if (a.type == SHT_NOBITS) {
                for (c = 0; c < a.size; c++)
                    if (((uint8_t *)a.write)[c])
                        break;
                CHECK(c == a.size, "%s: %s not zeroed", objs[i], a.name);
            }
            for (c = s + 1; c < elfobj_nsections(&p.o); c++) {
                elfobj_section(&p.o, c, &b);
                if (b.region < 0 || !a.size || !b.size)
                    continue;
                CHECK(a.run + a.size <= b.run || b.run + b.size <= a.run,
                      "%s: %s and %s overlap", objs[i], a.name, b.name);
            }
        }
        /* COMMON symbols: in BSS, aligned as asked, zeroed. */
        {
            struct elfobj_sym sym;
            uint32_t cur = 0;
            while (elfobj_next_export(&p.o, &cur, &sym)) {
                if (strncmp(sym.name, "comm_", 5) && strcmp(sym.name, "asm_common"))
                    continue;
                CHECK(sym.addr >= RUN[EO_BSS] && sym.addr + sym.size <= RUN[EO_BSS] + p.o.region[EO_BSS].size,
                      "%s: common %s at %#x outside BSS", objs[i], sym.name, sym.addr);
                if (!strcmp(sym.name, "comm_big"))
                    CHECK(sym.addr % 64 == 0, "%s: comm_big misaligned %#x", objs[i], sym.addr);
                if (!strcmp(sym.name, "asm_common"))
                    CHECK(sym.addr % 8 == 0 && sym.size == 24, "%s: asm_common %#x", objs[i], sym.addr);
                for (c = 0; c < sym.size; c++)
                    CHECK(at(&p, sym.addr + c) && *at(&p, sym.addr + c) == 0, "%s: %s not zero", objs[i], sym.name);
            }
        }
        elfobj_release(&p.o);
        unplace(&p);
        CHECK(no_leak(&e), "%s: leak", objs[i]);
        free(img);
    }
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Region checks in relocate. */

static void test_regions(void)
{
    struct elfobj_error err;
    struct tl_env e;
    struct placed p;
    struct base x;
    uint8_t *img;
    size_t len;
    uint32_t run[EO_NREGIONS];
    void *keep;

    tl_begin("region-checks");
    make_base(&x);
    img = eb_build(&x.b, &len, NULL);
    dump("built-base.o", img, len);
    tl_env_init(&e, base_imports);
    if (elfobj_parse(&p.o, img, len, "reg.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    memcpy(run, RUN, sizeof run);
    place(&p, run);
    CHECK(elfobj_relocate(&p.o, &err) == 0, "good placement refused: %s", err.msg);

    p.o.region[EO_DATA].run = RUN[EO_DATA] + 0x800;
    CHECK(elfobj_relocate(&p.o, &err) == -1 && strstr(err.msg, "data region run address 0x800800 is not aligned"),
          "misaligned: %s", err.msg);
    p.o.region[EO_DATA].run = RUN[EO_TEXT];
    CHECK(elfobj_relocate(&p.o, &err) == -1 && strstr(err.msg, "text and data regions overlap at run"),
          "run overlap: %s", err.msg);
    p.o.region[EO_DATA].run = 0xfffff000;      /* the last page: fits exactly */
    CHECK(elfobj_relocate(&p.o, &err) == 0, "data in the last page refused: %s", err.msg);
    p.o.region[EO_DATA].size = 0x2000;          /* pretend: would wrap past 4 GiB */
    CHECK(elfobj_relocate(&p.o, &err) == -1 && strstr(err.msg, "wraps past 4 GiB"),
          "wrap: %s", err.msg);
    p.o.region[EO_DATA].size = 0x1000;
    p.o.region[EO_DATA].run = RUN[EO_DATA];
    p.o.region[EO_RODATA].run = RUN[EO_RODATA];
    keep = p.o.region[EO_BSS].write;
    p.o.region[EO_BSS].write = NULL;
    CHECK(elfobj_relocate(&p.o, &err) == -1 && strstr(err.msg, "bss region has no write address"),
          "null write: %s", err.msg);
    p.o.region[EO_BSS].write = (uint8_t *)p.o.region[EO_TEXT].write + 100;
    CHECK(elfobj_relocate(&p.o, &err) == -1 && strstr(err.msg, "text and bss regions overlap at write"),
          "write overlap: %s", err.msg);
    p.o.region[EO_BSS].write = keep;
    CHECK(elfobj_relocate(&p.o, &err) == 0, "restored placement refused: %s", err.msg);
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Symbols: exports, imports, lookup, _GLOBAL_OFFSET_TABLE_. */

static void test_symbols(void)
{
    static uint8_t text[16], data[8];
    struct tl_import imp[] = { { "have", 0x0badf00d }, { NULL, 0 } };
    struct elfobj_error err;
    struct elfobj_sym s;
    struct tl_env e;
    struct placed p;
    struct eb b;
    uint8_t *img;
    size_t len;
    uint32_t cur, a, nexp = 0, nimp = 0;
    int ts, ds, hid;

    tl_begin("symbols");
    eb_init(&b);
    ts = eb_section(&b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, text, 16);
    ds = eb_section(&b, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 4, data, 8);
    eb_symbol(&b, "local_fn", STB_LOCAL, STT_FUNC, (uint16_t)ts, 4, 4);
    eb_symbol(&b, "glob_fn", STB_GLOBAL, STT_FUNC, (uint16_t)ts, 8, 4);
    eb_symbol(&b, "weak_obj", STB_WEAK, STT_OBJECT, (uint16_t)ds, 4, 4);
    hid = eb_symbol(&b, "hidden_fn", STB_GLOBAL, STT_FUNC, (uint16_t)ts, 12, 4);
    b.sym[hid].other = STV_HIDDEN;
    eb_symbol(&b, "abs_sym", STB_GLOBAL, STT_NOTYPE, SHN_ABS, 0x1234, 0);
    eb_symbol(&b, "com", STB_GLOBAL, STT_OBJECT, SHN_COMMON, 32, 100);
    eb_symbol(&b, "have", STB_GLOBAL, STT_FUNC, SHN_UNDEF, 0, 0);
    eb_symbol(&b, "lack_weak", STB_WEAK, STT_NOTYPE, SHN_UNDEF, 0, 0);
    eb_symbol(&b, "_GLOBAL_OFFSET_TABLE_", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    img = eb_build(&b, &len, NULL);
    dump("built-symbols.o", img, len);
    tl_env_init(&e, imp);
    if (elfobj_parse(&p.o, img, len, "sym.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    CHECK(e.resolves == 2, "resolver called %d times, want 2 (not for _GLOBAL_OFFSET_TABLE_)", e.resolves);
    place(&p, RUN);
    CHECK(elfobj_relocate(&p.o, &err) == 0, "relocate: %s", err.msg);
    CHECK(elfobj_lookup(&p.o, "glob_fn", &a) == 0 && a == RUN[EO_TEXT] + 8, "glob_fn %#x", a);
    CHECK(elfobj_lookup(&p.o, "weak_obj", &a) == 0 && a == RUN[EO_DATA] + 4, "weak_obj %#x", a);
    CHECK(elfobj_lookup(&p.o, "abs_sym", &a) == 0 && a == 0x1234, "abs_sym %#x", a);
    CHECK(elfobj_lookup(&p.o, "com", &a) == 0 && a == RUN[EO_BSS], "com %#x", a);
    CHECK(p.o.region[EO_BSS].size == 4096 && p.o.region[EO_BSS].align == 4096, "bss for common");
    CHECK(elfobj_lookup(&p.o, "local_fn", &a) == -1, "local symbol exported");
    CHECK(elfobj_lookup(&p.o, "hidden_fn", &a) == -1, "hidden symbol exported");
    CHECK(elfobj_lookup(&p.o, "have", &a) == -1, "import exported");
    CHECK(elfobj_lookup(&p.o, "_GLOBAL_OFFSET_TABLE_", &a) == -1, "GOT symbol exported");
    CHECK(elfobj_lookup(&p.o, "nonesuch", &a) == -1, "unknown name found");
    cur = 0;
    while (elfobj_next_export(&p.o, &cur, &s))
        nexp++;
    CHECK(nexp == 4, "%u exports, want 4", nexp);
    cur = 0;
    while (elfobj_next_import(&p.o, &cur, &s)) {
        nimp++;
        if (!strcmp(s.name, "have"))
            CHECK(s.addr == 0x0badf00d && s.resolved && !s.weak && s.type == STT_FUNC, "import have");
        else if (!strcmp(s.name, "lack_weak"))
            CHECK(s.addr == 0 && !s.resolved && s.weak, "import lack_weak");
        else
            CHECK(0, "unexpected import %s", s.name);
    }
    CHECK(nimp == 2, "%u imports, want 2", nimp);
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* GOT: one slot per distinct symbol, contents = symbol addresses. */

static void test_got(void)
{
    static uint8_t text[64];
    struct tl_import imp[] = { { "e1", 0x11110000 }, { "e2", 0x22220000 }, { NULL, 0 } };
    struct elfobj_error err;
    struct tl_env e;
    struct placed p;
    struct eb b;
    uint8_t *img, *g, *t;
    size_t len;
    int ts, s1, s2, s3, sl, k;

    tl_begin("got");
    eb_init(&b);
    memset(text, 0x83, sizeof text);            /* every ModRM: base register */
    ts = eb_section(&b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, text, 64);
    sl = eb_symbol(&b, "loc", STB_LOCAL, STT_FUNC, (uint16_t)ts, 40, 0);
    s1 = eb_symbol(&b, "e1", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    s2 = eb_symbol(&b, "e2", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
    s3 = eb_symbol(&b, "missing_w", STB_WEAK, STT_NOTYPE, SHN_UNDEF, 0, 0);
    /* e1 three times, e2 twice, missing_w and loc once: 4 slots. */
    for (k = 0; k < 8; k++)
        put32(text + 4 + 4 * k, 0);
    eb_reloc(&b, ts, 4, R_386_GOT32X, s1, 0);
    eb_reloc(&b, ts, 8, R_386_GOT32, s2, 0);
    eb_reloc(&b, ts, 12, R_386_GOT32X, s1, 0);
    eb_reloc(&b, ts, 16, R_386_GOT32X, s3, 0);
    eb_reloc(&b, ts, 20, R_386_GOT32X, s2, 0);
    eb_reloc(&b, ts, 24, R_386_GOT32, s1, 0);
    eb_reloc(&b, ts, 28, R_386_GOT32X, sl, 0);
    img = eb_build(&b, &len, NULL);
    dump("built-got.o", img, len);
    tl_env_init(&e, imp);
    if (elfobj_parse(&p.o, img, len, "got.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    CHECK(p.o.ngot == 4, "%u GOT slots, want 4", p.o.ngot);
    place(&p, RUN);
    CHECK(elfobj_relocate(&p.o, &err) == 0, "relocate: %s", err.msg);
    g = at(&p, RUN[EO_GOT]);
    t = at(&p, RUN[EO_TEXT]);
    CHECK(get32(t + 4) == 0 && get32(t + 12) == 0 && get32(t + 24) == 0, "e1 slot offsets");
    CHECK(get32(t + 8) == 4 && get32(t + 20) == 4, "e2 slot offsets");
    CHECK(get32(t + 16) == 8 && get32(t + 28) == 12, "weak/local slot offsets");
    CHECK(get32(g) == 0x11110000 && get32(g + 4) == 0x22220000 && get32(g + 8) == 0 &&
          get32(g + 12) == RUN[EO_TEXT] + 40, "slot contents %#x %#x %#x %#x",
          get32(g), get32(g + 4), get32(g + 8), get32(g + 12));
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Constructor/destructor order. */

/* Add an array section whose entries point at "function" k = text + 4k;
 * k = 0 stands for a literal 0 entry (a crtstuff-style sentinel). */
static void add_array(struct eb *b, int sym, const char *name, uint32_t type,
                      uint32_t *store, const uint32_t *fns, uint32_t n)
{
    int s = eb_section(b, name, type, SHF_ALLOC | SHF_WRITE, 4, store, 4 * n);
    uint32_t i;

    for (i = 0; i < n; i++) {
        store[i] = 0;
        if (fns[i])
            eb_reloc(b, s, 4 * i, R_386_32, sym, (int32_t)(4 * fns[i]));
        store[i] = 4 * fns[i];                  /* REL: addend in place */
    }
}

static void test_ctors(void)
{
    static uint8_t text[64];
    static uint32_t store[10][4];
    struct elfobj_error err;
    struct tl_env e;
    struct placed p;
    struct eb b;
    uint8_t *img;
    size_t len;
    const uint32_t *list;
    uint32_t n, i, T = RUN[EO_TEXT];
    int st;
    /*
     * Constructors: .preinit_array first; then priority 101 in section
     * order (.init_array.00101, then .ctors.65434, which gcc uses for
     * priority 65535-65434 = 101); then the default priority 65535:
     * .init_array forward, .ctors backward, .init_array.65535.
     */
    static const uint32_t want_ctors[] = { 11, 5, 1, 2, 4, 7, 6, 3, 8 };
    /*
     * Destructors: a linker's .fini_array would be [14 (prio 101, from
     * .dtors.65434), 13 (200), 9, 10 (.fini_array), 12 (.dtors turned
     * around: 15, 12, its 0 sentinel dropped)], run backward.
     */
    static const uint32_t want_dtors[] = { 12, 15, 10, 9, 13, 14 };

    tl_begin("ctors-dtors-order");
    eb_init(&b);
    eb_section(&b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, text, 64);
    st = eb_symbol(&b, "", STB_LOCAL, STT_SECTION, 1, 0, 0);
    add_array(&b, st, ".init_array", SHT_INIT_ARRAY, store[0], (uint32_t[]){ 2, 4 }, 2);
    add_array(&b, st, ".ctors", SHT_PROGBITS, store[1], (uint32_t[]){ 3, 6, 7 }, 3);
    add_array(&b, st, ".init_array.00101", SHT_INIT_ARRAY, store[2], (uint32_t[]){ 5 }, 1);
    add_array(&b, st, ".ctors.65434", SHT_PROGBITS, store[3], (uint32_t[]){ 1 }, 1);
    add_array(&b, st, ".preinit_array", SHT_PREINIT_ARRAY, store[4], (uint32_t[]){ 11 }, 1);
    add_array(&b, st, ".init_array.65535", SHT_INIT_ARRAY, store[5], (uint32_t[]){ 8 }, 1);
    add_array(&b, st, ".fini_array", SHT_FINI_ARRAY, store[6], (uint32_t[]){ 9, 10 }, 2);
    add_array(&b, st, ".dtors", SHT_PROGBITS, store[7], (uint32_t[]){ 12, 15, 0 }, 3);
    add_array(&b, st, ".fini_array.00200", SHT_FINI_ARRAY, store[8], (uint32_t[]){ 13 }, 1);
    add_array(&b, st, ".dtors.65434", SHT_PROGBITS, store[9], (uint32_t[]){ 14 }, 1);
    img = eb_build(&b, &len, NULL);
    dump("built-ctors.o", img, len);
    tl_env_init(&e, NULL);
    if (elfobj_parse(&p.o, img, len, "ctor.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    place(&p, RUN);
    elfobj_ctors(&p.o, &n);
    CHECK(n == 0, "constructors listed before relocation");
    CHECK(elfobj_relocate(&p.o, &err) == 0, "relocate: %s", err.msg);
    list = elfobj_ctors(&p.o, &n);
    CHECK(n == sizeof want_ctors / sizeof want_ctors[0], "%u constructors", n);
    for (i = 0; i < n && i < sizeof want_ctors / sizeof want_ctors[0]; i++)
        CHECK(list[i] == T + 4 * want_ctors[i], "ctor %u is fn %d, want fn %u", i,
              (int)(list[i] - T) / 4, want_ctors[i]);
    list = elfobj_dtors(&p.o, &n);
    CHECK(n == sizeof want_dtors / sizeof want_dtors[0], "%u destructors", n);
    for (i = 0; i < n && i < sizeof want_dtors / sizeof want_dtors[0]; i++)
        CHECK(list[i] == T + 4 * want_dtors[i], "dtor %u is fn %d, want fn %u", i,
              (int)(list[i] - T) / 4, want_dtors[i]);
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Relocating again at other run addresses starts from the image. */

static void test_relocate_again(void)
{
    uint8_t text[64], data[20], *img;
    struct elfobj_error err;
    struct tl_env e;
    struct placed p;
    struct eb b;
    size_t len;
    uint32_t run2[EO_NREGIONS] = { 0xc0000000, 0xc0400000, 0xc0800000, 0xc0c00000, 0xc1000000 };
    int r;

    tl_begin("relocate-again");
    build_engine_obj(&b, text, data, false);
    img = eb_build(&b, &len, NULL);
    tl_env_init(&e, engine_imports);
    if (elfobj_parse(&p.o, img, len, "t.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    place(&p, RUN);
    CHECK(elfobj_relocate(&p.o, &err) == 0, "first: %s", err.msg);
    for (r = 0; r < EO_NREGIONS; r++)
        p.o.region[r].run = run2[r];
    CHECK(elfobj_relocate(&p.o, &err) == 0, "second: %s", err.msg);
    CHECK(get32(at(&p, run2[EO_TEXT])) == run2[EO_DATA] + 12, "R_386_32 after move: %#x",
          get32(at(&p, run2[EO_TEXT])));
    CHECK(get32(at(&p, run2[EO_DATA])) == run2[EO_TEXT] + 48, "data after move");
    CHECK(get32(at(&p, run2[EO_GOT]) + 4) == run2[EO_DATA] + 8, "GOT after move");
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* Empty sections, even ones with relocations or constructor arrays, in
 * regions that end up with no memory at all (write NULL).  Found by the
 * fuzzer: the engine once formed NULL + 0 for them. */
static void test_empty_sections(void)
{
    static uint8_t text[16];
    struct elfobj_error err;
    struct tl_env e;
    struct placed p;
    struct eb b;
    uint8_t *img;
    size_t len;
    uint32_t n;
    int ts, ds, is, st;

    tl_begin("empty-sections");
    eb_init(&b);
    ts = eb_section(&b, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, text, 16);
    ds = eb_section(&b, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 4, NULL, 0);
    is = eb_section(&b, ".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE, 4, NULL, 0);
    st = eb_symbol(&b, "", STB_LOCAL, STT_SECTION, (uint16_t)ts, 0, 0);
    eb_symbol(&b, "data_start", STB_GLOBAL, STT_NOTYPE, (uint16_t)ds, 0, 0);
    eb_reloc(&b, ds, 0, R_386_NONE, st, 0);
    eb_reloc(&b, is, 0, R_386_NONE, st, 0);
    img = eb_build(&b, &len, NULL);
    dump("built-empty.o", img, len);
    tl_env_init(&e, NULL);
    if (elfobj_parse(&p.o, img, len, "empty.o", &e.env, &err) != 0) {
        CHECK(0, "parse: %s", err.msg);
        goto out;
    }
    CHECK(p.o.region[EO_DATA].size == 0 && p.o.region[EO_TEXT].size == 4096, "region sizes");
    place(&p, RUN);
    CHECK(p.o.region[EO_DATA].write == NULL, "empty region given memory");
    CHECK(elfobj_relocate(&p.o, &err) == 0, "relocate: %s", err.msg);
    elfobj_ctors(&p.o, &n);
    CHECK(n == 0, "%u constructors from an empty array", n);
    elfobj_release(&p.o);
    unplace(&p);
out:
    CHECK(no_leak(&e), "leak");
    free(img);
    tl_end();
}

/* The environment is validated; no image, no work. */
static void test_api_misuse(void)
{
    struct elfobj_error err;
    struct elfobj_env none = { 0 };
    struct elfobj o;
    struct tl_env e;
    uint32_t n;

    tl_begin("api-misuse");
    CHECK(elfobj_parse(&o, "x", 1, NULL, &none, &err) == -1 && strstr(err.msg, "alloc/free"), "%s", err.msg);
    CHECK(strncmp(err.msg, "object: ", 8) == 0, "default name: %s", err.msg);
    tl_env_init(&e, NULL);
    CHECK(elfobj_parse(&o, NULL, 0, "n.o", &e.env, &err) == -1, "NULL image accepted");
    CHECK(elfobj_relocate(&o, &err) == -1 && strstr(err.msg, "before a successful parse"), "%s", err.msg);
    CHECK(elfobj_ctors(&o, &n) == NULL && n == 0, "ctors of empty object");
    CHECK(elfobj_section(&o, 1, &(struct elfobj_secinfo){ 0 }) == -1, "section of empty object");
    CHECK(no_leak(&e), "leak");
    tl_end();
}

int main(void)
{
    test_reloc_names();
    test_reloc_howto();
    test_arith_32();
    test_arith_pc32(R_386_PC32, "reloc-arith-pc32");
    test_arith_pc32(R_386_PLT32, "reloc-arith-plt32");
    test_arith_gotpc_gotoff();
    test_arith_got32(R_386_GOT32, "reloc-arith-got32");
    test_arith_got32(R_386_GOT32X, "reloc-arith-got32x");
    test_arith_small();
    test_arith_none_unsupported();
    test_engine_relocs(false);
    test_engine_relocs(true);
    test_engine_overflow();
    test_engine_unsupported();
    test_rejects();
    test_undefined_named();
    test_debug_relocs();
    test_oom_walk();
    test_layout();
    test_regions();
    test_symbols();
    test_got();
    test_ctors();
    test_relocate_again();
    test_empty_sections();
    test_api_misuse();
    return tl_exit();
}
