/* A domain's user address space: the page-table walk, mapping, unmapping,
 * sharing and copying user pages, the accessed/dirty bits a pager reads,
 * the kernel's view of a user page, and freeing every user page and page
 * table when the domain goes (domain.c's kdomain_destroy).  Split from
 * domain.c, which keeps the domain objects, quotas and activation slots.
 *
 * User pages are reference counted (pmem.c), so a page shared into another
 * domain lives until its last mapping goes.  Pages and page tables count
 * against the domain's quota (charge_ok); beyond it, mapping fails with
 * -KEA_ENOMEM and the kernel says so once. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include "i386/x86.h"
#include "i386/mmu.h"
#include "kernel.h"
#include "proc.h"

/* Room for one more page in d?  Reports the first refusal. */
static int charge_ok(struct domain *d)
{
    if (d->pages + d->ptpages < d->quota) return 1;
    if (!d->quota_reported) {
        d->quota_reported = 1;
        printf("kea: domain %s is out of memory: it holds its quota of %u pages (%u KiB)\n",
               d->name, d->quota, d->quota * (PGSIZE / 1024));
    }
    return 0;
}

/* The PTE for va in d, creating the page table if asked. */
static uint32_t *walk(struct domain *d, uint32_t va, int create)
{
    uint32_t *pde = &d->pgdir[PDX(va)];
    if (!(*pde & PTE_P)) {
        if (!create || !charge_ok(d)) return 0;
        uint32_t *pt = page_alloc();
        if (!pt) return 0;
        *pde = V2P(pt) | PTE_P | PTE_W | PTE_U;
        d->ptpages++;
    }
    uint32_t *pt = P2V(PTE_ADDR(*pde));
    return &pt[PTX(va)];
}

static int user_range_ok(uint32_t va, uint32_t npages)
{
    return !(va & (PGSIZE - 1)) && va >= PGSIZE && npages > 0 && npages <= (USER_TOP >> PGSHIFT)
        && va + npages * PGSIZE <= USER_TOP && va + npages * PGSIZE > va;
}

static void flush(struct domain *d, uint32_t va)
{
    if (rcr3() == d->cr3)
        invlpg(va);
}

/* Put page (kernel address) at va in d, dropping what was there. */
static void set_page(struct domain *d, uint32_t *pte, uint32_t va, void *page, int writable)
{
    if (*pte & PTE_P) {
        page_free(P2V(PTE_ADDR(*pte)));
        d->pages--;
    }
    *pte = V2P(page) | PTE_P | PTE_U | (writable ? PTE_W : 0);
    d->pages++;
    flush(d, va);
}

/* Map an existing page (kernel address) at va; the caller's reference
 * to the page becomes the mapping's. */
int domain_insert(struct domain *d, uint32_t va, void *page, int writable)
{
    if (d->is_kernel || !user_range_ok(va, 1)) return -KEA_EINVAL;
    uint32_t *pte = walk(d, va, 1);
    if (!pte || (!(*pte & PTE_P) && !charge_ok(d))) return -KEA_ENOMEM;
    set_page(d, pte, va, page, writable);
    return 0;
}

/* Map npages fresh zeroed pages at va.  On failure nothing stays mapped. */
int domain_map(struct domain *d, uint32_t va, uint32_t npages, int writable, uint8_t **kva_out)
{
    if (d->is_kernel || !user_range_ok(va, npages)) return -KEA_EINVAL;
    for (uint32_t i = 0; i < npages; i++) {
        uint32_t *pte = walk(d, va + i * PGSIZE, 1);
        void *page = pte && ((*pte & PTE_P) || charge_ok(d)) ? page_alloc() : 0;
        if (!page) {
            domain_unmap(d, va, i);
            return -KEA_ENOMEM;
        }
        set_page(d, pte, va + i * PGSIZE, page, writable);
        if (kva_out) kva_out[i] = page;
    }
    return 0;
}

