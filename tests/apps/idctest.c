/* The IDC and remapping tests, run in a user domain with every right.
 * main(group) runs one group of checks and prints "PASS: idc/NAME" or
 * "FAIL: idc/NAME: why" for each, then "idctest: done". */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include "echo_client.h"
#include "probe_client.h"
#include "domain_client.h"
#include "portal_client.h"
#include "thread_client.h"
#include "memory_client.h"
#define CHECK_AREA "idc"
#include "kea_check.h"
#include "sys_client.h"
#include <kea/tls.h>
#include "rawtrap.h"

extern const kea_binding_t kea_base_portal, kea_base_thread, kea_base_domain, kea_base_memory,
    kea_base_sys;
uint32_t kea_domain_id(void);

/* Spawn a module and wait until its portal `portal_name` exists. */
static uint32_t start(const char *module, const char *portal_name)
{
    uint32_t id = 0, sys;
    int r = domain_spawn(&kea_base_domain, module, 0, &id, 0);
    if (r < 0) {
        printf("FAIL: idc/spawn-%s: %s\n", module, kea_strerror(r));
        return 0;
    }
    for (int i = 0; i < 500 && portal_lookup(&kea_base_portal, portal_name, &sys) < 0; i++)
        thread_sleep(&kea_base_thread, 10);
    return id;
}

static uint32_t sys_of(const char *name)
{
    uint32_t sys = 0;
    portal_lookup(&kea_base_portal, name, &sys);
    return sys;
}

/* The assembly fast path (kernel/i386/idc_fast.S) and its counters: a
 * null call between user domains, its return, and a call of a kernel-placed
 * service without buffers each pass through it when it is on; nothing
 * reaches it when it is off (fastpath=off or idc=int: the C path alone).
 * At least, not exactly: other threads may call in between. */
static void fast_path_counters(const kea_binding_t *b)
{
    uint32_t on = 2, c0 = 0, r0 = 0, k0 = 0, c1 = 0, r1 = 0, k1 = 0, y = 0, tid = 0;
    EXPECT_EQ("fast-mode", sys_idc_fast(&kea_base_sys, &on), 0);
    EXPECT_EQ("fast-counters", sys_idc(&kea_base_sys, &c0, &r0, &k0), 0);
    EXPECT_EQ("fast-ping", echo_ping(b, 7, &y) == 0 ? y : 0, 8);
    EXPECT_EQ("fast-kernel-call", thread_id(&kea_base_thread, &tid), 0);
    sys_idc(&kea_base_sys, &c1, &r1, &k1);
    printf("idctest: fast path %s\n", on == 1 ? "on" : on == 0 ? "off" : "unknown");
    if (on == 1) {
        check(c1 - c0 >= 1 && r1 - r0 >= 1, "fast-user-call-counted", "calls +%ld, returns +%ld",
              (long)(c1 - c0), (long)(r1 - r0));
        /* the second sys_idc and thread_id, at least */
        check(k1 - k0 >= 2, "fast-kernel-call-counted", "kernel calls +%ld from %ld", (long)(k1 - k0), (long)k0);
    } else {
        check(c1 == 0 && r1 == 0 && k1 == 0 && on == 0, "fast-off-untouched",
              "fast path counted %ld transfers while off (mode %ld)", (long)(c1 + r1 + k1), (long)on);
    }
}

static void basic(void)
{
    uint32_t f = start("srv_f.o", "f.echo");
    kea_binding_t b;
    EXPECT_EQ("bind", ECHO_BIND("f", &b), 0);
    uint32_t y = 0, who = 0;
    EXPECT_EQ("ping", echo_ping(&b, 41, &y) == 0 ? y : 0, 42);
    EXPECT_EQ("who", echo_who(&b, &who) == 0 ? who : 0, f);
    fast_path_counters(&b);
    static uint8_t in[4096], out[4096];
    size_t sizes[] = { 0, 1, 1024, 4096 };
    for (int i = 0; i < 4; i++) {
        for (size_t k = 0; k < sizes[i]; k++) in[k] = (uint8_t)(k * 7 + i);
        memset(out, 0xee, sizeof out);
        size_t n = 99;
        int r = echo_copy(&b, in, sizes[i], out, sizeof out, &n);
        char name[32];
        snprintf(name, sizeof name, "copy-%u", (unsigned)sizes[i]);
        check(r == 0 && n == sizes[i] && memcmp(in, out, n) == 0 && (n == 4096 || out[n] == 0xee),
              name, "status %ld, length %ld", r, (long)n);
    }
    size_t n = 0;
    EXPECT_EQ("copy-out-too-small", echo_copy(&b, in, 100, out, 10, &n), -KEA_E2BIG);
    kea_binding_t wrong = b;
    wrong.iface_id ^= 1;
    EXPECT_EQ("stub-checks-interface", echo_ping(&wrong, 1, &y), -KEA_EIFACE);
    kea_binding_t nosuch;
    EXPECT_EQ("bind-unknown", ECHO_BIND("nosuch", &nosuch), -KEA_ENOENT);
    EXPECT_EQ("bind-wrong-interface", PROBE_BIND("f", &nosuch), -KEA_ENOENT);
    uint32_t d = 0;
    EXPECT_EQ("nested-recursion", echo_recurse(&b, 5, &d) == 0 ? d : 0, 6);
}

