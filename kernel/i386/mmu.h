/* i386 page-table entry bits. */
#ifndef KEA_MMU_H
#define KEA_MMU_H
#include <stdint.h>
#define PTE_P   0x001u   /* present */
#define PTE_W   0x002u   /* writable */
#define PTE_U   0x004u   /* user accessible */
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_A   0x020u
#define PTE_D   0x040u
#define PTE_G   0x100u   /* global: survives CR3 reloads */
#define PTE_ADDR(e) ((e) & ~0xfffu)
#define PDX(va) (((uint32_t)(va) >> 22) & 0x3ff)
#define PTX(va) (((uint32_t)(va) >> 12) & 0x3ff)

uint32_t *kernel_pte(uint32_t va);
int kernel_mapped(uint32_t va);
#endif
