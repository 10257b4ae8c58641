/* The consenting side of squatter.c's grant attack (issue 9, item 4): it
 * accepts grants from domain `squatter`, waits for its table to take them,
 * checks that it can still create and bind portals of its own, then waits
 * for the squatter to be destroyed and checks every granted entry is gone.
 * Prints PASS:/FAIL: lines and "grantvictim: done, N failed". */
#include <stdio.h>
#include <kea/sysinfo.h>
#include "portal_client.h"
#include "domain_client.h"
#include "thread_client.h"
#include "sys_client.h"

extern const kea_binding_t kea_base_portal, kea_base_domain, kea_base_thread, kea_base_sys;
uint32_t kea_domain_id(void);

static int failed;

static void expect(const char *name, int ok, int got)
{
    if (ok) printf("PASS: trust/%s (%d)\n", name, got);
    else {
        failed++;
        printf("FAIL: trust/%s (%d)\n", name, got);
    }
}

/* Entries in this domain's table that reach f.echo's system portal. */
static int entries_to(uint32_t sys)
{
    static struct sys_portal recs[IDC_MAX_PORTALS];
    size_t len = 0;
    uint32_t next = 0;
    int n = 0;
    if (sys_portals(&kea_base_sys, kea_domain_id(), 0, recs, sizeof recs, &len, &next) < 0)
        return -1;
    for (size_t i = 0; i < len / sizeof recs[0]; i++)
        if (recs[i].sys == sys) n++;
    return n;
}

static int handler(void *self, struct idc_call *c) { (void)self; (void)c; return 0; }

int main(void)
{
    uint32_t attacker = 0, fsys = 0;
    while (domain_lookup(&kea_base_domain, "squatter", &attacker) < 0 ||
           portal_lookup(&kea_base_portal, "f.echo", &fsys) < 0)
        thread_sleep(&kea_base_thread, 10);
    portal_accept(&kea_base_portal, attacker);
    int n = 0;
    for (int i = 0; i < 3000 && (n = entries_to(fsys)) < IDC_MAX_PORTALS / 4; i++)
        thread_sleep(&kea_base_thread, 10);
    thread_sleep(&kea_base_thread, 100);           /* let the over-limit grants be refused */
    n = entries_to(fsys);
    expect("victim-holds-at-most-a-quarter", n == IDC_MAX_PORTALS / 4, n);

    int ok = 0;
    for (int i = 0; i < 20; i++) {
        char name[32];
        uint32_t sys, local;
        snprintf(name, sizeof name, "grantvictim.p%d", i);
        if (portal_create(&kea_base_portal, (uint32_t)handler, 0, 0x77u, name, &sys, &local) == 0) ok++;
    }
    expect("victim-still-creates-own-portals", ok == 20, ok);
    uint32_t local, iface, sys;
    expect("victim-still-binds", portal_bind(&kea_base_portal, "kernel.console", &local, &iface, &sys) == 0,
           (int)local);
    printf("grantvictim: filled\n");

    for (int i = 0; i < 3000 && (n = entries_to(fsys)) > 0; i++)
        thread_sleep(&kea_base_thread, 10);
    expect("dead-granters-entries-released", n == 0, n);
    printf("grantvictim: done, %d failed\n", failed);
    return 0;
}
