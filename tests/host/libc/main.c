/*
 * main.c — harness and environment for the host test of kea's libc.
 *
 * kea's libc expects its client to provide putchar, malloc, panic and the
 * libgcc helpers; after renaming they are kea_putchar etc., defined here on
 * top of glibc.  Each test group runs with its own generator state derived
 * from one seed, printed first, so any FAIL line can be reproduced with
 *
 *     KEA_LIBC_SEED=<seed> build/host/test_libc [group...]
 *
 * Output: one "PASS: libc/<group>" or "FAIL: libc/<group>: <why>" line per
 * group; the exit status is 1 if any group failed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc_test.h"

/* --- environment for kea ------------------------------------------------- */

char   console[65536];
size_t console_len;
int    putchar_fails;
int    malloc_fails;
char   panic_msg[512];
jmp_buf *panic_jump;            /* where kea_panic returns to, if set */

int
kea_putchar(int c)
{
  if (putchar_fails)
    return EOF;
  if (console_len < sizeof console)
    console[console_len++] = (char)c;
  return (unsigned char)c;
}

void *
kea_malloc(size_t n)
{
  return malloc_fails ? NULL : malloc(n);
}

/* kea's panic: keep the message; unwind to the test if it expects this. */
void __attribute__((noreturn))
kea_panic(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(panic_msg, sizeof panic_msg, fmt, ap);
  va_end(ap);
  if (panic_jump != NULL)
    longjmp(*panic_jump, 1);
  fprintf(stderr, "unexpected kea panic: %s\n", panic_msg);
  abort();
}

/* libgcc's 64-bit division helpers, which kea's objects call by name.
 * Which ones depend on gcc version and flags, so all four are here. */
unsigned long long
kea___udivmoddi4(unsigned long long a, unsigned long long b,
                 unsigned long long *rem)
{
  if (rem != NULL)
    *rem = a % b;
  return a / b;
}

long long
kea___divmoddi4(long long a, long long b, long long *rem)
{
  if (rem != NULL)
    *rem = a % b;
  return a / b;
}

unsigned long long
kea___udivdi3(unsigned long long a, unsigned long long b)
{
  return a / b;
}

unsigned long long
kea___umoddi3(unsigned long long a, unsigned long long b)
{
  return a % b;
}

/* --- randomness ---------------------------------------------------------- */

static uint64_t rng_state;

uint64_t
rnd(void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}

uint32_t
rnd_below(uint32_t n)
{
  return (uint32_t)((rnd() >> 32) % n);
}

int
rnd_range(int lo, int hi)
{
  return lo + (int)rnd_below((uint32_t)(hi - lo + 1));
}

int
chance(int percent)
{
  return (int)rnd_below(100) < percent;
}

/* splitmix64: turns (seed, group number) into a well-mixed nonzero state. */
static uint64_t
mix(uint64_t x)
{
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x != 0 ? x : 1;
}

/* --- reporting ----------------------------------------------------------- */

static char first_failure[1024];
static int  group_failed;

void
fail(const char *fmt, ...)
{
  va_list ap;

  if (group_failed)
    return;
  group_failed = 1;
  va_start(ap, fmt);
  vsnprintf(first_failure, sizeof first_failure, fmt, ap);
  va_end(ap);
}

int
failed(void)
{
  return group_failed;
}

const char *
show(const void *p, size_t n)
{
  static char ring[8][300];
  static int next;
  char *out = ring[next++ % 8];
  const unsigned char *s = p;
  size_t o = 0;

  out[o++] = '"';
  for (size_t i = 0; i < n && o < sizeof ring[0] - 8; i++) {
    if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
      out[o++] = (char)s[i];
    else
      o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
  }
  if (o >= sizeof ring[0] - 8)
    o += (size_t)sprintf(out + o, "...");
  out[o++] = '"';
  out[o] = '\0';
  return out;
}

const char *
shows(const char *s)
{
  return s == NULL ? "NULL" : show(s, strlen(s));
}

/* --- main ---------------------------------------------------------------- */

static const struct {
  const char *name;
  void (*run)(void);
} groups[] = {
  { "printf_single", test_printf_single },
  { "printf_multi", test_printf_multi },
  { "printf_edge", test_printf_edge },
  { "printf_nofloat", test_printf_nofloat },
  { "snprintf_truncate", test_snprintf_truncate },
  { "printf_console", test_printf_console },
  { "mem", test_mem },
  { "str_copy", test_str_copy },
  { "str_compare", test_str_compare },
  { "str_search", test_str_search },
  { "strtok_r", test_strtok_r },
  { "strlcpy", test_strlcpy },
  { "strdup", test_strdup },
  { "strerror", test_strerror },
  { "ctype", test_ctype },
  { "strtol", test_strtol },
  { "atoi_abs_div", test_atoi_abs_div },
  { "qsort", test_qsort },
  { "bsearch", test_bsearch },
  { "assert", test_assert },
};

static int
selected(const char *name, int argc, char **argv)
{
  if (argc < 2)
    return 1;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0)
      return 1;
  return 0;
}

int
main(int argc, char **argv)
{
  const char *env = getenv("KEA_LIBC_SEED");
  uint64_t seed = env != NULL ? strtoull(env, NULL, 0) : 20240601;
  int nfail = 0;

  printf("libc: seed %llu (rerun with KEA_LIBC_SEED=%llu)\n",
         (unsigned long long)seed, (unsigned long long)seed);
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
    if (!selected(groups[i].name, argc, argv))
      continue;
    rng_state = mix(seed + i);
    group_failed = 0;
    groups[i].run();
    if (group_failed) {
      printf("FAIL: libc/%s: %s (seed %llu)\n", groups[i].name,
             first_failure, (unsigned long long)seed);
      nfail++;
    } else {
      printf("PASS: libc/%s\n", groups[i].name);
    }
    fflush(stdout);
  }
  return nfail != 0;
}
