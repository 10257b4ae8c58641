/* The trap-boundary fuzzer (issue 9, item 3), small, in the spirit of
 * trinity: from a domain with no rights, N traps (sysenter and int 0x80)
 * with random general registers, random EFLAGS bits (TF, DF, NT, AC, IOPL,
 * the arithmetic flags), a random loadable selector in each of %ds %es %fs
 * %gs, random portal ids and procedures, random buffer descriptors (valid,
 * NULL, kernel, unmapped, read-only, overlong), and the base services'
 * procedures with random arguments.  Every trap must come back with a
 * status (0 or a negative error) and clean state (flat selectors, no
 * TF/DF/NT/AC/IOPL); the kernel must not fault.
 *
 * A few procedures would harm the fuzzer itself rather than the kernel
 * (thread.exit, blocking reads and waits, console mode, unmapping its own
 * code); those get arguments that keep it alive, and nothing else is
 * filtered.  Runs are reproducible: `spawn trapfuzz.o N SEED`, the same
 * seed and build give the same traps.  Prints progress every million and
 * "trapfuzz: done, N traps, seed S, F failed" with a histogram of the
 * statuses; srv_f (f.echo) is used as a user-domain target when present. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/tls.h>
#include <kea/memlayout.h>
#include "rawtrap.h"
#include "echo_client.h"
#include "console_client.h"
#include "thread_client.h"
#include "domain_client.h"
#include "memory_client.h"
#include "portal_client.h"
#include "irq_client.h"
#include "sys_client.h"

extern const kea_binding_t kea_base_portal, kea_base_thread;
uint32_t kea_domain_id(void);

static uint64_t rng;

static uint32_t rnd(void)                /* xorshift64* */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }
static int chance(uint32_t percent) { return below(100) < percent; }

/* An interesting word: edges, small numbers, addresses of every kind. */
static uint32_t word(void)
{
    static const uint32_t edges[] = {
        0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0xffff, 0x10000,
        PGSIZE, PGSIZE - 1, IDC_BUF_MAX + 1, USER_IMAGE_BASE, USER_HEAP_BASE, PAGED_BASE,
        ACT_SLOTS_BASE, USER_TLS_BASE, KERNBASE, KERNBASE + 0x100000, 0xfffff000,
    };
    switch (below(4)) {
    case 0: return edges[below(sizeof edges / sizeof edges[0])];
    case 1: return below(64);
    case 2: return edges[below(sizeof edges / sizeof edges[0])] + below(16) - 8;
    default: return rnd();
    }
}

/* The selectors ring 3 can load: null, user code, user data, user TLS,
 * each with any RPL. */
static uint32_t selector(void)
{
    static const uint32_t idx[] = { 0, 3, 4, 7, 4, 7 };
    return idx[below(6)] << 3 | below(4);
}

#define SCRATCH 8192
static uint8_t in_buf[SCRATCH], out_buf[SCRATCH];
static struct { uint32_t in, in_len, out, out_cap; } desc;

/* Where the kernel may write without hurting the fuzzer: the scratch
 * out-buffer, or places it must refuse (kernel, unmapped, read-only). */
static uint32_t out_ptr(void)
{
    switch (below(6)) {
    case 0: case 1: return (uint32_t)out_buf + below(64);
    case 2: return 0;
    case 3: return KERNBASE + below(0x1000000);
    case 4: return 0x30000000 + below(0x1000000);        /* never mapped here */
    default: return USER_TLS_BASE + below(PGSIZE);     /* read-only */
    }
}

static uint32_t in_ptr(void)
{
    switch (below(5)) {
    case 0: case 1: return (uint32_t)in_buf + below(64);
    case 2: return 0;
    case 3: return KERNBASE + below(0x1000000);
    default: return word();
    }
}

static uint32_t length(void)
{
    switch (below(5)) {
    case 0: return 0;
    case 1: return below(64);
    case 2: return IDC_BUF_MAX - below(2);
    case 3: return IDC_BUF_MAX + 1 + below(8);
    default: return word();
    }
}

