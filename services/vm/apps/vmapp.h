/* What the VM workloads (vm_seq.c, vm_rand.c) share: attaching themselves
 * to the VM service, its counters, the policy serving them, and the data
 * they write into their paged area and check when reading it back. */
#ifndef KEA_VMAPP_H
#define KEA_VMAPP_H
#include <stddef.h>
#include <stdint.h>
#include <kea/binding.h>

#define VMAPP_WORDS 1024u                       /* words in a page */

struct vmapp {
    const char *prog;            /* "vm_seq": what its lines start with */
    char name[24];               /* its domain's name */
    uint32_t dom;
    kea_binding_t vmctl;         /* vm.vmctl */
    kea_binding_t policy;        /* clock.policy, as the VM service calls it */
    int have_policy;
    uint32_t faults, reads, writes;   /* the VM's counters at the last vmapp_delta() */
};

/* Attach this domain to the VM service ("vm") with `frames` frames; prints
 * why not and returns the error if it cannot. */
int vmapp_start(struct vmapp *a, const char *prog, uint32_t frames);
/* The algorithm that answers this domain's calls to the default policy
 * portal, as the VM service's calls on its threads are answered ("clock",
 * "mru"; "none" if that portal fails). */
void vmapp_algorithm(struct vmapp *a, char *buf, size_t cap);
/* Install (on) or remove the MRU policy for this domain: a domain-rooted
 * remap of clock.policy to mru.policy.  Needs the remap rights. */
int vmapp_rooted_mru(struct vmapp *a, int on);
/* The VM's counters since the last call (or the attach). */
int vmapp_delta(struct vmapp *a, uint32_t *faults, uint32_t *reads, uint32_t *writes);
/* Detach from the VM service and report the totals. */
void vmapp_finish(struct vmapp *a, uint32_t bad);
/* The word at index `word` of page `page` after the page's `gen`-th
 * write; domains differ, so pages swapped to the wrong owner show. */
uint32_t vmapp_word(uint32_t dom, uint32_t page, uint32_t word, uint32_t gen);
/* Page `page` of the paged area. */
volatile uint32_t *vmapp_page(uint32_t page);
#endif
