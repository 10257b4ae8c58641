/*
 * test_stdlib.c — kea's stdlib.h against glibc: the strtol family, atoi,
 * abs and div, qsort, bsearch; and assert's path to panic.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc_test.h"

extern jmp_buf *panic_jump;

/* --- strtol family ------------------------------------------------------- */

static const char *const fixed[] = {
  "0", "-0", "+0", "", " ", "+", "-", " +-5", "-+5", "0x", "0X", "0x1g",
  "-0x10", "0xg", "08", "077", "1e5", "z", "Z", "zz", "   \t\n\v\f\r42x",
  "2147483647", "2147483648", "-2147483648", "-2147483649",
  "4294967295", "4294967296", "-4294967295", "-4294967296",
  "9223372036854775807", "9223372036854775808",
  "-9223372036854775808", "-9223372036854775809",
  "18446744073709551615", "18446744073709551616", "-18446744073709551615",
  "-18446744073709551616", "0xffffffffffffffffff", "0x7fffffffffffffff",
  "0x8000000000000000", "99999999999999999999999999999999999999abc",
  "1111111111111111111111111111111111111111111111111111111111111111",
  "10000000000000000000000000000000000000000000000000000000000000000",
  "\x80" "5", "5\x80", "0x\xff",
};

static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFXYZ";

/* A random numeric-looking string: space, sign, prefix, digits, junk. */
static void
random_number(char *s)
{
  static const char *pre[] = { "", "", "", "0", "0x", "0X", "00" };
  int n;

  *s = '\0';
  n = rnd_below(3);
  while (n-- > 0)
    strcat(s, (char[2]){ " \t\n\v\f\r"[rnd_below(6)], '\0' });
  if (chance(40))
    strcat(s, chance(50) ? "-" : "+");
  strcat(s, pre[rnd_below(7)]);
  s += strlen(s);
  n = rnd_below(chance(20) ? 70 : 22);
  for (int i = 0; i < n; i++)
    *s++ = chance(70) ? digits[rnd_below(10)]
         : digits[rnd_below(sizeof digits - 1)];
  *s = chance(20) ? "x.-\xe9"[rnd_below(4)] : '\0';
  s[*s != '\0'] = '\0';
}

static int
random_base(void)
{
  static const int common[] = { 0, 0, 0, 10, 10, 16, 16, 8, 2, 36 };

  if (chance(3))
    return chance(50) ? 1 : 37;   /* invalid */
  return chance(60) ? common[rnd_below(10)] : rnd_range(2, 36);
}

/*
 * Run one function on one input with glibc and kea and compare value,
 * endptr and errno.  glibc does not set endptr for an invalid base, so it
 * is only compared for valid ones.
 */
#define CHECK_STRTO(fn, type, fmt)                                          \
  do {                                                                  \
    char *ge = NULL, *ke = NULL;                                        \
    type gv, kv;                                                        \
    int gerr, kerr, valid = base == 0 || (base >= 2 && base <= 36);     \
    errno = 12345;                                                      \
    gv = fn(s, &ge, base);                                              \
    gerr = errno;                                                       \
    kea_errno = 12345;                                                  \
    kv = kea_##fn(s, &ke, base);                                        \
    kerr = kea_errno;                                                   \
    if (gv != kv || gerr != kerr || (valid && ge != ke)) {              \
      fail(#fn "(%s, base %d): glibc " fmt " end+%ld errno %d, "       \
           "kea " fmt " end+%ld errno %d", shows(s), base, gv,          \
           ge ? (long)(ge - s) : -1L, gerr, kv,                         \
           ke ? (long)(ke - s) : -1L, kerr);                            \
      return;                                                           \
    }                                                                   \
  } while (0)

static void
check_strto(const char *s, int base)
{
  CHECK_STRTO(strtol, long, "%ld");
  CHECK_STRTO(strtoul, unsigned long, "%lu");
  CHECK_STRTO(strtoll, long long, "%lld");
  CHECK_STRTO(strtoull, unsigned long long, "%llu");
}

void
test_strtol(void)
{
  char s[128];

  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    for (int base = 0; base <= 37 && !failed(); base++)
      check_strto(fixed[i], base);
  for (int i = 0; i < 40000 && !failed(); i++) {
    random_number(s);
    check_strto(s, random_base());
  }
  if (!failed() && kea_strtol("123", NULL, 10) != 123)   /* end may be NULL */
    fail("strtol(\"123\", NULL, 10) != 123");
}

/* --- atoi, abs, div ------------------------------------------------------ */

