/* kernel.thread: the thread base service (kernel/base/thread.idl):
 * thread creation, exit, sleep and join (on the exit statuses thread.c
 * keeps), and per-domain counting semaphores (the mechanism is sem.c's;
 * this file only unpacks the calls). */
#include <stdio.h>
#include <kea/memlayout.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "../sched.h"
#include "thread_server.h"

static int th_id(void *self, uint32_t *tid) { (void)self; *tid = (uint32_t)cur->id; return 0; }

/* Threads rooted in one domain without the domains right: at most a
 * quarter of the thread table, so no such domain can fill it (issue 9). */
#define THREADS_PER_DOMAIN (MAX_THREADS / 4)

static int th_create(void *self, uint32_t entry, uint32_t arg, uint32_t *tid)
{
    (void)self;
    struct domain *d = caller_domain();
    if (d->is_kernel || entry >= USER_TOP) return -KEA_EINVAL;
    if (!(d->rights & RIGHT_DOMAINS) && d->nthreads >= THREADS_PER_DOMAIN) return -KEA_ENOMEM;
    struct thread *t = thread_create_user(d, d->name, entry, arg, 0);
    if (!t) return -KEA_ENOMEM;
    *tid = (uint32_t)t->id;
    return 0;
}

/* exit() in a thread's own domain ends the thread.  Inside a call (a
 * service calling exit, panic, abort or failing an assert) it ends only
 * that call: the thread belongs to the caller, who gets -KEA_ECALLEEFAULT
 * (idc.c acts on end_call when this handler returns). */
static int th_exit(void *self, int32_t status)
{
    (void)self;
    if (cur->depth >= 2 && !cur->act[cur->depth - 1].dom->is_kernel) {
        cur->end_call = 1;
        return 0;                       /* not seen: the call ends (and status with it) */
    }
    kthread_exit(status);
}
static int th_yield(void *self) { (void)self; sched_yield(); return 0; }

static int th_sleep(void *self, uint32_t ms)
{
    (void)self;
    sleep_ticks((ms * timer_hz + 999) / 1000);
    return 0;
}

static int th_sem_create(void *self, uint32_t value, kea_handle_t *sem)
{
    (void)self;
    return sem_create(caller_domain(), (int)value, sem);
}

static int th_sem_down(void *self, kea_handle_t h) { (void)self; return sem_down(caller_domain(), h); }
static int th_sem_up(void *self, kea_handle_t h) { (void)self; return sem_up(caller_domain(), h); }
static int th_sem_destroy(void *self, kea_handle_t h) { (void)self; return sem_destroy(caller_domain(), h); }

static int th_join(void *self, uint32_t tid, int32_t *status)
{
    (void)self;
    struct thread *t;
    while ((t = thread_by_id((int)tid)) != 0) {
        if (t == cur) return -KEA_EINVAL;
        sleep_on(t);
    }
    int st;
    if (thread_exit_status((int)tid, &st) < 0) return -KEA_ENOENT;
    *status = st;
    return 0;
}

static const struct thread_ops thread_ops = {
    th_id, th_create, th_exit, th_yield, th_sleep, th_sem_create, th_sem_down,
    th_sem_up, th_sem_destroy, th_join,
};

static struct thread_server thread_srv = { &thread_ops, 0 };

struct portal *base_thread_portal(void)
{
    return kportal_create(kernel_domain, "kernel.thread", thread_dispatch, &thread_srv,
                          THREAD_IFACE_ID, 0, 0);
}
