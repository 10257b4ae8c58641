/* elfbuild.c — see elfbuild.h.  Uses the host's <elf.h> for the constants,
 * independently of the loader's own definitions. */
#include "elfbuild.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eb_put16(uint8_t *p, uint32_t off, uint16_t v)
{
    memcpy(p + off, &v, 2);     /* the host is little-endian, as is i386 */
}

void eb_put32(uint8_t *p, uint32_t off, uint32_t v)
{
    memcpy(p + off, &v, 4);
}

uint32_t eb_get32(const uint8_t *p, uint32_t off)
{
    uint32_t v;
    memcpy(&v, p + off, 4);
    return v;
}

void eb_init(struct eb *b)
{
    memset(b, 0, sizeof *b);
    b->nsec = 1;
    b->nsym = 1;
}

int eb_section(struct eb *b, const char *name, uint32_t type, uint32_t flags,
               uint32_t align, const void *data, uint32_t size)
{
    int i = b->nsec++;

    strncpy(b->sec[i].name, name, sizeof b->sec[i].name - 1);
    b->sec[i].type = type;
    b->sec[i].flags = flags;
    b->sec[i].align = align;
    b->sec[i].data = data;
    b->sec[i].size = size;
    if (type == SHT_INIT_ARRAY || type == SHT_FINI_ARRAY || type == SHT_PREINIT_ARRAY)
        b->sec[i].entsize = 4;
    return i;
}

int eb_symbol(struct eb *b, const char *name, int bind, int type,
              uint16_t shndx, uint32_t value, uint32_t size)
{
    int i = b->nsym++;

    strncpy(b->sym[i].name, name, sizeof b->sym[i].name - 1);
    b->sym[i].info = (uint8_t)ELF32_ST_INFO(bind, type);
    b->sym[i].shndx = shndx;
    b->sym[i].value = value;
    b->sym[i].size = size;
    return i;
}

void eb_reloc(struct eb *b, int target, uint32_t offset, uint32_t type,
              int sym, int32_t addend)
{
    int i = b->nrel++;

    b->rel[i].target = target;
    b->rel[i].offset = offset;
    b->rel[i].type = type;
    b->rel[i].sym = sym;
    b->rel[i].addend = addend;
}

/* A growing output buffer. */
struct buf {
    uint8_t *p;
    size_t len, cap;
};

static uint32_t put(struct buf *o, const void *d, size_t n, size_t align)
{
    uint32_t at;

    while (o->len % align)
        o->len++;
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2 + 256;
        o->p = realloc(o->p, o->cap);
    }
    memset(o->p + o->len, 0, o->cap - o->len);
    at = (uint32_t)o->len;
    if (d)
        memcpy(o->p + o->len, d, n);
    o->len += n;
    return at;
}

static uint32_t strtab_add(struct buf *t, const char *s)
{
    return put(t, s, strlen(s) + 1, 1);
}

