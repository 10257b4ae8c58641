/* kernel.memory: the memory base service (kernel/base/memory.idl):
 * map, unmap, share and copy pages of the caller, grow its heap, and the
 * operations a pager performs on the domains it serves. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "memory_server.h"
#include "pager_client.h"

static int user_area(uint32_t va, uint32_t npages)
{
    return npages && npages < (1u << 20) && va >= USER_IMAGE_BASE &&
           va + npages * PGSIZE <= ACT_SLOTS_BASE && va + npages * PGSIZE > va;
}

static int mem_map(void *self, uint32_t va, uint32_t npages, bool writable)
{
    (void)self;
    if (!user_area(va, npages)) return -KEA_EINVAL;
    return domain_map(caller_domain(), va, npages, writable, 0);
}

static int mem_unmap(void *self, uint32_t va, uint32_t npages)
{
    (void)self;
    if (!user_area(va, npages)) return -KEA_EINVAL;
    return domain_unmap(caller_domain(), va, npages);
}

static int mem_share(void *self, uint32_t va, uint32_t npages, uint32_t to_and_flags)
{
    (void)self;
    struct domain *to = domain_by_id((int)(to_and_flags & 0xffff));
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (!to || !user_area(va, npages)) return -KEA_EINVAL;
    return domain_share(caller_domain(), va, npages, to, va, (to_and_flags >> 31) & 1);
}

static int mem_copy(void *self, uint32_t va, uint32_t npages, uint32_t to_id)
{
    (void)self;
    struct domain *to = domain_by_id((int)to_id);
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (!to || !user_area(va, npages)) return -KEA_EINVAL;
    return domain_copy(caller_domain(), va, npages, to, va);
}

static int mem_grow(void *self, uint32_t nbytes, uint32_t *addr)
{
    (void)self;
    struct domain *d = caller_domain();
    uint32_t n = (nbytes + PGSIZE - 1) / PGSIZE;
    if (d->is_kernel || n == 0 || n > (USER_HEAP_TOP - d->heap_top) / PGSIZE) return -KEA_ENOMEM;
    int r = domain_map(d, d->heap_top, n, 1, 0);
    if (r < 0) return r;
    *addr = d->heap_top;
    d->heap_top += n * PGSIZE;
    return 0;
}

/* The other domain of a pager operation (the domains right needed). */
static struct domain *other(uint32_t dom, uint32_t va)
{
    struct domain *d = domain_by_id((int)dom);
    if (!d || d->is_kernel || !has_right(RIGHT_DOMAINS) || (va & (PGSIZE - 1)) || !user_area(va, 1))
        return 0;
    return d;
}

static int mem_map_in(void *self, uint32_t dom, uint32_t va, bool writable)
{
    (void)self;
    struct domain *d = other(dom, va);
    return d ? domain_map(d, va, 1, writable, 0) : -KEA_EPERM;
}

static int mem_unmap_in(void *self, uint32_t dom, uint32_t va)
{
    (void)self;
    struct domain *d = other(dom, va);
    return d ? domain_unmap(d, va, 1) : -KEA_EPERM;
}

static int mem_read_in(void *self, uint32_t dom, uint32_t va, void *data, size_t cap, size_t *len)
{
    (void)self;
    struct domain *d = other(dom, va);
    if (!d) return -KEA_EPERM;
    const void *src = domain_kva(d, va);
    if (!src) return -KEA_EFAULT;
    *len = cap < PGSIZE ? cap : PGSIZE;
    memcpy(data, src, *len);
    return 0;
}

static int mem_write_in(void *self, uint32_t dom, uint32_t va, const void *data, size_t len)
{
    (void)self;
    struct domain *d = other(dom, va);
    if (!d) return -KEA_EPERM;
    void *dst = domain_kva(d, va);
    if (!dst) return -KEA_EFAULT;
    if (len > PGSIZE) return -KEA_E2BIG;
    memcpy(dst, data, len);
    return 0;
}

static int mem_accessed_in(void *self, uint32_t dom, uint32_t va, bool *accessed, bool *dirty)
{
    (void)self;
    struct domain *d = other(dom, va);
    if (!d) return -KEA_EPERM;
    int a, w;
    int r = domain_accessed(d, va, &a, &w);
    *accessed = a;
    *dirty = w;
    return r;
}

static int mem_pager(void *self, uint32_t dom, uint32_t local)
{
    (void)self;
    struct domain *c = caller_domain(), *d = domain_by_id((int)dom);
    if (!d || d->is_kernel) return -KEA_ENOENT;
    if (local == 0xffffffffu) {          /* remove: the pager itself, or the right */
        if (!d->pager) return -KEA_ENOENT;
        if (d->pager->dom != c && !has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
        portal_put(d->pager);
        d->pager = 0;
        return 0;
    }
    if (d != c && !has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (local >= IDC_MAX_PORTALS || !c->ptab[local].cur) return -KEA_EBADPORTAL;
    struct portal *p = c->ptab[local].cur;
    if (p->iface_id != PAGER_IFACE_ID) return -KEA_EIFACE;
    portal_hold(p);
    if (d->pager) portal_put(d->pager);
    d->pager = p;
    return 0;
}

static const struct memory_ops memory_ops = {
    mem_map, mem_unmap, mem_share, mem_copy, mem_grow, mem_map_in, mem_unmap_in,
    mem_read_in, mem_write_in, mem_accessed_in, mem_pager,
};

static struct memory_server memory_srv = { &memory_ops, 0 };

struct portal *base_memory_portal(void)
{
    return kportal_create(kernel_domain, "kernel.memory", memory_dispatch, &memory_srv,
                          MEMORY_IFACE_ID, IDC_BUF_MAX, IDC_BUF_MAX);
}
