/* Runs without rights: remaps needing authority are refused; its own table
 * it may remap. */
#include <stdio.h>
#include "echo_client.h"
#include "portal_client.h"
#include "domain_client.h"
#include "thread_client.h"
#include "memory_client.h"
#include "irq_client.h"
#include "sys_client.h"

extern const kea_binding_t kea_base_portal, kea_base_domain, kea_base_thread, kea_base_memory, kea_base_irq, kea_base_sys;
uint32_t kea_domain_id(void);

static void expect(const char *name, int got, int want)
{
    if (got == want) printf("PASS: idc/%s\n", name);
    else printf("FAIL: idc/%s: got %d, want %d\n", name, got, want);
}

int main(void)
{
    uint32_t f = 0, g = 0, other = 0, id;
    while (portal_lookup(&kea_base_portal, "f.echo", &f) < 0 || portal_lookup(&kea_base_portal, "g.echo", &g) < 0)
        thread_sleep(&kea_base_thread, 10);
    kea_binding_t b;
    ECHO_BIND("f", &b);
    domain_lookup(&kea_base_domain, "srv_f", &other);
    expect("unpriv-remap-global", portal_remap_global(&kea_base_portal, f, g), -KEA_EPERM);
    expect("unpriv-remap-rooted", portal_remap_rooted(&kea_base_portal, kea_domain_id(), f, g), -KEA_EPERM);
    expect("unpriv-remap-other-table", portal_remap(&kea_base_portal, other, 0, g), -KEA_EPERM);
    expect("unpriv-spawn", domain_spawn(&kea_base_domain, "srv_h.o", 0, &id, 0), -KEA_EPERM);
    expect("unpriv-create", domain_create(&kea_base_domain, "x", 0, &id), -KEA_EPERM);
    expect("unpriv-destroy", domain_destroy(&kea_base_domain, other), -KEA_EPERM);
    expect("unpriv-share", memory_share(&kea_base_memory, 0x400000, 1, other), -KEA_EPERM);
    expect("unpriv-ioports", irq_ioports(&kea_base_irq, 0x70, 2), -KEA_EPERM);
    expect("unpriv-irq-attach", irq_attach(&kea_base_irq, 8, 0), -KEA_EPERM);
    expect("unpriv-shutdown", sys_shutdown(&kea_base_sys), -KEA_EPERM);
    expect("unpriv-remap-own-table", portal_remap(&kea_base_portal, kea_domain_id(), b.portal, g), 0);
    uint32_t who = 0;
    echo_who(&b, &who);
    uint32_t gdom = 0;
    domain_lookup(&kea_base_domain, "srv_g", &gdom);
    expect("unpriv-own-remap-effective", (int)who, (int)gdom);
    printf("unpriv: done\n");
    return 0;
}