uint8_t *eb_build(const struct eb *b, size_t *len, struct eb_layout *lay)
{
    struct buf out = { 0 }, str = { 0 }, shstr = { 0 };
    Elf32_Shdr sh[EB_MAXSEC * 2 + 8];
    struct eb_layout l;
    Elf32_Ehdr eh;
    int n = b->nsec, i, j, firstglobal = b->nsym, nrelsec = 0;

    memset(sh, 0, sizeof sh);
    memset(&l, 0, sizeof l);
    put(&out, NULL, sizeof eh, 1);      /* room for the ELF header */
    strtab_add(&str, "");
    strtab_add(&shstr, "");

    for (i = 1; i < b->nsec; i++) {
        sh[i].sh_name = strtab_add(&shstr, b->sec[i].name);
        sh[i].sh_type = b->sec[i].type;
        sh[i].sh_flags = b->sec[i].flags;
        sh[i].sh_addralign = b->sec[i].align;
        sh[i].sh_entsize = b->sec[i].entsize;
        sh[i].sh_size = b->sec[i].size;
        if (b->sec[i].type == SHT_NOBITS) {
            sh[i].sh_offset = (uint32_t)out.len;
        } else {
            sh[i].sh_offset = put(&out, b->sec[i].data, b->sec[i].size,
                                  b->sec[i].align ? b->sec[i].align : 1);
        }
        l.secoff[i] = sh[i].sh_offset;
    }

    /* Relocation sections, one per target, in target order, then the
     * symbol table: count them first, the former link to the latter. */
    for (i = 1; i < b->nsec; i++)
        for (j = 0; j < b->nrel; j++)
            if (b->rel[j].target == i) {
                nrelsec++;
                break;
            }
    for (i = 1; i < b->nsec; i++) {
        uint8_t ent[12];
        char name[80];
        int first = -1;

        for (j = 0; j < b->nrel; j++)
            if (b->rel[j].target == i && first < 0)
                first = j;
        if (first < 0)
            continue;
        l.relsec[i] = n;
        snprintf(name, sizeof name, "%s%s", b->rela ? ".rela" : ".rel", b->sec[i].name);
        sh[n].sh_name = strtab_add(&shstr, name);
        sh[n].sh_type = b->rela ? SHT_RELA : SHT_REL;
        sh[n].sh_flags = SHF_INFO_LINK;
        sh[n].sh_info = (uint32_t)i;
        sh[n].sh_link = (uint32_t)(b->nsec + nrelsec);
        sh[n].sh_addralign = 4;
        sh[n].sh_entsize = b->rela ? 12 : 8;
        sh[n].sh_offset = put(&out, NULL, 0, 4);
        for (j = 0; j < b->nrel; j++) {
            uint32_t info;
            if (b->rel[j].target != i)
                continue;
            info = ELF32_R_INFO((uint32_t)b->rel[j].sym, b->rel[j].type);
            memcpy(ent, &b->rel[j].offset, 4);
            memcpy(ent + 4, &info, 4);
            memcpy(ent + 8, &b->rel[j].addend, 4);
            put(&out, ent, b->rela ? 12 : 8, 1);
        }
        sh[n].sh_size = (uint32_t)out.len - sh[n].sh_offset;
        l.secoff[n] = sh[n].sh_offset;
        n++;
    }

    /* Symbol table (locals first, as the gABI requires) and its strings. */
    l.symtab = n;
    l.strtab = n + 1;
    l.shstrtab = n + 2;
    sh[n].sh_name = strtab_add(&shstr, ".symtab");
    sh[n].sh_type = SHT_SYMTAB;
    sh[n].sh_link = (uint32_t)l.strtab;
    sh[n].sh_addralign = 4;
    sh[n].sh_entsize = sizeof(Elf32_Sym);
    sh[n].sh_offset = put(&out, NULL, 0, 4);
    for (i = 0; i < b->nsym; i++) {
        Elf32_Sym s;

        memset(&s, 0, sizeof s);
        if (i > 0) {
            s.st_name = b->sym[i].name[0] ? strtab_add(&str, b->sym[i].name) : 0;
            s.st_value = b->sym[i].value;
            s.st_size = b->sym[i].size;
            s.st_info = b->sym[i].info;
            s.st_other = b->sym[i].other;
            s.st_shndx = b->sym[i].shndx;
            if (ELF32_ST_BIND(s.st_info) != STB_LOCAL && firstglobal == b->nsym)
                firstglobal = i;
        }
        put(&out, &s, sizeof s, 1);
    }
    sh[n].sh_info = (uint32_t)firstglobal;
    sh[n].sh_size = (uint32_t)out.len - sh[n].sh_offset;
    l.symoff = sh[n].sh_offset;
    l.secoff[n] = sh[n].sh_offset;
    n++;

    sh[n].sh_name = strtab_add(&shstr, ".strtab");
    sh[n].sh_type = SHT_STRTAB;
    sh[n].sh_addralign = 1;
    sh[n].sh_offset = put(&out, str.p, str.len, 1);
    sh[n].sh_size = (uint32_t)str.len;
    l.secoff[n] = sh[n].sh_offset;
    n++;

    sh[n].sh_name = strtab_add(&shstr, ".shstrtab");
    sh[n].sh_type = SHT_STRTAB;
    sh[n].sh_addralign = 1;
    sh[n].sh_offset = put(&out, shstr.p, shstr.len, 1);
    sh[n].sh_size = (uint32_t)shstr.len;
    l.secoff[n] = sh[n].sh_offset;
    n++;

    l.shoff = put(&out, sh, sizeof sh[0] * (size_t)n, 4);
    l.shnum = n;

    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_REL;
    eh.e_machine = EM_386;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = l.shoff;
    eh.e_ehsize = sizeof eh;
    eh.e_shentsize = sizeof(Elf32_Shdr);
    eh.e_shnum = (uint16_t)n;
    eh.e_shstrndx = (uint16_t)l.shstrtab;
    memcpy(out.p, &eh, sizeof eh);

    free(str.p);
    free(shstr.p);
    *len = out.len;
    if (lay)
        *lay = l;
    return out.p;
}
