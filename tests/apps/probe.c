/* An application domain for the remap tests (-DSVC="a" or "b"): binds
 * f.echo in its own table and offers SVC.probe to report where its calls
 * to f go. */
#include <stdio.h>
#include "echo_client.h"
#include "probe_server.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_portal, kea_base_thread;

static kea_binding_t f;
static volatile uint32_t thread_result;

static int who_via(void *self, uint32_t *who) { (void)self; return echo_who(&f, who); }

static int own_thread(uint32_t arg)
{
    (void)arg;
    uint32_t who = 0;
    int r = echo_who(&f, &who);
    thread_result = r < 0 ? 0 : who;
    return r;
}

static int who_own_thread(void *self, uint32_t *who)
{
    (void)self;
    uint32_t tid;
    int32_t status;
    int r = thread_create(&kea_base_thread, (uint32_t)own_thread, 0, &tid);
    if (r == 0) r = thread_join(&kea_base_thread, tid, &status);
    if (r == 0 && status < 0) r = status;
    *who = thread_result;
    return r;
}

static int local(void *self, uint32_t *id) { (void)self; *id = f.portal; return 0; }

static const struct probe_ops ops = { who_via, who_own_thread, local };
static struct probe_server server = { &ops, 0 };

int main(void)
{
    uint32_t sys, l;
    int r = ECHO_BIND("f", &f);
    if (r == 0)
        r = portal_create(&kea_base_portal, (uint32_t)probe_dispatch, (uint32_t)&server,
                          PROBE_IFACE_ID, SVC ".probe", &sys, &l);
    if (r < 0) {
        printf("%s: %s\n", SVC, kea_strerror(r));
        return r;
    }
    printf("%s.probe ready\n", SVC);
    kea_handle_t sem;
    thread_sem_create(&kea_base_thread, 0, &sem);
    thread_sem_down(&kea_base_thread, sem);
    return 0;
}