/* A plausible or random string for procedures taking names. */
static void fill_in(void)
{
    static const char *const names[] = {
        "f.echo", "kernel.console", "kernel.thread", "rd.block", "trapfuzz", "srv_f", "kernel",
        "shell", "x", "", "rt.o", "srv_h.o", "hello.o kernel", "trapfuzz.evil", "f.echo2",
    };
    if (chance(50)) {
        const char *n = names[below(sizeof names / sizeof names[0])];
        size_t l = strlen(n);
        memcpy(in_buf, n, l + 1);
    } else {
        uint32_t n = below(96);
        for (uint32_t i = 0; i < n; i++) in_buf[i] = (uint8_t)rnd();
    }
}

static uint32_t descriptor(void)
{
    switch (below(8)) {
    case 0: case 1: case 2: return 0;
    case 3: return word();
    case 4: return KERNBASE + below(0x2000000);
    default:
        fill_in();
        desc.in = in_ptr();
        desc.in_len = length();
        desc.out = out_ptr();
        desc.out_cap = length();
        if (desc.out_cap > SCRATCH - 64 && desc.out >= (uint32_t)out_buf &&
            desc.out < (uint32_t)out_buf + SCRATCH)
            desc.out_cap = below(SCRATCH - 64);   /* stay inside the scratch buffer */
        return (uint32_t)&desc;
    }
}

static void thread_quick(void) {}
static int own_handler(void *self, struct idc_call *c) { (void)self; (void)c; return 0; }

/* Keep what follows from harming the fuzzer itself (see the top). */
static int tame(struct rawtrap *r, uint32_t me, uint32_t tid, uint32_t echo)
{
    uint32_t portal = IDC_PP_PORTAL(r->eax), proc = IDC_PP_PROC(r->eax);
    if (r->eax == IDC_RETURN) return 0;
    if (portal == echo && echo >= BASE_NPORTALS) {
        if (proc == ECHO_PROC_RECURSE) r->ebx %= 40;
        if ((proc == ECHO_PROC_CRASH || proc == ECHO_PROC_PEEK) && !chance(1))
            return -1;                         /* callee faults print: keep them rare */
        return 0;
    }
    switch (portal) {
    case BASE_CONSOLE:
        if (proc == CONSOLE_PROC_READ || proc == CONSOLE_PROC_MODE) return -1;
        if (proc == CONSOLE_PROC_WRITE && r->ebp == (uint32_t)&desc && desc.in < KERNBASE)
            desc.in_len = 0;                  /* no garbage on the console */
        return 0;
    case BASE_THREAD:
        if (proc == THREAD_PROC_EXIT || proc == THREAD_PROC_SEM_DOWN) return -1;
        if (proc == THREAD_PROC_SLEEP) r->ebx %= 2;
        if (proc == THREAD_PROC_JOIN) r->ebx = chance(50) ? tid : 0x7fff0000 + below(100);
        if (proc == THREAD_PROC_CREATE) {
            if (!chance(2)) return -1;
            r->ebx = (uint32_t)thread_quick;
        }
        return 0;
    case BASE_MEMORY:
        if (proc == MEMORY_PROC_MAP || proc == MEMORY_PROC_UNMAP) {
            /* Anywhere but over the fuzzer's own image, heap and stack. */
            uint32_t va = r->ebx, n = r->esi, end = va + n * PGSIZE;
            int mine = (va < USER_IMAGE_BASE + 0x4000000 && end > USER_IMAGE_BASE) ||
                       (va < USER_HEAP_BASE + 0x10000000 && end > USER_HEAP_BASE) ||
                       end < va || n >= (1u << 20);
            if (mine || chance(50)) {           /* the quota bounds the rest */
                r->ebx = 0x50000000 + below(256) * PGSIZE;
                r->esi = below(8);
            }
        }
        if (proc == MEMORY_PROC_GROW && !chance(5)) r->ebx = below(2 * PGSIZE);
        return 0;
    case BASE_PORTAL:
        if (proc == PORTAL_PROC_CREATE)     /* a random handler in its own domain could be main */
            r->ebx = chance(80) ? (uint32_t)own_handler : KERNBASE + rnd() % 0x40000000;
        if (proc == PORTAL_PROC_GRANT && chance(50)) r->esi = me;
        if (proc == PORTAL_PROC_GRANT && r->esi == me && r->ebx < BASE_NPORTALS)
            r->ebx += BASE_NPORTALS;           /* a second id for a base service escapes tame() */
        return 0;
    default:
        return 0;
    }
}

#ifndef PROGRESS
#define PROGRESS 1000000
#endif
#define NSTATUS (KEA_NERRORS + 2)
static uint32_t histogram[NSTATUS];         /* [0] ok, [e] -e, [last] anything else */

