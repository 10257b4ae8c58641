/* A domain with no rights taking all the memory it can (issue 9, item 6):
 * it grows its heap in 64 KiB steps until the kernel refuses, checks the
 * refusal is "out of memory" and that it got no more than its quota, then
 * holds what it has (sleeps) until destroyed.  It also tries to raise its
 * own quota, which only its creator may do.  With an argument, it first
 * waits that many milliseconds. */
#include <stdio.h>
#include <kea/sysinfo.h>
#include "memory_client.h"
#include "domain_client.h"
#include "thread_client.h"
#include "sys_client.h"

extern const kea_binding_t kea_base_memory, kea_base_domain, kea_base_thread, kea_base_sys;
uint32_t kea_domain_id(void);

int main(uint32_t wait)
{
    if (wait) thread_sleep(&kea_base_thread, wait);
    uint32_t me = kea_domain_id(), addr, kib = 0;
    int r;
    while ((r = memory_grow(&kea_base_memory, 64 * 1024, &addr)) == 0)
        kib += 64;
    static struct sys_domain recs[64];   /* not on the stack: no page to fault in once memory is gone */
    size_t len = 0;
    uint32_t next, quota = 0, pages = 0;
    sys_domains(&kea_base_sys, 0, recs, sizeof recs, &len, &next);
    for (size_t i = 0; i < len / sizeof recs[0]; i++)
        if (recs[i].id == me) { quota = recs[i].quota; pages = recs[i].pages; }
    printf("memhog: grew %u KiB, holds %u pages of its quota %u, stopped by: %s\n", kib, pages, quota,
           kea_strerror(r));
    printf("%s: trust/hog-stopped-by-out-of-memory\n", r == -KEA_ENOMEM ? "PASS" : "FAIL");
    printf("%s: trust/hog-within-quota\n", pages <= quota && quota != 0xffffffffu ? "PASS" : "FAIL");
    r = domain_quota(&kea_base_domain, me, quota * 2);
    printf("%s: trust/hog-cannot-raise-own-quota (%s)\n", r == -KEA_EPERM ? "PASS" : "FAIL",
           kea_strerror(r));
    printf("memhog: holding\n");
    kea_handle_t sem;
    thread_sem_create(&kea_base_thread, 0, &sem);
    thread_sem_down(&kea_base_thread, sem);
    return 0;
}
