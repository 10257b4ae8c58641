/*
 * test_objs.c — the engine against GNU ld, on real objects (x86_64 host).
 *
 * For every test object (LT_GOOD, built by loader.mk from objs/), and for
 * two placements ("user": regions low, in order; "kernel": regions high,
 * data below rodata), the engine relocates the object into malloc'd
 * buffers (write != run).  Then `ld -m elf_i386` links the same object
 * with a generated script that puts every allocated input section in an
 * output section of its own at exactly the run address the engine chose,
 * with --defsym giving imports (and COMMON symbols, which ld would
 * otherwise place by its own rules) the engine's addresses.  The GOT
 * base (.got.plt, i.e. _GLOBAL_OFFSET_TABLE_) goes at the engine's GOT
 * run address; ld's own GOT (.got) somewhere unused.
 *
 * Compared byte for byte: every loaded section with contents (text,
 * rodata, data, init/fini arrays, .eh_frame), so every R_386_32, PC32,
 * PLT32, GOTPC, GOTOFF, 16, PC16, 8 and PC8 field, and every byte no
 * relocation touches.
 *
 * Compared semantically: the fields of R_386_GOT32/GOT32X.  ld's GOT
 * layout differs (its slots sit below _GLOBAL_OFFSET_TABLE_, the engine's
 * above), and ld relaxes GOT32X loads of symbols it knows into direct
 * forms (mov->lea/mov $imm, call *->addr32 call, test/binop -> imm),
 * which --no-relax does not prevent.  So for each such field the test
 * decodes what address ld's instruction ends up using (read from ld's
 * .got if the instruction still loads a slot, or from the rewritten
 * immediate/displacement) and checks that the engine's field designates
 * a slot of the engine's GOT holding that same address.  Only the field
 * and, where ld rewrote the instruction, its two opcode/ModRM bytes are
 * exempt from the byte comparison.
 *
 * Also compared with ld: every exported symbol's address, and the
 * constructor and destructor order (a second link merges the arrays the
 * way ld's default script does: SORT_BY_INIT_PRIORITY, .ctors/.dtors
 * folded in and turned around).
 *
 * Then: "real-world" objects compiled as a distribution would must load
 * and must report exactly their undefined symbols as imports (checked
 * against libelf and against a list of what such code imports), and the
 * TLS object must be refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl.h"

#define LD_GOT_ADDR   0x7f000000u       /* ld's .got: away from all regions */
#define LD_INIT_ADDR  0x7e000000u       /* merged arrays of the order link */

struct config {
    const char *name;
    uint32_t run[EO_NREGIONS];
};

static const struct config configs[] = {
    { "user",   { 0x00400000, 0x00800000, 0x00c00000, 0x01000000, 0x01400000 } },
    { "kernel", { 0xc0100000, 0xc0900000, 0xc0500000, 0xd0000000, 0xc0d00000 } },
};

static char tmpdir[64];

/* ------------------------------------------------------------------ */
/* An ELF file read with libelf: sections by name, symbols by name. */

struct lsec {
    char *name;
    uint32_t type, flags, addr, size, link, info;
    uint8_t *data;              /* NULL for NOBITS */
};

struct lfile {
    struct lsec *sec;
    size_t nsec;
    struct lsym { char *name; uint32_t value; uint16_t shndx; uint8_t bind; } *sym;
    size_t nsym;
};

static void lfile_free(struct lfile *f)
{
    size_t i;
    for (i = 0; i < f->nsec; i++) {
        free(f->sec[i].name);
        free(f->sec[i].data);
    }
    for (i = 0; i < f->nsym; i++)
        free(f->sym[i].name);
    free(f->sec);
    free(f->sym);
    memset(f, 0, sizeof *f);
}

