/* The VM service: demand paging of applications to a swap block device,
 * with the choice of the page to evict left to a page-selection policy
 * service called through a portal (the paper's section 2.5, Fig. 4).
 *
 * An application's paged area [PAGED_BASE, PAGED_TOP) starts empty.  Once
 * the service is its pager (vmctl.attach), the kernel invokes pager.fault
 * on the faulting thread for each access to a page that is not present;
 * the service brings the page in (zeroed the first time, from swap after
 * that) into one of the domain's `budget` frames.  When all are in use it
 * asks the policy (policy.select) which resident page to evict; a dirty
 * page is written to the domain's swap slot for it first, a clean one that
 * swap holds already (or that was never written: it is still zero) is just
 * dropped.
 *
 * The calls to the policy happen on the application's own thread, so a
 * domain-rooted remap of the policy portal for application B gives B
 * another policy while every other application keeps the default.  To
 * make switching policies safe at any moment, the service keeps the facts
 * (residency, reference and dirty bits, load and use stamps) and hands them
 * all to the policy on each call (services/vm/vmframe.h).  The kernel
 * never redirects a call made by the replacement itself (its domain, or in
 * the kernel its object), so the service and its policies may share any
 * placement.
 *
 * Written against the environment only (libc, malloc, portal_invoke, the
 * generated stubs, the base-service bindings), so the same object runs in
 * the kernel or in a user domain.  It needs the domains right to work on
 * other domains' memory: the kernel placement has it; a user placement
 * needs a domain granted it.
 *
 * One lock serialises the service.  It is held across calls to the policy
 * and the swap device: pages are few and the device is the bottleneck.
 *
 * What it keeps is declared in vm.h; vmstate.c writes it out and reads it
 * back for a migration or a restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/base.h>
#include <kea/memlayout.h>
#include <kea/service.h>
#include <kea/sysinfo.h>
#include "vm.h"
#include "pager_server.h"
#include "pager_client.h"
#include "vmctl_server.h"
#include "policy_client.h"
#include "block_client.h"
#include "memory_client.h"
#include "thread_client.h"
#include "sys_client.h"

uint32_t kea_domain_id(void);

#define VM_PROBE         0xffffffffu     /* a domain id no domain has: see find_pager() */

struct vm_service vm;

/* ---- the lock ------------------------------------------------------------ */

/* A thread that comes back in while holding the lock (a policy or swap
 * device that itself faults in an area this service pages) would wait for
 * itself forever: it gets an error instead. */
static int lock(void)
{
    uint32_t me;
    int r = thread_id(&kea_base_thread, &me);
    if (r < 0) return r;
    if (__atomic_load_n(&vm.owner, __ATOMIC_ACQUIRE) == me + 1) {
        printf("vm: thread %u re-entered the VM service while inside it "
               "(does the policy or swap device touch paged memory?)\n", me);
        return -KEA_EBUSY;
    }
    if ((r = thread_sem_down(&kea_base_thread, vm.lock)) < 0) return r;
    __atomic_store_n(&vm.owner, me + 1, __ATOMIC_RELEASE);
    return 0;
}

static void unlock(void)
{
    __atomic_store_n(&vm.owner, 0, __ATOMIC_RELEASE);
    thread_sem_up(&kea_base_thread, vm.lock);
}

/* ---- domains, rights, our own pager portal -------------------------------- */

/* The sys record of domain id: 0, or -KEA_ENOENT. */
static int domain_record(uint32_t id, struct sys_domain *out)
{
    uint32_t start = 0;
    do {
        size_t len;
        int r = sys_domains(&kea_base_sys, start, vm.records, sizeof vm.records, &len, &start);
        if (r < 0) return r;
        const struct sys_domain *rec = (const struct sys_domain *)vm.records;
        for (size_t i = 0; i < len / sizeof *rec; i++)
            if (rec[i].id == id) {
                *out = rec[i];
                return 0;
            }
    } while (start);
    return -KEA_ENOENT;
}

/* 0 if domain `caller` holds the domains right, else -KEA_EPERM. */
static int holds_domains_right(uint32_t caller)
{
    struct sys_domain rec;
    int r = domain_record(caller, &rec);
    if (r < 0) return r;
    return (rec.rights & KEA_RIGHT_DOMAINS) ? 0 : -KEA_EPERM;
}

