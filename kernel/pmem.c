/* Physical memory: an LMM over the memory the boot loader reports free.
 *
 * Three LMM regions describe what devices need: below 1 MiB (real-mode and
 * ISA DMA reachable), below 16 MiB (ISA DMA), and the rest of the direct map.
 * Low memory gets the lowest priority so ordinary allocations leave it for
 * those who need it.  The LMM works on kernel virtual addresses (the direct
 * map), so V2P() gives the physical address of anything it returns.
 *
 * Everything the boot loader handed us (the kernel image, the Multiboot
 * structures, every boot module) is listed as reserved *before* any memory is
 * donated: the LMM writes its free-list nodes into the memory it is given, so
 * donating first and reserving later would overwrite boot data. */
#include <stdio.h>
#include <string.h>
#include <kea/lmm.h>
#include <kea/memlayout.h>
#include <kea/multiboot.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"

extern char _end[];

static struct lmm kmem;
static struct lmm_region reg_1mb, reg_16mb, reg_high;
static size_t total_bytes, pages_in_use;

/* Reference counts of pages handed out by page_alloc, indexed by physical
 * page number: a page shared between domains is freed by its last user. */
static uint16_t *page_refs;
static uint32_t npage_refs;

/* Physical ranges [start, end) not to donate, sorted by start and merged
 * where they touch (boot modules and their command lines mostly do). */
#define MAX_RESERVED 256
static struct { uint32_t start, end; } reserved[MAX_RESERVED];
static int nreserved;

static void reserve(uint32_t pa, uint32_t size)
{
    uint32_t start = PGROUNDDOWN(pa), end = PGROUNDUP(pa + size);
    if (end <= start)
        return;
    for (int i = 0; i < nreserved; i++)         /* overlaps or touches one: widen it */
        if (start <= reserved[i].end && end >= reserved[i].start) {
            if (end > reserved[i].end) reserved[i].end = end;
            if (start < reserved[i].start) {     /* keep the order by start */
                reserved[i].start = start;
                for (; i > 0 && reserved[i - 1].start > reserved[i].start; i--) {
                    uint32_t s0 = reserved[i].start, e0 = reserved[i].end;
                    reserved[i] = reserved[i - 1];
                    reserved[i - 1].start = s0;
                    reserved[i - 1].end = e0;
                }
            }
            return;
        }
    if (nreserved == MAX_RESERVED)
        panic("pmem: more than %d separate reserved boot ranges", MAX_RESERVED);
    int i = nreserved++;
    for (; i > 0 && reserved[i - 1].start > start; i--)
        reserved[i] = reserved[i - 1];
    reserved[i].start = start;
    reserved[i].end = end;
}

/* Donate the page-aligned parts of [base, base+len) that are not reserved. */
static void add_available(uint64_t base, uint64_t len)
{
    uint64_t end64 = base + len, top = directmap_top();
    if (base >= top) return;                 /* only memory paging_init mapped */
    if (end64 > top) end64 = top;
    uint32_t b = PGROUNDUP((uint32_t)base), e = PGROUNDDOWN((uint32_t)end64);
    for (int i = 0; i < nreserved && b < e; i++) {
        if (reserved[i].end <= b || reserved[i].start >= e)
            continue;
        if (reserved[i].start > b)
            lmm_add_free(&kmem, P2V(b), reserved[i].start - b);
        if (reserved[i].end > b)            /* ranges may overlap after widening */
            b = reserved[i].end;
    }
    if (b < e)
        lmm_add_free(&kmem, P2V(b), e - b);
}

/* The end of the highest RAM the boot loader reports (at most
 * DIRECTMAP_MAX; 0 if it reports none): how much the direct map must cover. */
uint32_t pmem_ram_top(const struct multiboot_info *mbi)
{
    uint64_t top = 0;
    if (mbi->flags & MBI_MMAP) {
        uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
        while (p < end) {
            const struct multiboot_mmap_entry *e = P2V(p);
            if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr < DIRECTMAP_MAX && e->addr + e->len > top)
                top = e->addr + e->len;
            p += e->size + 4;
        }
    } else if (mbi->flags & MBI_MEM)
        top = 0x100000 + (uint64_t)mbi->mem_upper * 1024;
    return top > DIRECTMAP_MAX ? DIRECTMAP_MAX : (uint32_t)top;
}

static void add_memory_map(const struct multiboot_info *mbi)
{
    if (mbi->flags & MBI_MMAP) {
        uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
        while (p < end) {
            const struct multiboot_mmap_entry *e = P2V(p);
            if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
                add_available(e->addr, e->len);
            p += e->size + 4;
        }
    } else if (mbi->flags & MBI_MEM) {
        add_available(0, (uint64_t)mbi->mem_lower * 1024);
        add_available(0x100000, (uint64_t)mbi->mem_upper * 1024);
    } else {
        panic("boot loader gave no memory information");
    }
}

