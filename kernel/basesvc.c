/* The base services: the kernel's functions offered as portals, created at
 * initialization (portal_invoke() is the only system call).  Each is a
 * kernel-placed implementation of an interface in kernel/base/ (one .idl each), called
 * through the generated dispatchers.  The caller is the domain of the
 * activation below the service's own. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include <kea/tls.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "udomain.h"
#include "service.h"
#include "irqsvc.h"
#include "sched.h"
#include "console_server.h"
#include "thread_server.h"
#include "domain_server.h"
#include "memory_server.h"
#include "portal_server.h"
#include "irq_server.h"
#include "sys_server.h"
#include "pager_client.h"

static struct domain *caller(void)
{
    return cur->depth > 0 ? cur->act[cur->depth - 1].dom : cur->root;
}

static int has_right(uint32_t right) { return (caller()->rights & right) == right; }

/* ---- console ---- */
static int con_write(void *self, const void *data, size_t len)
{
    (void)self;
    kconsole_write(data, len);
    return 0;
}

static int con_read(void *self, void *data, size_t cap, size_t *len)
{
    (void)self;
    if (cap == 0) return -KEA_EINVAL;
    *len = (size_t)tty_read(data, cap);
    return 0;
}

static int con_mode(void *self, bool raw)
{
    (void)self;
    tty_set_mode(raw ? TTY_RAW : TTY_COOKED);
    return 0;
}

static const struct console_ops console_ops = { con_write, con_read, con_mode };

/* ---- threads ---- */
#define EXITS 32
static struct { int tid, status; } exits[EXITS];   /* recent exit statuses, for join */
static int exit_next;

void basesvc_thread_exited(int tid, int status)
{
    exits[exit_next].tid = tid;
    exits[exit_next].status = status;
    exit_next = (exit_next + 1) % EXITS;
}

static int th_id(void *self, uint32_t *tid) { (void)self; *tid = (uint32_t)cur->id; return 0; }

/* Threads rooted in one domain without the domains right: at most a
 * quarter of the thread table, so no such domain can fill it (issue 9). */
#define THREADS_PER_DOMAIN (MAX_THREADS / 4)

static int th_create(void *self, uint32_t entry, uint32_t arg, uint32_t *tid)
{
    (void)self;
    struct domain *d = caller();
    if (d->is_kernel || entry >= USER_TOP) return -KEA_EINVAL;
    if (!(d->rights & RIGHT_DOMAINS) && d->nthreads >= THREADS_PER_DOMAIN) return -KEA_ENOMEM;
    struct thread *t = thread_create_user(d, d->name, entry, arg, 0);
    if (!t) return -KEA_ENOMEM;
    *tid = (uint32_t)t->id;
    return 0;
}

/* exit() in a thread's own domain ends the thread.  Inside a call (a
 * service calling exit, panic, abort or failing an assert) it ends only
 * that call: the thread belongs to the caller, who gets -KEA_ECALLEEFAULT
 * (idc.c acts on end_call when this handler returns). */
static int th_exit(void *self, int32_t status)
{
    (void)self;
    if (cur->depth >= 2 && !cur->act[cur->depth - 1].dom->is_kernel) {
        cur->end_call = 1;
        return status;
    }
    kthread_exit(status);
}
static int th_yield(void *self) { (void)self; sched_yield(); return 0; }

static int th_sleep(void *self, uint32_t ms)
{
    (void)self;
    sleep_ticks((ms * timer_hz + 999) / 1000);
    return 0;
}

static int sem_index(struct domain *d, kea_handle_t h)
{
    return h >= 1 && h <= 16 && d->sem[h - 1].used ? (int)h - 1 : -1;
}

static int th_sem_create(void *self, uint32_t value, kea_handle_t *sem)
{
    (void)self;
    struct domain *d = caller();
    for (int i = 0; i < 16; i++)
        if (!d->sem[i].used) {
            d->sem[i].used = 1;
            d->sem[i].value = (int)value;
            *sem = (kea_handle_t)i + 1;
            return 0;
        }
    return -KEA_ENOMEM;
}

