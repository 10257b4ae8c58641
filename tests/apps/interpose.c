/* An interposer with the echo interface (c.echo): answers who() with
 * 1000 * its own domain + what f.echo answers, calling f through its own
 * table; everything else passes through to f. */
#include <stdio.h>
#include "echo_server.h"
#include "echo_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_portal, kea_base_thread;
uint32_t kea_domain_id(void);

static kea_binding_t inner;

static int ping(void *self, uint32_t x, uint32_t *y) { (void)self; return echo_ping(&inner, x, y); }

static int who(void *self, uint32_t *dom)
{
    (void)self;
    uint32_t d;
    int r = echo_who(&inner, &d);
    if (r < 0) return r;
    *dom = 1000 * kea_domain_id() + d;
    return 0;
}

static int copy(void *self, const void *data, size_t len, void *back, size_t cap, size_t *back_len)
{
    (void)self;
    return echo_copy(&inner, data, len, back, cap, back_len);
}

static int recurse(void *self, uint32_t n, uint32_t *depth) { (void)self; return echo_recurse(&inner, n, depth); }
static int crash(void *self) { (void)self; return echo_crash(&inner); }

static int peek(void *self, uint32_t addr, uint32_t *value) { (void)self; return echo_peek(&inner, addr, value); }

static int cpu(void *self, uint32_t *eflags, uint32_t *ds_es, uint32_t *fs_gs)
{
    (void)self;
    return echo_cpu(&inner, eflags, ds_es, fs_gs);
}

static const struct echo_ops ops = { ping, who, copy, recurse, crash, peek, 0, cpu, 0 };  /* no transport, no leave */
static struct echo_server server = { &ops, 0 };

int main(void)
{
    uint32_t sys, local;
    int r = ECHO_BIND("f", &inner);
    if (r == 0)
        r = portal_create(&kea_base_portal, (uint32_t)echo_dispatch, (uint32_t)&server,
                          ECHO_IFACE_ID, "c.echo", &sys, &local);
    if (r < 0) {
        printf("c: %s\n", kea_strerror(r));
        return r;
    }
    printf("c.echo ready\n");
    kea_handle_t sem;
    thread_sem_create(&kea_base_thread, 0, &sem);
    thread_sem_down(&kea_base_thread, sem);
    return 0;
}
