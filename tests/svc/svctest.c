/* The test service of tests/qemu/test_loader.py: one source, built the way
 * kernel code is (svc_plain.o) and the way a distribution builds library
 * code (svc_distro.o: -O2 -fPIC -fstack-protector-strong), and loaded in
 * the kernel and in user domains side by side.  It never asks where it
 * runs; it reports kea_domain_id(), 0 in the kernel.
 *
 * Variants for the failure tests: -DSVC_FAIL_INIT (init returns an error),
 * -DSVC_INIT_FAULT (init dereferences NULL).  Migration (tests/qemu/
 * test_migrate.py): -DSVC_MIGR gives it state hooks (its counters are its
 * state), -DSVC_MIGR_BADIMPORT an import that fails, -DSVC_MIGR_INITFAULT
 * an init that faults when it starts a migrated instance.  Without hooks
 * it is a service with state that migration must refuse to move. */
#if defined(SVC_MIGR_BADIMPORT) || defined(SVC_MIGR_INITFAULT)
#define SVC_MIGR
#endif
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/base.h>
#include <kea/binding.h>
#include <kea/service.h>
#include "svctest_server.h"
#include "thread_client.h"      /* linked in: only portal_invoke comes from outside */

uint32_t kea_domain_id(void);          /* the environment's: 0 in the kernel */

static uint32_t ctors, inits, calls;

/* Constructors run before init, in the placement, like a library's. */
__attribute__((constructor)) static void construct(void)
{
    ctors++;
}

static int where(void *self, uint32_t *dom)
{
    (void)self;
    calls++;
    *dom = kea_domain_id();
    return 0;
}

/* 64-bit division: i386 code calls libgcc's __udivdi3 and __umoddi3. */
static int div64(void *self, uint32_t hi, uint32_t lo, uint32_t d, uint32_t *qhi, uint32_t *qlo,
                 uint32_t *rem)
{
    (void)self;
    calls++;
    if (d == 0) return -KEA_EINVAL;
    uint64_t n = (uint64_t)hi << 32 | lo;
    uint64_t q = n / d;
    *qhi = (uint32_t)(q >> 32);
    *qlo = (uint32_t)q;
    *rem = (uint32_t)(n % d);
    return 0;
}

static int state(void *self, uint32_t *c, uint32_t *i, uint32_t *n)
{
    (void)self;
    *c = ctors;
    *i = inits;
    *n = ++calls;
    return 0;
}

static int upper(void *self, const char *s, void *r, size_t cap, size_t *len)
{
    (void)self;
    calls++;
    size_t n = strlen(s) + 1;
    if (n > cap) return -KEA_E2BIG;
    char *out = r;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)toupper((unsigned char)s[i]);
    *len = n;
    return 0;
}

/* A stack buffer overflow, on purpose.  Only armed when compiled with the
 * stack protector, which catches it before the function returns: without
 * it nothing would, and the service would run on with a broken stack. */
static int smash(void *self, const void *data, size_t len)
{
    (void)self;
    calls++;
#ifdef __SSP_STRONG__
    char buf[16];
    memcpy(buf, data, len);
    __asm__ volatile("" : : "r"(buf) : "memory");
    return 0;
#else
    (void)data; (void)len;
    return -KEA_EINVAL;
#endif
}

static int hold(void *self, uint32_t ms)
{
    (void)self;
    calls++;
    return thread_sleep(&kea_base_thread, ms);
}

/* An endless loop: only a call deadline ends it (kernel/recover.c).  The
 * environment's malloc and the base service run with interrupts off in
 * the kernel (kernel/kenv.c), so a loop there is seen at the instants
 * between them; memcpy runs with them on. */
static int spin(void *self, uint32_t how)
{
    (void)self;
    calls++;
    static char a[4096], b[4096];
    uint32_t tid;
    if (how > 3) return -KEA_EINVAL;
    for (;;) {
        if (how == 1) free(malloc(64));
        else if (how == 2) thread_id(&kea_base_thread, &tid);
        else if (how == 3) memcpy(a, b, sizeof a);
        __asm__ volatile("" : : : "memory");
    }
    return 0;
}

/* A bad pointer handed to the environment: the fault is in its code. */
static int badcopy(void *self, uint32_t how)
{
    (void)self;
    calls++;
    static const char data[64];
    void *bad = (void *)(uintptr_t)16;
    if (how == 0) memcpy(bad, data, sizeof data);
    else if (how == 1) printf("svctest: %s\n", (const char *)bad);
    else if (how == 2) puts(bad);
    else if (how == 3) kea_bind("kernel", "thread", THREAD_IFACE_ID, bad);
    else if (how == 4) free(strdup(bad));
    else return -KEA_EINVAL;
    return 0;
}

/* The service gives up, as library code does when it finds itself broken. */
static int die(void *self, uint32_t how)
{
    (void)self;
    calls++;
    if (how == 0) panic("svctest: told to die");
    if (how == 1) abort();
    assert(how != 2);
    return -KEA_EINVAL;
}

/* A reply of the caller's choosing, in or out of the contract: an out of
 * contract one makes the kernel restart the service (kernel/reply.c). */
static int answer(void *self, int32_t status)
{
    (void)self;
    calls++;
    return status;
}

#ifdef SVC_MIGR
/* The init of a migrated instance: state_import sets the counters. */
static int migrated_init(void)
{
#ifdef SVC_MIGR_INITFAULT
    return *(volatile int *)0;
#else
    return 0;
#endif
}
#endif

static int svctest_init(void)
{
#ifdef SVC_MIGR
    if (kea_service_why == KEA_WHY_MIGRATE) return migrated_init();
#endif
    inits++;
    printf("svctest: init in domain %u\n", kea_domain_id());
#if defined(SVC_FAIL_INIT)
    return -KEA_ENOMEM;
#elif defined(SVC_INIT_FAULT)
    return *(volatile int *)0;
#else
    return 0;
#endif
}

static void svctest_fini(void)
{
    printf("svctest: fini in domain %u after %u calls\n", kea_domain_id(), calls);
}

#ifdef SVC_MIGR
struct svc_state { uint32_t ctors, inits, calls; };

static int svc_export(void *buf, size_t cap, size_t *len)
{
    *len = sizeof(struct svc_state);
    if (cap < *len) return -KEA_E2BIG;
    struct svc_state st = { ctors, inits, calls };
    memcpy(buf, &st, sizeof st);
    return 0;
}

static int svc_import(const void *buf, size_t len)
{
#ifdef SVC_MIGR_BADIMPORT
    (void)buf; (void)len;
    return -KEA_EINVAL;
#else
    struct svc_state st;
    if (len != sizeof st) return -KEA_EINVAL;
    memcpy(&st, buf, sizeof st);
    inits = st.inits;
    calls = st.calls;
    return 0;
#endif
}
#define SVC_HOOKS .state_export = svc_export, .state_import = svc_import
#else
#define SVC_HOOKS .rights = 0
#endif

static const struct svctest_ops ops = { where, div64, state, upper, smash, hold, spin, badcopy, die,
                                        answer, answer };
static struct svctest_server server = { &ops, 0 };
static const struct kea_service_iface ifaces[] = {
    SVCTEST_SERVICE_IFACE(svctest_dispatch, &server),
};

KEA_SERVICE(.name = "svctest", .ifaces = ifaces, .nifaces = 1, .init = svctest_init,
            .fini = svctest_fini, SVC_HOOKS);