static int th_sem_down(void *self, kea_handle_t h)
{
    (void)self;
    struct domain *d = caller();
    int i = sem_index(d, h);
    if (i < 0) return -KEA_EINVAL;
    while (d->sem[i].value == 0) {
        sleep_on(&d->sem[i]);
        if (!d->sem[i].used) return -KEA_EDEAD;
    }
    d->sem[i].value--;
    return 0;
}

static int th_sem_up(void *self, kea_handle_t h)
{
    (void)self;
    struct domain *d = caller();
    int i = sem_index(d, h);
    if (i < 0) return -KEA_EINVAL;
    d->sem[i].value++;
    wakeup(&d->sem[i]);
    return 0;
}

static int th_sem_destroy(void *self, kea_handle_t h)
{
    (void)self;
    struct domain *d = caller();
    int i = sem_index(d, h);
    if (i < 0) return -KEA_EINVAL;
    d->sem[i].used = 0;
    wakeup(&d->sem[i]);
    return 0;
}

static int th_join(void *self, uint32_t tid, int32_t *status)
{
    (void)self;
    struct thread *t;
    while ((t = thread_by_id((int)tid)) != 0) {
        if (t == cur) return -KEA_EINVAL;
        sleep_on(t);
    }
    for (int i = 0; i < EXITS; i++)
        if (exits[i].tid == (int)tid) {
            *status = exits[i].status;
            return 0;
        }
    return -KEA_ENOENT;
}

static const struct thread_ops thread_ops = {
    th_id, th_create, th_exit, th_yield, th_sleep, th_sem_create, th_sem_down,
    th_sem_up, th_sem_destroy, th_join,
};

/* ---- domains ---- */
static int dom_self(void *self, uint32_t *id) { (void)self; *id = (uint32_t)caller()->id; return 0; }

static int dom_spawn(void *self, const char *cmdline, uint32_t rights, uint32_t *id, uint32_t *tid)
{
    (void)self;
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    char module[64];
    size_t n = strcspn(cmdline, " ");
    if (n == 0 || n >= sizeof module) return -KEA_EINVAL;
    memcpy(module, cmdline, n);
    module[n] = 0;
    const char *args = cmdline + n;
    while (*args == ' ') args++;
    char err[160];
    int t = 0;
    struct domain *d = udomain_spawn(module, rights & caller()->rights, args, &t, err, sizeof err);
    if (!d) {
        printf("spawn: %s\n", err);
        if (!bmodfs_find(module)) return -KEA_ENOENT;
        /* The loader's messages name memory exhaustion: report it as such,
         * not as a bad object (issue 9). */
        return strstr(err, "out of memory") || strstr(err, "or memory") ? -KEA_ENOMEM : -KEA_EBADOBJ;
    }
    d->creator = caller()->id;
    *id = (uint32_t)d->id;
    *tid = (uint32_t)t;
    return 0;
}

static int dom_create(void *self, const char *name, uint32_t rights, uint32_t *id)
{
    (void)self;
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (!name[0] || strlen(name) >= DOMAIN_NAME) return -KEA_EINVAL;
    if (domain_by_name(name)) return -KEA_EEXIST;
    char err[160];
    struct domain *d = udomain_create(name, rights & caller()->rights, err, sizeof err);
    if (!d) {
        printf("domain create: %s\n", err);
        return -KEA_ENOMEM;
    }
    d->creator = caller()->id;
    *id = (uint32_t)d->id;
    return 0;
}

static int dom_destroy(void *self, uint32_t id)
{
    (void)self;
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    struct domain *d = domain_by_id((int)id);
    if (!d) return -KEA_ENOENT;
    return kdomain_destroy(d);
}

static int dom_lookup(void *self, const char *name, uint32_t *id)
{
    (void)self;
    struct domain *d = domain_by_name(name);
    if (!d) return -KEA_ENOENT;
    *id = (uint32_t)d->id;
    return 0;
}