static void reserve_boot_data(const struct multiboot_info *mbi)
{
    reserve(0, PGSIZE);                                  /* real-mode IVT, BIOS data */
    reserve(0x100000, V2P(_end) - 0x100000);             /* the kernel image */
    reserve(V2P(mbi), sizeof *mbi);
    if (mbi->flags & MBI_MMAP)
        reserve(mbi->mmap_addr, mbi->mmap_length);
    if (mbi->flags & MBI_CMDLINE)
        reserve(mbi->cmdline, strlen(P2V(mbi->cmdline)) + 1);
    if (mbi->flags & MBI_LOADER)
        reserve(mbi->boot_loader_name, strlen(P2V(mbi->boot_loader_name)) + 1);
    if (mbi->flags & MBI_MODS) {
        const struct multiboot_module *m = P2V(mbi->mods_addr);
        reserve(mbi->mods_addr, mbi->mods_count * sizeof *m);
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            reserve(m[i].mod_start, m[i].mod_end - m[i].mod_start);
            if (m[i].cmdline)
                reserve(m[i].cmdline, strlen(P2V(m[i].cmdline)) + 1);
        }
    }
}

void pmem_init(const struct multiboot_info *mbi)
{
    lmm_init(&kmem);
    lmm_add_region(&kmem, &reg_high, (uintptr_t)P2V(0x1000000), DIRECTMAP_MAX - 0x1000000, 0, 2);
    lmm_add_region(&kmem, &reg_16mb, (uintptr_t)P2V(0x100000), 0x1000000 - 0x100000, LMMF_16MB, 1);
    lmm_add_region(&kmem, &reg_1mb, (uintptr_t)P2V(0), 0x100000, LMMF_1MB | LMMF_16MB, 0);
    reserve_boot_data(mbi);
    add_memory_map(mbi);
    npage_refs = DIRECTMAP_MAX / PGSIZE;
    page_refs = lmm_alloc(&kmem, npage_refs * sizeof *page_refs, 0);
    if (!page_refs)
        panic("pmem: no memory for page reference counts");
    memset(page_refs, 0, npage_refs * sizeof *page_refs);
    total_bytes = lmm_avail(&kmem, 0);
    printf("memory: %u KiB free (%u KiB below 1 MiB, %u KiB below 16 MiB)\n",
           (unsigned)(total_bytes / 1024),
           (unsigned)(lmm_avail(&kmem, LMMF_1MB) / 1024),
           (unsigned)(lmm_avail(&kmem, LMMF_16MB) / 1024));
}

void *pmem_alloc(size_t size, uint32_t flags, int align_bits)
{
    uint32_t f = irq_save();
    void *p = lmm_alloc_aligned(&kmem, size, flags, align_bits, 0);
    irq_restore(f);
    return p;
}

void pmem_free(void *p, size_t size)
{
    uint32_t f = irq_save();
    lmm_free(&kmem, p, size);
    irq_restore(f);
}

void *page_alloc(void)
{
    void *p = pmem_alloc(PGSIZE, 0, PGSHIFT);
    if (p) {
        memset(p, 0, PGSIZE);
        page_refs[V2P(p) >> PGSHIFT] = 1;
        pages_in_use++;
    }
    return p;
}

/* n physically contiguous zeroed pages, each reference counted like
 * page_alloc's (so page_free works page by page). */
void *pages_alloc(uint32_t n)
{
    if (n == 0 || n > DIRECTMAP_MAX / PGSIZE) return 0;
    uint8_t *p = pmem_alloc((size_t)n * PGSIZE, 0, PGSHIFT);
    if (!p) return 0;
    memset(p, 0, (size_t)n * PGSIZE);
    for (uint32_t i = 0; i < n; i++)
        page_refs[(V2P(p) >> PGSHIFT) + i] = 1;
    pages_in_use += n;
    return p;
}

void page_incref(void *page)
{
    uint16_t *r = &page_refs[V2P(page) >> PGSHIFT];
    if (*r == 0 || *r == UINT16_MAX)
        panic("page_incref(%p): reference count %u", page, *r);
    (*r)++;
}

void page_free(void *page)
{
    if (!page) return;
    uint16_t *r = &page_refs[V2P(page) >> PGSHIFT];
    if (*r == 0)
        panic("page_free(%p): page is not allocated", page);
    if (--*r)
        return;
    pmem_free(page, PGSIZE);
    pages_in_use--;
}

void pmem_stats(struct pmem_stats *st)
{
    uint32_t f = irq_save();
    st->total = total_bytes;
    st->free = lmm_avail(&kmem, 0);
    st->pages_in_use = pages_in_use;
    irq_restore(f);
    kmalloc_stats(&st->heap_bytes, &st->heap_blocks);
}