static void
check_atoi(void)
{
  char s[40];
  int v = (int)(rnd() >> rnd_below(33));
  long long w = (long long)(rnd() >> rnd_below(64));

  snprintf(s, sizeof s, "%s%d%s", chance(30) ? "  " : "", v,
           chance(30) ? "z9" : "");
  if (atoi(s) != kea_atoi(s) || atol(s) != kea_atol(s)) {
    fail("atoi/atol(%s): glibc %d/%ld, kea %d/%ld", shows(s), atoi(s),
         atol(s), kea_atoi(s), kea_atol(s));
    return;
  }
  snprintf(s, sizeof s, "%lld", w);
  if (atoll(s) != kea_atoll(s))
    fail("atoll(%s): glibc %lld, kea %lld", shows(s), atoll(s), kea_atoll(s));
}

static void
check_abs_div(void)
{
  int a = (int)rnd() >> rnd_below(31), b = (int)rnd() >> rnd_below(31);
  long long c = (long long)rnd() >> rnd_below(63);
  long long d = (long long)rnd() >> rnd_below(63);
  div_t g1;
  kea_div_t k1;
  lldiv_t g2;
  kea_lldiv_t k2;

  /* abs(INT_MIN) and x / 0 are undefined; INT_MIN / -1 overflows. */
  if (a == INT_MIN || b == 0 || b == -1 || d == 0 || d == -1)
    return;
  if (abs(a) != kea_abs(a) || labs(a) != kea_labs(a)
      || (c != LLONG_MIN && llabs(c) != kea_llabs(c))) {
    fail("abs/labs(%d) llabs(%lld) differ", a, c);
    return;
  }
  g1 = div(a, b);
  k1 = kea_div(a, b);
  g2 = lldiv(c, d);
  k2 = kea_lldiv(c, d);
  if (g1.quot != k1.quot || g1.rem != k1.rem)
    fail("div(%d, %d): glibc %d r %d, kea %d r %d", a, b, g1.quot, g1.rem,
         k1.quot, k1.rem);
  else if (g2.quot != k2.quot || g2.rem != k2.rem)
    fail("lldiv(%lld, %lld): glibc %lld r %lld, kea %lld r %lld", c, d,
         g2.quot, g2.rem, k2.quot, k2.rem);
  else if (kea_ldiv(a, b).quot != ldiv(a, b).quot
           || kea_ldiv(a, b).rem != ldiv(a, b).rem)
    fail("ldiv(%d, %d) differs", a, b);
}

void
test_atoi_abs_div(void)
{
  for (int i = 0; i < 20000 && !failed(); i++) {
    check_atoi();
    check_abs_div();
  }
}

/* --- qsort --------------------------------------------------------------- */

/* An element with a sort key and an identity, to check for a permutation. */
struct elem {
  int key;
  int id;
};

static long ncmp;

static int
cmp_key(const void *a, const void *b)
{
  const struct elem *x = a, *y = b;

  ncmp++;
  return (x->key > y->key) - (x->key < y->key);
}

static int
cmp_id(const void *a, const void *b)
{
  const struct elem *x = a, *y = b;

  return (x->id > y->id) - (x->id < y->id);
}