static int dom_quota(void *self, uint32_t id, uint32_t pages)
{
    (void)self;
    struct domain *d = domain_by_id((int)id);
    if (!d) return -KEA_ENOENT;
    return domain_set_quota(caller(), d, pages);
}

static const struct domain_ops domain_ops = {
    .self = dom_self, .spawn = dom_spawn, .create = dom_create, .destroy = dom_destroy,
    .lookup = dom_lookup, .quota = dom_quota,
};

/* ---- memory ---- */
static int user_area(uint32_t va, uint32_t npages)
{
    return npages && npages < (1u << 20) && va >= USER_IMAGE_BASE &&
           va + npages * PGSIZE <= ACT_SLOTS_BASE && va + npages * PGSIZE > va;
}

static int mem_map(void *self, uint32_t va, uint32_t npages, bool writable)
{
    (void)self;
    if (!user_area(va, npages)) return -KEA_EINVAL;
    return domain_map(caller(), va, npages, writable, 0);
}

static int mem_unmap(void *self, uint32_t va, uint32_t npages)
{
    (void)self;
    if (!user_area(va, npages)) return -KEA_EINVAL;
    return domain_unmap(caller(), va, npages);
}

static int mem_share(void *self, uint32_t va, uint32_t npages, uint32_t to_and_flags)
{
    (void)self;
    struct domain *to = domain_by_id((int)(to_and_flags & 0xffff));
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (!to || !user_area(va, npages)) return -KEA_EINVAL;
    return domain_share(caller(), va, npages, to, va, (to_and_flags >> 31) & 1);
}

static int mem_copy(void *self, uint32_t va, uint32_t npages, uint32_t to_id)
{
    (void)self;
    struct domain *to = domain_by_id((int)to_id);
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (!to || !user_area(va, npages)) return -KEA_EINVAL;
    return domain_copy(caller(), va, npages, to, va);
}

static int mem_grow(void *self, uint32_t nbytes, uint32_t *addr)
{
    (void)self;
    struct domain *d = caller();
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
    struct domain *c = caller(), *d = domain_by_id((int)dom);
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
    portal_get(p);
    if (d->pager) portal_put(d->pager);
    d->pager = p;
    return 0;
}

static const struct memory_ops memory_ops = {
    mem_map, mem_unmap, mem_share, mem_copy, mem_grow, mem_map_in, mem_unmap_in,
    mem_read_in, mem_write_in, mem_accessed_in, mem_pager,
};

/* ---- portals ---- */

/* Names have owners.  A name is "PREFIX.rest" (or just PREFIX); a user
 * domain may register it when PREFIX is its own name, or when PREFIX is
 * nobody's: not another domain's name (the kernel's included) and not a
 * loaded service's.  The loader also takes back a service's names from
 * squatters when it loads the service (portal_reclaim_names). */
static int name_owned_by_other(const struct domain *d, const char *name)
{
    char prefix[DOMAIN_NAME + 8];
    size_t n = strcspn(name, ".");
    if (n >= sizeof prefix) return 0;            /* longer than any domain or service name */
    memcpy(prefix, name, n);
    prefix[n] = 0;
    if (strcmp(prefix, d->name) == 0) return 0;
    struct service *s = service_by_name(prefix);
    if (s && migrate_is_heir(s, d)) return 0;   /* s's new instance, while it replaces s */
    struct domain *o = domain_by_name(prefix);
    if (o && o != d) return 1;
    return s && s->dom != d;
}

