/* The checks of kea's C test programs (tests/apps/idctest.c, blktest.c,
 * fsclient.c, fstest.c and tests/host/kfs/fssuite.c, which runs both on the
 * host and in kea), defined once so that every program prints the lines
 * tests/run.py reads the same way:
 *
 *     PASS: AREA/SVC/NAME
 *     FAIL: AREA/SVC/NAME: why
 *
 * AREA is CHECK_AREA, which the program defines before including this
 * ("fs", "blk", "idc"); SVC is the service under test, `svc`, which the
 * program sets (left NULL, the names read AREA/NAME).  `failures` counts the
 * checks that failed; the program reports it at its end.  Everything is
 * static: each program (and each object of one, as fstest.c and fssuite.c)
 * has its own count. */
#ifndef KEA_TEST_CHECK_H
#define KEA_TEST_CHECK_H
#include <stdio.h>

#ifndef CHECK_AREA
#error "define CHECK_AREA (the first part of every check's name) before including kea_check.h"
#endif

static int failures;
static const char *svc;                 /* the service under test, or NULL */

/* One check's line; on failure, fmt says why with a and b (it may use
 * only the first: printf ignores arguments left over). */
static inline void check(int ok, const char *name, const char *fmt, long a, long b)
{
    const char *s = svc ? svc : "", *sep = svc ? "/" : "";
    if (ok) {
        printf("PASS: " CHECK_AREA "/%s%s%s\n", s, sep, name);
        return;
    }
    printf("FAIL: " CHECK_AREA "/%s%s%s: ", s, sep, name);
    printf(fmt, a, b);
    printf("\n");
    failures++;
}

#define EXPECT_EQ(name, got, want) do { \
        long got_ = (long)(got), want_ = (long)(want); \
        check(got_ == want_, name, "got %ld, want %ld", got_, want_); \
    } while (0)
#define EXPECT(name, cond) check((cond) != 0, name, "%ld%ld", 0, 0)

#endif
