/*
 * loader/elf32.h — ELF32 constants for the loader (private to loader/).
 *
 * The kernel is built -nostdinc, so the host's <elf.h> is not available;
 * the values are those of the System V gABI and the i386 psABI.
 */
#ifndef KEA_LOADER_ELF32_H
#define KEA_LOADER_ELF32_H

/* e_ident */
#define EI_NIDENT       16
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFDATA2LSB     1
#define EV_CURRENT      1

#define ET_REL          1
#define EM_386          3

/* Sizes of the on-disk structures. */
#define ELF32_EHDR_SIZE 52u
#define ELF32_SHDR_SIZE 40u
#define ELF32_SYM_SIZE  16u
#define ELF32_REL_SIZE  8u
#define ELF32_RELA_SIZE 12u

/* Section types. */
#define SHT_NULL          0
#define SHT_PROGBITS      1
#define SHT_SYMTAB        2
#define SHT_STRTAB        3
#define SHT_RELA          4
#define SHT_NOTE          7
#define SHT_NOBITS        8
#define SHT_REL           9
#define SHT_INIT_ARRAY    14
#define SHT_FINI_ARRAY    15
#define SHT_PREINIT_ARRAY 16

/* Section flags. */
#define SHF_WRITE       0x1u
#define SHF_ALLOC       0x2u
#define SHF_EXECINSTR   0x4u
#define SHF_TLS         0x400u
#define SHF_COMPRESSED  0x800u

/* Special section indices. */
#define SHN_UNDEF       0u
#define SHN_LORESERVE   0xff00u
#define SHN_ABS         0xfff1u
#define SHN_COMMON      0xfff2u
#define SHN_XINDEX      0xffffu

/* Symbol binding, type, visibility. */
#define STB_LOCAL       0
#define STB_GLOBAL      1
#define STB_WEAK        2
#define STB_GNU_UNIQUE  10
#define STT_NOTYPE      0
#define STT_OBJECT      1
#define STT_FUNC        2
#define STT_SECTION     3
#define STT_FILE        4
#define STT_COMMON      5
#define STT_TLS         6
#define STT_GNU_IFUNC   10
#define STV_DEFAULT     0
#define STV_INTERNAL    1
#define STV_HIDDEN      2
#define STV_PROTECTED   3

/* i386 relocation types (psABI, plus GNU extensions), all of them so that
 * an unsupported one can still be reported by name. */
#define R_386_NONE          0
#define R_386_32            1
#define R_386_PC32          2
#define R_386_GOT32         3
#define R_386_PLT32         4
#define R_386_COPY          5
#define R_386_GLOB_DAT      6
#define R_386_JUMP_SLOT     7
#define R_386_RELATIVE      8
#define R_386_GOTOFF        9
#define R_386_GOTPC         10
#define R_386_32PLT         11
#define R_386_TLS_TPOFF     14
#define R_386_TLS_IE        15
#define R_386_TLS_GOTIE     16
#define R_386_TLS_LE        17
#define R_386_TLS_GD        18
#define R_386_TLS_LDM       19
#define R_386_16            20
#define R_386_PC16          21
#define R_386_8             22
#define R_386_PC8           23
#define R_386_TLS_GD_32     24
#define R_386_TLS_GD_PUSH   25
#define R_386_TLS_GD_CALL   26
#define R_386_TLS_GD_POP    27
#define R_386_TLS_LDM_32    28
#define R_386_TLS_LDM_PUSH  29
#define R_386_TLS_LDM_CALL  30
#define R_386_TLS_LDM_POP   31
#define R_386_TLS_LDO_32    32
#define R_386_TLS_IE_32     33
#define R_386_TLS_LE_32     34
#define R_386_TLS_DTPMOD32  35
#define R_386_TLS_DTPOFF32  36
#define R_386_TLS_TPOFF32   37
#define R_386_SIZE32        38
#define R_386_TLS_GOTDESC   39
#define R_386_TLS_DESC_CALL 40
#define R_386_TLS_DESC      41
#define R_386_IRELATIVE     42
#define R_386_GOT32X        43
#define R_386_USED_BY_INTEL_200 200
#define R_386_GNU_VTINHERIT 250
#define R_386_GNU_VTENTRY   251

#endif /* KEA_LOADER_ELF32_H */
