/* Counting semaphores, the thread base service's (kernel.thread sem_*).
 *
 * Each domain has a small table of its own semaphores (struct domain's sem,
 * DOMAIN_SEMS entries) named by handles 1..DOMAIN_SEMS: a domain reaches
 * only its own, so no handle check across domains is needed.  down sleeps
 * on the semaphore itself until up raises its value; destroying it wakes
 * every sleeper, who then gets -KEA_EDEAD instead of waiting forever.
 *
 * This file is the mechanism; kernel/base/thread.c only unpacks the
 * service's calls and passes the caller's domain here.  When a domain dies
 * its threads are gone first (kill_domain_threads), and no thread from
 * elsewhere can be asleep on its semaphores (that thread would be executing
 * inside it, which refuses the destruction): sem_forget_domain still wakes
 * any sleeper so none can wait on a freed domain. */
#include "kernel.h"
#include "proc.h"
#include "sched.h"

static struct ksem *sem_get(struct domain *d, uint32_t h)
{
    return h >= 1 && h <= DOMAIN_SEMS && d->sem[h - 1].used ? &d->sem[h - 1] : 0;
}

int sem_create(struct domain *d, int value, uint32_t *h)
{
    for (int i = 0; i < DOMAIN_SEMS; i++)
        if (!d->sem[i].used) {
            d->sem[i].used = 1;
            d->sem[i].value = value;
            *h = (uint32_t)i + 1;
            return 0;
        }
    return -KEA_ENOMEM;
}

/* P: wait until the value is positive, then take one. */
int sem_down(struct domain *d, uint32_t h)
{
    struct ksem *s = sem_get(d, h);
    if (!s) return -KEA_EINVAL;
    while (s->value == 0) {
        sleep_on(s);
        if (!s->used) return -KEA_EDEAD;
    }
    s->value--;
    return 0;
}

/* V: give one back and wake the waiters (each re-checks the value). */
int sem_up(struct domain *d, uint32_t h)
{
    struct ksem *s = sem_get(d, h);
    if (!s) return -KEA_EINVAL;
    s->value++;
    wakeup(s);
    return 0;
}

int sem_destroy(struct domain *d, uint32_t h)
{
    struct ksem *s = sem_get(d, h);
    if (!s) return -KEA_EINVAL;
    s->used = 0;
    wakeup(s);
    return 0;
}

void sem_forget_domain(struct domain *d)
{
    for (int i = 0; i < DOMAIN_SEMS; i++)
        if (d->sem[i].used) {
            d->sem[i].used = 0;
            wakeup(&d->sem[i]);
        }
}