static int lfile_read(const char *path, struct lfile *f)
{
    Elf_Scn *scn = NULL;
    size_t shstrndx;
    Elf *e;
    int fd;

    memset(f, 0, sizeof *f);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    e = elf_begin(fd, ELF_C_READ, NULL);
    if (!e || elf_getshdrstrndx(e, &shstrndx) != 0 || elf_getshdrnum(e, &f->nsec) != 0) {
        if (e)
            elf_end(e);
        close(fd);
        return -1;
    }
    f->sec = calloc(f->nsec, sizeof *f->sec);
    while ((scn = elf_nextscn(e, scn))) {
        size_t i = elf_ndxscn(scn);
        GElf_Shdr sh;
        Elf_Data *d;

        gelf_getshdr(scn, &sh);
        f->sec[i].name = strdup(elf_strptr(e, shstrndx, sh.sh_name));
        f->sec[i].type = sh.sh_type;
        f->sec[i].flags = (uint32_t)sh.sh_flags;
        f->sec[i].addr = (uint32_t)sh.sh_addr;
        f->sec[i].size = (uint32_t)sh.sh_size;
        f->sec[i].link = sh.sh_link;
        f->sec[i].info = sh.sh_info;
        if (sh.sh_type != SHT_NOBITS && (d = elf_rawdata(scn, NULL)) && d->d_size) {
            f->sec[i].data = malloc(d->d_size);
            memcpy(f->sec[i].data, d->d_buf, d->d_size);
        }
        if (sh.sh_type == SHT_SYMTAB && (d = elf_getdata(scn, NULL))) {
            size_t k, n = sh.sh_size / sh.sh_entsize;
            f->sym = calloc(n, sizeof *f->sym);
            f->nsym = n;
            for (k = 0; k < n; k++) {
                GElf_Sym s;
                gelf_getsym(d, (int)k, &s);
                f->sym[k].name = strdup(elf_strptr(e, sh.sh_link, s.st_name));
                f->sym[k].value = (uint32_t)s.st_value;
                f->sym[k].shndx = s.st_shndx;
                f->sym[k].bind = GELF_ST_BIND(s.st_info);
            }
        }
    }
    elf_end(e);
    close(fd);
    return 0;
}

static const struct lsec *lfile_sec(const struct lfile *f, const char *name)
{
    size_t i;
    for (i = 1; i < f->nsec; i++)
        if (f->sec[i].name && strcmp(f->sec[i].name, name) == 0)
            return &f->sec[i];
    return NULL;
}

static bool lfile_sym(const struct lfile *f, const char *name, uint32_t *value)
{
    size_t i;
    for (i = 1; i < f->nsym; i++)
        if (f->sym[i].bind != STB_LOCAL && strcmp(f->sym[i].name, name) == 0) {
            *value = f->sym[i].value;
            return true;
        }
    return false;
}

