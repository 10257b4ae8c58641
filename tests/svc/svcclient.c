/* A user program calling the test services (tests/qemu/test_loader.py,
 * test_restart.py).  The monitor's `spawn svcclient.o 0 MODE`, or the
 * shell's `spawn svcclient.o MODE`:
 *   MODE 1  call every instance that is loaded among pk, pu (svc_plain.o in
 *           the kernel / a user domain) and dk, du (svc_distro.o), and
 *           report where each runs and whether its answers are right
 *   MODE 2  smash du's stack, then call it again
 *   MODE 3  bind pk and pu, then call them every 20 ms until both fail
 *           (they are unloaded meanwhile): the status they fail with
 *   MODE 4, 5  stay inside pk (4) or pu (5) for 2 s, then call it again
 *   MODE 6  call pu once (a test armed a loop in it: the call deadline
 *           ends the call), then stay at home for 10 s
 * Facts go out as "svcclient: NAME key=value" lines, checks as PASS:/FAIL:. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <kea/base.h>
#include "svctest_client.h"
#include "thread_client.h"

static int failures;

static void check(int ok, const char *name, const char *what)
{
    printf("%s: svc/%s %s\n", ok ? "PASS" : "FAIL", name, what);
    failures += !ok;
}

static void exercise(const char *name)
{
    kea_binding_t b;
    int r = SVCTEST_BIND(name, &b);
    if (r < 0) {
        printf("svcclient: %s absent (%s)\n", name, kea_strerror(r));
        return;
    }
    uint32_t ctors = 0, inits = 0, calls0 = 0, calls = 0;
    svctest_state(&b, &ctors, &inits, &calls0);
    uint32_t dom = 0xffffffff;
    r = svctest_where(&b, &dom);
    printf("svcclient: %s where=%u status=%d\n", name, dom, r);

    /* 0x0123456789abcdef / 1000 = 0x4a90be587de6 r 895 */
    uint32_t qhi = 0, qlo = 0, rem = 0;
    r = svctest_div64(&b, 0x01234567, 0x89abcdef, 1000, &qhi, &qlo, &rem);
    check(r == 0 && qhi == 0x4a90 && qlo == 0xbe587de6 && rem == 895, name, "div64");
    check(svctest_div64(&b, 1, 2, 0, &qhi, &qlo, &rem) == -KEA_EINVAL, name, "div64 by zero refused");

    char out[64];
    size_t len = 0;
    r = svctest_upper(&b, "kea service", out, sizeof out, &len);
    check(r == 0 && len == 12 && strcmp(out, "KEA SERVICE") == 0, name, "upper");

    r = svctest_state(&b, &ctors, &inits, &calls);
    check(r == 0 && ctors == 1 && inits == 1 && calls == calls0 + 5, name, "constructor, init, calls");
}

int main(uint32_t mode)
{
    if (mode == 1) {
        static const char *const names[] = { "pk", "pu", "dk", "du" };
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
            exercise(names[i]);
    } else if (mode == 2) {
        kea_binding_t b;
        int r = SVCTEST_BIND("du", &b);
        if (r == 0) {
            char big[64];
            memset(big, 'x', sizeof big);
            r = svctest_smash(&b, big, sizeof big);
            printf("svcclient: du smash status=%d (%s)\n", r, kea_strerror(r));
            uint32_t dom = 0;
            r = svctest_where(&b, &dom);
            printf("svcclient: du after smash where=%u status=%d\n", dom, r);
        } else {
            printf("svcclient: du absent (%s)\n", kea_strerror(r));
        }
    } else if (mode == 3) {
        kea_binding_t b[2];
        static const char *const names[2] = { "pk", "pu" };
        int st[2] = { 0, 0 };
        for (int i = 0; i < 2; i++)
            if ((st[i] = SVCTEST_BIND(names[i], &b[i])) < 0)
                printf("svcclient: %s absent (%s)\n", names[i], kea_strerror(st[i]));
        printf("svcclient: bound\n");
        for (int n = 0; n < 1500 && (st[0] >= 0 || st[1] >= 0); n++) {
            for (int i = 0; i < 2; i++) {
                uint32_t dom;
                if (st[i] >= 0 && (st[i] = svctest_where(&b[i], &dom)) < 0)
                    printf("svcclient: %s gone status=%d (%s)\n", names[i], st[i], kea_strerror(st[i]));
            }
            thread_sleep(&kea_base_thread, 20);
        }
    } else if (mode == 4 || mode == 5) {
        const char *name = mode == 4 ? "pk" : "pu";
        kea_binding_t b;
        int r = SVCTEST_BIND(name, &b);
        if (r == 0) {
            printf("svcclient: holding %s\n", name);
            r = svctest_hold(&b, 2000);
            printf("svcclient: %s hold status=%d\n", name, r);
            uint32_t dom;
            r = svctest_where(&b, &dom);
            printf("svcclient: %s then status=%d (%s)\n", name, r, kea_strerror(r));
        } else {
            printf("svcclient: %s absent (%s)\n", name, kea_strerror(r));
        }
    } else if (mode == 6) {
        kea_binding_t b;
        uint32_t dom;
        int r = SVCTEST_BIND("pu", &b);
        if (r == 0) {
            printf("svcclient: calling pu\n");
            r = svctest_where(&b, &dom);
            printf("svcclient: pu where status=%d (%s)\n", r, kea_strerror(r));
            thread_sleep(&kea_base_thread, 10000);
        } else {
            printf("svcclient: pu absent (%s)\n", kea_strerror(r));
        }
    }
    printf("svcclient: done, %d failed\n", failures);
    return failures;
}
