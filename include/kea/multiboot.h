/* Multiboot v1 structures (the boot loader -> kernel hand-off).
 * Only the fields kea uses are named; layout follows the Multiboot 0.6.96 spec. */
#ifndef KEA_MULTIBOOT_H
#define KEA_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* Header flags: page-align modules, give us the memory map. */
#define MULTIBOOT_PAGE_ALIGN  (1u << 0)
#define MULTIBOOT_MEMORY_INFO (1u << 1)

/* multiboot_info.flags bits telling which fields are valid. */
#define MBI_MEM      (1u << 0)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODS     (1u << 3)
#define MBI_MMAP     (1u << 6)
#define MBI_LOADER   (1u << 9)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;        /* KiB below 1 MiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;                     /* physical address of a C string */
    uint32_t mods_count, mods_addr;       /* array of multiboot_module */
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;      /* multiboot_mmap_entry records */
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __attribute__((packed));

struct multiboot_module {
    uint32_t mod_start, mod_end;          /* physical, [start, end) */
    uint32_t cmdline;                     /* physical address of a C string */
    uint32_t reserved;
} __attribute__((packed));

/* 'size' does not count itself: the next entry is at (char *)e + e->size + 4. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;                        /* 1 = available RAM */
} __attribute__((packed));

#define MULTIBOOT_MEMORY_AVAILABLE 1
#endif
#endif