/* Read 4 bytes of a linked image at a run address. */
static bool lfile_read32(const struct lfile *f, uint32_t addr, uint32_t *v)
{
    size_t i;
    for (i = 1; i < f->nsec; i++) {
        const struct lsec *s = &f->sec[i];
        if ((s->flags & SHF_ALLOC) && s->data && addr >= s->addr && addr - s->addr + 4 <= s->size) {
            memcpy(v, s->data + (addr - s->addr), 4);
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Engine side. */

struct loaded {
    struct tl_env env;
    struct elfobj o;
    uint8_t *img;
    size_t len;
    uint8_t *mem[EO_NREGIONS];
};

static uint8_t *eng_at(struct loaded *l, uint32_t run)
{
    int r;
    for (r = 0; r < EO_NREGIONS; r++) {
        struct elfobj_region *g = &l->o.region[r];
        if (g->size && run >= g->run && run - g->run < g->size)
            return (uint8_t *)g->write + (run - g->run);
    }
    return NULL;
}

static int load(struct loaded *l, const char *name, const struct config *c, char *why, size_t whylen)
{
    struct elfobj_error err;
    int r;

    memset(l, 0, sizeof *l);
    l->img = tl_read_file(tl_obj(name), &l->len);
    if (!l->img) {
        snprintf(why, whylen, "cannot read %s", tl_obj(name));
        return -1;
    }
    tl_env_init(&l->env, NULL);
    l->env.fallback = tl_fake_addr;
    if (elfobj_parse(&l->o, l->img, l->len, name, &l->env.env, &err) != 0) {
        snprintf(why, whylen, "parse: %s", err.msg);
        return -1;
    }
    for (r = 0; r < EO_NREGIONS; r++) {
        l->o.region[r].run = c->run[r];
        if (l->o.region[r].size) {
            l->mem[r] = malloc(l->o.region[r].size);
            memset(l->mem[r], 0xaa, l->o.region[r].size);
            l->o.region[r].write = l->mem[r];
        }
    }
    if (elfobj_relocate(&l->o, &err) != 0) {
        snprintf(why, whylen, "relocate: %s", err.msg);
        return -1;
    }
    return 0;
}

static bool unload(struct loaded *l)
{
    int r;
    elfobj_release(&l->o);
    for (r = 0; r < EO_NREGIONS; r++)
        free(l->mem[r]);
    free(l->img);
    return l->env.live == 0 && l->env.misuse == 0;
}

static bool is_init_section(const struct elfobj_secinfo *s)
{
    return s->type == SHT_INIT_ARRAY || s->type == SHT_FINI_ARRAY ||
           s->type == SHT_PREINIT_ARRAY ||
           ((s->type == SHT_PROGBITS) &&
            (!strncmp(s->name, ".ctors", 6) || !strncmp(s->name, ".dtors", 6)));
}

/* ------------------------------------------------------------------ */
/* Running ld. */

/* Write the script; `merge_init` selects the constructor-order link. */
static bool write_script(struct loaded *l, const char *path, bool merge_init, char *why, size_t whylen)
{
    FILE *f = fopen(path, "w");
    uint32_t i, j;

    if (!f) {
        snprintf(why, whylen, "cannot write %s", path);
        return false;
    }
    fprintf(f, "SECTIONS {\n");
    for (i = 1; i < elfobj_nsections(&l->o); i++) {
        struct elfobj_secinfo s, t;

        elfobj_section(&l->o, i, &s);
        if (s.region < 0 || (merge_init && is_init_section(&s)))
            continue;
        for (j = 1; j < elfobj_nsections(&l->o); j++) {
            elfobj_section(&l->o, j, &t);
            if (j != i && t.region >= 0 && strcmp(s.name, t.name) == 0) {
                snprintf(why, whylen, "two loaded sections named %s: cannot place them apart with ld", s.name);
                fclose(f);
                return false;
            }
        }
        fprintf(f, "  .o_%u 0x%08x : { *(%s) }\n", i, s.run, s.name);
    }
    fprintf(f, "  .got 0x%08x : { *(.got) }\n", LD_GOT_ADDR);
    fprintf(f, "  .got.plt 0x%08x : { *(.got.plt) }\n", l->o.region[EO_GOT].run);
    if (merge_init) {
        fprintf(f, "  .preinit_array 0x%08x : { KEEP(*(.preinit_array)) }\n", LD_INIT_ADDR);
        fprintf(f, "  .init_array 0x%08x : { KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*) "
                   "SORT_BY_INIT_PRIORITY(.ctors.*))) KEEP(*(.init_array .ctors)) }\n", LD_INIT_ADDR + 0x100000);
        fprintf(f, "  .fini_array 0x%08x : { KEEP(*(SORT_BY_INIT_PRIORITY(.fini_array.*) "
                   "SORT_BY_INIT_PRIORITY(.dtors.*))) KEEP(*(.fini_array .dtors)) }\n", LD_INIT_ADDR + 0x200000);
    }
    fprintf(f, "  /DISCARD/ : { *(.comment) *(.note.GNU-stack) }\n}\n");
    fclose(f);
    return true;
}

static bool run_ld(struct loaded *l, const struct lfile *in, const char *obj, const char *script,
                   const char *out, char *why, size_t whylen)
{
    char cmd[16384], log[128];
    struct elfobj_sym s;
    uint32_t cur = 0, addr;
    size_t n, k;
    int rc;

    n = (size_t)snprintf(cmd, sizeof cmd,
        "ld -m elf_i386 -static -e 0 --no-warn-rwx-segments --no-warn-execstack "
        "--build-id=none -z norelro -z noseparate-code -T %s -o %s", script, out);
    /* Imports at the addresses the resolver gave.  Unresolved weak
     * imports stay undefined: ld makes them 0, as the engine does. */
    while (elfobj_next_import(&l->o, &cur, &s))
        if (s.resolved)
            n += (size_t)snprintf(cmd + n, sizeof cmd - n, " --defsym=%s=0x%08x", s.name, s.addr);
    /* COMMON symbols (found by libelf, not by the engine) where the
     * engine put them: ld would otherwise allocate them by its own rules. */
    for (k = 1; k < in->nsym; k++) {
        if (in->sym[k].shndx != SHN_COMMON)
            continue;
        if (elfobj_lookup(&l->o, in->sym[k].name, &addr) != 0) {
            snprintf(why, whylen, "COMMON symbol %s not exported by the engine", in->sym[k].name);
            return false;
        }
        n += (size_t)snprintf(cmd + n, sizeof cmd - n, " --defsym=%s=0x%08x", in->sym[k].name, addr);
    }
    snprintf(log, sizeof log, "%s/ld.log", tmpdir);
    n += (size_t)snprintf(cmd + n, sizeof cmd - n, " %s > %s 2>&1", obj, log);
    if (n >= sizeof cmd) {
        snprintf(why, whylen, "ld command line too long");
        return false;
    }
    rc = system(cmd);
    if (rc != 0) {
        size_t len = 0;
        uint8_t *txt = tl_read_file(log, &len);
        if (txt)
            txt[len] = 0;
        snprintf(why, whylen, "ld failed (%d): %.300s", rc, txt ? (char *)txt : "");
        free(txt);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Comparison. */

struct gotsite {
    uint32_t sec, off, type, A;
};

/* The GOT32/GOT32X relocations of the input object, read with libelf. */
static size_t got_sites(const struct lfile *in, struct gotsite **out)
{
    size_t i, n = 0, cap = 16;
    struct gotsite *v = malloc(cap * sizeof *v);

    for (i = 1; i < in->nsec; i++) {
        const struct lsec *rs = &in->sec[i], *t;
        uint32_t k, ent = rs->type == SHT_RELA ? 12 : 8;

        if ((rs->type != SHT_REL && rs->type != SHT_RELA) || rs->info >= in->nsec)
            continue;
        t = &in->sec[rs->info];
        if (!(t->flags & SHF_ALLOC) || !rs->data)
            continue;
        for (k = 0; k + ent <= rs->size; k += ent) {
            uint32_t off, info, type;
            memcpy(&off, rs->data + k, 4);
            memcpy(&info, rs->data + k + 4, 4);
            type = info & 0xff;
            if (type != R_386_GOT32 && type != R_386_GOT32X)
                continue;
            if (n == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            v[n].sec = rs->info;
            v[n].off = off;
            v[n].type = type;
            if (rs->type == SHT_RELA)
                memcpy(&v[n].A, rs->data + k + 8, 4);
            else
                memcpy(&v[n].A, t->data + off, 4);
            n++;
        }
    }
    *out = v;
    return n;
}

static bool is_binop(uint8_t op)
{
    return op == 0x03 || op == 0x0b || op == 0x13 || op == 0x1b || op == 0x23 ||
           op == 0x2b || op == 0x33 || op == 0x3b;
}

static long stat_bytes, stat_sites, stat_relaxed;

/*
 * One GOT32/GOT32X field: the address the engine's code obtains through
 * its GOT must be the address ld's code obtains, however ld encoded it.
 * Sets *rewritten if ld changed the opcode/ModRM bytes.
 */
static bool check_got_site(struct loaded *l, const struct lfile *in, const struct lfile *ld,
                           const struct lsec *lds, const struct gotsite *g, uint32_t run,
                           bool *rewritten, char *why, size_t whylen)
{
    const uint8_t *orig = in->sec[g->sec].data;
    const uint8_t *eng = eng_at(l, run);
    const uint8_t *lb = lds->data;
    uint32_t GOT = l->o.region[EO_GOT].run, ldgot = GOT, E, L, slot, ve, vl, P = run + g->off;
    bool baseless = g->off > 0 && (orig[g->off - 1] & 0xc7) == 0x05;
    uint8_t op = g->off >= 2 ? orig[g->off - 2] : 0, modrm = g->off >= 1 ? orig[g->off - 1] : 0;

    *rewritten = false;
    lfile_sym(ld, "_GLOBAL_OFFSET_TABLE_", &ldgot);
    memcpy(&E, eng + g->off, 4);
    memcpy(&L, lb + g->off, 4);
    slot = (baseless ? 0 : GOT) + E - g->A;
    if (slot < GOT || slot - GOT >= 4 * l->o.ngot || (slot - GOT) % 4) {
        snprintf(why, whylen, "%s+%#x: engine field %#x designates %#x, not a GOT slot",
                 in->sec[g->sec].name, g->off, E, slot);
        return false;
    }
    memcpy(&ve, eng_at(l, slot), 4);

    /* Rewritten if the two bytes before the field differ from the
     * engine's (which never rewrites instructions; comparing with the
     * engine rather than the input keeps a relocated field that merely
     * precedes this one, as in data, from looking like a rewrite). */
    *rewritten = g->off >= 2 && (lb[g->off - 2] != eng[g->off - 2] || lb[g->off - 1] != eng[g->off - 1]);
    if (!*rewritten) {
        /* ld kept the load: read its slot. */
        uint32_t lslot = (baseless ? 0 : ldgot) + L - g->A;
        if (!lfile_read32(ld, lslot, &vl)) {
            snprintf(why, whylen, "%s+%#x: ld's field %#x designates %#x, outside its image",
                     in->sec[g->sec].name, g->off, L, lslot);
            return false;
        }
    } else if (g->A != 0) {
        snprintf(why, whylen, "%s+%#x: ld rewrote a GOT load with addend %#x",
                 in->sec[g->sec].name, g->off, g->A);
        return false;
    } else if (op == 0x8b && lb[g->off - 2] == 0x8d) {
        vl = ldgot + L;                         /* mov x@GOT(%r) -> lea x@GOTOFF(%r) */
    } else if (lb[g->off - 2] == 0xc7 && (lb[g->off - 1] & 0xc0) == 0xc0) {
        vl = L;                                 /* mov x@GOT(..) -> mov $x */
    } else if (op == 0xff && lb[g->off - 2] == 0x67 && lb[g->off - 1] == 0xe8) {
        vl = P + 4 + L;                         /* call *x@GOT -> addr32 call x */
    } else if (op == 0xff && lb[g->off - 2] == 0x90 && lb[g->off - 1] == 0xe8) {
        vl = P + 4 + L;                         /* call *x@GOT -> nop; call x */
    } else if (op == 0xff && (lb[g->off - 2] == 0xe8 || lb[g->off - 2] == 0xe9) && lb[g->off + 3] == 0x90) {
        uint32_t rel;
        memcpy(&rel, lb + g->off - 1, 4);
        vl = P + 3 + rel;                       /* call/jmp *x@GOT -> call/jmp x; nop */
    } else if (op == 0x85 && lb[g->off - 2] == 0xf7) {
        vl = L;                                 /* test %r, x@GOT -> test $x, %r */
    } else if (is_binop(op) && lb[g->off - 2] == 0x81) {
        vl = L;                                 /* op x@GOT, %r -> op $x, %r */
    } else {
        snprintf(why, whylen, "%s+%#x: unrecognised rewrite by ld: %02x %02x -> %02x %02x",
                 in->sec[g->sec].name, g->off, op, modrm, lb[g->off - 2], lb[g->off - 1]);
        return false;
    }
    if (ve != vl) {
        snprintf(why, whylen, "%s+%#x (%s): engine's GOT slot holds %#x, ld's code uses %#x",
                 in->sec[g->sec].name, g->off, g->type == R_386_GOT32 ? "GOT32" : "GOT32X", ve, vl);
        return false;
    }
    stat_sites++;
    stat_relaxed += *rewritten;
    return true;
}

static bool compare_section(struct loaded *l, const struct lfile *in, const struct lfile *ld, uint32_t idx,
                            const struct gotsite *sites, size_t nsites, char *why, size_t whylen)
{
    struct elfobj_secinfo s;
    const struct lsec *lds;
    const uint8_t *eng;
    uint8_t *mask;
    char name[32];
    uint32_t b;
    size_t k;
    bool ok = true;

    elfobj_section(&l->o, idx, &s);
    if (s.region < 0 || s.type == SHT_NOBITS || s.size == 0)
        return true;
    snprintf(name, sizeof name, ".o_%u", idx);
    lds = lfile_sec(ld, name);
    if (!lds || !lds->data) {
        snprintf(why, whylen, "ld output lacks %s (%s)", name, s.name);
        return false;
    }
    if (lds->addr != s.run || lds->size != s.size) {
        snprintf(why, whylen, "%s: ld put %#x bytes at %#x, engine %#x at %#x (did ld merge strings?)",
                 s.name, lds->size, lds->addr, s.size, s.run);
        return false;
    }
    eng = s.write;
    mask = calloc(s.size, 1);
    for (k = 0; k < nsites && ok; k++) {
        bool rewritten = false;
        if (sites[k].sec != idx)
            continue;
        ok = check_got_site(l, in, ld, lds, &sites[k], s.run, &rewritten, why, whylen);
        memset(mask + sites[k].off, 1, 4);
        if (rewritten)
            memset(mask + sites[k].off - 2, 1, 2);
    }
    for (b = 0; b < s.size && ok; b++) {
        if (mask[b])
            continue;
        if (eng[b] != lds->data[b]) {
            snprintf(why, whylen, "%s+%#x (run %#x): engine %02x, ld %02x",
                     s.name, b, s.run + b, eng[b], lds->data[b]);
            ok = false;
        }
        stat_bytes++;
    }
    free(mask);
    return ok;
}

static void test_against_ld(const char *name, const struct config *c)
{
    char group[128], why[600], script[128], out[128];
    struct lfile in = { 0 }, ld = { 0 };
    struct gotsite *sites = NULL;
    struct elfobj_sym s;
    struct loaded l;
    size_t nsites = 0;
    uint32_t i, cur = 0, v, ldgot;

    snprintf(group, sizeof group, "ld-%s-%s", c->name, name);
    tl_begin(group);
    snprintf(script, sizeof script, "%s/link.ld", tmpdir);
    snprintf(out, sizeof out, "%s/out.elf", tmpdir);
    unlink(out);
    if (load(&l, name, c, why, sizeof why) != 0) {
        CHECK(0, "%s", why);
        goto done;
    }
    if (lfile_read(tl_obj(name), &in) != 0) {
        CHECK(0, "libelf cannot read %s", name);
        goto done;
    }
    if (!write_script(&l, script, false, why, sizeof why) ||
        !run_ld(&l, &in, tl_obj(name), script, out, why, sizeof why)) {
        CHECK(0, "%s", why);
        goto done;
    }
    if (lfile_read(out, &ld) != 0) {
        CHECK(0, "libelf cannot read ld's output");
        goto done;
    }
    nsites = got_sites(&in, &sites);
    for (i = 1; i < elfobj_nsections(&l.o) && tl_ok(); i++)
        if (!compare_section(&l, &in, &ld, i, sites, nsites, why, sizeof why))
            CHECK(0, "%s", why);
    while (elfobj_next_export(&l.o, &cur, &s)) {
        CHECK(lfile_sym(&ld, s.name, &v), "export %s missing from ld's output", s.name);
        CHECK(v == s.addr, "export %s: engine %#x, ld %#x", s.name, s.addr, v);
    }
    if (lfile_sym(&ld, "_GLOBAL_OFFSET_TABLE_", &ldgot))
        CHECK(ldgot == l.o.region[EO_GOT].run, "ld's _GLOBAL_OFFSET_TABLE_ %#x, engine GOT %#x",
              ldgot, l.o.region[EO_GOT].run);
done:
    CHECK(unload(&l), "engine leaked %ld blocks", l.env.live);
    lfile_free(&in);
    lfile_free(&ld);
    free(sites);
    tl_end();
}

/* Constructor/destructor order against ld's SORT_BY_INIT_PRIORITY. */
static void test_ctor_order(const char *name)
{
    char group[128], why[600], script[128], out[128];
    struct lfile in = { 0 }, ld = { 0 };
    const struct lsec *pre, *ini, *fin;
    const uint32_t *list;
    struct loaded l;
    uint32_t n, i, want, npre, nini, nfin;

    snprintf(group, sizeof group, "ld-ctor-order-%s", name);
    tl_begin(group);
    snprintf(script, sizeof script, "%s/order.ld", tmpdir);
    snprintf(out, sizeof out, "%s/order.elf", tmpdir);
    if (load(&l, name, &configs[0], why, sizeof why) != 0) {
        CHECK(0, "%s", why);
        goto done;
    }
    if (lfile_read(tl_obj(name), &in) != 0 || !write_script(&l, script, true, why, sizeof why) ||
        !run_ld(&l, &in, tl_obj(name), script, out, why, sizeof why) || lfile_read(out, &ld) != 0) {
        CHECK(0, "%s", why);
        goto done;
    }
    pre = lfile_sec(&ld, ".preinit_array");
    ini = lfile_sec(&ld, ".init_array");
    fin = lfile_sec(&ld, ".fini_array");
    npre = pre && pre->data ? pre->size / 4 : 0;
    nini = ini && ini->data ? ini->size / 4 : 0;
    nfin = fin && fin->data ? fin->size / 4 : 0;
    list = elfobj_ctors(&l.o, &n);
    CHECK(n == npre + nini, "%u constructors, ld has %u + %u", n, npre, nini);
    for (i = 0; i < n && i < npre + nini; i++) {
        memcpy(&want, i < npre ? pre->data + 4 * i : ini->data + 4 * (i - npre), 4);
        CHECK(list[i] == want, "constructor %u: engine %#x, ld %#x", i, list[i], want);
    }
    list = elfobj_dtors(&l.o, &n);
    CHECK(n == nfin, "%u destructors, ld has %u", n, nfin);
    for (i = 0; i < n && i < nfin; i++) {
        memcpy(&want, fin->data + 4 * (nfin - 1 - i), 4);   /* .fini_array runs backward */
        CHECK(list[i] == want, "destructor %u: engine %#x, ld %#x", i, list[i], want);
    }
done:
    CHECK(unload(&l), "engine leaked %ld blocks", l.env.live);
    lfile_free(&in);
    lfile_free(&ld);
    tl_end();
}

/* ------------------------------------------------------------------ */
/* Objects compiled as a distribution compiles them. */

static void test_realworld(const char *name, const char *const *must)
{
    char group[128], why[600];
    struct lfile in = { 0 };
    struct elfobj_sym s;
    struct loaded l;
    uint32_t cur = 0, nimp = 0;
    size_t k, nund = 0;

    snprintf(group, sizeof group, "realworld-%s", name);
    tl_begin(group);
    if (load(&l, name, &configs[1], why, sizeof why) != 0) {
        CHECK(0, "%s", why);
        goto done;
    }
    if (lfile_read(tl_obj(name), &in) != 0) {
        CHECK(0, "libelf cannot read %s", name);
        goto done;
    }
    /* Every import the engine reports is an undefined symbol for libelf,
     * with the same weakness, and was offered to the resolver. */
    while (elfobj_next_import(&l.o, &cur, &s)) {
        bool found = false;
        nimp++;
        for (k = 1; k < in.nsym; k++)
            if (in.sym[k].shndx == SHN_UNDEF && !strcmp(in.sym[k].name, s.name)) {
                found = true;
                CHECK(s.weak == (in.sym[k].bind == STB_WEAK), "%s: weakness differs", s.name);
            }
        CHECK(found, "engine import %s is not undefined in the object", s.name);
        CHECK(s.resolved, "%s not resolved", s.name);
    }
    for (k = 1; k < in.nsym; k++)
        if (in.sym[k].shndx == SHN_UNDEF && in.sym[k].name[0] &&
            strcmp(in.sym[k].name, "_GLOBAL_OFFSET_TABLE_"))
            nund++;
    CHECK(nimp == nund, "engine reports %u imports, libelf finds %zu undefined symbols", nimp, nund);
    CHECK(l.env.resolves == (int)nimp, "resolver asked %d times for %u imports", l.env.resolves, nimp);
    /* And the ones such code is known to need are among them. */
    for (k = 0; must[k]; k++) {
        bool found = false;
        cur = 0;
        while (elfobj_next_import(&l.o, &cur, &s))
            found |= !strcmp(s.name, must[k]);
        CHECK(found, "import %s not reported", must[k]);
    }
done:
    CHECK(unload(&l), "engine leaked %ld blocks", l.env.live);
    lfile_free(&in);
    tl_end();
}

static void test_tls_refused(void)
{
    struct elfobj_error err;
    struct tl_env e;
    struct elfobj o;
    uint8_t *img;
    size_t len;

    tl_begin("refuse-tls-object");
    img = tl_read_file(tl_obj("tls-nopic-O2.o"), &len);
    tl_env_init(&e, NULL);
    e.fallback = tl_fake_addr;
    CHECK(img, "cannot read tls-nopic-O2.o");
    if (img) {
        CHECK(elfobj_parse(&o, img, len, "tls.o", &e.env, &err) == -1, "TLS object accepted");
        CHECK(strstr(err.msg, "thread-local"), "message: %s", err.msg);
        CHECK(e.live == 0, "leak");
    }
    free(img);
    tl_end();
}

int main(void)
{
    static const char *const distro_need[] = { "__udivdi3", "__umoddi3", "__divdi3", "__moddi3",
        "strlen", "strncpy", "snprintf", "memcpy", "__stack_chk_fail_local", NULL };
    static const char *const fortify_need[] = { "__udivdi3", "__umoddi3", "__divdi3", "__moddi3",
        "strlen", "strncpy", "__snprintf_chk", "memcpy", "__stack_chk_fail_local", NULL };
    static const char *const run_need[] = { "__udivdi3", "__moddi3", "strlen", "strncpy",
        "host_callback", "__stack_chk_fail_local", NULL };
    char *list = strdup(LT_GOOD), *name, *save = NULL;
    int nobj = 0;
    size_t c;

    elf_version(EV_CURRENT);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kea-loader-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL: loader/ld-setup: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    for (name = strtok_r(list, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
        for (c = 0; c < sizeof configs / sizeof configs[0]; c++)
            test_against_ld(name, &configs[c]);
        test_ctor_order(name);
        nobj++;
    }
    tl_begin("ld-coverage");
    CHECK(nobj >= 20, "only %d objects compared", nobj);
    CHECK(stat_sites >= 100 && stat_relaxed > 0 && stat_sites > stat_relaxed,
          "GOT sites: %ld compared, %ld relaxed by ld", stat_sites, stat_relaxed);
    tl_end();
    printf("loader: %ld bytes compared with ld byte for byte, %ld GOT32/GOT32X fields semantically "
           "(%ld of them relaxed by ld)\n", stat_bytes, stat_sites, stat_relaxed);

    test_realworld("distro-distro.o", distro_need);
    test_realworld("distro-fortify.o", fortify_need);
    test_realworld("run-distro.o", run_need);
    test_tls_refused();

    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
            printf("loader: could not remove %s\n", tmpdir);
    }
    free(list);
    return tl_exit();
}
