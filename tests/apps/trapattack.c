/* Attacks on the trap entry and exit from a domain with no rights (issue 9,
 * items 1 and 2).  Through both entries (sysenter when the CPU has it, and
 * int 0x80) it traps with hostile CPU state and checks that the kernel
 * survives, serves the call correctly, and hands back -- to the caller and
 * to a callee in another domain -- only clean state:
 *
 *   EFLAGS.TF set on the trapping instruction (sysenter: the single-step
 *   trap is taken on the kernel's first instruction), DF, NT, AC, IOPL;
 *   %ds %es %fs loaded with the domain's TLS selector, whose base (near
 *   0xbffff000) would shift every kernel data access by about -1 GiB if
 *   the entry did not reload them (QEMU's TCG does not fault on null
 *   selectors, so a null %ds alone would prove nothing); null selectors;
 *   RPL 0 copies of user selectors and the user code segment as data.
 *
 * Needs srv_f (f.echo) running.  Prints PASS:/FAIL: lines, then
 * "trapattack: done, N failed". */
#include <stdio.h>
#include <string.h>
#include <kea/tls.h>
#include "rawtrap.h"
#include "echo_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_portal, kea_base_thread;

static int failed;

static void check(const char *entry, const char *name, int ok, const struct rawtrap *r)
{
    if (ok) {
        printf("PASS: trap/%s-%s\n", entry, name);
        return;
    }
    failed++;
    printf("FAIL: trap/%s-%s: eax=%d ebx=%08x esi=%08x edi=%08x ebp=%08x eflags=%08x "
           "ds=%04x es=%04x fs=%04x gs=%04x\n", entry, name, (int)r->eax, r->ebx, r->esi, r->edi,
           r->ebp, r->eflags, r->ds & 0xffff, r->es & 0xffff, r->fs & 0xffff, r->gs & 0xffff);
}

#define DIRTY (RT_TF | RT_DF | RT_NT | RT_AC)

/* What comes back to user mode: flat selectors, no dirty flag, IOPL 0, IF. */
static int clean(const struct rawtrap *r)
{
    return (r->ds & 0xffff) == RT_UDATA && (r->es & 0xffff) == RT_UDATA &&
           (r->fs & 0xffff) == RT_UDATA && (r->gs & 0xffff) == RT_UTLS &&
           !(r->eflags & (DIRTY | RT_IOPL)) && (r->eflags & 0x200);
}

static void setup(struct rawtrap *r, uint32_t pp, uint32_t flags, uint32_t ds, uint32_t es,
                  uint32_t fs, uint32_t gs)
{
    memset(r, 0, sizeof *r);
    r->eax = pp;
    r->eflags = 0x202 | flags;
    r->ds = ds;
    r->es = es;
    r->fs = fs;
    r->gs = gs;
}

static void attack(const char *e, void (*trap)(struct rawtrap *), uint32_t echo, uint32_t tid)
{
    struct rawtrap r;
    uint32_t th_id = IDC_PP(BASE_THREAD, THREAD_PROC_ID);

    setup(&r, th_id, RT_TF, RT_UDATA, RT_UDATA, RT_UDATA, RT_UTLS);
    trap(&r);
    check(e, "single-step", r.eax == 0 && r.ebx == tid && clean(&r), &r);

    setup(&r, th_id, DIRTY | RT_IOPL, RT_UTLS, RT_UTLS, RT_UTLS, RT_UTLS);
    trap(&r);
    check(e, "tls-segments-dirty-flags", r.eax == 0 && r.ebx == tid && clean(&r), &r);

    setup(&r, th_id, RT_DF, 0, 0, 0, 0);
    trap(&r);
    check(e, "null-segments", r.eax == 0 && r.ebx == tid && clean(&r), &r);

    setup(&r, th_id, RT_AC, RT_UDATA & ~3, RT_UCODE, RT_UTLS & ~3, RT_UDATA);
    trap(&r);
    check(e, "rpl0-and-code-segments", r.eax == 0 && r.ebx == tid && clean(&r), &r);

    /* Into another domain: the callee reports the state it runs with. */
    setup(&r, IDC_PP(echo, ECHO_PROC_CPU), DIRTY | RT_IOPL, RT_UTLS, RT_UTLS, RT_UTLS, 0);
    trap(&r);
    int callee_clean = !(r.ebx & (DIRTY | RT_IOPL)) && (r.ebx & 0x200) &&
                       r.esi == (RT_UDATA | RT_UDATA << 16) && r.edi == (RT_UDATA | RT_UTLS << 16);
    check(e, "callee-gets-clean-state", r.eax == 0 && callee_clean && clean(&r), &r);

    /* A buffer copied both ways while DF and a based %ds are the caller's. */
    char in[100], out[128];
    for (int i = 0; i < 100; i++) in[i] = (char)(i * 7 + 1);
    memset(out, 0, sizeof out);
    struct { uint32_t in, in_len, out, out_cap; } bufs = {
        (uint32_t)in, sizeof in, (uint32_t)out, sizeof out };
    setup(&r, IDC_PP(echo, ECHO_PROC_COPY), RT_DF | RT_AC, RT_UTLS, RT_UTLS, RT_UTLS, RT_UTLS);
    r.ebp = (uint32_t)&bufs;
    trap(&r);
    check(e, "buffers-copied-intact", r.eax == 0 && r.ebp == sizeof in &&
          memcmp(in, out, sizeof in) == 0 && clean(&r), &r);

    /* The callee faults: its unwound frame must not leak into the caller's. */
    setup(&r, IDC_PP(echo, ECHO_PROC_CRASH), RT_DF | RT_NT, RT_UTLS, RT_UTLS, 0, RT_UTLS);
    trap(&r);
    check(e, "callee-fault-unwound-clean", (int)r.eax == -KEA_ECALLEEFAULT && clean(&r), &r);

    /* A return with nobody to return to, with hostile state. */
    setup(&r, IDC_RETURN, DIRTY, RT_UTLS, 0, RT_UTLS, 0);
    trap(&r);
    check(e, "stray-return", (int)r.eax == -KEA_EINVAL && clean(&r), &r);

    /* Bad portal ids and procedures with everything dirty. */
    setup(&r, IDC_PP(250, 3), DIRTY, RT_UTLS, RT_UTLS, RT_UTLS, RT_UTLS);
    trap(&r);
    check(e, "bad-portal", (int)r.eax == -KEA_EBADPORTAL && clean(&r), &r);
    setup(&r, IDC_PP(BASE_THREAD, 999), DIRTY, RT_UTLS, RT_UTLS, RT_UTLS, RT_UTLS);
    trap(&r);
    check(e, "bad-proc", (int)r.eax == -KEA_EBADPROC && clean(&r), &r);
}

int main(void)
{
    kea_binding_t f;
    while (ECHO_BIND("f", &f) < 0)
        thread_sleep(&kea_base_thread, 10);
    uint32_t tid = 0;
    thread_id(&kea_base_thread, &tid);
    uint8_t sysenter;
    __asm__ volatile("movb %%gs:%c1, %0" : "=q"(sysenter) : "i"(TLS_SYSENTER));
    if (sysenter)
        attack("sysenter", rawtrap_sysenter, f.portal, tid);
    attack("int80", rawtrap_int80, f.portal, tid);
    printf("trapattack: done, %d failed\n", failed);
    return 0;
}
