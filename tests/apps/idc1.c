/* One null IDC between two user domains, for instruction traces
 * (QEMU -d exec with one instruction per block): see docs/performance.md. */
#include <stdio.h>
#include <string.h>
#include "echo_client.h"
#include "domain_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_thread, kea_base_domain, kea_base_portal;

__attribute__((noinline)) void idc1_marker(int phase) { __asm__ volatile("" : : "r"(phase)); }

int main(void)
{
    uint32_t id, sys;
    domain_spawn(&kea_base_domain, "srv_f.o", 0, &id, 0);
    while (portal_lookup(&kea_base_portal, "f.echo", &sys) < 0)
        thread_sleep(&kea_base_thread, 10);
    kea_binding_t f;
    ECHO_BIND("f", &f);
    struct idc_args a;
    memset(&a, 0, sizeof a);
    portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a);     /* warm: slot created */
    idc1_marker(1);
    portal_invoke(IDC_PP(f.portal, ECHO_PROC_PING), &a);
    idc1_marker(2);
    uint32_t tid;
    thread_id(&kea_base_thread, &tid);
    idc1_marker(3);
    printf("idc1: done\n");
    return 0;
}
