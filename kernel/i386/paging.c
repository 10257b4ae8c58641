/* Kernel page tables.
 *
 * All 256 page tables of the kernel's quarter (0xC0000000..) are allocated
 * statically, so the kernel part of every page directory is fixed from boot
 * on: a new user domain copies these 256 entries once and never needs to be
 * told about later kernel mappings.  Physical memory is mapped at KERNBASE
 * with global pages (not flushed on address-space switch), up to the top of
 * the RAM the boot loader reports (rounded up to a whole page table) and at
 * most DIRECTMAP_MAX: filling all 896 MiB of the window for a 128 MiB
 * machine was half of the boot's instructions. */
#include <stdint.h>
#include <string.h>
#include <kea/memlayout.h>
#include "x86.h"
#include "arch.h"
#include "mmu.h"

#define KERNEL_PDES 256

static uint32_t kpgdir[1024] __attribute__((aligned(PGSIZE)));
static uint32_t kpt[KERNEL_PDES][1024] __attribute__((aligned(PGSIZE)));
static uint32_t pte_global;
static uint32_t direct_top;             /* [0, direct_top) is mapped at KERNBASE */

uint32_t *kernel_pgdir(void) { return kpgdir; }

void paging_init(uint32_t phys_top)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (d & (1u << 13)) {               /* PGE supported */
        lcr4(rcr4() | CR4_PGE);
        pte_global = PTE_G;
    }
    phys_top = (phys_top + (1u << 22) - 1) & ~((1u << 22) - 1);   /* whole page tables */
    if (phys_top > DIRECTMAP_MAX || phys_top == 0)
        phys_top = DIRECTMAP_MAX;
    direct_top = phys_top;

    memset(kpgdir, 0, sizeof kpgdir);
    for (int i = 0; i < KERNEL_PDES; i++)
        kpgdir[768 + i] = V2P(kpt[i]) | PTE_P | PTE_W;
    for (uint32_t pa = 0; pa < phys_top; pa += PGSIZE)
        kpt[pa >> 22][(pa >> 12) & 1023] = pa | PTE_P | PTE_W | pte_global;
    lcr3(V2P(kpgdir));
}

uint32_t directmap_top(void) { return direct_top; }

/* The page-table entry for a kernel virtual address (never NULL above KERNBASE). */
uint32_t *kernel_pte(uint32_t va)
{
    if (va < KERNBASE)
        return 0;
    return &kpt[(va - KERNBASE) >> 22][(va >> 12) & 1023];
}

int kernel_mapped(uint32_t va)
{
    uint32_t *pte = kernel_pte(va);
    return pte && (*pte & PTE_P);
}