/* May domain `caller` have the service act on domain `dom`?  On itself;
 * on any domain if it holds the domains right. */
static int may_manage(uint32_t caller, uint32_t dom)
{
    return caller == dom ? 0 : holds_domains_right(caller);
}

/* The portal of our pager interface, to register with memory.pager.  The
 * loader (or a test's launcher) made it as "<service>.pager" under a
 * service name we are not told, in our domain: among the pager portals of
 * our domain, the one that answers a probe with our own address is ours
 * (in the kernel placement several services share the domain). */
static int find_pager(void)
{
    uint32_t self = kea_domain_id(), start = 0;
    do {
        size_t len;
        int r = sys_sysportals(&kea_base_sys, start, vm.records, sizeof vm.records, &len, &start);
        if (r < 0) return r;
        const struct sys_sysportal *p = (const struct sys_sysportal *)vm.records;
        for (size_t i = 0; i < len / sizeof *p; i++) {
            if (p[i].dom != self || p[i].iface_id != PAGER_IFACE_ID) continue;
            char service[sizeof p[i].name + 1];
            memcpy(service, p[i].name, sizeof p[i].name);
            service[sizeof p[i].name] = 0;
            char *dot = strrchr(service, '.');
            if (!dot || strcmp(dot + 1, PAGER_IFACE_NAME) != 0) continue;
            *dot = 0;
            kea_binding_t b;
            if (PAGER_BIND(service, &b) < 0) continue;
            if (pager_fault(&b, VM_PROBE, (uint32_t)&vm, false) == 0) {
                vm.pager = b;
                vm.have_pager = 1;
                return 0;
            }
        }
    } while (start);
    printf("vm: cannot find this service's own pager portal\n");
    return -KEA_ENOENT;
}

/* ---- the swap device ------------------------------------------------------ */

static int bind_swap(const char *name)
{
    kea_binding_t b;
    uint32_t nblocks, bsize;
    int r = BLOCK_BIND(name, &b);
    if (r < 0) {
        printf("vm: no swap device: %s.%s: %s\n", name, BLOCK_IFACE_NAME, kea_strerror(r));
        return r;
    }
    if ((r = block_info(&b, &nblocks, &bsize)) < 0) {
        printf("vm: swap device %s: info: %s\n", name, kea_strerror(r));
        return r;
    }
    if (bsize == 0 || bsize > PGSIZE || PGSIZE % bsize || nblocks / (PGSIZE / bsize) == 0) {
        printf("vm: swap device %s: %u blocks of %u bytes do not hold a page\n", name, nblocks, bsize);
        return -KEA_EINVAL;
    }
    uint32_t nslots = nblocks / (PGSIZE / bsize);
    uint8_t *map = calloc((nslots + 7) / 8, 1);
    if (!map) return -KEA_ENOMEM;
    free(vm.slotmap);
    vm.slotmap = map;
    vm.nslots = nslots;
    vm.blocks_per_page = PGSIZE / bsize;
    vm.swap = b;
    vm.have_swap = 1;
    if (name != vm.swap_name) strlcpy(vm.swap_name, name, sizeof vm.swap_name);
    return 0;
}

static int slot_alloc(void)
{
    for (uint32_t s = 0; s < vm.nslots; s++)
        if (!(vm.slotmap[s / 8] & (1u << (s % 8)))) {
            vm.slotmap[s / 8] |= (uint8_t)(1u << (s % 8));
            return (int)s;
        }
    return -1;
}

static void slot_free(uint32_t s)
{
    vm.slotmap[s / 8] &= (uint8_t)~(1u << (s % 8));
}

/* Where the swap slot (+1) of page va of d is kept; NULL if its leaf does
 * not exist and `create` is not set, or cannot be made. */
static uint32_t *slot_entry(struct vmdom *d, uint32_t va, int create)
{
    uint32_t pi = (va - PAGED_BASE) / PGSIZE;
    uint32_t **leaf = &d->slot[pi / LEAF];
    if (!*leaf && create) *leaf = calloc(LEAF, sizeof **leaf);
    return *leaf ? &(*leaf)[pi % LEAF] : 0;
}

/* ---- the policy ---------------------------------------------------------- */