static int po_create(void *self, uint32_t handler, uint32_t arg, uint32_t iface_id,
                     const char *name, uint32_t *sys, uint32_t *local)
{
    (void)self;
    struct domain *d = caller();
    if (!name[0] || strlen(name) >= sizeof ((struct portal *)0)->name) return -KEA_EINVAL;
    if (!d->is_kernel && name_owned_by_other(d, name)) return -KEA_EPERM;
    if (portal_by_name(name)) return -KEA_EEXIST;
    if (!d->is_kernel && handler >= USER_TOP) return -KEA_EINVAL;
    struct portal *p = kportal_create(d, name, (idc_handler_t)handler, (void *)arg, iface_id,
                                     IDC_BUF_MAX, IDC_BUF_MAX);
    if (!p) return -KEA_ENOMEM;
    if (d->is_kernel && cur->depth >= 1 && cur->act[cur->depth - 1].portal)
        p->owner = cur->act[cur->depth - 1].portal->owner;   /* the kernel-placed creator */
    int l = kportal_grant(d, p);
    if (l < 0) {
        kportal_revoke(p);
        return l;
    }
    *sys = (uint32_t)p->id;
    *local = (uint32_t)l;
    return 0;
}

static int po_grant(void *self, uint32_t local, uint32_t to, uint32_t *their)
{
    (void)self;
    struct domain *d = caller(), *t = domain_by_id((int)to);
    if (local >= IDC_MAX_PORTALS || !d->ptab[local].cur) return -KEA_EBADPORTAL;
    if (!t) return -KEA_ENOENT;
    if (t != d && !has_right(RIGHT_DOMAINS) && t->accept_from != d->id && t->accept_from != ACCEPT_ANY)
        return -KEA_EPERM;                       /* no right and no consent */
    int l = portal_grant_from(d, t, d->ptab[local].cur);
    if (l < 0) return l;
    *their = (uint32_t)l;
    return 0;
}

static int po_bind(void *self, const char *name, uint32_t *local, uint32_t *iface, uint32_t *sys)
{
    (void)self;
    struct portal *p = portal_by_name(name);
    if (!p) return -KEA_ENOENT;
    struct domain *d = caller();
    for (int i = 0; i < IDC_MAX_PORTALS; i++)        /* already bound: same id */
        if (d->ptab[i].cur == p || d->ptab[i].orig == p) {
            *local = (uint32_t)i;
            goto found;
        }
    int l = kportal_grant(d, p);
    if (l < 0) return l;
    *local = (uint32_t)l;
found:
    *iface = p->iface_id;
    *sys = (uint32_t)p->id;
    return 0;
}

static int po_lookup(void *self, const char *name, uint32_t *sys)
{
    (void)self;
    struct portal *p = portal_by_name(name);
    if (!p) return -KEA_ENOENT;
    *sys = (uint32_t)p->id;
    return 0;
}