int main(int n, char *args)
{
    uint32_t traps = n ? (uint32_t)n : 100000;
    const char *s = strchr(args, ' ');
    uint32_t seed = s ? (uint32_t)strtoul(s + 1, 0, 0) : 1;
    rng = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;
    uint8_t sysenter;
    __asm__ volatile("movb %%gs:%c1, %0" : "=q"(sysenter) : "i"(TLS_SYSENTER));
    uint32_t me = kea_domain_id(), tid = 0;
    thread_id(&kea_base_thread, &tid);
    kea_binding_t echo = { 0, 0 };
    ECHO_BIND("f", &echo);
    printf("trapfuzz: start, %u traps, seed %u, %s\n", traps, seed,
           sysenter ? "sysenter and int 0x80" : "int 0x80");
    uint32_t failed = 0;
    for (uint32_t i = 0; i < traps; i++) {
        struct rawtrap r;
        static const uint32_t nprocs[BASE_NPORTALS] = {
            CONSOLE_NPROCS, THREAD_NPROCS, DOMAIN_NPROCS, MEMORY_NPROCS, PORTAL_NPROCS,
            IRQ_NPROCS, SYS_NPROCS,
        };
        do {
            uint32_t pick = below(100);
            if (pick < 45) {
                uint32_t p = below(BASE_NPORTALS);
                r.eax = IDC_PP(p, below(nprocs[p] + 2));
            } else if (pick < 65 && echo.iface_id) {
                r.eax = IDC_PP(echo.portal, below(ECHO_NPROCS + 1));
            } else if (pick < 85) {
                r.eax = IDC_PP(below(300), below(chance(50) ? 16 : 0x8000));
            } else if (pick < 95) {
                r.eax = rnd();
            } else {
                r.eax = IDC_RETURN;
            }
            r.ebx = word();
            r.ecx = word();
            r.edx = word();
            r.esi = word();
            r.edi = word();
            r.ebp = descriptor();
        } while (tame(&r, me, tid, echo.iface_id ? echo.portal : 0) < 0);
        r.eflags = rnd() & (0x0cd5 | RT_TF | RT_NT | RT_AC | RT_IOPL | 0x200000);
        r.ds = selector();
        r.es = selector();
        r.fs = selector();
        r.gs = selector();
        uint32_t pp = r.eax;
        if (sysenter && chance(50)) rawtrap_sysenter(&r);
        else rawtrap_int80(&r);

        int st = (int)r.eax;
        int bad_state = (r.ds & 0xffff) != RT_UDATA || (r.es & 0xffff) != RT_UDATA ||
                        (r.fs & 0xffff) != RT_UDATA || (r.gs & 0xffff) != RT_UTLS ||
                        (r.eflags & (RT_TF | RT_DF | RT_NT | RT_AC | RT_IOPL)) || !(r.eflags & 0x200);
        uint32_t slot = st == 0 ? 0 : (st < 0 && st >= -KEA_NERRORS) ? (uint32_t)-st : NSTATUS - 1;
        histogram[slot]++;
        if (bad_state || (st > 0 && IDC_PP_PORTAL(pp) < BASE_NPORTALS)) {
            if (++failed <= 10)
                printf("FAIL: trapfuzz: trap %u (seed %u): pp %08x status %d eflags %08x "
                       "ds %04x es %04x fs %04x gs %04x\n", i, seed, pp, st, r.eflags,
                       r.ds & 0xffff, r.es & 0xffff, r.fs & 0xffff, r.gs & 0xffff);
        }
        if ((i + 1) % PROGRESS == 0)
            printf("trapfuzz: %u traps\n", i + 1);
        if ((i + 1) % 4096 == 0 && echo.iface_id)
            ECHO_BIND("f", &echo);           /* a random release may have dropped it */
    }
    printf("trapfuzz: statuses: ok %u", histogram[0]);
    for (int e = 1; e < NSTATUS - 1; e++)
        if (histogram[e]) printf(", %s %u", kea_strerror(-e), histogram[e]);
    if (histogram[NSTATUS - 1]) printf(", other %u", histogram[NSTATUS - 1]);
    printf("\ntrapfuzz: done, %u traps, seed %u, %u failed\n", traps, seed, failed);
    return 0;
}
