/*
 * libc_test.h — shared declarations for the host test of kea's libc.
 *
 * The test links kea's libc, built freestanding, with every symbol renamed
 * kea_* (see lib/libc/libc.mk), next to the host glibc.  kea's functions are
 * declared here under their new names; the test compares each with glibc.
 * They carry no format attributes on purpose: the tests pass formats gcc's
 * checker would reject (%y, %n, floats to kea).
 */
#ifndef LIBC_TEST_H
#define LIBC_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* kea's libc, renamed. */
extern int kea_errno;

int kea_printf(const char *fmt, ...);
int kea_vprintf(const char *fmt, va_list ap);
int kea_puts(const char *s);
int kea_sprintf(char *buf, const char *fmt, ...);
int kea_snprintf(char *buf, size_t size, const char *fmt, ...);
int kea_vsprintf(char *buf, const char *fmt, va_list ap);
int kea_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void  *kea_memcpy(void *dst, const void *src, size_t n);
void  *kea_memmove(void *dst, const void *src, size_t n);
void  *kea_memset(void *dst, int c, size_t n);
int    kea_memcmp(const void *a, const void *b, size_t n);
void  *kea_memchr(const void *s, int c, size_t n);
size_t kea_strlen(const char *s);
size_t kea_strnlen(const char *s, size_t max);
char  *kea_strcpy(char *dst, const char *src);
char  *kea_strncpy(char *dst, const char *src, size_t n);
char  *kea_strcat(char *dst, const char *src);
char  *kea_strncat(char *dst, const char *src, size_t n);
int    kea_strcmp(const char *a, const char *b);
int    kea_strncmp(const char *a, const char *b, size_t n);
char  *kea_strchr(const char *s, int c);
char  *kea_strrchr(const char *s, int c);
char  *kea_strstr(const char *h, const char *n);
size_t kea_strspn(const char *s, const char *accept);
size_t kea_strcspn(const char *s, const char *reject);
char  *kea_strpbrk(const char *s, const char *accept);
char  *kea_strtok_r(char *s, const char *delim, char **save);
size_t kea_strlcpy(char *dst, const char *src, size_t size);
size_t kea_strlcat(char *dst, const char *src, size_t size);
char  *kea_strdup(const char *s);
char  *kea_strndup(const char *s, size_t n);
char  *kea_strerror(int errnum);

int kea_isalnum(int c);
int kea_isalpha(int c);
int kea_isblank(int c);
int kea_iscntrl(int c);
int kea_isdigit(int c);
int kea_isgraph(int c);
int kea_islower(int c);
int kea_isprint(int c);
int kea_ispunct(int c);
int kea_isspace(int c);
int kea_isupper(int c);
int kea_isxdigit(int c);
int kea_tolower(int c);
int kea_toupper(int c);

long               kea_strtol(const char *s, char **end, int base);
unsigned long      kea_strtoul(const char *s, char **end, int base);
long long          kea_strtoll(const char *s, char **end, int base);
unsigned long long kea_strtoull(const char *s, char **end, int base);
int       kea_atoi(const char *s);
long      kea_atol(const char *s);
long long kea_atoll(const char *s);
int       kea_abs(int x);
long      kea_labs(long x);
long long kea_llabs(long long x);
typedef struct { int quot, rem; } kea_div_t;
typedef struct { long quot, rem; } kea_ldiv_t;
typedef struct { long long quot, rem; } kea_lldiv_t;
kea_div_t   kea_div(int num, int den);
kea_ldiv_t  kea_ldiv(long num, long den);
kea_lldiv_t kea_lldiv(long long num, long long den);
void  kea_qsort(void *base, size_t n, size_t size,
                int (*cmp)(const void *, const void *));
void *kea_bsearch(const void *key, const void *base, size_t n, size_t size,
                  int (*cmp)(const void *, const void *));
void  kea___assert_fail(const char *expr, const char *file, int line,
                        const char *func);

/* The environment the test provides to kea (main.c). */
extern char   console[65536];  /* what kea_putchar received */
extern size_t console_len;
extern int    putchar_fails;   /* make kea_putchar return EOF */
extern int    malloc_fails;    /* make kea_malloc return NULL */
extern char   panic_msg[512];  /* the last kea_panic message */

/* Randomness: xorshift64*, seeded per group from the printed seed. */
uint64_t rnd(void);
uint32_t rnd_below(uint32_t n);         /* uniform in [0, n) */
int      rnd_range(int lo, int hi);     /* uniform in [lo, hi] */
int      chance(int percent);

/*
 * Failure reporting: the first fail() of a group is kept and printed in its
 * FAIL line; later ones are ignored.  Loops stop once failed() is true.
 */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int  failed(void);

/* Quote n bytes (or a C string) for a failure message; \xHH for the rest.
 * Results live in a small ring of static buffers. */
const char *show(const void *p, size_t n);
const char *shows(const char *s);

/* Test groups (one PASS/FAIL line each). */
void test_printf_single(void);
void test_printf_multi(void);
void test_printf_edge(void);
void test_printf_nofloat(void);
void test_snprintf_truncate(void);
void test_printf_console(void);
void test_mem(void);
void test_str_copy(void);
void test_str_compare(void);
void test_str_search(void);
void test_strtok_r(void);
void test_strlcpy(void);
void test_strdup(void);
void test_strerror(void);
void test_ctype(void);
void test_strtol(void);
void test_atoi_abs_div(void);
void test_qsort(void);
void test_bsearch(void);
void test_assert(void);

#endif /* LIBC_TEST_H */