int bind_policy(const char *name)
{
    kea_binding_t b;
    int r = POLICY_BIND(name, &b);
    if (r < 0) {
        printf("vm: no page-selection policy: %s.%s: %s\n", name, POLICY_IFACE_NAME, kea_strerror(r));
        return r;
    }
    vm.policy = b;
    vm.have_policy = 1;
    if (name != vm.policy_name) strlcpy(vm.policy_name, name, sizeof vm.policy_name);
    return 0;
}

/* ---- frames --------------------------------------------------------------- */

static struct vmdom *find_dom(uint32_t id)
{
    for (struct vmdom *d = vm.doms; d; d = d->next)
        if (d->id == id) return d;
    return 0;
}

static int frame_of(const struct vmdom *d, uint32_t va)
{
    for (uint32_t i = 0; i < d->budget; i++)
        if (d->frame[i].va && vm_frame_va(&d->frame[i]) == va) return (int)i;
    return -1;
}

static int free_frame(const struct vmdom *d)
{
    for (uint32_t i = 0; i < d->budget; i++)
        if (!d->frame[i].va) return (int)i;
    return -1;
}

/* Read and clear the page's accessed and dirty bits into frame i.  Fails
 * if the page is no longer mapped (its domain unmapped it or is gone). */
static int sample(struct vmdom *d, uint32_t i)
{
    struct vm_frame *f = &d->frame[i];
    bool accessed, dirty;
    int r = memory_accessed_in(&kea_base_memory, d->id, vm_frame_va(f), &accessed, &dirty);
    if (r < 0) return r;
    if (accessed) {
        f->va |= VM_F_REFERENCED;
        f->used = d->now;
    }
    if (dirty) f->va |= VM_F_DIRTY;
    return 0;
}

/* Which frame to evict: the policy's choice, or, if the policy fails or
 * names a page that is not resident, the page loaded first. */
static uint32_t choose(struct vmdom *d)
{
    uint32_t victim = 0;
    int r = policy_select(&vm.policy, d->id, d->serial, d->frame, d->budget * sizeof *d->frame,
                          &victim);
    for (uint32_t k = 0; k < d->budget; k++)     /* the policy has been told */
        d->frame[k].va &= ~VM_F_REFERENCED;
    int i = r < 0 || (victim & VM_F_FLAGS) ? -1 : frame_of(d, victim);
    if (i >= 0) {
        d->policy_failing = 0;
        return (uint32_t)i;
    }
    if (!d->policy_failing) {
        if (r < 0)
            printf("vm: page selection through %s.%s failed for domain %s: %s; "
                   "evicting the oldest page instead\n", vm.policy_name, POLICY_IFACE_NAME,
                   d->name, kea_strerror(r));
        else
            printf("vm: page selection through %s.%s chose %08x for domain %s, not a resident "
                   "page; evicting the oldest page instead\n", vm.policy_name, POLICY_IFACE_NAME,
                   victim, d->name);
        d->policy_failing = 1;
    }
    uint32_t oldest = 0;
    for (uint32_t k = 1; k < d->budget; k++)
        if (d->frame[k].loaded < d->frame[oldest].loaded) oldest = k;
    return oldest;
}

/* Write frame i's page to its swap slot and unmap it.  The page is copied
 * and unmapped in two consecutive calls, before the slow device write, so
 * that a write by another thread of the domain has little room to slip in
 * between and be lost (memory has no atomic "unmap and give me the
 * page").  If the device write fails the page is put back. */
static int write_back(struct vmdom *d, uint32_t i)
{
    struct vm_frame *f = &d->frame[i];
    uint32_t va = vm_frame_va(f);
    uint32_t *slot = slot_entry(d, va, 1);
    if (!slot) return -KEA_ENOMEM;
    if (!*slot) {
        int s = slot_alloc();
        if (s < 0) {
            printf("vm: swap device %s is full (%u pages): cannot evict %08x of domain %s\n",
                   vm.swap_name, vm.nslots, va, d->name);
            return -KEA_ENOMEM;
        }
        *slot = (uint32_t)s + 1;
    }
    size_t len;
    int r = memory_read_in(&kea_base_memory, d->id, va, vm.page, PGSIZE, &len);
    if (r < 0 || (r = memory_unmap_in(&kea_base_memory, d->id, va)) < 0) return r;
    r = block_write(&vm.swap, (*slot - 1) * vm.blocks_per_page, vm.page, PGSIZE);
    if (r < 0) {
        printf("vm: writing %08x of domain %s to swap: %s\n", va, d->name, kea_strerror(r));
        if (memory_map_in(&kea_base_memory, d->id, va, true) < 0 ||
            memory_write_in(&kea_base_memory, d->id, va, vm.page, PGSIZE) < 0) {
            printf("vm: %08x of domain %s is lost\n", va, d->name);
            f->va = 0;
        }
        return r;
    }
    d->writes++;
    f->va = 0;
    return 0;
}

