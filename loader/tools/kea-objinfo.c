/*
 * kea-objinfo — what a relocatable service object is and what it needs.
 *
 *   kea-objinfo [--env NAME=FILE]... OBJECT...
 *
 * For each OBJECT (ELF32 i386 ET_REL) prints its sections (name, type,
 * flags, size, alignment), the symbols it exports and imports, the
 * relocation types it uses (by name, flagging those the loader does not
 * implement), whether the loader engine accepts its structure, and
 * whether it defines the service descriptor `kea_service` (and its size).
 *
 * Each --env NAME=FILE names an environment the object is meant to be
 * loaded into; FILE lists the symbols that environment exports, one per
 * line ('#' comments and blank lines ignored).  For each environment the
 * tool says whether every import is resolvable there (an unresolved weak
 * import is fine: the loader makes it 0).
 *
 * Exit status: 0 if every object is loadable in every environment asked
 * about (and structurally acceptable to the loader), 1 if not (with a
 * line saying why), 2 on usage or I/O errors.
 *
 * Host tool: reads the object with libelf, independently of the engine,
 * and additionally runs the engine's own parser over it; the relocation
 * names come from the engine's table so the two never disagree.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kea/elfobj.h>

#include "reloc.h"

#define MAXENV 8

struct env {
    const char *name, *file;
    char **syms;
    size_t nsyms;
};

static struct env envs[MAXENV];
static int nenvs;

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_env(struct env *e)
{
    FILE *f = fopen(e->file, "r");
    char line[512];
    size_t cap = 0;

    if (!f) {
        fprintf(stderr, "kea-objinfo: cannot read environment %s: %s\n", e->name, e->file);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *s = line, *t;

        while (*s == ' ' || *s == '\t')
            s++;
        t = s + strcspn(s, " \t\r\n");
        *t = '\0';
        if (!*s || *s == '#')
            continue;
        if (e->nsyms == cap) {
            cap = cap ? 2 * cap : 64;
            e->syms = realloc(e->syms, cap * sizeof *e->syms);
        }
        e->syms[e->nsyms++] = strdup(s);
    }
    fclose(f);
    qsort(e->syms, e->nsyms, sizeof *e->syms, cmpstr);
    return 0;
}

static bool env_has(const struct env *e, const char *name)
{
    return e->nsyms && bsearch(&name, e->syms, e->nsyms, sizeof *e->syms, cmpstr);
}

static const char *type_name(uint32_t t)
{
    switch (t) {
    case SHT_NULL: return "NULL";
    case SHT_PROGBITS: return "PROGBITS";
    case SHT_SYMTAB: return "SYMTAB";
    case SHT_STRTAB: return "STRTAB";
    case SHT_RELA: return "RELA";
    case SHT_NOTE: return "NOTE";
    case SHT_NOBITS: return "NOBITS";
    case SHT_REL: return "REL";
    case SHT_INIT_ARRAY: return "INIT_ARRAY";
    case SHT_FINI_ARRAY: return "FINI_ARRAY";
    case SHT_PREINIT_ARRAY: return "PREINIT_ARRAY";
    case SHT_GROUP: return "GROUP";
    case SHT_SYMTAB_SHNDX: return "SYMTAB_SHNDX";
    }
    return "?";
}

static const char *flag_string(uint64_t f)
{
    static char s[16];
    static const struct { uint64_t bit; char c; } fl[] = {
        { SHF_WRITE, 'W' }, { SHF_ALLOC, 'A' }, { SHF_EXECINSTR, 'X' }, { SHF_MERGE, 'M' },
        { SHF_STRINGS, 'S' }, { SHF_INFO_LINK, 'I' }, { SHF_LINK_ORDER, 'L' },
        { SHF_GROUP, 'G' }, { SHF_TLS, 'T' }, { SHF_COMPRESSED, 'C' },
    };
    size_t i, n = 0;

    for (i = 0; i < sizeof fl / sizeof fl[0]; i++)
        if (f & fl[i].bit)
            s[n++] = fl[i].c;
    s[n] = '\0';
    return s;
}

static const char *stt_name(int t)
{
    switch (t) {
    case STT_NOTYPE: return "NOTYPE";
    case STT_OBJECT: return "OBJECT";
    case STT_FUNC: return "FUNC";
    case STT_SECTION: return "SECTION";
    case STT_FILE: return "FILE";
    case STT_COMMON: return "COMMON";
    case STT_TLS: return "TLS";
    case STT_GNU_IFUNC: return "IFUNC";
    }
    return "?";
}

/* The engine's verdict, with an environment that resolves everything. */
static void *h_alloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void h_free(void *ctx, void *p) { (void)ctx; free(p); }
static int h_resolve(void *ctx, const char *name, uint32_t *addr)
{
    (void)ctx;
    (void)name;
    *addr = 0;
    return 0;
}

