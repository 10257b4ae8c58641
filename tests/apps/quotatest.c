/* The creator's side of the memory quota (issue 9, item 6), run with the
 * domains right: a domain it creates gets the default quota, which it may
 * lower (and raise up to its own), and nobody else may change. */
#include <stdio.h>
#include <kea/sysinfo.h>
#include "domain_client.h"
#include "sys_client.h"

extern const kea_binding_t kea_base_domain, kea_base_sys;
uint32_t kea_domain_id(void);

static int failed;

static void expect(const char *name, int got, int want)
{
    if (got == want) printf("PASS: trust/%s\n", name);
    else {
        failed++;
        printf("FAIL: trust/%s: got %d (%s), want %d\n", name, got, kea_strerror(got), want);
    }
}

static uint32_t quota_of(uint32_t id)
{
    struct sys_domain recs[64];
    size_t len = 0;
    uint32_t next;
    sys_domains(&kea_base_sys, 0, recs, sizeof recs, &len, &next);
    for (size_t i = 0; i < len / sizeof recs[0]; i++)
        if (recs[i].id == id) return recs[i].quota;
    return 0;
}

int main(void)
{
    uint32_t child, me = kea_domain_id();
    uint32_t mine = quota_of(me);
    expect("create-child", domain_create(&kea_base_domain, "qchild", 0, &child), 0);
    expect("child-gets-default-quota", (int)quota_of(child), (int)mine);
    expect("creator-sets-quota", domain_quota(&kea_base_domain, child, 64), 0);
    expect("quota-shown", (int)quota_of(child), 64);
    expect("not-above-creators-own", domain_quota(&kea_base_domain, child, mine + 1), -KEA_EINVAL);
    expect("only-the-creator", domain_quota(&kea_base_domain, me, 100), -KEA_EPERM);
    expect("destroy-child", domain_destroy(&kea_base_domain, child), 0);
    printf("quotatest: done, %d failed\n", failed);
    return 0;
}
