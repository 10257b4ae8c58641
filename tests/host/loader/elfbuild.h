/*
 * elfbuild.h — build small ELF32 i386 relocatable images in memory.
 *
 * The unit tests need objects with exactly one property changed (a
 * relocation of one type at one offset, a symbol with a bad section index,
 * a section overlapping another...).  This builder writes a well-formed
 * ET_REL image from a description; tests then either describe something
 * odd or patch the built bytes, using the offsets reported in eb_layout.
 *
 * Section indices: user sections get 1, 2, ... in the order added; then
 * come one .rel/.rela section per target that has relocations, .symtab,
 * .strtab and .shstrtab.  Symbol index 0 is the null symbol; locals must
 * be added before globals.
 */
#ifndef ELFBUILD_H
#define ELFBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EB_MAXSEC 40
#define EB_MAXSYM 64
#define EB_MAXREL 128

struct eb {
    struct {
        char name[64];
        uint32_t type, flags, align, entsize, size;
        const void *data;
    } sec[EB_MAXSEC];
    int nsec;                   /* including the null section 0 */
    struct {
        char name[64];
        uint32_t value, size;
        uint8_t info, other;
        uint16_t shndx;
    } sym[EB_MAXSYM];
    int nsym;                   /* including the null symbol 0 */
    struct {
        int target;
        uint32_t offset, type;
        int sym;
        int32_t addend;
    } rel[EB_MAXREL];
    int nrel;
    bool rela;                  /* emit SHT_RELA instead of SHT_REL */
};

struct eb_layout {
    uint32_t shoff;             /* section header table */
    int shnum;
    int symtab, strtab, shstrtab;
    int relsec[EB_MAXSEC];      /* relocation section for target i, or 0 */
    uint32_t secoff[EB_MAXSEC + 8];  /* file offset of each section's data */
    uint32_t symoff;            /* file offset of the symbol table */
};

void eb_init(struct eb *b);
int eb_section(struct eb *b, const char *name, uint32_t type, uint32_t flags,
               uint32_t align, const void *data, uint32_t size);
int eb_symbol(struct eb *b, const char *name, int bind, int type,
              uint16_t shndx, uint32_t value, uint32_t size);
void eb_reloc(struct eb *b, int target, uint32_t offset, uint32_t type,
              int sym, int32_t addend);
/* malloc'd image; *len its size; layout filled if non-NULL. */
uint8_t *eb_build(const struct eb *b, size_t *len, struct eb_layout *lay);

/* Offsets of fields, for patching a built image. */
#define EH_SHENTSIZE 46
#define EH_SHNUM     48
#define EH_SHSTRNDX  50
#define SH_NAME   0
#define SH_TYPE   4
#define SH_FLAGS  8
#define SH_OFFSET 16
#define SH_SIZE   20
#define SH_LINK   24
#define SH_INFO   28
#define SH_ALIGN  32
#define SH_ENTSIZE 36
static inline uint32_t eb_shdr(const struct eb_layout *l, int idx, int field)
{
    return l->shoff + 40u * (uint32_t)idx + (uint32_t)field;
}

void eb_put16(uint8_t *p, uint32_t off, uint16_t v);
void eb_put32(uint8_t *p, uint32_t off, uint32_t v);
uint32_t eb_get32(const uint8_t *p, uint32_t off);

#endif
