/* vm_seq: the sequential-scan workload of the VM service.
 *
 * It pages its paged area through the VM service with a budget of F
 * frames and scans N pages of it, N > F, in rounds: the first pass of a
 * round writes every word of every page, the other passes read them all
 * back and check them.  After each round it prints what paging cost it
 * (the VM service's counters) and under which policy it ran.
 *
 * This is the access pattern of the paper's Fig. 4 application B: under
 * clock (or LRU) every page access of such a cyclic scan faults, P * N
 * faults per round of P passes; under MRU each pass after the first
 * faults only on the N - F + 1 pages that do not stay resident.
 *
 *     spawn vm_seq.o [RIGHTS 0xMRPNNNFF]
 *
 * with each field 0 for its default:  FF frames (16), NNN pages (20),
 * P passes per round (8), R rounds (1), M mode:
 *     0  served: rounds run when asked through the portal
 *        "<domain name>.workload" (workload.idl), e.g. from the shell
 *        `call vm_seq.workload round`, until `... finish`.  This is what
 *        a spawn without an argument gives (the shell passes none).
 *     1  run R rounds, then end
 *     2  the same, installing MRU for this domain before round 2 and
 *        removing it before round 3 (a rooted remap made by the
 *        application itself: needs the remap rights, e.g. RIGHTS 2)
 * e.g. `spawn vm_seq.o 2 0x23000000`: three rounds, MRU in the second. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <kea/base.h>
#include "vmapp.h"
#include "workload_server.h"
#include "portal_client.h"
#include "thread_client.h"

enum { SERVED, PLAIN, SELF };

struct config { uint32_t frames, pages, passes, rounds, mode; };

static uint32_t field(uint32_t arg, int shift, uint32_t mask, uint32_t dflt)
{
    uint32_t v = (arg >> shift) & mask;
    return v ? v : dflt;
}

/* One round: pass 0 writes generation `gen`, the others check it.
 * Returns the number of words that read back wrong. */
static uint32_t scan(struct vmapp *a, uint32_t pages, uint32_t passes, uint32_t gen)
{
    uint32_t bad = 0;
    for (uint32_t pass = 0; pass < passes; pass++)
        for (uint32_t pg = 0; pg < pages; pg++) {
            volatile uint32_t *w = vmapp_page(pg);
            for (uint32_t i = 0; i < VMAPP_WORDS; i++) {
                uint32_t want = vmapp_word(a->dom, pg, i, gen);
                if (pass == 0) {
                    w[i] = want;
                } else {
                    uint32_t got = w[i];
                    if (got != want && bad++ < 4)
                        printf("%s %s: page %u word %u reads %08x, wrote %08x\n", a->prog,
                               a->name, pg, i, got, want);
                }
            }
        }
    return bad;
}

/* What a round cost, as the workload interface returns it. */
struct result { uint32_t faults, reads, writes; char policy[16]; };

/* Round `round`, on this thread: its counts into *res; the bad words. */
static uint32_t run_round(struct vmapp *a, const struct config *c, uint32_t round,
                          struct result *res)
{
    vmapp_algorithm(a, res->policy, sizeof res->policy);
    uint32_t bad = scan(a, c->pages, c->passes, round);
    if (vmapp_delta(a, &res->faults, &res->reads, &res->writes) < 0)
        res->faults = res->reads = res->writes = 0;
    printf("%s %s: round %u under %s: faults %u reads %u writes %u\n", a->prog, a->name, round,
           res->policy, res->faults, res->reads, res->writes);
    return bad;
}

/* ---- served mode: the workload portal ---------------------------------------
 * Its handler runs on the caller's thread; the round must run on ours, so
 * the handler hands the request over and waits: `go` wakes the main
 * thread, `done` wakes the caller, `one` lets one request in at a time. */
static struct {
    kea_handle_t go, done, one;
    int finishing, over;
    struct result res;
    uint32_t bad;
} req;

