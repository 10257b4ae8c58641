/* Helpers of the VM workloads (vmapp.h). */
#include <stdio.h>
#include <string.h>
#include <kea/base.h>
#include <kea/memlayout.h>
#include <kea/sysinfo.h>
#include "vmapp.h"
#include "vmctl_client.h"
#include "policy_client.h"
#include "portal_client.h"
#include "sys_client.h"

uint32_t kea_domain_id(void);
void kea_flush(void);

static void own_name(struct vmapp *a)
{
    static struct sys_domain rec[IDC_BUF_MAX / sizeof(struct sys_domain)];
    uint32_t start = 0;
    snprintf(a->name, sizeof a->name, "%u", a->dom);
    do {
        size_t len;
        if (sys_domains(&kea_base_sys, start, rec, sizeof rec, &len, &start) < 0) return;
        for (size_t i = 0; i < len / sizeof rec[0]; i++)
            if (rec[i].id == a->dom) {
                strlcpy(a->name, rec[i].name, sizeof a->name);
                return;
            }
    } while (start);
}

int vmapp_start(struct vmapp *a, const char *prog, uint32_t frames)
{
    memset(a, 0, sizeof *a);
    a->prog = prog;
    a->dom = kea_domain_id();
    own_name(a);
    int r = VMCTL_BIND("vm", &a->vmctl);
    if (r < 0) {
        printf("%s %s: no VM service (vm.vmctl): %s\n", prog, a->name, kea_strerror(r));
        return r;
    }
    a->have_policy = POLICY_BIND("clock", &a->policy) == 0;
    if ((r = vmctl_attach(&a->vmctl, a->dom, frames)) < 0) {
        printf("%s %s: attach to the VM service: %s\n", prog, a->name, kea_strerror(r));
        return r;
    }
    return 0;
}

void vmapp_algorithm(struct vmapp *a, char *buf, size_t cap)
{
    size_t len = 0;
    if (!a->have_policy || policy_algorithm(&a->policy, buf, cap - 1, &len) < 0) len = 0;
    buf[len] = 0;
    if (!buf[0]) strlcpy(buf, "none", cap);
}

int vmapp_rooted_mru(struct vmapp *a, int on)
{
    uint32_t from, to;
    int r = portal_lookup(&kea_base_portal, "clock.policy", &from);
    if (r == 0) r = portal_lookup(&kea_base_portal, "mru.policy", &to);
    if (r == 0)
        r = on ? portal_remap_rooted(&kea_base_portal, a->dom, from, to)
               : portal_unremap_rooted(&kea_base_portal, a->dom, from);
    printf("%s %s: %s: %s\n", a->prog, a->name,
           on ? "MRU installed for this domain (rooted remap clock.policy -> mru.policy)"
              : "MRU removed (rooted remap undone)",
           r < 0 ? kea_strerror(r) : "ok");
    return r;
}

int vmapp_delta(struct vmapp *a, uint32_t *faults, uint32_t *reads, uint32_t *writes)
{
    uint32_t f, r, w;
    int e = vmctl_stats(&a->vmctl, a->dom, &f, &r, &w);
    if (e < 0) return e;
    *faults = f - a->faults;
    *reads = r - a->reads;
    *writes = w - a->writes;
    a->faults = f;
    a->reads = r;
    a->writes = w;
    return 0;
}

void vmapp_finish(struct vmapp *a, uint32_t bad)
{
    uint32_t f, r, w;
    if (vmctl_stats(&a->vmctl, a->dom, &f, &r, &w) == 0)
        printf("%s %s: total: faults %u reads %u writes %u\n", a->prog, a->name, f, r, w);
    int e = vmctl_detach(&a->vmctl, a->dom);
    if (e < 0) printf("%s %s: detach: %s\n", a->prog, a->name, kea_strerror(e));
    if (bad) printf("%s %s: done, DATA CORRUPTED (%u bad words)\n", a->prog, a->name, bad);
    else printf("%s %s: done, data ok\n", a->prog, a->name);
    kea_flush();
}

uint32_t vmapp_word(uint32_t dom, uint32_t page, uint32_t word, uint32_t gen)
{
    uint32_t x = dom * 0x9e3779b1u ^ page * 0x85ebca6bu ^ word * 0xc2b2ae35u ^ gen * 0x27d4eb2fu;
    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    return x;
}

volatile uint32_t *vmapp_page(uint32_t page)
{
    return (volatile uint32_t *)(PAGED_BASE + page * PGSIZE);
}
