/* Restart of failed services (docs/reliability.md), after MINIX 3's
 * reincarnation server, and the policy that decides when.
 *
 * Mechanism and policy are apart.  The mechanism is migration's instance
 * replacement (service_replace in kernel/migrate.c): a restart is a
 * replacement into a fresh instance of the same object in the same
 * placement, told KEA_WHY_RESTART, given the last checkpoint instead of an
 * export of the failed instance, whose fini does not run.  Its portals are
 * retargeted, so their ids, names and remaps hold; calls that arrive during
 * the restart wait for it and reach the new instance.
 *
 * The policy is a small table, one row per service name plus a default
 * row, set from the shell (`policy NAME max=5 window=10000 ...`, through
 * sys.recovery) and read by the restarter only:
 *   max, window  more than `max` failures within `window` ms: the service
 *                is marked failed (its portals answer -KEA_EDEAD) until an
 *                operator's `restart NAME`;
 *   backoff      ms before the k-th restart within the window: backoff *
 *                2^(k-1), at most a second (0: at once);
 *   deadline     ms one call may run in the service (kernel/recover.c);
 *   ckcalls, ckms a checkpoint (state_export at a quiescent point) after
 *                every ckcalls calls or ckms ms, whichever comes first
 *                (0: never), for services with state hooks.
 *
 * A fault is noticed where the kernel unwinds it (user_exception in
 * kernel/idc.c calls recover_user_fault); the restart itself needs a thread
 * that can sleep (the drain), so a kernel thread, "restarter", does it; it
 * is made at the first need, so a system where nothing fails has none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "sched.h"
#include "service.h"

struct rs_policy {
    char name[SERVICE_NAME];                /* "" = free row; row 0 is the default */
    uint32_t max, window_ms, backoff_ms, ckcalls, ckms;
    uint32_t deadline_ms;                   /* one call, at most (kernel/recover.c); 0: none */
};

#define NPOLICY 16
static struct rs_policy policy[NPOLICY] = {
    { "default", 5, 10000, 0, 0, 0, 5000 },
};

static struct thread *restarter_thread;
static int rs_chan, rs_kicked;

static const struct rs_policy *policy_of(const struct service *s)
{
    for (int i = 1; i < NPOLICY; i++)
        if (policy[i].name[0] && strcmp(policy[i].name, s->name) == 0)
            return &policy[i];
    return &policy[0];
}

uint32_t restart_deadline_ms(const struct service *s) { return policy_of(s)->deadline_ms; }

static uint32_t ms_to_ticks(uint32_t ms) { return (ms * timer_hz + 999) / 1000; }

static void restarter(void *arg);

/* Have the restarter look at the services again. */
static void kick(void)
{
    uint32_t f = irq_save();
    if (!restarter_thread)
        restarter_thread = thread_create_kernel("restarter", restarter, 0);
    if (!restarter_thread)
        printf("restart: no memory for the restarter thread\n");
    rs_kicked = 1;
    wakeup(&rs_chan);
    irq_restore(f);
}

/* Failures of s within its window, this one included. */
static uint32_t recent_failures(const struct service *s, const struct rs_policy *p)
{
    uint32_t n = 0, keep = sizeof s->rs_fail_tick / sizeof s->rs_fail_tick[0];
    uint64_t now = timer_ticks, win = ms_to_ticks(p->window_ms);
    for (uint32_t i = 0; i < s->rs_nfails && i < keep; i++)
        if (now - s->rs_fail_tick[i] <= win) n++;
    return n;
}

static void mark_failed(struct service *s)
{
    uint32_t f = irq_save();
    for (uint32_t i = 0; i < s->nifaces; i++)
        if (s->portal[i]) s->portal[i]->held = HELD_FAILED;
    s->rs_state = RS_FAILED;
    svc_hold_wake();                        /* callers held since the fault get EDEAD */
    irq_restore(f);
}