int domain_unmap(struct domain *d, uint32_t va, uint32_t npages)
{
    if (d->is_kernel || (npages && !user_range_ok(va, npages))) return -KEA_EINVAL;
    for (uint32_t i = 0; i < npages; i++) {
        uint32_t *pte = walk(d, va + i * PGSIZE, 0);
        if (pte && (*pte & PTE_P)) {
            page_free(P2V(PTE_ADDR(*pte)));
            *pte = 0;
            d->pages--;
            flush(d, va + i * PGSIZE);
        }
    }
    return 0;
}

/* Map the pages of [va, va+npages) of `from` into `to` at to_va (shared). */
int domain_share(struct domain *from, uint32_t va, uint32_t npages, struct domain *to, uint32_t to_va, int writable)
{
    if (from->is_kernel || to->is_kernel || !user_range_ok(va, npages) || !user_range_ok(to_va, npages))
        return -KEA_EINVAL;
    for (uint32_t i = 0; i < npages; i++) {          /* check first: all or nothing */
        uint32_t *src = walk(from, va + i * PGSIZE, 0);
        if (!src || !(*src & PTE_P)) return -KEA_EFAULT;
        if (writable && !(*src & PTE_W)) return -KEA_EPERM;
    }
    for (uint32_t i = 0; i < npages; i++) {
        uint32_t *dst = walk(to, to_va + i * PGSIZE, 1);
        if (!dst || (!(*dst & PTE_P) && !charge_ok(to))) return -KEA_ENOMEM;
        void *page = P2V(PTE_ADDR(*walk(from, va + i * PGSIZE, 0)));
        page_incref(page);
        set_page(to, dst, to_va + i * PGSIZE, page, writable);
    }
    return 0;
}

/* Copy the contents of [va, va+npages) of `from` into fresh pages of `to`. */
int domain_copy(struct domain *from, uint32_t va, uint32_t npages, struct domain *to, uint32_t to_va)
{
    if (from->is_kernel || to->is_kernel || !user_range_ok(va, npages) || !user_range_ok(to_va, npages))
        return -KEA_EINVAL;
    for (uint32_t i = 0; i < npages; i++) {
        uint32_t *src = walk(from, va + i * PGSIZE, 0);
        if (!src || !(*src & PTE_P)) return -KEA_EFAULT;
    }
    for (uint32_t i = 0; i < npages; i++) {
        uint8_t *kva;
        int r = domain_map(to, to_va + i * PGSIZE, 1, 1, &kva);
        if (r < 0) return r;
        memcpy(kva, P2V(PTE_ADDR(*walk(from, va + i * PGSIZE, 0))), PGSIZE);
    }
    return 0;
}

/* Read and clear the accessed and dirty bits of the page at va. */
int domain_accessed(struct domain *d, uint32_t va, int *accessed, int *dirty)
{
    uint32_t *pte = d->is_kernel || va >= USER_TOP ? 0 : walk(d, va, 0);
    if (!pte || !(*pte & PTE_P)) return -KEA_EFAULT;
    *accessed = (*pte & PTE_A) != 0;
    *dirty = (*pte & PTE_D) != 0;
    *pte &= ~(PTE_A | PTE_D);
    flush(d, va);
    return 0;
}

void *domain_kva(struct domain *d, uint32_t va)
{
    if (d->is_kernel) return (void *)va;
    uint32_t *pte = va < USER_TOP ? walk(d, va, 0) : 0;
    if (!pte || !(*pte & PTE_P)) return 0;
    return (uint8_t *)P2V(PTE_ADDR(*pte)) + (va & (PGSIZE - 1));
}

/* Free every user page and page table of d (its page directory stays:
 * the caller frees it). */
void domain_free_pages(struct domain *d)
{
    for (uint32_t pdx = 0; pdx < PDX(KERNBASE); pdx++) {
        if (!(d->pgdir[pdx] & PTE_P)) continue;
        uint32_t *pt = P2V(PTE_ADDR(d->pgdir[pdx]));
        for (int i = 0; i < 1024; i++)
            if (pt[i] & PTE_P)
                page_free(P2V(PTE_ADDR(pt[i])));
        page_free(pt);
    }
}
