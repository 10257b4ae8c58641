/* A minimal pager (test of memory.pager and the pager interface): spawns
 * pgapp, becomes its pager, and on each fault maps a page whose first word
 * is its own address.  Faults above PAGED_BASE + 64 pages are refused. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include "pager_server.h"
#include "memory_client.h"
#include "domain_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_memory, kea_base_domain, kea_base_portal, kea_base_thread;

static volatile uint32_t faults;

static int fault(void *self, uint32_t dom, uint32_t va, bool write)
{
    (void)self; (void)write;
    if (va >= PAGED_BASE + 64 * 4096) return -KEA_EFAULT;
    int r = memory_map_in(&kea_base_memory, dom, va, true);
    if (r < 0) return r;
    uint32_t first = va;
    faults++;
    return memory_write_in(&kea_base_memory, dom, va, &first, sizeof first);
}

static const struct pager_ops ops = { fault };
static struct pager_server server = { &ops, 0 };

int main(void)
{
    uint32_t sys, local, app = 0, ready_sys, ready_local;
    portal_create(&kea_base_portal, (uint32_t)pager_dispatch, (uint32_t)&server, PAGER_IFACE_ID,
                  "pgsrv.pager", &sys, &local);
    domain_spawn(&kea_base_domain, "pgapp.o", 0, &app, 0);
    int r = memory_pager(&kea_base_memory, app, local);
    printf("%s: pgsrv/register (%d)\n", r == 0 ? "PASS" : "FAIL", r);
    r = memory_pager(&kea_base_memory, app, 0);          /* console: not a pager */
    printf("%s: pgsrv/register-wrong-interface (%d)\n", r == -KEA_EIFACE ? "PASS" : "FAIL", r);
    /* Tell the application it may start. */
    portal_create(&kea_base_portal, (uint32_t)pager_dispatch, (uint32_t)&server, PAGER_IFACE_ID,
                  "pgsrv.ready", &ready_sys, &ready_local);
    for (int i = 0; i < 500 && faults < 16; i++)
        thread_sleep(&kea_base_thread, 10);
    thread_sleep(&kea_base_thread, 200);
    r = memory_pager(&kea_base_memory, app, 0xffffffffu);
    printf("%s: pgsrv/unregister (%d)\n", r == 0 ? "PASS" : "FAIL", r);
    r = memory_pager(&kea_base_memory, app, 0xffffffffu);
    printf("%s: pgsrv/unregister-twice (%d)\n", r == -KEA_ENOENT ? "PASS" : "FAIL", r);
    printf("pgsrv: %u faults served\n", faults);
    return 0;
}