static int wl_round(void *self, uint32_t *faults, uint32_t *reads, uint32_t *writes, void *policy,
                    size_t cap, size_t *len)
{
    (void)self;
    thread_sem_down(&kea_base_thread, req.one);
    if (req.over) {
        thread_sem_up(&kea_base_thread, req.one);
        return -KEA_EDEAD;
    }
    thread_sem_up(&kea_base_thread, req.go);
    thread_sem_down(&kea_base_thread, req.done);
    *faults = req.res.faults;
    *reads = req.res.reads;
    *writes = req.res.writes;
    *len = strlen(req.res.policy) + 1;
    if (*len > cap) *len = cap;
    memcpy(policy, req.res.policy, *len);
    thread_sem_up(&kea_base_thread, req.one);
    return 0;
}

static int wl_finish(void *self, uint32_t *bad)
{
    (void)self;
    thread_sem_down(&kea_base_thread, req.one);
    if (req.over) {
        thread_sem_up(&kea_base_thread, req.one);
        return -KEA_EDEAD;
    }
    req.finishing = 1;
    thread_sem_up(&kea_base_thread, req.go);
    thread_sem_down(&kea_base_thread, req.done);
    *bad = req.bad;
    thread_sem_up(&kea_base_thread, req.one);
    return 0;
}

static const struct workload_ops wl_ops = { wl_round, wl_finish };
static struct workload_server wl_server = { &wl_ops, 0 };

static uint32_t serve(struct vmapp *a, const struct config *c)
{
    char name[48];
    uint32_t sys, local, bad = 0;
    snprintf(name, sizeof name, "%s.%s", a->name, WORKLOAD_IFACE_NAME);
    int r = 0;
    if ((r = thread_sem_create(&kea_base_thread, 0, &req.go)) < 0 ||
        (r = thread_sem_create(&kea_base_thread, 0, &req.done)) < 0 ||
        (r = thread_sem_create(&kea_base_thread, 1, &req.one)) < 0 ||
        (r = portal_create(&kea_base_portal, (uint32_t)workload_dispatch, (uint32_t)&wl_server,
                           WORKLOAD_IFACE_ID, name, &sys, &local)) < 0) {
        printf("%s %s: cannot serve %s: %s\n", a->prog, a->name, name, kea_strerror(r));
        return 0;
    }
    printf("%s %s: ready: `call %s round` runs a round, `call %s finish` ends\n", a->prog,
           a->name, name, name);
    for (uint32_t round = 1;; round++) {
        thread_sem_down(&kea_base_thread, req.go);
        if (req.finishing) break;
        bad += run_round(a, c, round, &req.res);
        thread_sem_up(&kea_base_thread, req.done);
    }
    req.bad = bad;
    req.over = 1;
    return bad;
}

int main(uint32_t arg)
{
    struct config c = {
        .frames = field(arg, 0, 0xff, 16), .pages = field(arg, 8, 0xfff, 20),
        .passes = field(arg, 20, 0xf, 8), .rounds = field(arg, 24, 0xf, 1), .mode = arg >> 28,
    };
    struct vmapp a;
    if (c.mode > SELF) {
        printf("vm_seq: unknown mode %u (0 served, 1 plain, 2 installing MRU itself)\n", c.mode);
        return 1;
    }
    if (vmapp_start(&a, "vm_seq", c.frames) < 0) return 1;
    printf("vm_seq %s: passes of %u over %u pages in %u frames\n", a.name, c.passes, c.pages,
           c.frames);

    uint32_t bad = 0;
    struct result res;
    if (c.mode == SERVED) {
        bad = serve(&a, &c);
    } else {
        for (uint32_t round = 1; round <= c.rounds; round++) {
            if (c.mode == SELF && (round == 2 || round == 3))
                vmapp_rooted_mru(&a, round == 2);
            bad += run_round(&a, &c, round, &res);
        }
        if (c.mode == SELF && c.rounds == 2)
            vmapp_rooted_mru(&a, 0);
    }
    vmapp_finish(&a, bad);
    if (req.over) thread_sem_up(&kea_base_thread, req.done);   /* answer `finish` */
    return bad ? 1 : 0;
}
