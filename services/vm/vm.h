/* The VM service's shared parts (services/vm/vm.c: paging, the pager and
 * vmctl interfaces; services/vm/vmstate.c: its state for a migration or a
 * restart): the paged domains it keeps and the service's one global. */
#ifndef KEA_VM_VM_H
#define KEA_VM_VM_H
#include <stddef.h>
#include <stdint.h>
#include <kea/base.h>
#include <kea/idc.h>
#include <kea/memlayout.h>
#include <kea/sysinfo.h>
#include "vmframe.h"

#define PAGED_PAGES      ((PAGED_TOP - PAGED_BASE) / PGSIZE)
#define LEAF             256u            /* swap-slot entries per leaf of a domain's map */
#define NAME_MAX_LEN     24u

/* A domain the service pages. */
struct vmdom {
    struct vmdom *next;
    uint32_t id;
    uint32_t serial;                     /* which attachment: policy.select's serial */
    char name[SYS_NAME];
    uint32_t budget;                     /* frames it may have */
    struct vm_frame *frame;              /* budget entries; va 0: free */
    uint32_t now;                        /* fault attempts: the stamps' clock */
    uint32_t faults, reads, writes;      /* what vmctl.stats reports */
    int policy_failing;                  /* said so on the console already */
    /* Swap slot + 1 of each page that has been written to swap (0: never,
     * the page is still zero), by page index, in leaves made on demand. */
    uint32_t *slot[PAGED_PAGES / LEAF];
};

/* The service's one global, vm (defined in vm.c). */
struct vm_service {
    kea_handle_t lock;
    uint32_t owner;                      /* thread id + 1 of the holder, 0: free */
    struct vmdom *doms;
    uint32_t attaches;                   /* the last serial given */

    char swap_name[NAME_MAX_LEN], policy_name[NAME_MAX_LEN];
    kea_binding_t swap, policy, pager;
    int have_swap, have_policy, have_pager;
    uint32_t blocks_per_page;            /* of the swap device */
    uint32_t nslots;
    uint8_t *slotmap;                    /* one bit per swap slot */

    uint8_t page[PGSIZE];                /* a page on its way to or from swap */
    uint32_t records[IDC_BUF_MAX / 4];   /* sys listings */
};
extern struct vm_service vm;

int bind_policy(const char *name);      /* vm.c: policy.select goes to service `name` */

/* vmstate.c: the kea_service state hooks */
int vm_export(void *buf, size_t cap, size_t *len);
int vm_import(const void *buf, size_t len);
#endif