static int
cmp_byte(const void *a, const void *b)
{
  return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* Patterns quicksorts are known to stumble on, plus plain random ones. */
static void
fill(struct elem *e, int n, int pattern)
{
  int range = 1 + (int)rnd_below(chance(50) ? 8 : 100000);

  for (int i = 0; i < n; i++) {
    switch (pattern) {
    case 0: e[i].key = (int)rnd_below((uint32_t)range) - range / 2; break;
    case 1: e[i].key = i; break;                           /* sorted */
    case 2: e[i].key = n - i; break;                       /* reversed */
    case 3: e[i].key = 7; break;                           /* all equal */
    case 4: e[i].key = i < n / 2 ? i : n - i; break;       /* organ pipe */
    case 5: e[i].key = i % 2 ? i : -i; break;              /* sawtooth */
    default: e[i].key = (int)rnd(); break;
    }
    e[i].id = i;
  }
}

/* Sorted by key, and the same elements as before (compared by id). */
static int
check_sorted(struct elem *e, int n, int pattern)
{
  static struct elem copy[3000];

  for (int i = 1; i < n; i++)
    if (e[i - 1].key > e[i].key) {
      fail("qsort n=%d pattern %d: e[%d].key %d > e[%d].key %d", n, pattern,
           i - 1, e[i - 1].key, i, e[i].key);
      return 0;
    }
  memcpy(copy, e, (size_t)n * sizeof *e);
  qsort(copy, (size_t)n, sizeof *copy, cmp_id);
  for (int i = 0; i < n; i++)
    if (copy[i].id != i) {
      fail("qsort n=%d pattern %d: not a permutation", n, pattern);
      return 0;
    }
  return 1;
}

/* Sort an odd-sized element type too: bytes, compared against glibc. */
static void
check_bytes(void)
{
  unsigned char a[200], b[200];
  size_t n = rnd_below(200);

  for (size_t i = 0; i < n; i++)
    a[i] = b[i] = (unsigned char)rnd_below(chance(50) ? 4 : 256);
  qsort(a, n, 1, cmp_byte);
  kea_qsort(b, n, 1, cmp_byte);
  if (memcmp(a, b, n) != 0)
    fail("qsort of %zu bytes differs: glibc %s, kea %s", n, show(a, n),
         show(b, n));
}

/*
 * McIlroy's adversary ("A killer adversary for quicksort", 1999): values
 * are decided lazily during the sort so that every pivot turns out bad.
 * Plain quicksort goes quadratic; introsort must fall back to heapsort and
 * stay O(n log n), and the result must be sorted by the final values.
 */
static int *adv_val;
static int adv_gas, adv_solid, adv_candidate;

static int
cmp_adversary(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;

  ncmp++;
  if (adv_val[x] == adv_gas && adv_val[y] == adv_gas)
    adv_val[x == adv_candidate ? x : y] = adv_solid++;
  if (adv_val[x] == adv_gas)
    adv_candidate = x;
  else if (adv_val[y] == adv_gas)
    adv_candidate = y;
  return (adv_val[x] > adv_val[y]) - (adv_val[x] < adv_val[y]);
}

static void
check_adversary(int n)
{
  static int idx[3000], val[3000];

  adv_val = val;
  adv_gas = n;
  adv_solid = 0;
  adv_candidate = 0;
  for (int i = 0; i < n; i++) {
    idx[i] = i;
    val[i] = adv_gas;
  }
  ncmp = 0;
  kea_qsort(idx, (size_t)n, sizeof *idx, cmp_adversary);
  for (int i = 1; i < n; i++)
    if (val[idx[i - 1]] > val[idx[i]]) {
      fail("qsort vs adversary n=%d: unsorted at %d", n, i);
      return;
    }
  if (ncmp > 4L * n * (32 - __builtin_clz((unsigned)n)) + 64)
    fail("qsort vs adversary n=%d: %ld comparisons", n, ncmp);
}

void
test_qsort(void)
{
  static struct elem e[3000];

  kea_qsort(NULL, 0, sizeof *e, cmp_key);   /* n = 0: nothing to touch */
  for (int i = 0; i < 3000 && !failed(); i++) {
    int n = i % 10 == 0 ? (int)rnd_below(3000) : (int)rnd_below(40);
    int pattern = rnd_below(8);
    fill(e, n, pattern);
    ncmp = 0;
    kea_qsort(e, (size_t)n, sizeof *e, cmp_key);
    if (!check_sorted(e, n, pattern))
      break;
    /* Introsort bound: a generous c * n log2 n comparisons. */
    if (n > 1 && ncmp > 4L * n * (32 - __builtin_clz((unsigned)n)) + 64)
      fail("qsort n=%d pattern %d: %ld comparisons", n, pattern, ncmp);
    check_bytes();
  }
  for (int n = 2; n <= 3000 && !failed(); n = n * 3 / 2 + 1)
    check_adversary(n);
}

/* --- bsearch ------------------------------------------------------------- */

static int
cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;

  return (x > y) - (x < y);
}

void
test_bsearch(void)
{
  int a[100];

  for (int i = 0; i < 20000 && !failed(); i++) {
    size_t n = rnd_below(100);
    int key = (int)rnd_below(60) - 5;
    int *g, *k;
    for (size_t j = 0; j < n; j++)
      a[j] = (int)rnd_below(50);
    qsort(a, n, sizeof *a, cmp_int);
    g = bsearch(&key, a, n, sizeof *a, cmp_int);
    k = kea_bsearch(&key, a, n, sizeof *a, cmp_int);
    /* With duplicates any match will do: check k is one. */
    if ((g == NULL) != (k == NULL) || (k != NULL && (k < a || k >= a + n
                                                     || *k != key)))
      fail("bsearch(%d) in %zu sorted ints: glibc %ld, kea %ld", key, n,
           g ? (long)(g - a) : -1L, k ? (long)(k - a) : -1L);
  }
}

/* --- assert -------------------------------------------------------------- */

/* __assert_fail (what a failed assert calls) must reach panic with the
 * expression, file, line and function in the message, and not return. */
void
test_assert(void)
{
  static const char *want[] = { "x > 1", "kernel/vm.c", "417", "map_page" };
  jmp_buf jb;

  panic_msg[0] = '\0';
  panic_jump = &jb;
  if (setjmp(jb) == 0) {
    kea___assert_fail("x > 1", "kernel/vm.c", 417, "map_page");
    fail("__assert_fail returned");
  }
  panic_jump = NULL;
  for (size_t i = 0; i < 4 && !failed(); i++)
    if (strstr(panic_msg, want[i]) == NULL)
      fail("panic message %s lacks %s", shows(panic_msg), want[i]);
}
