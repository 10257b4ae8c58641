/*
 * stdlib.h — numeric conversion, sorting, and the allocation and
 * termination interfaces.
 *
 * Environment (functions the client must provide; libc never defines them,
 * because only the kernel or a user domain runtime knows where memory comes
 * from and what stopping means):
 *
 *   void *malloc(size_t size);
 *   void  free(void *p);
 *   void *calloc(size_t n, size_t size);
 *   void *realloc(void *p, size_t size);
 *   void  abort(void);
 *   void  exit(int status);
 *   void  panic(const char *fmt, ...);
 *
 * panic is an OSKit-style extension: print a printf-formatted message and
 * stop the kernel (or the user domain).  It must not return.  assert()
 * reaches it through __assert_fail.
 *
 * Everything defined here has environment: none, except where noted; it
 * sets errno where C11 says so.
 */
#ifndef _KEA_STDLIB_H
#define _KEA_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* Environment: provided by the kernel or user domain runtime. */
void *malloc(size_t size);
void  free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void  abort(void) __attribute__((noreturn));
void  exit(int status) __attribute__((noreturn));
void  panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/*
 * C11 7.22.1.4: skip isspace, optional sign, then digits in base (0 means
 * decimal, 0x/0X hex or leading-0 octal; 16 allows a 0x prefix; 2..36 use
 * letters for digits above 9).  *end (if end is not NULL) is set past the
 * last digit used, or to s if there were none.  On overflow, return the
 * type's extreme value and set errno = ERANGE.  A bad base sets errno =
 * EINVAL and returns 0.  strtoul and strtoull negate the value in the
 * unsigned type if it had a minus sign, as C requires.
 */
long               strtol(const char *restrict s, char **restrict end,
                          int base);
unsigned long      strtoul(const char *restrict s, char **restrict end,
                           int base);
long long          strtoll(const char *restrict s, char **restrict end,
                           int base);
unsigned long long strtoull(const char *restrict s, char **restrict end,
                            int base);

/* Decimal conversion, as strtol(s, NULL, 10) cast to the result type. */
int       atoi(const char *s);
long      atol(const char *s);
long long atoll(const char *s);

int       abs(int x);
long      labs(long x);
long long llabs(long long x);

typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;
typedef struct { long long quot, rem; } lldiv_t;

/* Quotient truncated toward zero, and remainder, in one call. */
div_t   div(int num, int den);
ldiv_t  ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

/*
 * Sort n elements of the given size in place.  Introsort: quicksort with a
 * median-of-three pivot, insertion sort for short runs, and heapsort once the
 * recursion is deeper than 2 log2(n), so the worst case is O(n log n) time
 * and O(log n) stack.  Not stable.
 */
void qsort(void *base, size_t n, size_t size,
           int (*cmp)(const void *, const void *));

/*
 * Find key in n elements sorted by cmp; NULL if absent.  With duplicates,
 * any matching element may be returned.
 */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

#endif /* _KEA_STDLIB_H */
