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
 * -KEA_ENOMEM like any other out-of-memory, and the kernel says so once.
 *
 * The user address space itself (page-table walks, mapping, sharing,
 * copying, freeing) is vm.c's. */
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

struct domain *domain_at(int i) { return domain_by_id(i); }

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
    sem_forget_domain(d);
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
    domain_free_pages(d);
    page_free(d->pgdir);
    domains[d->id] = 0;
    d->alive = 0;
    kfree(d);
    return 0;
}