static uint32_t via(const kea_binding_t *p)
{
    uint32_t who = 0;
    int r = probe_who_via(p, &who);
    return r < 0 ? (uint32_t)r : who;
}

static uint32_t own(const kea_binding_t *p)
{
    uint32_t who = 0;
    int r = probe_who_own_thread(p, &who);
    return r < 0 ? (uint32_t)r : who;
}

static void remaps(void)
{
    uint32_t f = start("srv_f.o", "f.echo"), g = start("srv_g.o", "g.echo");
    uint32_t c = start("interpose.o", "c.echo");
    uint32_t a = start("probe_a.o", "a.probe"), b = start("probe_b.o", "b.probe");
    kea_binding_t pa, pb, mine;
    PROBE_BIND("a", &pa);
    PROBE_BIND("b", &pb);
    ECHO_BIND("f", &mine);
    uint32_t alocal = 0;
    probe_local(&pa, &alocal);
    /* Nested across three domains: this -> a -> f. */
    EXPECT_EQ("nested-three-domains", via(&pa), f);

    /* Per-domain (Fig. 2): a's table now reaches g; b is untouched. */
    EXPECT_EQ("per-domain-remap", portal_remap(&kea_base_portal, a, alocal, sys_of("g.echo")), 0);
    EXPECT_EQ("per-domain-a-sees-g", via(&pa), g);
    EXPECT_EQ("per-domain-b-still-f", via(&pb), f);
    uint32_t who = 0;
    echo_who(&mine, &who);
    EXPECT_EQ("per-domain-caller-still-f", who, f);
    EXPECT_EQ("per-domain-undo", portal_unremap(&kea_base_portal, a, alocal), 0);
    EXPECT_EQ("per-domain-undone", via(&pa), f);
    EXPECT_EQ("unremap-twice", portal_unremap(&kea_base_portal, a, alocal), -KEA_ENOENT);

    /* Interposition (Fig. 3): a -> c -> f, c itself still reaches f. */
    portal_remap(&kea_base_portal, a, alocal, sys_of("c.echo"));
    EXPECT_EQ("interposer-calls-through", via(&pa), 1000 * c + f);
    EXPECT_EQ("interposer-b-untouched", via(&pb), f);
    portal_unremap(&kea_base_portal, a, alocal);

    /* System-wide: everyone reaches c, and c (the replacement) still f. */
    EXPECT_EQ("global-remap", portal_remap_global(&kea_base_portal, sys_of("f.echo"), sys_of("c.echo")), 0);
    EXPECT_EQ("global-a", via(&pa), 1000 * c + f);
    EXPECT_EQ("global-b", via(&pb), 1000 * c + f);
    echo_who(&mine, &who);
    EXPECT_EQ("global-caller", who, 1000 * c + f);
    EXPECT_EQ("global-undo", portal_unremap_global(&kea_base_portal, sys_of("f.echo")), 0);
    EXPECT_EQ("global-undone", via(&pb), f);

    /* Domain-rooted (Fig. 4): only threads rooted in this domain see g,
     * even two domains deep (this -> a -> f); a's own thread sees f. */
    uint32_t me = kea_domain_id();
    EXPECT_EQ("rooted-remap", portal_remap_rooted(&kea_base_portal, me, sys_of("f.echo"), sys_of("g.echo")), 0);
    EXPECT_EQ("rooted-depth3-mine", via(&pa), g);
    EXPECT_EQ("rooted-depth3-mine-b", via(&pb), g);
    EXPECT_EQ("rooted-a-own-thread", own(&pa), f);
    echo_who(&mine, &who);
    EXPECT_EQ("rooted-direct", who, g);
    EXPECT_EQ("rooted-undo", portal_unremap_rooted(&kea_base_portal, me, sys_of("f.echo")), 0);
    EXPECT_EQ("rooted-undone", via(&pa), f);
    /* Rooted at a: a's own thread sees g, calls on this thread do not. */
    portal_remap_rooted(&kea_base_portal, a, sys_of("f.echo"), sys_of("g.echo"));
    EXPECT_EQ("rooted-other-root-own", own(&pa), g);
    EXPECT_EQ("rooted-other-root-mine", via(&pa), f);
    /* Rooted at a and here at once, then undone here: a's remap stays (the
     * kernel counts the roots remapping f's portal, and probes on that). */
    EXPECT_EQ("rooted-two-roots", portal_remap_rooted(&kea_base_portal, me, sys_of("f.echo"), sys_of("g.echo")), 0);
    EXPECT_EQ("rooted-two-roots-mine", via(&pa), g);
    EXPECT_EQ("rooted-two-roots-undo-mine", portal_unremap_rooted(&kea_base_portal, me, sys_of("f.echo")), 0);
    EXPECT_EQ("rooted-two-roots-a-still-g", own(&pa), g);
    EXPECT_EQ("rooted-two-roots-mine-f", via(&pa), f);
    portal_unremap_rooted(&kea_base_portal, a, sys_of("f.echo"));
    EXPECT_EQ("rooted-two-roots-a-undone", own(&pa), f);

    /* Remaps between different interfaces are refused. */
    EXPECT_EQ("remap-incompatible", portal_remap(&kea_base_portal, a, alocal, sys_of("b.probe")), -KEA_EIFACE);
    EXPECT_EQ("remap-global-incompatible",
              portal_remap_global(&kea_base_portal, sys_of("f.echo"), sys_of("a.probe")), -KEA_EIFACE);
    (void)b;
}