/* s failed for `why`: count it, then restart after the back-off, or give
 * up on it when the policy says so.  Interrupts may be off (a trap). */
static void failed(struct service *s, const char *why)
{
    const struct rs_policy *p = policy_of(s);
    uint32_t keep = sizeof s->rs_fail_tick / sizeof s->rs_fail_tick[0];
    strlcpy(s->rs_reason, why, sizeof s->rs_reason);
    s->rs_fail_tick[s->rs_nfails++ % keep] = timer_ticks;
    uint32_t n = recent_failures(s, p);
    if (n > p->max) {
        mark_failed(s);
        printf("restart: %s failed %u times within %u ms (limit %u): marked failed, its callers "
               "get '%s' until 'restart %s'\n", s->name, n, p->window_ms, p->max,
               kea_strerror(-KEA_EDEAD), s->name);
        return;
    }
    uint32_t wait = 0;
    if (p->backoff_ms && n > 1) {
        wait = p->backoff_ms << (n - 2 < 10 ? n - 2 : 10);
        if (wait > 1000) wait = 1000;
    }
    s->rs_state = RS_RESTARTING;
    s->rs_due = timer_ticks + ms_to_ticks(wait);
    svc_hold_early(s);                      /* new calls wait for the new instance */
    kick();
}

/* user_exception: the activation of domain d faulted inside a call and is
 * being unwound.  If d is a service's domain, restart the service. */
void recover_fault(struct domain *d, const char *why)
{
    struct service *s = service_of_domain(d);
    if (!s || s->rs_state != RS_RUNNING || s->migrating || s->unloading) return;
    failed(s, why);
}

/* A kernel-placed service faulted (kernel/recover.c): restart it in a user
 * domain, where the hardware contains its next fault. */
void recover_demote(struct service *s, const char *why)
{
    if (s->rs_state != RS_RUNNING || s->migrating || s->unloading) return;
    s->rs_demote = 1;
    failed(s, why);
}

void recover_user_fault(struct domain *d, const struct trapframe *tf)
{
    char why[64];
    snprintf(why, sizeof why, "%s at eip %08x", trap_name(tf->trapno), tf->eip);
    recover_fault(d, why);
}

/* Replace s by a fresh instance now (the restarter, or `restart NAME`). */
static int restart_now(struct service *s)
{
    enum placement to = s->rs_demote ? PLACE_USER : s->where;
    struct replace_how how = { to, KEA_WHY_RESTART, MIGRATE_DEFAULT_TIMEOUT_MS, 0 };
    struct migrate_report rep;
    char err[200], name[SERVICE_NAME];
    strlcpy(name, s->name, sizeof name);
    int ck = s->ckpt.k != 0;
    int r = service_replace(s, &how, &rep, err, sizeof err);
    if (r == -KEA_EBUSY && strstr(err, "replaced already")) {
        s->rs_due = timer_ticks + 1;        /* another replacement runs: after it */
        return r;
    }
    if (!service_by_name(name) || service_by_name(name) != s) return r;   /* gone meanwhile */
    if (r < 0) {
        printf("restart: %s: %s\n", name, err);
        mark_failed(s);
        strlcpy(s->rs_reason, "restart failed", sizeof s->rs_reason);
        printf("restart: %s marked failed\n", name);
        return r;
    }
    s->restarts++;
    s->rs_state = RS_RUNNING;
    if (s->rs_demote) printf("restart: %s demoted from the kernel to a user domain\n", name);
    s->rs_demote = 0;
    printf("restart: %s restarted in %s (%s)%s: restart %u, downtime %llu cycles\n", name,
           s->where == PLACE_KERNEL ? "the kernel" : s->dom->name, s->rs_reason,
           ck ? ", from its checkpoint" : "", s->restarts, (unsigned long long)rep.downtime);
    return 0;
}

