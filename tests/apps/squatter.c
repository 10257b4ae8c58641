/* A domain with no rights attacking portal names and other domains'
 * portal tables (issue 9, items 4 and 5).  Needs srv_f (f.echo); the test
 * (tests/qemu/test_trust.py) loads the clock service while it waits, and
 * spawns grantvictim, which consents to its grants.
 *
 *   1. grants into srv_f's and the kernel's tables: refused (no consent);
 *   2. names: another domain's prefix ("srv_f.", "kernel.") refused, its own
 *      accepted; "clock.policy" taken before the clock service is loaded,
 *      then revoked by the loader, and "clock." refused once it is loaded;
 *   3. grants into grantvictim (which consents): at most a quarter of its
 *      table, then refused; they go when this domain is destroyed.
 * Prints PASS:/FAIL: lines and "squatter: done, N failed". */
#include <stdio.h>
#include <string.h>
#include "echo_client.h"
#include "portal_client.h"
#include "domain_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_portal, kea_base_domain, kea_base_thread;

static int failed;

static void expect(const char *name, int got, int want)
{
    if (got == want) printf("PASS: trust/%s\n", name);
    else {
        failed++;
        printf("FAIL: trust/%s: got %d (%s), want %d\n", name, got, kea_strerror(got), want);
    }
}

static int handler(void *self, struct idc_call *c) { (void)self; (void)c; return 0; }

static int create(const char *name, uint32_t *local)
{
    uint32_t sys, l;
    int r = portal_create(&kea_base_portal, (uint32_t)handler, 0, 0x5157u, name, &sys, &l);
    if (local) *local = l;
    return r;
}

int main(void)
{
    kea_binding_t f;
    while (ECHO_BIND("f", &f) < 0)
        thread_sleep(&kea_base_thread, 10);
    uint32_t srv_f = 0, their;
    domain_lookup(&kea_base_domain, "srv_f", &srv_f);

    expect("grant-into-other-table-refused", portal_grant(&kea_base_portal, f.portal, srv_f, &their),
           -KEA_EPERM);
    expect("grant-into-kernel-refused", portal_grant(&kea_base_portal, f.portal, 0, &their), -KEA_EPERM);

    expect("name-of-other-domain-refused", create("srv_f.echo", 0), -KEA_EPERM);
    expect("name-of-kernel-refused", create("kernel.console2", 0), -KEA_EPERM);
    expect("own-name-accepted", create("squatter.x", 0), 0);
    expect("existing-name-refused", create("f.echo", 0), -KEA_EEXIST);
    uint32_t squat = 0;
    expect("unloaded-service-name-taken", create("clock.policy", &squat), 0);
    printf("squatter: squatted\n");

    /* The test loads the clock service now: the loader takes its name back. */
    kea_binding_t sq = { squat, 0x5157u };
    struct idc_args a;
    for (int i = 0; i < 3000; i++) {
        memset(&a, 0, sizeof a);
        if (portal_invoke(IDC_PP(sq.portal, 0), &a) == -KEA_EDEAD) break;
        thread_sleep(&kea_base_thread, 10);
    }
    memset(&a, 0, sizeof a);
    expect("loader-revoked-squatted-name", portal_invoke(IDC_PP(sq.portal, 0), &a), -KEA_EDEAD);
    expect("loaded-service-name-refused", create("clock.other", 0), -KEA_EPERM);

    /* grantvictim consents to our grants: fill what it allows. */
    uint32_t victim = 0;
    int r = -KEA_EPERM;
    for (int i = 0; i < 3000 && r == -KEA_EPERM; i++) {
        if (domain_lookup(&kea_base_domain, "grantvictim", &victim) == 0)
            r = portal_grant(&kea_base_portal, f.portal, victim, &their);
        if (r == -KEA_EPERM) thread_sleep(&kea_base_thread, 10);
    }
    expect("grant-with-consent", r, 0);
    int granted = r == 0, last = 0;
    for (int i = 0; i < 300; i++) {
        last = portal_grant(&kea_base_portal, f.portal, victim, &their);
        if (last < 0) break;
        granted++;
    }
    printf("squatter: granted %d entries into grantvictim\n", granted);
    expect("grants-limited-to-a-quarter-table", granted, IDC_MAX_PORTALS / 4);
    expect("grant-over-limit-refused", last, -KEA_ENOMEM);
    printf("squatter: done, %d failed\n", failed);
    return 0;
}
