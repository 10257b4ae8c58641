/* Domains: address spaces that own resources.
 *
 * Every domain has a page directory whose kernel quarter is a copy of the
 * kernel's (fixed at boot, see paging.c).  User pages are reference counted
 * (pmem.c), so a page shared into another domain lives until its last
 * mapping goes.  Destroying a domain frees every page, page table, activation
 * slot and portal table entry it owns.  The kernel itself is domain 0.
 *
 * Each domain has a memory quota: the pages it may hold mapped, page tables
 * included (issue 9: one domain must not take all memory from the others).
 * The default is a quarter of physical memory; the domain's creator may
 * set it (domain.quota), up to its own.  Beyond it, mapping fails with
 * -KEA_ENOMEM like any other out-of-memory, and the kernel says so once. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include "i386/x86.h"
#include "i386/mmu.h"
#include "kernel.h"
#include "proc.h"
#include "load.h"
#include "irqsvc.h"

static struct domain *domains[MAX_DOMAINS];
static struct domain kdomain;
struct domain *kernel_domain = &kdomain;

void domains_init(void)
{
    kdomain.id = 0;
    strcpy(kdomain.name, "kernel");
    kdomain.alive = 1;
    kdomain.is_kernel = 1;
    kdomain.pgdir = kernel_pgdir();
    kdomain.cr3 = V2P(kdomain.pgdir);
    kdomain.rights = RIGHT_ALL;
    kdomain.accept_from = ACCEPT_NONE;
    kdomain.quota = QUOTA_UNLIMITED;
    domains[0] = &kdomain;
}

struct domain *kdomain_create(const char *name, uint32_t rights)
{
    int id = 1;
    while (id < MAX_DOMAINS && domains[id]) id++;
    if (id == MAX_DOMAINS || domain_by_name(name)) return 0;
    struct domain *d = kzalloc(sizeof *d);
    uint32_t *pgdir = page_alloc();
    if (!d || !pgdir) {
        kfree(d);
        page_free(pgdir);
        return 0;
    }
    memcpy(pgdir + PDX(KERNBASE), kernel_pgdir() + PDX(KERNBASE), (1024 - PDX(KERNBASE)) * 4);
    d->id = id;
    strlcpy(d->name, name, sizeof d->name);
    d->alive = 1;
    d->pgdir = pgdir;
    d->cr3 = V2P(pgdir);
    d->rights = rights;
    d->heap_top = USER_HEAP_BASE;
    d->image_top = USER_IMAGE_BASE;
    d->accept_from = ACCEPT_NONE;
    d->quota = domain_default_quota();
    domains[id] = d;
    return d;
}

struct domain *domain_by_id(int id)
{
    return id >= 0 && id < MAX_DOMAINS ? domains[id] : 0;
}

struct domain *domain_by_name(const char *name)
{
    for (int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && strcmp(domains[i]->name, name) == 0)
            return domains[i];
    return 0;
}

int domain_capacity(void) { return MAX_DOMAINS; }

uint32_t domain_default_quota(void)
{
    struct pmem_stats st;
    pmem_stats(&st);
    return (uint32_t)(st.total / PGSIZE / 4);
}

/* Only d's creator may change its quota (the kernel domain acts for the
 * kernel), and never above its own. */
int domain_set_quota(struct domain *actor, struct domain *d, uint32_t pages)
{
    if (!d || d->is_kernel) return -KEA_EINVAL;
    if (!actor->is_kernel && d->creator != actor->id) return -KEA_EPERM;
    if (pages > actor->quota || pages == 0) return -KEA_EINVAL;
    d->quota = pages;
    d->quota_reported = 0;
    return 0;
}

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
struct domain *domain_at(int i) { return domain_by_id(i); }

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

/* Activation slots: a guard page, the stack, the in and out buffer pages.
 * Created on first need and cached by the domain, so an IDC into a domain
 * that has served one before allocates nothing. */
struct actslot *slot_get(struct domain *d)
{
    struct actslot *s = d->free_slots;
    if (s) {
        d->free_slots = s->next;
        return s;
    }
    if (d->nslots == ACT_MAX_SLOTS || !(s = kzalloc(sizeof *s)))
        return 0;
    s->base = ACT_SLOTS_BASE + d->nslots * ACT_SLOT_SIZE;
    uint8_t *kva[2], *stack[ACT_STACK_SIZE / PGSIZE];
    if (domain_map(d, s->base + PGSIZE, ACT_STACK_SIZE / PGSIZE, 1, stack) < 0 ||
        domain_map(d, SLOT_IN(s), 2, 1, kva) < 0) {
        domain_unmap(d, s->base + PGSIZE, ACT_STACK_SIZE / PGSIZE);
        kfree(s);
        return 0;
    }
    s->entry_kva = (uint32_t *)(stack[ACT_STACK_SIZE / PGSIZE - 1] + PGSIZE) - 2;
    s->in_kva = kva[0];
    s->out_kva = kva[1];
    s->all_next = d->slots;
    d->slots = s;
    d->nslots++;
    return s;
}

void slot_put(struct domain *d, struct actslot *s)
{
    s->next = d->free_slots;
    d->free_slots = s;
}

/* Can d's own thread t be killed with it?  Yes at its base activation, or
 * asleep inside kernel services (a semaphore, the console); not while it is
 * out calling another user domain, whose activation would lose its caller. */
static int killable(struct thread *t)
{
    if (t == cur) return 0;
    for (int k = 1; k <= t->depth; k++)
        if (!t->act[k].dom->is_kernel) return 0;
    return t->depth == 0 || t->state == T_SLEEPING;
}

/* Destroy d and everything it owns.  Refused while a thread from elsewhere
 * executes inside it or one of its own threads cannot be killed. */
int kdomain_destroy(struct domain *d)
{
    if (!d || d->is_kernel || !d->alive) return -KEA_EINVAL;
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = thread_at(i);
        if (!t || t->state == T_ZOMBIE) continue;
        if (t->root == d) {
            if (!killable(t)) return -KEA_EBUSY;
            continue;
        }
        for (int k = 0; k <= t->depth; k++)
            if (t->act[k].dom == d) return -KEA_EBUSY;     /* executing inside d */
    }
    kill_domain_threads(d);
    if (d->pager) portal_put(d->pager);
    kobj_forget_domain(d);
    irqsvc_forget_domain(d);
    ioports_forget_domain(d);
    portal_kill_domain(d);
    portal_forget_granter(d);
    portal_release_table(d);
    for (struct actslot *s = d->slots, *n; s; s = n) {
        n = s->all_next;
        kfree(s);
    }
    for (uint32_t pdx = 0; pdx < PDX(KERNBASE); pdx++) {
        if (!(d->pgdir[pdx] & PTE_P)) continue;
        uint32_t *pt = P2V(PTE_ADDR(d->pgdir[pdx]));
        for (int i = 0; i < 1024; i++)
            if (pt[i] & PTE_P)
                page_free(P2V(PTE_ADDR(pt[i])));
        page_free(pt);
    }
    page_free(d->pgdir);
    domains[d->id] = 0;
    d->alive = 0;
    kfree(d);
    return 0;
}