static bool engine_check(const char *path, const void *img, size_t len)
{
    struct elfobj_env env = { h_alloc, h_free, h_resolve, NULL };
    struct elfobj_error err;
    struct elfobj o;
    int r;

    if (elfobj_parse(&o, img, len, path, &env, &err) != 0) {
        printf("loader: REFUSES: %s\n", err.msg);
        return false;
    }
    printf("loader: accepts; regions:");
    for (r = 0; r < EO_NREGIONS; r++)
        printf(" %s %u", elfobj_region_name(r), o.region[r].size);
    printf(" bytes; %u GOT slot%s\n", o.ngot, o.ngot == 1 ? "" : "s");
    elfobj_release(&o);
    return true;
}

struct import {
    const char *name;
    bool weak;
};

/* Returns 0 if loadable everywhere asked, 1 if not, 2 on error. */
static int objinfo(const char *path)
{
    Elf_Scn *scn = NULL;
    GElf_Ehdr eh;
    Elf *e = NULL;
    size_t shstrndx, nsec, i, nimp = 0, nrelnames = 0;
    struct import *imp = NULL;
    unsigned long counts[256] = { 0 };
    bool ok = true, service = false;
    const char *svc_type = "", *svc_where = "";
    uint64_t svc_size = 0;
    uint8_t *img = NULL;
    long flen;
    FILE *f;
    int fd, k, rc = 0;

    f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) || (flen = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(img = malloc((size_t)flen + 1)) || fread(img, 1, (size_t)flen, f) != (size_t)flen) {
        fprintf(stderr, "kea-objinfo: cannot read %s\n", path);
        if (f)
            fclose(f);
        free(img);
        return 2;
    }
    fclose(f);

    fd = open(path, O_RDONLY);
    e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) ||
        gelf_getclass(e) != ELFCLASS32 || eh.e_machine != EM_386 || eh.e_type != ET_REL ||
        elf_getshdrstrndx(e, &shstrndx) != 0 || elf_getshdrnum(e, &nsec) != 0) {
        printf("%s: not an ELF32 i386 relocatable object\n", path);
        rc = 1;
        goto out;
    }
    printf("%s: ELF32 i386 relocatable object, %zu sections\n", path, nsec);

    printf("sections:\n  %-4s %-28s %-14s %-6s %-10s %6s\n", "[Nr]", "name", "type", "flags", "size", "align");
    while ((scn = elf_nextscn(e, scn))) {
        GElf_Shdr sh;
        gelf_getshdr(scn, &sh);
        printf("  [%2zu] %-28s %-14s %-6s 0x%08jx %6ju\n", elf_ndxscn(scn),
               elf_strptr(e, shstrndx, sh.sh_name), type_name(sh.sh_type),
               flag_string(sh.sh_flags), (uintmax_t)sh.sh_size, (uintmax_t)sh.sh_addralign);
    }

    /* Symbols. */
    printf("exports:\n");
    scn = NULL;
    while ((scn = elf_nextscn(e, scn))) {
        GElf_Shdr sh;
        Elf_Data *d;
        size_t n;

        gelf_getshdr(scn, &sh);
        if (sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, NULL)) || !sh.sh_entsize)
            continue;
        n = sh.sh_size / sh.sh_entsize;
        imp = calloc(n, sizeof *imp);
        for (i = 1; i < n; i++) {
            GElf_Sym s;
            const char *name;
            int bind, vis;

            gelf_getsym(d, (int)i, &s);
            name = elf_strptr(e, sh.sh_link, s.st_name);
            bind = GELF_ST_BIND(s.st_info);
            vis = GELF_ST_VISIBILITY(s.st_other);
            if (!name || !*name || bind == STB_LOCAL)
                continue;
            if (s.st_shndx == SHN_UNDEF) {
                if (strcmp(name, "_GLOBAL_OFFSET_TABLE_")) {
                    imp[nimp].name = name;
                    imp[nimp++].weak = bind == STB_WEAK;
                }
                continue;
            }
            if (!strcmp(name, "kea_service")) {
                Elf_Scn *sc = s.st_shndx < SHN_LORESERVE ? elf_getscn(e, s.st_shndx) : NULL;
                GElf_Shdr ss;

                service = true;
                svc_size = s.st_size;
                svc_type = stt_name(GELF_ST_TYPE(s.st_info));
                svc_where = s.st_shndx == SHN_COMMON ? "COMMON" : s.st_shndx == SHN_ABS ? "ABS" : "?";
                if (sc && gelf_getshdr(sc, &ss))
                    svc_where = elf_strptr(e, shstrndx, ss.sh_name);
            }
            if (vis == STV_HIDDEN || vis == STV_INTERNAL)
                continue;
            printf("  %-7s %-6s size %-6ju %s\n", stt_name(GELF_ST_TYPE(s.st_info)),
                   bind == STB_WEAK ? "WEAK" : "GLOBAL", (uintmax_t)s.st_size, name);
        }
    }
    /* The descriptor's layout is the kernel's business; for now its
     * presence and size are what can be checked. */
    if (service)
        printf("kea_service: present, %s, %ju bytes in %s\n", svc_type, (uintmax_t)svc_size, svc_where);
    if (!service)
        printf("kea_service: absent (not a service object)\n");
    printf("imports:\n");
    for (i = 0; i < nimp; i++)
        printf("  %-6s %s\n", imp[i].weak ? "WEAK" : "GLOBAL", imp[i].name);

    /* Relocation types of allocated sections (the ones the loader applies). */
    scn = NULL;
    while ((scn = elf_nextscn(e, scn))) {
        GElf_Shdr sh, th;
        Elf_Scn *t;
        Elf_Data *d;
        size_t n;

        gelf_getshdr(scn, &sh);
        if ((sh.sh_type != SHT_REL && sh.sh_type != SHT_RELA) || !sh.sh_entsize)
            continue;
        t = elf_getscn(e, sh.sh_info);
        if (!t || !gelf_getshdr(t, &th) || !(th.sh_flags & SHF_ALLOC) || !(d = elf_getdata(scn, NULL)))
            continue;
        n = sh.sh_size / sh.sh_entsize;
        for (i = 0; i < n; i++) {
            GElf_Rel r;
            GElf_Rela ra;
            uint64_t info;
            if (sh.sh_type == SHT_REL) {
                gelf_getrel(d, (int)i, &r);
                info = r.r_info;
            } else {
                gelf_getrela(d, (int)i, &ra);
                info = ra.r_info;
            }
            counts[GELF_R_TYPE(info) & 0xff]++;
        }
    }
    printf("relocation types:\n");
    for (k = 0; k < 256; k++) {
        struct reloc_howto h;
        const char *name;

        if (!counts[k])
            continue;
        nrelnames++;
        name = elfobj_arch_reloc_name((uint32_t)k);
        if (elfobj_arch_howto((uint32_t)k, &h)) {
            printf("  %-20s %lu\n", name, counts[k]);
        } else {
            printf("  %-20s %lu  UNSUPPORTED by the loader\n", name ? name : "(unknown)", counts[k]);
            if (name)
                printf("%s: not loadable anywhere: relocation type %s (%d) unsupported\n", path, name, k);
            else
                printf("%s: not loadable anywhere: unknown relocation type %d\n", path, k);
            ok = false;
        }
    }
    if (!nrelnames)
        printf("  (none)\n");

    if (!engine_check(path, img, (size_t)flen))
        ok = false;

    if (nenvs)
        printf("environments:\n");
    for (k = 0; k < nenvs; k++) {
        size_t missing = 0, weakmiss = 0;

        for (i = 0; i < nimp; i++) {
            if (env_has(&envs[k], imp[i].name))
                continue;
            if (imp[i].weak) {
                weakmiss++;
                continue;
            }
            if (!missing++)
                printf("  %s: NOT loadable: missing", envs[k].name);
            printf(" %s", imp[i].name);
        }
        if (missing) {
            printf("\n");
            printf("%s: not loadable in %s: %zu import%s not provided\n", path, envs[k].name,
                   missing, missing == 1 ? "" : "s");
            ok = false;
        } else {
            printf("  %s: loadable (%zu import%s resolved", envs[k].name, nimp - weakmiss,
                   nimp - weakmiss == 1 ? "" : "s");
            if (weakmiss)
                printf(", %zu weak import%s left 0", weakmiss, weakmiss == 1 ? "" : "s");
            printf(")\n");
        }
    }
    rc = ok ? 0 : 1;