/* Free a frame of d, which has all its frames in use; its index. */
static int evict(struct vmdom *d)
{
    /* What happened since the last selection: a page that has vanished
     * frees its frame at once. */
    for (uint32_t i = 0; i < d->budget; i++) {
        if (sample(d, i) < 0) {
            d->frame[i].va = 0;
            return (int)i;
        }
    }
    uint32_t i = choose(d);
    struct vm_frame *f = &d->frame[i];
    /* Writes made while the policy chose count too. */
    if (sample(d, i) < 0) {
        f->va = 0;
        return (int)i;
    }
    if (f->va & VM_F_DIRTY) {
        int r = write_back(d, i);
        return r < 0 ? r : (int)i;
    }
    memory_unmap_in(&kea_base_memory, d->id, vm_frame_va(f));
    f->va = 0;
    return (int)i;
}

/* Bring page va of d into frame i: from its swap slot if it has one,
 * zeroed otherwise.  The contents are read before the page is mapped, so
 * it is mapped and filled in two consecutive calls. */
static int load(struct vmdom *d, uint32_t i, uint32_t va)
{
    uint32_t *slot = slot_entry(d, va, 0);
    int from_swap = slot && *slot;
    if (from_swap) {
        size_t len = 0;
        int r = block_read(&vm.swap, (*slot - 1) * vm.blocks_per_page, vm.blocks_per_page,
                           vm.page, PGSIZE, &len);
        if (r >= 0 && len != PGSIZE) r = -KEA_EINVAL;
        if (r < 0) {
            printf("vm: reading %08x of domain %s from swap: %s\n", va, d->name, kea_strerror(r));
            return r;
        }
    }
    int r = memory_map_in(&kea_base_memory, d->id, va, true);
    if (r < 0) return r;
    if (from_swap && (r = memory_write_in(&kea_base_memory, d->id, va, vm.page, PGSIZE)) < 0) {
        memory_unmap_in(&kea_base_memory, d->id, va);
        return r;
    }
    d->frame[i] = (struct vm_frame){ .va = va, .loaded = d->now, .used = d->now };
    d->faults++;
    if (from_swap) d->reads++;
    return 0;
}

static int page_in(struct vmdom *d, uint32_t va)
{
    int i = frame_of(d, va);
    if (i >= 0) {
        /* Another thread of the domain brought it in while this one
         * waited for the lock: retry.  Or the domain unmapped it behind
         * our back, and what it wrote since swap last had it is gone. */
        if (sample(d, (uint32_t)i) == 0) return 0;
        d->frame[i].va = 0;
    }
    d->now++;
    if ((i = free_frame(d)) < 0 && (i = evict(d)) < 0) return i;
    return load(d, (uint32_t)i, va);
}

/* ---- pager ---------------------------------------------------------------- */

static int vm_fault(void *self, uint32_t dom, uint32_t va, bool write)
{
    (void)self; (void)write;     /* pages are mapped writable; the dirty bit tells writes */
    if (dom == VM_PROBE) return va == (uint32_t)&vm ? 0 : -KEA_ENOENT;
    if (va < PAGED_BASE || va >= PAGED_TOP || (va & (PGSIZE - 1))) return -KEA_EINVAL;
    int r = lock();
    if (r < 0) return r;
    struct vmdom *d = find_dom(dom);
    if (!d) {
        printf("vm: fault at %08x in domain %u, which this service does not page\n", va, dom);
        r = -KEA_ENOENT;
    } else {
        r = page_in(d, va);
    }
    unlock();
    return r;
}

static const struct pager_ops pager_ops = { vm_fault };
static struct pager_server pager_srv = { &pager_ops, 0 };

/* ---- vmctl ---------------------------------------------------------------- */

/* Each vmctl call's `self`: who is calling (see vmctl_entry). */
struct vmctl_call { uint32_t caller; };