/* Several threads invoke while the main thread remaps f <-> g system-wide:
 * every call must be served, by f or g, correctly. */
static kea_binding_t conc_b;
static volatile uint32_t conc_f, conc_g, conc_bad, conc_done, conc_by_f, conc_by_g;

static int hammer(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t y = 0, who = 0;
        if (echo_ping(&conc_b, i, &y) < 0 || y != i + 1) conc_bad++;
        if (echo_who(&conc_b, &who) < 0 || (who != conc_f && who != conc_g)) conc_bad++;
        if (who == conc_f) __atomic_add_fetch(&conc_by_f, 1, __ATOMIC_RELAXED);
        if (who == conc_g) __atomic_add_fetch(&conc_by_g, 1, __ATOMIC_RELAXED);
    }
    __atomic_add_fetch(&conc_done, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void concurrency(void)
{
    conc_f = start("srv_f.o", "f.echo");
    conc_g = start("srv_g.o", "g.echo");
    ECHO_BIND("f", &conc_b);
    uint32_t tids[4];
    for (int i = 0; i < 4; i++)
        thread_create(&kea_base_thread, (uint32_t)hammer, 20000, &tids[i]);
    uint32_t remaps = 0;
    while (conc_done < 4) {
        portal_remap_global(&kea_base_portal, sys_of("f.echo"), sys_of("g.echo"));
        thread_yield(&kea_base_thread);
        portal_unremap_global(&kea_base_portal, sys_of("f.echo"));
        thread_yield(&kea_base_thread);
        remaps++;
    }
    for (int i = 0; i < 4; i++) {
        int32_t st;
        thread_join(&kea_base_thread, tids[i], &st);
    }
    EXPECT_EQ("concurrent-no-lost-or-misrouted", conc_bad, 0);
    /* Both bindings really served calls while the threads ran. */
    check(remaps >= 2 && conc_by_f > 0 && conc_by_g > 0, "concurrent-both-targets-served",
          "f served %ld, g served %ld", conc_by_f, conc_by_g);
}

static void destroy(void)
{
    uint32_t h = start("srv_h.o", "h.echo");
    kea_binding_t b;
    ECHO_BIND("h", &b);
    uint32_t y;
    EXPECT_EQ("before-destroy", echo_ping(&b, 1, &y), 0);
    EXPECT_EQ("destroy", domain_destroy(&kea_base_domain, h), 0);
    EXPECT_EQ("call-after-destroy", echo_ping(&b, 1, &y), -KEA_EDEAD);
    EXPECT_EQ("destroy-again", domain_destroy(&kea_base_domain, h), -KEA_ENOENT);
    EXPECT_EQ("destroy-self", domain_destroy(&kea_base_domain, kea_domain_id()), -KEA_EBUSY);
    EXPECT_EQ("destroy-kernel", domain_destroy(&kea_base_domain, 0), -KEA_EINVAL);
    uint32_t e = 0, e2 = 0;
    EXPECT_EQ("create-empty", domain_create(&kea_base_domain, "empty1", 0, &e), 0);
    EXPECT_EQ("create-name-taken", domain_create(&kea_base_domain, "empty1", 0, &e2), -KEA_EEXIST);
    EXPECT_EQ("create-bad-name", domain_create(&kea_base_domain, "", 0, &e2), -KEA_EINVAL);
    uint32_t looked = 0;
    domain_lookup(&kea_base_domain, "empty1", &looked);
    EXPECT_EQ("create-lookup", looked, e);
    EXPECT_EQ("destroy-empty", domain_destroy(&kea_base_domain, e), 0);
}

/* Buffer descriptors the runtime never passes (its portal_invoke points
 * ebp at args->in), straight through the trap: the fast path reads a
 * descriptor with an empty in-buffer itself, the C path copies it in. */
static void raw_descriptors(const kea_binding_t *b, void (*trap)(struct rawtrap *), const char *e)
{
    static uint8_t pages[3 * 4096];
    static uint8_t out[64];
    uint32_t edge = ((uint32_t)pages + 4096) & ~4095u;   /* two mapped pages meet here */
    struct { uint32_t addr; int want; uint32_t out_len; const char *name; } cases[] = {
        { 0x00001000, -KEA_EFAULT, 0, "unmapped" },
        { 0xc0100000, -KEA_EFAULT, 0, "in-kernel" },
        { 0xbffffff8, -KEA_EFAULT, 0, "reaching-into-kernel" },
        { 0xfffffff8, -KEA_EFAULT, 0, "wrapping" },
        { 0x40000000 - 8, -KEA_EFAULT, 0, "straddling-unmapped-page" },
        { edge - 8, 0, 0, "straddling-two-pages" },
        { edge + 64, 0, 0, "in-one-page" },
    };
    uint32_t on = 0, c0 = 0, c1 = 0, x;
    sys_idc_fast(&kea_base_sys, &on);
    sys_idc(&kea_base_sys, &c0, &x, &x);
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].want == 0) {
            uint32_t *d = (uint32_t *)cases[i].addr;
            d[0] = 0x30000000;                   /* in: ignored, in_len is 0 */
            d[1] = 0;
            d[2] = (uint32_t)out;
            d[3] = sizeof out;
        }
        struct rawtrap r;
        memset(&r, 0, sizeof r);
        r.eax = IDC_PP(b->portal, ECHO_PROC_TRANSPORT);
        r.ebp = cases[i].addr;
        r.eflags = 0x202;
        r.ds = r.es = r.fs = RT_UDATA;
        r.gs = RT_UTLS;
        trap(&r);
        char name[64];
        snprintf(name, sizeof name, "descriptor-%s-%s", e, cases[i].name);
        check((int)r.eax == cases[i].want && r.ebp == cases[i].out_len, name,
              "status %ld, out_len %ld", (long)(int)r.eax, (long)r.ebp);
    }
    sys_idc(&kea_base_sys, &c1, &x, &x);
    if (on && trap == rawtrap_sysenter)       /* the last one at least: in_len 0, one page */
        check(c1 - c0 >= 1, "descriptor-empty-in-buffer-takes-fast-path", "fast calls +%ld from %ld",
              (long)(c1 - c0), (long)c0);
}

