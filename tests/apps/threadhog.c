/* A domain with no rights trying to fill the kernel's thread table (issue
 * 9: no unprivileged domain may fill a table): it creates sleeping threads
 * until refused, and checks the refusal comes at a quarter of the table
 * (MAX_THREADS 128 in kernel/proc.h), with "out of memory". */
#include <stdio.h>
#include "thread_client.h"

extern const kea_binding_t kea_base_thread;

static int sleeper(uint32_t arg)
{
    (void)arg;
    for (;;) thread_sleep(&kea_base_thread, 100000);
    return 0;
}

int main(void)
{
    uint32_t tid;
    int n = 0, r;
    while ((r = thread_create(&kea_base_thread, (uint32_t)sleeper, 0, &tid)) == 0 && n < 200)
        n++;
    printf("threadhog: created %d threads, then: %s\n", n, kea_strerror(r));
    printf("%s: trust/thread-table-not-filled\n", r == -KEA_ENOMEM && n + 1 == 128 / 4 ? "PASS" : "FAIL");
    printf("threadhog: done\n");
    return 0;
}