/* Drop d's pages (unless its domain is gone: the id may be another's)
 * and swap slots, and forget it. */
static void drop(struct vmdom *d, int unmap)
{
    for (uint32_t i = 0; i < d->budget; i++)
        if (unmap && d->frame[i].va)
            memory_unmap_in(&kea_base_memory, d->id, vm_frame_va(&d->frame[i]));
    for (uint32_t l = 0; l < PAGED_PAGES / LEAF; l++) {
        if (!d->slot[l]) continue;
        for (uint32_t k = 0; k < LEAF; k++)
            if (d->slot[l][k]) slot_free(d->slot[l][k] - 1);
        free(d->slot[l]);
    }
    for (struct vmdom **p = &vm.doms; *p; p = &(*p)->next)
        if (*p == d) {
            *p = d->next;
            break;
        }
    free(d->frame);
    free(d);
}

/* Is d about a domain that has gone, its id now another domain's?  The
 * kernel does not tell a pager when its domain ends, so the signs are
 * another name, or none of the pages we left mapped there still present.
 * (A domain of the same name with nothing resident cannot be told from
 * the one we paged: that takes an explicit detach.) */
static int stale(struct vmdom *d, const struct sys_domain *rec)
{
    if (strncmp(d->name, rec->name, sizeof d->name) != 0) return 1;
    int resident = 0;
    for (uint32_t i = 0; i < d->budget; i++)
        if (d->frame[i].va) {
            resident = 1;
            if (sample(d, i) == 0) return 0;
        }
    return resident;
}

/* Drop d, unmapping its pages only if its domain is still the one paged. */
static void forget(struct vmdom *d)
{
    struct sys_domain rec;
    drop(d, domain_record(d->id, &rec) == 0 && !stale(d, &rec));
}

static int attach_locked(uint32_t caller, uint32_t dom, uint32_t frames)
{
    struct sys_domain rec;
    int r;
    if (frames == 0 || frames > VM_MAX_FRAMES) {
        printf("vm: attach domain %u: %u frames (1..%u)\n", dom, frames, VM_MAX_FRAMES);
        return -KEA_EINVAL;
    }
    if ((r = domain_record(dom, &rec)) < 0) {
        printf("vm: attach domain %u: no such domain\n", dom);
        return r;
    }
    if (rec.kernel) {
        printf("vm: attach domain %u: the kernel is not paged\n", dom);
        return -KEA_EINVAL;
    }
    if ((r = may_manage(caller, dom)) < 0) return r;
    struct vmdom *old = find_dom(dom);
    if (old && !stale(old, &rec)) {
        printf("vm: attach domain %u: paged already (detach it first)\n", dom);
        return -KEA_EEXIST;
    }
    if (old) {
        printf("vm: domain %u is not the %s paged before, which has gone: its swap space is freed\n",
               dom, old->name);
        drop(old, 0);
    }
    if ((!vm.have_swap && (r = bind_swap(vm.swap_name)) < 0) ||
        (!vm.have_policy && (r = bind_policy(vm.policy_name)) < 0) ||
        (!vm.have_pager && (r = find_pager()) < 0))
        return r;

    struct vmdom *d = calloc(1, sizeof *d);
    if (!d || !(d->frame = calloc(frames, sizeof *d->frame))) {
        free(d);
        return -KEA_ENOMEM;
    }
    d->id = dom;
    d->serial = ++vm.attaches;
    d->budget = frames;
    strlcpy(d->name, rec.name, sizeof d->name);
    d->next = vm.doms;
    vm.doms = d;
    if ((r = memory_pager(&kea_base_memory, dom, vm.pager.portal)) < 0) {
        if (r == -KEA_EPERM)
            printf("vm: cannot page domain %s: this service lacks the domains right "
                   "(place it in the kernel, or in a domain that has it)\n", d->name);
        else
            printf("vm: cannot page domain %s: %s\n", d->name, kea_strerror(r));
        drop(d, 1);
        return r;
    }
    printf("vm: paging domain %s (%u) in %u frames, swap %s, policy %s\n", d->name, dom, frames,
           vm.swap_name, vm.policy_name);
    return 0;
}

static int vm_attach(void *self, uint32_t dom, uint32_t frames)
{
    const struct vmctl_call *c = self;
    int r = lock();
    if (r < 0) return r;
    r = attach_locked(c->caller, dom, frames);
    unlock();
    return r;
}

