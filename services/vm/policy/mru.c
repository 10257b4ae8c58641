/* The most-recently-used page-selection policy (services/vm/policy.idl):
 * evict the page used last, of those used last the one loaded last.
 *
 * It is the right policy for an application that scans more pages than it
 * has frames, over and over: the page just used is the one it will need
 * again furthest in the future.  Under clock or LRU such a scan faults on
 * every access; under MRU all but one frame keep their pages and each pass
 * faults only on the pages that do not fit.  It is a poor default for
 * anything else, hence installed per application by a domain-rooted remap.
 *
 * Recency comes from the VM service's stamps (services/vm/vmframe.h), so
 * the policy keeps nothing but a count of its choices per domain. */
#include <stdio.h>
#include <stdlib.h>
#include <kea/base.h>
#include <kea/service.h>
#include "../vmframe.h"
#include "policy_server.h"
#include "thread_client.h"

struct count {
    struct count *next;
    uint32_t dom, serial, selections;   /* choices for the attachment `serial` of dom */
};

static struct count *counts;
static kea_handle_t lock;           /* the list */

static struct count *count_of(uint32_t dom, int create)
{
    for (struct count *c = counts; c; c = c->next)
        if (c->dom == dom) return c;
    struct count *c = create ? calloc(1, sizeof *c) : 0;
    if (c) {
        c->dom = dom;
        c->next = counts;
        counts = c;
    }
    return c;
}

static int mru_select(void *self, uint32_t dom, uint32_t serial, const void *frames, size_t len,
                      uint32_t *victim)
{
    (void)self;
    const struct vm_frame *f = frames;
    uint32_t n = (uint32_t)(len / sizeof *f);
    if (n == 0 || n > VM_MAX_FRAMES || len % sizeof *f) return -KEA_EINVAL;
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (f[i].used > f[best].used || (f[i].used == f[best].used && f[i].loaded > f[best].loaded))
            best = i;
    *victim = vm_frame_va(&f[best]);
    thread_sem_down(&kea_base_thread, lock);
    struct count *c = count_of(dom, 1);
    if (c && c->serial != serial) {
        c->serial = serial;
        c->selections = 0;
    }
    if (c) c->selections++;
    thread_sem_up(&kea_base_thread, lock);
    return 0;
}

static int mru_stats(void *self, uint32_t dom, uint32_t *selections)
{
    (void)self;
    thread_sem_down(&kea_base_thread, lock);
    struct count *c = count_of(dom, 0);
    *selections = c ? c->selections : 0;
    thread_sem_up(&kea_base_thread, lock);
    return 0;
}

static int mru_algorithm(void *self, void *name, size_t cap, size_t *len)
{
    (void)self;
    *len = (size_t)snprintf(name, cap, "mru") + 1;
    return *len <= cap ? 0 : -KEA_E2BIG;
}

static const struct policy_ops ops = { mru_select, mru_stats, mru_algorithm };
static struct policy_server server = { &ops, 0 };

static int mru_init(void)
{
    counts = 0;
    return thread_sem_create(&kea_base_thread, 1, &lock);
}

static void mru_fini(void)
{
    while (counts) {
        struct count *c = counts;
        counts = c->next;
        free(c);
    }
    thread_sem_destroy(&kea_base_thread, lock);
}

/* Live migration (docs/migration.md): the counts, in list order. */
static int mru_export(void *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    for (struct count *c = counts; c; c = c->next) n++;
    *len = n * sizeof(struct count);
    if (cap < *len) return -KEA_E2BIG;
    struct count *out = buf;
    for (struct count *c = counts; c; c = c->next, out++) {
        *out = *c;
        out->next = 0;
    }
    return 0;
}

static int mru_import(const void *buf, size_t len)
{
    if (len % sizeof(struct count)) return -KEA_EINVAL;
    const struct count *in = buf;
    struct count **tail = &counts;
    for (size_t i = 0; i < len / sizeof *in; i++) {
        struct count *c = malloc(sizeof *c);
        if (!c) return -KEA_ENOMEM;             /* fini frees what was built */
        *c = in[i];
        c->next = 0;
        *tail = c;
        tail = &c->next;
    }
    return 0;
}

static const struct kea_service_iface ifaces[] = {
    POLICY_SERVICE_IFACE(policy_dispatch, &server),
};

KEA_SERVICE(.name = "mru", .ifaces = ifaces, .nifaces = 1, .init = mru_init, .fini = mru_fini,
            .state_export = mru_export, .state_import = mru_import);
