/* vm_admin: what an administrator does to the VM service, its policies
 * and a served vm_seq, as a program for the tests (the shell's remap and
 * call commands do the same):
 *
 *     spawn vm_admin.o 15 0x1000D   remap --rooted D clock.policy mru
 *     spawn vm_admin.o 15 0x2000D   undo that remap
 *     spawn vm_admin.o 15 0x3000D   domain D's paging counters and how many
 *                                   pages clock and mru have chosen for it
 *     spawn vm_admin.o 15 0x4000D   detach domain D (reclaims its swap space
 *                                   also after the domain is gone)
 *     spawn vm_admin.o 15 0x5000D   run a round of the served vm_seq in D
 *     spawn vm_admin.o 15 0x6000D   finish it */
#include <stdio.h>
#include <kea/base.h>
#include <kea/sysinfo.h>
#include "vmctl_client.h"
#include "policy_client.h"
#include "portal_client.h"
#include "sys_client.h"
#include "workload_client.h"

static uint32_t chosen(const char *policy, uint32_t dom)
{
    kea_binding_t b;
    uint32_t n = 0;
    if (POLICY_BIND(policy, &b) == 0) policy_stats(&b, dom, &n);
    return n;
}

/* Bind the workload interface of the program in domain dom. */
static int bind_workload(uint32_t dom, kea_binding_t *b)
{
    static struct sys_domain rec[IDC_BUF_MAX / sizeof(struct sys_domain)];
    size_t len;
    uint32_t next;
    int r = sys_domains(&kea_base_sys, 0, rec, sizeof rec, &len, &next);
    if (r < 0) return r;
    for (size_t i = 0; i < len / sizeof rec[0]; i++)
        if (rec[i].id == dom) return WORKLOAD_BIND(rec[i].name, b);
    return -KEA_ENOENT;
}

int main(uint32_t arg)
{
    uint32_t op = arg >> 16, dom = arg & 0xffff, clock, mru, f, rd, w;
    kea_binding_t b;
    int r;
    switch (op) {
    case 1:
    case 2:
        r = portal_lookup(&kea_base_portal, "clock.policy", &clock);
        if (r == 0) r = portal_lookup(&kea_base_portal, "mru.policy", &mru);
        if (r == 0)
            r = op == 1 ? portal_remap_rooted(&kea_base_portal, dom, clock, mru)
                        : portal_unremap_rooted(&kea_base_portal, dom, clock);
        if (op == 1)
            printf("vm_admin: remap --rooted %u clock.policy mru: %s\n", dom,
                   r < 0 ? kea_strerror(r) : "ok");
        else
            printf("vm_admin: unremap --rooted %u clock.policy: %s\n", dom,
                   r < 0 ? kea_strerror(r) : "ok");
        break;
    case 3:
        if ((r = VMCTL_BIND("vm", &b)) == 0) r = vmctl_stats(&b, dom, &f, &rd, &w);
        if (r < 0) printf("vm_admin: domain %u: %s\n", dom, kea_strerror(r));
        else printf("vm_admin: domain %u: faults %u reads %u writes %u\n", dom, f, rd, w);
        printf("vm_admin: domain %u: clock chose %u pages, mru chose %u\n", dom,
               chosen("clock", dom), chosen("mru", dom));
        break;
    case 4:
        if ((r = VMCTL_BIND("vm", &b)) == 0) r = vmctl_detach(&b, dom);
        printf("vm_admin: detach domain %u: %s\n", dom, r < 0 ? kea_strerror(r) : "ok");
        break;
    case 5: {
        char policy[16] = "";
        size_t len;
        if ((r = bind_workload(dom, &b)) == 0)
            r = workload_round(&b, &f, &rd, &w, policy, sizeof policy - 1, &len);
        if (r < 0) printf("vm_admin: round of domain %u: %s\n", dom, kea_strerror(r));
        else printf("vm_admin: round of domain %u: ok, under %s: faults %u reads %u writes %u\n",
                    dom, policy, f, rd, w);
        break;
    }
    case 6:
        if ((r = bind_workload(dom, &b)) == 0) r = workload_finish(&b, &f);
        if (r < 0) printf("vm_admin: finish domain %u: %s\n", dom, kea_strerror(r));
        else printf("vm_admin: finish domain %u: ok, %u bad words\n", dom, f);
        break;
    default:
        printf("vm_admin: unknown operation %u\n", op);
        return 1;
    }
    return 0;
}
