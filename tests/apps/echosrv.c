/* An echo service, built once per name (-DSVC="f", "g", "h"): registers
 * SVC.echo and serves it until its domain is destroyed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "echo_server.h"
#include "echo_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_portal, kea_base_thread;
uint32_t kea_domain_id(void);

static kea_binding_t self_binding;

static int ping(void *self, uint32_t x, uint32_t *y) { (void)self; *y = x + 1; return 0; }
static int who(void *self, uint32_t *dom) { (void)self; *dom = kea_domain_id(); return 0; }

static int copy(void *self, const void *data, size_t len, void *back, size_t cap, size_t *back_len)
{
    (void)self;
    if (len > cap) return -KEA_E2BIG;
    memcpy(back, data, len);
    *back_len = len;
    return 0;
}

static int recurse(void *self, uint32_t n, uint32_t *depth)
{
    (void)self;
    if (n == 0) { *depth = 1; return 0; }
    /* Bound here, not in main: a caller may arrive as soon as the portal
     * exists, before main has returned from creating it. */
    if (!self_binding.iface_id) {
        int r = ECHO_BIND(SVC, &self_binding);
        if (r < 0) return r;
    }
    uint32_t d = 0;
    int r = echo_recurse(&self_binding, n - 1, &d);
    if (r < 0) return r;
    *depth = d + 1;
    return 0;
}

static int crash(void *self) { (void)self; return *(volatile int *)0; }

static int peek(void *self, uint32_t addr, uint32_t *value)
{
    (void)self;
    *value = *(volatile uint32_t *)addr;
    return 0;
}

/* The benchmarks' transport-only call: the kernel still copies data in and
 * len bytes of back out, but the service touches neither. */
static int transport(void *self, const void *data, size_t len, void *back, size_t cap, size_t *back_len)
{
    (void)self; (void)data; (void)back;
    if (len > cap) return -KEA_E2BIG;
    *back_len = len;
    return 0;
}

static int cpu(void *self, uint32_t *eflags, uint32_t *ds_es, uint32_t *fs_gs)
{
    (void)self;
    uint32_t f, ds, es, fs, gs;
    __asm__ volatile("pushfl; popl %0; movl %%ds, %1; movl %%es, %2; movl %%fs, %3; movl %%gs, %4"
                     : "=r"(f), "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    *eflags = f;
    *ds_es = (ds & 0xffff) | (es & 0xffff) << 16;
    *fs_gs = (fs & 0xffff) | (gs & 0xffff) << 16;
    return 0;
}

static int leave(void *self, int32_t status) { (void)self; exit(status); }

static const struct echo_ops ops = { ping, who, copy, recurse, crash, peek, transport, cpu, leave };
static struct echo_server server = { &ops, 0 };

int main(void)
{
    uint32_t sys, local;
    int r = portal_create(&kea_base_portal, (uint32_t)echo_dispatch, (uint32_t)&server,
                          ECHO_IFACE_ID, SVC ".echo", &sys, &local);
    if (r < 0) {
        printf("%s: cannot create its portal: %s\n", SVC, kea_strerror(r));
        return r;
    }
    printf("%s.echo ready\n", SVC);
    kea_handle_t sem;                     /* serve forever: sleep on a semaphore nobody ups */
    thread_sem_create(&kea_base_thread, 0, &sem);
    thread_sem_down(&kea_base_thread, sem);
    return 0;
}
