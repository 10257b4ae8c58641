/* The smallest program: prints from its own domain and exits. */
#include <stdio.h>
#include <stdint.h>
#include "thread_client.h"

extern const kea_binding_t kea_base_thread;
uint32_t kea_domain_id(void);

int main(void)
{
    uint32_t tid;
    thread_id(&kea_base_thread, &tid);
    printf("hello from domain %u, thread %u\n", kea_domain_id(), tid);
    return 7;
}
