/*
 * assert.h — run-time assertions.
 *
 * A failed assert(e) calls __assert_fail, which calls panic() with the
 * expression, file, line and function.  Defining NDEBUG before including this
 * header turns assert into nothing (and e is not evaluated).  As C11 asks,
 * there is no include guard: each inclusion redefines assert according to
 * the NDEBUG in force at that point.
 *
 * Environment: panic (see stdlib.h).
 */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) \
    ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef _KEA_ASSERT_H
#define _KEA_ASSERT_H

#define static_assert _Static_assert

void __assert_fail(const char *expr, const char *file, int line,
                   const char *func) __attribute__((noreturn));

#endif /* _KEA_ASSERT_H */