static void bad_input(void)
{
    start("srv_f.o", "f.echo");
    kea_binding_t b;
    ECHO_BIND("f", &b);
    struct idc_args a;
    memset(&a, 0, sizeof a);
    EXPECT_EQ("invalid-portal-id", portal_invoke(IDC_PP(200, 0), &a), -KEA_EBADPORTAL);
    EXPECT_EQ("portal-id-out-of-range", portal_invoke(IDC_PP(0xffff, 0), &a), -KEA_EBADPORTAL);
    uint8_t sysenter;
    __asm__ volatile("movb %%gs:%c1, %0" : "=q"(sysenter) : "i"(TLS_SYSENTER));
    if (sysenter)
        raw_descriptors(&b, rawtrap_sysenter, "sysenter");
    raw_descriptors(&b, rawtrap_int80, "int80");
    EXPECT_EQ("bad-procedure", portal_invoke(IDC_PP(b.portal, 77), &a), -KEA_EBADPROC);
    memset(&a, 0, sizeof a);
    a.in = (const void *)0xc0001000;
    a.in_len = 16;
    EXPECT_EQ("in-buffer-in-kernel", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), -KEA_EFAULT);
    a.in = (const void *)0x30000000;
    EXPECT_EQ("in-buffer-unmapped", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), -KEA_EFAULT);
    a.in = (const void *)0xbffffff8;
    a.in_len = 64;
    EXPECT_EQ("in-buffer-wraps-into-kernel", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), -KEA_EFAULT);
    static char big[8192];
    a.in = big;
    a.in_len = 5000;
    EXPECT_EQ("in-buffer-too-big", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), -KEA_E2BIG);
    a.in_len = 16;
    a.out = (void *)0xc0002000;
    a.out_cap = 64;
    EXPECT_EQ("out-buffer-in-kernel", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), -KEA_EFAULT);
    memset(&a, 0, sizeof a);
    a.out = (void *)0x00001000;       /* never mapped */
    a.out_cap = 64;
    a.in = big;
    a.in_len = 8;
    EXPECT_EQ("out-buffer-unmapped", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), -KEA_EFAULT);
    memset(&a, 0, sizeof a);
    a.in = (const void *)0x30000000;  /* bad pointer ignored when in_len is 0 */
    EXPECT_EQ("zero-length-ignores-pointer", portal_invoke(IDC_PP(b.portal, ECHO_PROC_COPY), &a), 0);
    uint32_t d = 0;
    EXPECT_EQ("activation-stack-exhausted", echo_recurse(&b, 1000, &d), -KEA_EDEPTH);
    EXPECT_EQ("still-works-after-exhaustion", echo_recurse(&b, 3, &d) == 0 ? d : 0, 4);
    EXPECT_EQ("callee-fault", echo_crash(&b), -KEA_ECALLEEFAULT);
    uint32_t y = 0;
    EXPECT_EQ("callee-alive-after-fault", echo_ping(&b, 9, &y) == 0 ? y : 0, 10);
    /* exit() inside a call ends the call (thread.exit from a callee). */
    EXPECT_EQ("callee-exit-ends-call", echo_leave(&b, 3), -KEA_ECALLEEFAULT);
    EXPECT_EQ("callee-alive-after-exit-in-call", echo_ping(&b, 5, &y) == 0 ? y : 0, 6);
    memset(&a, 0, sizeof a);
    EXPECT_EQ("return-without-call", portal_invoke(IDC_RETURN, &a), -KEA_EINVAL);
    EXPECT_EQ("map-kernel-address", memory_map(&kea_base_memory, 0xc0000000, 1, true), -KEA_EINVAL);
    EXPECT_EQ("map-slot-area", memory_map(&kea_base_memory, ACT_SLOTS_BASE, 1, true), -KEA_EINVAL);
    EXPECT_EQ("remap-bad-local", portal_remap(&kea_base_portal, kea_domain_id(), 250, sys_of("f.echo")),
              -KEA_EBADPORTAL);
    EXPECT_EQ("release-base-portal", portal_release(&kea_base_portal, 0), -KEA_EPERM);
    EXPECT_EQ("release-bad-local", portal_release(&kea_base_portal, 240), -KEA_EBADPORTAL);
    {
        kea_binding_t tmp;
        ECHO_BIND("f", &tmp);
        EXPECT_EQ("release", portal_release(&kea_base_portal, tmp.portal), 0);
        EXPECT_EQ("call-after-release", echo_ping(&tmp, 1, &y), -KEA_EBADPORTAL);
    }
    EXPECT_EQ("remap-bad-domain", portal_remap(&kea_base_portal, 63, 0, sys_of("f.echo")), -KEA_ENOENT);
    EXPECT_EQ("spawn-missing-module", domain_spawn(&kea_base_domain, "nosuch.o", 0, &y, 0), -KEA_ENOENT);
}

