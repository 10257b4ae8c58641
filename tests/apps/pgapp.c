/* The application of the pager test: touches 16 pages of the paged area
 * (each fault goes to pgsrv), checks their contents, then touches a page
 * the pager refuses: that fault ends this thread. */
#include <stdio.h>
#include <kea/memlayout.h>
#include "portal_client.h"
#include "thread_client.h"

void kea_flush(void);

extern const kea_binding_t kea_base_portal, kea_base_thread;

int main(void)
{
    uint32_t sys;
    while (portal_lookup(&kea_base_portal, "pgsrv.ready", &sys) < 0)
        thread_sleep(&kea_base_thread, 10);
    int good = 0;
    for (uint32_t i = 0; i < 16; i++) {
        volatile uint32_t *p = (volatile uint32_t *)(PAGED_BASE + i * 4096);
        if (*p == (uint32_t)p) good++;
        p[1] = i;                         /* writable, and stays */
    }
    for (uint32_t i = 0; i < 16; i++)
        if (((volatile uint32_t *)(PAGED_BASE + i * 4096))[1] != i) good = -100;
    printf("%s: pgapp/demand-paged (%d of 16)\n", good == 16 ? "PASS" : "FAIL", good);
    kea_flush();
    volatile uint32_t *refused = (volatile uint32_t *)(PAGED_BASE + 100 * 4096);
    printf("FAIL: pgapp/refused-page-readable (%u)\n", *refused);
    return 0;
}
