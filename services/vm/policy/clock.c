/* The clock (second chance) page-selection policy, the VM service's
 * default (services/vm/policy.idl).
 *
 * A hand walks a domain's frames in order.  A frame whose page was
 * referenced since the hand last passed it gets a second chance: the hand
 * clears its mark and moves on; the first frame without a mark is the
 * victim, and the hand stops just past it, so that the page taking the
 * victim's frame is the last one the hand comes back to.  With every page
 * referenced the hand goes round once and evicts where it started: first
 * in, first out, which is why a cyclic scan over more pages than frames
 * faults on every access under clock, as under LRU.
 *
 * Per domain the policy keeps the hand and one mark per frame, together
 * with the page it marked: a frame whose page is not the one the policy
 * last saw (the frame was refilled, or the policy was switched away from
 * and back by a remap) starts over with what the VM service reports, and
 * so does everything when the VM service's serial says the domain id is
 * another application's now.
 *
 * Live migration carries the hands (docs/migration.md): the records, in
 * list order, become the new instance's list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/base.h>
#include <kea/service.h>
#include "../vmframe.h"
#include "policy_server.h"
#include "thread_client.h"

struct hand {
    struct hand *next;
    uint32_t dom, serial;           /* the VM service's attachment it is for */
    uint32_t selections;
    uint32_t nframes, pos;          /* the table's size when last seen; the hand */
    uint32_t va[VM_MAX_FRAMES];     /* the page each mark belongs to */
    uint8_t mark[VM_MAX_FRAMES];
};

static struct hand *hands;
static kea_handle_t lock;           /* the hands: VM services may call at once */

static struct hand *hand_of(uint32_t dom, int create)
{
    for (struct hand *h = hands; h; h = h->next)
        if (h->dom == dom) return h;
    struct hand *h = create ? calloc(1, sizeof *h) : 0;
    if (h) {
        h->dom = dom;
        h->next = hands;
        hands = h;
    }
    return h;
}

static int clock_select(void *self, uint32_t dom, uint32_t serial, const void *frames, size_t len,
                        uint32_t *victim)
{
    (void)self;
    const struct vm_frame *f = frames;
    uint32_t n = (uint32_t)(len / sizeof *f);
    if (n == 0 || n > VM_MAX_FRAMES || len % sizeof *f) return -KEA_EINVAL;
    thread_sem_down(&kea_base_thread, lock);
    struct hand *h = hand_of(dom, 1);
    if (!h) {
        thread_sem_up(&kea_base_thread, lock);
        return -KEA_ENOMEM;
    }
    if (h->serial != serial || h->nframes != n) {    /* another application or budget */
        h->serial = serial;
        h->selections = 0;
        h->nframes = n;
        h->pos = 0;
        memset(h->va, 0, sizeof h->va);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t va = vm_frame_va(&f[i]);
        int referenced = (f[i].va & VM_F_REFERENCED) != 0;
        if (h->va[i] != va) {
            h->va[i] = va;
            h->mark[i] = (uint8_t)referenced;
        } else if (referenced) {
            h->mark[i] = 1;
        }
    }
    /* At most one round clears every mark; the next frame is unmarked. */
    while (h->mark[h->pos]) {
        h->mark[h->pos] = 0;
        h->pos = (h->pos + 1) % n;
    }
    *victim = h->va[h->pos];
    h->pos = (h->pos + 1) % n;
    h->selections++;
    thread_sem_up(&kea_base_thread, lock);
    return 0;
}

static int clock_stats(void *self, uint32_t dom, uint32_t *selections)
{
    (void)self;
    thread_sem_down(&kea_base_thread, lock);
    struct hand *h = hand_of(dom, 0);
    *selections = h ? h->selections : 0;
    thread_sem_up(&kea_base_thread, lock);
    return 0;
}

static int clock_algorithm(void *self, void *name, size_t cap, size_t *len)
{
    (void)self;
    *len = (size_t)snprintf(name, cap, "clock") + 1;
    return *len <= cap ? 0 : -KEA_E2BIG;
}

static const struct policy_ops ops = { clock_select, clock_stats, clock_algorithm };
static struct policy_server server = { &ops, 0 };

static int clock_init(void)
{
    hands = 0;
    return thread_sem_create(&kea_base_thread, 1, &lock);
}

static void clock_fini(void)
{
    while (hands) {
        struct hand *h = hands;
        hands = h->next;
        free(h);
    }
    thread_sem_destroy(&kea_base_thread, lock);
}

static int clock_export(void *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    for (struct hand *h = hands; h; h = h->next) n++;
    *len = n * sizeof(struct hand);
    if (cap < *len) return -KEA_E2BIG;
    struct hand *out = buf;
    for (struct hand *h = hands; h; h = h->next, out++) {
        memcpy(out, h, sizeof *h);
        out->next = 0;
    }
    return 0;
}

static int clock_import(const void *buf, size_t len)
{
    if (len % sizeof(struct hand)) return -KEA_EINVAL;
    const struct hand *in = buf;
    struct hand **tail = &hands;
    for (size_t i = 0; i < len / sizeof *in; i++) {
        if (in[i].nframes > VM_MAX_FRAMES || (in[i].nframes && in[i].pos >= in[i].nframes))
            return -KEA_EINVAL;
        struct hand *h = malloc(sizeof *h);
        if (!h) return -KEA_ENOMEM;             /* fini frees what was built */
        memcpy(h, &in[i], sizeof *h);
        h->next = 0;
        *tail = h;
        tail = &h->next;
    }
    return 0;
}

static const struct kea_service_iface ifaces[] = {
    POLICY_SERVICE_IFACE(policy_dispatch, &server),
};

KEA_SERVICE(.name = "clock", .ifaces = ifaces, .nifaces = 1, .init = clock_init, .fini = clock_fini,
            .state_export = clock_export, .state_import = clock_import);