/* Memory base service: map, share (both see writes), copy (a snapshot),
 * unmap (a shared page lives on in the other domain). */
static void memory(void)
{
    uint32_t fdom = start("srv_f.o", "f.echo"), gdom = start("srv_g.o", "g.echo");
    kea_binding_t f, g;
    ECHO_BIND("f", &f);
    ECHO_BIND("g", &g);
    const uint32_t va = 0x20000000;
    volatile uint32_t *word = (volatile uint32_t *)va;
    uint32_t v = 0;
    EXPECT_EQ("map", memory_map(&kea_base_memory, va, 2, true), 0);
    word[0] = 0x1234abcd;
    EXPECT_EQ("peek-unshared-faults", echo_peek(&f, va, &v), -KEA_ECALLEEFAULT);
    EXPECT_EQ("share", memory_share(&kea_base_memory, va, 2, fdom | 0x80000000u), 0);
    EXPECT_EQ("shared-visible", echo_peek(&f, va, &v) == 0 ? v : 0, 0x1234abcd);
    word[0] = 0x55667788;
    EXPECT_EQ("shared-sees-writes", echo_peek(&f, va, &v) == 0 ? v : 0, 0x55667788);
    EXPECT_EQ("copy", memory_copy(&kea_base_memory, va, 2, gdom), 0);
    word[0] = 0x99;
    EXPECT_EQ("copy-is-snapshot", echo_peek(&g, va, &v) == 0 ? v : 0, 0x55667788);
    EXPECT_EQ("unmap", memory_unmap(&kea_base_memory, va, 2), 0);
    EXPECT_EQ("shared-page-outlives-unmap", echo_peek(&f, va, &v) == 0 ? v : 0, 0x99);
    EXPECT_EQ("share-unmapped", memory_share(&kea_base_memory, va, 1, fdom), -KEA_EFAULT);
    EXPECT_EQ("share-to-nobody", memory_share(&kea_base_memory, va, 1, 60), -KEA_EINVAL);
    uint32_t addr = 0;
    EXPECT_EQ("grow", memory_grow(&kea_base_memory, 10000, &addr), 0);
    check(addr >= USER_HEAP_BASE && addr < USER_HEAP_TOP, "grow-in-heap", "address %lx, %ld", addr, 0);
    EXPECT_EQ("grow-too-much", memory_grow(&kea_base_memory, 0xf0000000u, &addr), -KEA_ENOMEM);
}

