/* The VM service's state hooks (kea_service state_export/state_import):
 * everything services/vm/vm.c keeps, written out by the instance that goes
 * and read back, checked, by the one that comes (a live migration, or a
 * restart from a checkpoint; docs/migration.md).  Apart from vm.c because
 * it is a format, not paging: it touches the service's data (vm.h) only.
 *
 * The state: a header (names, the swap geometry, the serial counter), the
 * swap slot bitmap, then per paged domain its record, its frame table and
 * its swap-map leaves (index, LEAF entries).  The new instance binds the
 * swap device and the policy again by name; it finds its own pager portal
 * when it next needs it (at an attach), not during the import, when that
 * portal still leads to the old instance. */
#include <stdlib.h>
#include <string.h>
#include "vm.h"
#include "block_client.h"

#define VM_STATE_MAGIC 0x766d7331u          /* "vms1" */

struct vm_state_hdr {
    uint32_t magic, attaches, blocks_per_page, nslots, ndoms, have_swap;
    char swap_name[NAME_MAX_LEN], policy_name[NAME_MAX_LEN];
};

struct vm_state_dom {
    uint32_t id, serial, budget, now, faults, reads, writes, policy_failing, nleaves;
    char name[SYS_NAME];
};

static size_t vm_state_size(void)
{
    size_t n = sizeof(struct vm_state_hdr) + (vm.nslots + 7) / 8;
    for (struct vmdom *d = vm.doms; d; d = d->next) {
        n += sizeof(struct vm_state_dom) + d->budget * sizeof(struct vm_frame);
        for (uint32_t l = 0; l < PAGED_PAGES / LEAF; l++)
            if (d->slot[l]) n += sizeof(uint32_t) * (1 + LEAF);
    }
    return n;
}

int vm_export(void *buf, size_t cap, size_t *len)
{
    *len = vm_state_size();
    if (cap < *len) return -KEA_E2BIG;
    uint8_t *p = buf;
    struct vm_state_hdr h = { VM_STATE_MAGIC, vm.attaches, vm.blocks_per_page, vm.nslots, 0,
                              (uint32_t)vm.have_swap, { 0 }, { 0 } };
    for (struct vmdom *d = vm.doms; d; d = d->next) h.ndoms++;
    strlcpy(h.swap_name, vm.swap_name, sizeof h.swap_name);
    strlcpy(h.policy_name, vm.policy_name, sizeof h.policy_name);
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    if (vm.nslots) memcpy(p, vm.slotmap, (vm.nslots + 7) / 8);
    p += (vm.nslots + 7) / 8;
    for (struct vmdom *d = vm.doms; d; d = d->next) {
        struct vm_state_dom r = { d->id, d->serial, d->budget, d->now, d->faults, d->reads,
                                  d->writes, (uint32_t)d->policy_failing, 0, { 0 } };
        for (uint32_t l = 0; l < PAGED_PAGES / LEAF; l++) r.nleaves += d->slot[l] != 0;
        memcpy(r.name, d->name, sizeof r.name);
        memcpy(p, &r, sizeof r);
        p += sizeof r;
        memcpy(p, d->frame, d->budget * sizeof *d->frame);
        p += d->budget * sizeof *d->frame;
        for (uint32_t l = 0; l < PAGED_PAGES / LEAF; l++) {
            if (!d->slot[l]) continue;
            memcpy(p, &l, sizeof l);
            memcpy(p + sizeof l, d->slot[l], LEAF * sizeof(uint32_t));
            p += sizeof(uint32_t) * (1 + LEAF);
        }
    }
    return 0;
}

/* Bytes [*at, *at + n) of the state, if it has them. */
static const uint8_t *take(const uint8_t *buf, size_t len, size_t *at, size_t n)
{
    if (n > len - *at) return 0;
    const uint8_t *p = buf + *at;
    *at += n;
    return p;
}

int vm_import(const void *buf, size_t len)
{
    size_t at = 0;
    struct vm_state_hdr h;
    const uint8_t *p = take(buf, len, &at, sizeof h);
    if (!p) return -KEA_EINVAL;
    memcpy(&h, p, sizeof h);
    if (h.magic != VM_STATE_MAGIC || !memchr(h.swap_name, 0, sizeof h.swap_name) ||
        !memchr(h.policy_name, 0, sizeof h.policy_name))
        return -KEA_EINVAL;
    if (!(p = take(buf, len, &at, (h.nslots + 7) / 8))) return -KEA_EINVAL;
    if (h.nslots) {
        if (!(vm.slotmap = malloc((h.nslots + 7) / 8))) return -KEA_ENOMEM;
        memcpy(vm.slotmap, p, (h.nslots + 7) / 8);
    }
    vm.nslots = h.nslots;
    vm.blocks_per_page = h.blocks_per_page;
    vm.attaches = h.attaches;
    strlcpy(vm.swap_name, h.swap_name, sizeof vm.swap_name);
    strlcpy(vm.policy_name, h.policy_name, sizeof vm.policy_name);
    struct vmdom **tail = &vm.doms;
    for (uint32_t i = 0; i < h.ndoms; i++) {
        struct vm_state_dom r;
        if (!(p = take(buf, len, &at, sizeof r))) return -KEA_EINVAL;
        memcpy(&r, p, sizeof r);
        if (r.budget == 0 || r.budget > VM_MAX_FRAMES || r.nleaves > PAGED_PAGES / LEAF)
            return -KEA_EINVAL;
        struct vmdom *d = calloc(1, sizeof *d);
        if (!d) return -KEA_ENOMEM;                 /* fini frees what was built */
        *tail = d;
        tail = &d->next;
        d->id = r.id;
        d->serial = r.serial;
        d->budget = r.budget;
        d->now = r.now;
        d->faults = r.faults;
        d->reads = r.reads;
        d->writes = r.writes;
        d->policy_failing = (int)r.policy_failing;
        memcpy(d->name, r.name, sizeof d->name);
        d->name[sizeof d->name - 1] = 0;
        if (!(d->frame = calloc(r.budget, sizeof *d->frame))) return -KEA_ENOMEM;
        if (!(p = take(buf, len, &at, r.budget * sizeof *d->frame))) return -KEA_EINVAL;
        memcpy(d->frame, p, r.budget * sizeof *d->frame);
        for (uint32_t k = 0; k < r.nleaves; k++) {
            uint32_t l;
            if (!(p = take(buf, len, &at, sizeof(uint32_t) * (1 + LEAF)))) return -KEA_EINVAL;
            memcpy(&l, p, sizeof l);
            if (l >= PAGED_PAGES / LEAF || d->slot[l]) return -KEA_EINVAL;
            if (!(d->slot[l] = malloc(LEAF * sizeof(uint32_t)))) return -KEA_ENOMEM;
            memcpy(d->slot[l], p + sizeof l, LEAF * sizeof(uint32_t));
        }
    }
    if (at != len) return -KEA_EINVAL;
    /* The swap device and the policy, by name (the slot map is kept). */
    int r;
    if (h.have_swap) {
        if ((r = BLOCK_BIND(vm.swap_name, &vm.swap)) < 0) return r;
        vm.have_swap = 1;
    }
    if (vm.doms && (r = bind_policy(vm.policy_name)) < 0) return r;
    return 0;
}