static int vm_detach(void *self, uint32_t dom)
{
    const struct vmctl_call *c = self;
    int r = lock();
    if (r < 0) return r;
    struct vmdom *d = find_dom(dom);
    if (!d) r = -KEA_ENOENT;
    else if ((r = may_manage(c->caller, dom)) == 0) {
        printf("vm: domain %s (%u) detached: %u faults, %u pages read, %u written\n", d->name,
               dom, d->faults, d->reads, d->writes);
        memory_pager(&kea_base_memory, dom, 0xffffffffu);   /* its faults are no longer ours */
        forget(d);
    }
    unlock();
    return r;
}

static int vm_stats(void *self, uint32_t dom, uint32_t *faults, uint32_t *reads, uint32_t *writes)
{
    (void)self;
    int r = lock();
    if (r < 0) return r;
    struct vmdom *d = find_dom(dom);
    if (d) {
        *faults = d->faults;
        *reads = d->reads;
        *writes = d->writes;
    }
    unlock();
    return d ? 0 : -KEA_ENOENT;
}

static int check_name(const char *name)
{
    return name[0] && strlen(name) < NAME_MAX_LEN ? 0 : -KEA_EINVAL;
}

static int vm_swap(void *self, const char *service)
{
    const struct vmctl_call *c = self;
    int r = lock();
    if (r < 0) return r;
    if ((r = check_name(service)) == 0 && (r = holds_domains_right(c->caller)) == 0) {
        if (vm.doms) {
            printf("vm: swap device not changed: domains are paged to %s\n", vm.swap_name);
            r = -KEA_EBUSY;
        } else {
            r = bind_swap(service);
        }
    }
    unlock();
    return r;
}

static int vm_policy(void *self, const char *service)
{
    const struct vmctl_call *c = self;
    int r = lock();
    if (r < 0) return r;
    if ((r = check_name(service)) == 0 && (r = holds_domains_right(c->caller)) == 0)
        r = bind_policy(service);
    unlock();
    return r;
}

static const struct vmctl_ops vmctl_ops = { vm_attach, vm_detach, vm_stats, vm_swap, vm_policy };

/* The vmctl portal's handler: the generated dispatcher with the calling
 * domain as the ops' `self`, for the authority checks. */
static int vmctl_entry(void *arg, struct idc_call *call)
{
    (void)arg;
    struct vmctl_call c = { call->caller };
    struct vmctl_server srv = { &vmctl_ops, &c };
    return vmctl_dispatch(&srv, call);
}

/* ---- the service ------------------------------------------------------------ */

static int vm_init(void)
{
    memset(&vm, 0, sizeof vm);
    strlcpy(vm.swap_name, "ramdisk", sizeof vm.swap_name);
    strlcpy(vm.policy_name, "clock", sizeof vm.policy_name);
    return thread_sem_create(&kea_base_thread, 1, &vm.lock);
}

/* A migration's instance that goes (kea_service_why == KEA_WHY_MIGRATE)
 * leaves the paged domains as they are: their pages stay mapped and the
 * kernel keeps calling the same pager portal, which leads to the other
 * instance now.  It only frees its memory. */
static void free_dom(struct vmdom *d)
{
    for (uint32_t l = 0; l < PAGED_PAGES / LEAF; l++) free(d->slot[l]);
    free(d->frame);
    free(d);
}

static void vm_fini(void)
{
    while (vm.doms) {
        if (kea_service_why != KEA_WHY_MIGRATE) {
            forget(vm.doms);
            continue;
        }
        struct vmdom *d = vm.doms;
        vm.doms = d->next;
        free_dom(d);
    }
    free(vm.slotmap);
    vm.slotmap = 0;
    thread_sem_destroy(&kea_base_thread, vm.lock);
}

static const struct kea_service_iface ifaces[] = {
    PAGER_SERVICE_IFACE(pager_dispatch, &pager_srv),
    VMCTL_SERVICE_IFACE(vmctl_entry, 0),
};

KEA_SERVICE(.name = "vm", .ifaces = ifaces, .nifaces = 2, .init = vm_init, .fini = vm_fini,
            .state_export = vm_export, .state_import = vm_import, .rights = KEA_RIGHT_DOMAINS);