/* Revoking the target of a remap (its domain destroyed, its service
 * unloaded) undoes the remap: callers fall back to the original. */
static void revoke_undoes(void)
{
    uint32_t f = start("srv_f.o", "f.echo"), g = start("srv_g.o", "g.echo");
    uint32_t c = start("interpose.o", "c.echo"), a = start("probe_a.o", "a.probe");
    kea_binding_t pa, mine;
    PROBE_BIND("a", &pa);
    ECHO_BIND("f", &mine);
    uint32_t alocal = 0, who = 0, me = kea_domain_id();
    probe_local(&pa, &alocal);
    portal_remap(&kea_base_portal, a, alocal, sys_of("g.echo"));
    portal_remap_rooted(&kea_base_portal, me, sys_of("f.echo"), sys_of("g.echo"));
    EXPECT_EQ("before-per-domain", via(&pa), g);
    echo_who(&mine, &who);
    EXPECT_EQ("before-rooted", who, g);
    EXPECT_EQ("destroy-target", domain_destroy(&kea_base_domain, g), 0);
    EXPECT_EQ("per-domain-undone-by-revoke", via(&pa), f);
    echo_who(&mine, &who);
    EXPECT_EQ("rooted-undone-by-revoke", who, f);
    EXPECT_EQ("unremap-after-revoke", portal_unremap(&kea_base_portal, a, alocal), -KEA_ENOENT);
    uint32_t fsys = sys_of("f.echo");
    EXPECT_EQ("global-to-interposer", portal_remap_global(&kea_base_portal, fsys, sys_of("c.echo")), 0);
    echo_who(&mine, &who);
    EXPECT_EQ("global-before", who, 1000 * c + f);
    EXPECT_EQ("destroy-interposer", domain_destroy(&kea_base_domain, c), 0);
    echo_who(&mine, &who);
    EXPECT_EQ("global-undone-by-revoke", who, f);
}

int main(uint32_t group)
{
    static void (*const groups[])(void) = { 0, basic, remaps, concurrency, destroy, bad_input, memory,
                                            revoke_undoes };
    if (group >= 1 && group < sizeof groups / sizeof groups[0])
        groups[group]();
    else
        printf("idctest: no group %u\n", group);
    printf("idctest: done, %d failed\n", failures);
    return failures;
}
