/* Global descriptor table and the task state segment.
 *
 * In the kernel ds, es, fs and ss hold the kernel data selector and gs the
 * kernel TLS selector.  Every entry from user mode loads them before it
 * touches memory (trapentry.S, idc_entry.S): the user's selectors are its
 * own to choose, and one with a base (its TLS segment) would shift the
 * kernel's data accesses into user-mappable memory.
 *
 * Flat 4 GiB code/data segments for ring 0 and ring 3, one TSS (its esp0 is
 * the kernel stack used when a user domain traps), and two %gs segments whose
 * base points at a small "thread-local" block: gcc's i386 stack protector
 * reads its canary from %gs:0x14, so the kernel and every domain need one. */
#include <stdint.h>
#include <string.h>
#include "x86.h"
#include "arch.h"
#include <kea/tls.h>
#include "../proc.h"

struct segdesc {
    uint16_t limit_lo, base_lo;
    uint8_t  base_mid, access, flags_limit_hi, base_hi;
} __attribute__((packed));

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
    /* The I/O permission bitmap follows (one bit per port, 0 = allowed);
     * all ports denied for now, plus the terminating 0xff byte. */
    uint8_t  iomap[65536 / 8 + 1];
} __attribute__((packed));

static struct segdesc gdt[NSEGS];
static struct tss tss __attribute__((aligned(16)));
struct kernel_tls kernel_tls;

static void set_seg(int i, uint32_t base, uint32_t limit, uint8_t access, uint8_t gran)
{
    gdt[i].limit_lo = limit & 0xffff;
    gdt[i].base_lo = base & 0xffff;
    gdt[i].base_mid = (base >> 16) & 0xff;
    gdt[i].access = access;
    gdt[i].flags_limit_hi = (uint8_t)(((limit >> 16) & 0x0f) | (gran << 4));
    gdt[i].base_hi = (base >> 24) & 0xff;
}

/* access: present | DPL | S | type.  gran: 4 KiB granularity | 32-bit. */
#define A_KCODE 0x9a
#define A_KDATA 0x92
#define A_UCODE 0xfa
#define A_UDATA 0xf2
#define A_TSS   0x89
#define G_PAGE32 0xc
#define G_BYTE32 0x4

void gdt_init(void)
{
    set_seg(SEG_KCODE, 0, 0xfffff, A_KCODE, G_PAGE32);
    set_seg(SEG_KDATA, 0, 0xfffff, A_KDATA, G_PAGE32);
    set_seg(SEG_UCODE, 0, 0xfffff, A_UCODE, G_PAGE32);
    set_seg(SEG_UDATA, 0, 0xfffff, A_UDATA, G_PAGE32);
    set_seg(SEG_TSS, (uint32_t)&tss, sizeof tss - 1, A_TSS, G_BYTE32);
    set_seg(SEG_KTLS, (uint32_t)&kernel_tls, sizeof kernel_tls - 1, A_KDATA, G_BYTE32);
    set_seg(SEG_UTLS, USER_TLS_BASE, TLS_SIZE - 1, A_UDATA, G_BYTE32);

    memset(&tss, 0, sizeof tss);
    tss.ss0 = KDATA_SEL;
    tss.iomap_base = offsetof(struct tss, iomap);
    memset(tss.iomap, 0xff, sizeof tss.iomap);

    /* A canary that differs from boot to boot (the TSC) is enough to catch
     * stack smashing; it is not a security boundary inside the kernel. */
    kernel_tls.self = &kernel_tls;
    kernel_tls.stack_guard = (uint32_t)rdtsc() ^ 0x5a17c0deu;

    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr =
        { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "ljmp %1, $1f\n"
        "1:\n\t"
        "movw %w2, %%ss\n\t"
        "movw %w2, %%ds\n\t movw %w2, %%es\n\t movw %w2, %%fs\n\t"
        "movw %w3, %%gs\n\t"
        "ltr %w4"
        : : "m"(gdtr), "i"(KCODE_SEL), "r"(KDATA_SEL), "r"(KTLS_SEL), "r"(TSS_SEL)
        : "memory");
}

void tss_set_kstack(uint32_t esp0) { tss.esp0 = esp0; }

/* Install a domain's I/O permission bitmap (NULL: deny every port). */
void tss_load_iomap(const uint8_t *map)
{
    if (map) memcpy(tss.iomap, map, sizeof tss.iomap - 1);
    else     memset(tss.iomap, 0xff, sizeof tss.iomap - 1);
}