out:
    free(imp);
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
    free(img);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: kea-objinfo [--env NAME=FILE]... OBJECT...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int i, worst = 0, nobj = 0;

    if (elf_version(EV_CURRENT) == EV_NONE) {
        fprintf(stderr, "kea-objinfo: libelf too old\n");
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--env") || !strncmp(argv[i], "--env=", 6)) {
            char *spec = argv[i][5] == '=' ? argv[i] + 6 : (i + 1 < argc ? argv[++i] : NULL);
            char *eq = spec ? strchr(spec, '=') : NULL;

            if (!eq || eq == spec || !eq[1] || nenvs == MAXENV)
                usage();
            *eq = '\0';
            envs[nenvs].name = spec;
            envs[nenvs].file = eq + 1;
            if (load_env(&envs[nenvs]) != 0)
                return 2;
            nenvs++;
        } else if (argv[i][0] == '-') {
            usage();
        }
    }
    for (i = 1; i < argc; i++) {
        int rc;
        if (!strcmp(argv[i], "--env")) {
            i++;
            continue;
        }
        if (argv[i][0] == '-')
            continue;
        if (nobj++)
            printf("\n");
        rc = objinfo(argv[i]);
        if (rc > worst)
            worst = rc;
    }
    if (!nobj)
        usage();
    return worst;
}