static int checkpoint_due(const struct service *s, const struct rs_policy *p)
{
    if (!s->desc.has_state || s->rs_state != RS_RUNNING || s->migrating) return 0;
    if (p->ckcalls && service_calls(s) - s->ckpt_calls >= p->ckcalls) return 1;
    return p->ckms && timer_ticks - s->ckpt_tick >= ms_to_ticks(p->ckms);
}

/* One pass: the first due restart or checkpoint, done.  1 if something
 * was done (the list may have changed: look again), and *timed = 1 if
 * something will be due later (a back-off, a checkpoint period). */
static int one_pass(int *timed)
{
    for (struct service *s = service_list(); s; s = s->next) {
        const struct rs_policy *p = policy_of(s);
        if (s->rs_state == RS_RESTARTING) {
            if (timer_ticks >= s->rs_due) {
                restart_now(s);
                return 1;
            }
            *timed = 1;
        } else if (checkpoint_due(s, p)) {
            char err[160];
            if (service_checkpoint(s, err, sizeof err) < 0 && !strstr(err, "inside"))
                printf("restart: checkpoint of %s: %s\n", s->name, err);
            *timed = 1;
            return 1;
        }
        if (s->desc.has_state && (p->ckcalls || p->ckms)) *timed = 1;
    }
    return 0;
}

static void restarter(void *arg)
{
    (void)arg;
    for (;;) {
        int timed = 0;
        rs_kicked = 0;
        if (one_pass(&timed)) continue;
        if (timed) {
            sleep_ticks(1);
            continue;
        }
        uint32_t f = irq_save();
        while (!rs_kicked) sleep_on(&rs_chan);
        irq_restore(f);
    }
}

/* ---- the shell's requests (sys.recovery) ---- */

static void print_policy(const char *name, const struct rs_policy *p)
{
    printf("policy %s: max=%u window=%u backoff=%u ckcalls=%u ckms=%u deadline=%u\n", name, p->max,
           p->window_ms, p->backoff_ms, p->ckcalls, p->ckms, p->deadline_ms);
}

static int set_policy(char **w, int n)
{
    struct rs_policy *p = 0;
    if (strcmp(w[1], "default") == 0) p = &policy[0];
    for (int i = 1; !p && i < NPOLICY; i++)
        if (strcmp(policy[i].name, w[1]) == 0) p = &policy[i];
    if (!p && n == 2) {                     /* show: the row that applies */
        print_policy(w[1], &policy[0]);
        return 0;
    }
    struct rs_policy nw = p ? *p : policy[0];
    for (int i = 2; i < n; i++) {
        char *eq = strchr(w[i], '='), *end;
        unsigned long v = eq ? strtoul(eq + 1, &end, 10) : 0;
        if (!eq || eq[1] == 0 || *end || v > 3600000) {
            printf("policy: '%s' is not KEY=NUMBER (max, window, backoff, ckcalls, ckms, deadline)\n", w[i]);
            return -KEA_EINVAL;
        }
        *eq = 0;
        if (strcmp(w[i], "max") == 0) nw.max = (uint32_t)v;
        else if (strcmp(w[i], "window") == 0) nw.window_ms = (uint32_t)v;
        else if (strcmp(w[i], "backoff") == 0) nw.backoff_ms = (uint32_t)v;
        else if (strcmp(w[i], "ckcalls") == 0) nw.ckcalls = (uint32_t)v;
        else if (strcmp(w[i], "ckms") == 0) nw.ckms = (uint32_t)v;
        else if (strcmp(w[i], "deadline") == 0) nw.deadline_ms = (uint32_t)v;
        else {
            printf("policy: unknown key '%s' (max, window, backoff, ckcalls, ckms, deadline)\n", w[i]);
            return -KEA_EINVAL;
        }
    }
    uint32_t ring = sizeof ((struct service *)0)->rs_fail_tick / sizeof(uint64_t);
    if (nw.max >= ring) {
        printf("policy: max=%u: at most %u (the failures remembered)\n", nw.max, ring - 1);
        return -KEA_EINVAL;
    }
    if (!p) {
        for (int i = 1; !p && i < NPOLICY; i++)
            if (!policy[i].name[0]) p = &policy[i];
        if (!p) {
            printf("policy: the table is full (%d rows)\n", NPOLICY);
            return -KEA_ENOMEM;
        }
        if (strlen(w[1]) >= sizeof nw.name) {
            printf("policy: '%s' is too long for a service name\n", w[1]);
            return -KEA_EINVAL;
        }
        strlcpy(nw.name, w[1], sizeof nw.name);
    }
    *p = nw;
    print_policy(w[1], p);
    if (p->ckcalls || p->ckms) kick();      /* checkpoints start now */
    return 0;
}