static int po_revoke(void *self, uint32_t sys)
{
    (void)self;
    struct portal *p = portal_by_id((int)sys);
    if (!p || !p->dom) return -KEA_ENOENT;
    if (p->dom != caller() && !has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    kportal_revoke(p);
    return 0;
}

static int po_release(void *self, uint32_t local)
{
    (void)self;
    return kportal_release(caller(), (int)local);
}

static int po_remap(void *self, uint32_t dom, uint32_t local, uint32_t to_sys)
{
    (void)self;
    struct domain *d = domain_by_id((int)dom);
    if (!d) return -KEA_ENOENT;
    struct portal *to = portal_by_id((int)to_sys);
    if (!to) return -KEA_ENOENT;
    return remap_local(caller(), d, (int)local, to);
}

static int po_unremap(void *self, uint32_t dom, uint32_t local)
{
    (void)self;
    struct domain *d = domain_by_id((int)dom);
    if (!d) return -KEA_ENOENT;
    return unremap_local(caller(), d, (int)local);
}

static int po_remap_global(void *self, uint32_t sys, uint32_t to_sys)
{
    (void)self;
    struct portal *p = portal_by_id((int)sys), *to = portal_by_id((int)to_sys);
    if (!p || !to) return -KEA_ENOENT;
    return remap_global(caller(), p, to);
}

static int po_unremap_global(void *self, uint32_t sys)
{
    (void)self;
    struct portal *p = portal_by_id((int)sys);
    if (!p) return -KEA_ENOENT;
    return unremap_global(caller(), p);
}

static int po_remap_rooted(void *self, uint32_t root, uint32_t sys, uint32_t to_sys)
{
    (void)self;
    struct domain *r = domain_by_id((int)root);
    struct portal *p = portal_by_id((int)sys), *to = portal_by_id((int)to_sys);
    if (!r || !p || !to) return -KEA_ENOENT;
    return remap_rooted(caller(), r, p, to);
}

static int po_unremap_rooted(void *self, uint32_t root, uint32_t sys)
{
    (void)self;
    struct domain *r = domain_by_id((int)root);
    struct portal *p = portal_by_id((int)sys);
    if (!r || !p) return -KEA_ENOENT;
    return unremap_rooted(caller(), r, p);
}

static int po_accept(void *self, uint32_t from)
{
    (void)self;
    struct domain *d = caller();
    if (from == 0xffffffffu) d->accept_from = ACCEPT_NONE;
    else if (from == 0xfffffffeu) d->accept_from = ACCEPT_ANY;
    else if (!domain_by_id((int)from)) return -KEA_ENOENT;
    else d->accept_from = (int)from;
    return 0;
}

static const struct portal_ops portal_ops = {
    po_create, po_grant, po_bind, po_lookup, po_revoke, po_release, po_remap, po_unremap,
    po_remap_global, po_unremap_global, po_remap_rooted, po_unremap_rooted, po_accept,
};

/* ---- interrupts ---- */
static int irq_attach_op(void *self, uint32_t irq, uint32_t local)
{
    (void)self;
    if (!has_right(RIGHT_IO)) return -KEA_EPERM;
    return irqsvc_attach(caller(), (int)irq, (int)local);
}

static int irq_detach_op(void *self, uint32_t irq)
{
    (void)self;
    if (!has_right(RIGHT_IO)) return -KEA_EPERM;
    return irqsvc_detach(caller(), (int)irq);
}

static int irq_ioports_op(void *self, uint32_t base, uint32_t count)
{
    (void)self;
    if (!has_right(RIGHT_IO)) return -KEA_EPERM;
    return ioports_grant(caller(), base, count);
}

static const struct irq_ops irq_ops = { irq_attach_op, irq_detach_op, irq_ioports_op };

/* ---- creation ---- */

static struct console_server console_srv = { &console_ops, 0 };
static struct thread_server thread_srv = { &thread_ops, 0 };
static struct domain_server domain_srv = { &domain_ops, 0 };
static struct memory_server memory_srv = { &memory_ops, 0 };
static struct portal_server portal_srv = { &portal_ops, 0 };
static struct irq_server irq_srv = { &irq_ops, 0 };

void basesvc_init(void)
{
    struct portal *p[BASE_NPORTALS];
    p[BASE_CONSOLE] = kportal_create(kernel_domain, "kernel.console", console_dispatch, &console_srv,
                                    CONSOLE_IFACE_ID, IDC_BUF_MAX, IDC_BUF_MAX);
    p[BASE_THREAD] = kportal_create(kernel_domain, "kernel.thread", thread_dispatch, &thread_srv,
                                   THREAD_IFACE_ID, 0, 0);
    p[BASE_DOMAIN] = kportal_create(kernel_domain, "kernel.domain", domain_dispatch, &domain_srv,
                                   DOMAIN_IFACE_ID, 64, 0);
    p[BASE_MEMORY] = kportal_create(kernel_domain, "kernel.memory", memory_dispatch, &memory_srv,
                                   MEMORY_IFACE_ID, IDC_BUF_MAX, IDC_BUF_MAX);
    p[BASE_PORTAL] = kportal_create(kernel_domain, "kernel.portal", portal_dispatch, &portal_srv,
                                   PORTAL_IFACE_ID, 64, 0);
    p[BASE_IRQ] = kportal_create(kernel_domain, "kernel.irq", irq_dispatch, &irq_srv,
                                IRQ_IFACE_ID, 0, 0);
    p[BASE_SYS] = sysinfo_portal();
    for (int i = 0; i < BASE_NPORTALS; i++)
        if (!p[i]) panic("cannot create the base portals");
    udomain_set_base_portals(p);
}