/* spec: "restart NAME" | "checkpoint NAME" | "policy NAME [KEY=N ...]" |
 * "inject NAME KIND". */
int restart_request(const char *spec, char *out, size_t cap)
{
    (void)out; (void)cap;
    char buf[160], *w[8], *save;
    int n = 0;
    if (strlcpy(buf, spec, sizeof buf) >= sizeof buf) {
        printf("recovery: the request is too long\n");
        return -KEA_EINVAL;
    }
    for (char *x = strtok_r(buf, " ", &save); x && n < 8; x = strtok_r(0, " ", &save)) w[n++] = x;
    if (n >= 2 && strcmp(w[0], "policy") == 0) return set_policy(w, n);
    if (n == 3 && strcmp(w[0], "inject") == 0) {
        char err[160];
        int r = inject_fault(w[1], w[2], err, sizeof err);
        if (r < 0) printf("inject: %s\n", err);
        else printf("inject: %s armed in %s: it strikes at the next call\n", w[2], w[1]);
        return r;
    }
    struct service *s = n == 2 ? service_by_name(w[1]) : 0;
    if (n != 2 || (strcmp(w[0], "restart") != 0 && strcmp(w[0], "checkpoint") != 0)) {
        printf("recovery: not 'restart NAME', 'checkpoint NAME', 'inject NAME KIND' or "
               "'policy NAME [KEY=N ...]'\n");
        return -KEA_EINVAL;
    }
    if (!s) {
        printf("%s: no service named '%s'\n", w[0], w[1]);
        return -KEA_ENOENT;
    }
    char err[160];
    if (strcmp(w[0], "checkpoint") == 0) {
        int r = service_checkpoint(s, err, sizeof err);
        if (r < 0) printf("checkpoint: %s\n", err);
        else printf("checkpoint: %s: %u bytes\n", w[1], s->ckpt.len);
        return r;
    }
    /* An operator's restart: a failed service gets a new chance. */
    uint32_t f = irq_save();
    if (s->rs_state == RS_FAILED) {
        for (uint32_t i = 0; i < s->nifaces; i++)
            if (s->portal[i] && s->portal[i]->held == HELD_FAILED) s->portal[i]->held = 0;
        s->rs_nfails = 0;
    }
    s->rs_state = RS_RESTARTING;
    irq_restore(f);
    strlcpy(s->rs_reason, "restart command", sizeof s->rs_reason);
    char name[SERVICE_NAME];
    strlcpy(name, s->name, sizeof name);
    int r = restart_now(s);
    /* A checkpoint or another replacement was under way: restart_now left
     * it to the restarter, right after that one (rs_due).  Wait for it
     * here, at most a few seconds, so that the command says what came of
     * it rather than "in use". */
    for (int i = 0; r == -KEA_EBUSY && i < 5 * (int)timer_hz; i++) {
        sleep_ticks(1);
        if (service_by_name(name) != s) return -KEA_EDEAD;            /* unloaded meanwhile */
        if (s->rs_state != RS_RESTARTING) r = s->rs_state == RS_RUNNING ? 0 : -KEA_EDEAD;
    }
    return r;
}
