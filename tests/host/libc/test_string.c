/*
 * test_string.c — kea's string.h against glibc on random inputs.
 *
 * Strings are drawn from a small alphabet (so searches hit and comparisons
 * tie often) that includes bytes >= 0x80, which catch comparisons done on
 * plain (signed) char.  Buffers are placed at random offsets so aligned and
 * unaligned paths both run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc_test.h"

#define N 256

static const char alphabet[] = "abcab ,\x80\xff\xe9\x7f" "A";

static int
sign(int x)
{
  return (x > 0) - (x < 0);
}

static char
random_char(void)
{
  return alphabet[rnd_below(sizeof alphabet - 1)];
}

/* A NUL-terminated random string of length 0..max in s. */
static size_t
random_string(char *s, size_t max)
{
  size_t n = chance(10) ? 0 : rnd_below((uint32_t)max + 1);

  for (size_t i = 0; i < n; i++)
    s[i] = random_char();
  s[n] = '\0';
  return n;
}

static void
random_bytes(void *p, size_t n)
{
  unsigned char *b = p;

  for (size_t i = 0; i < n; i++)
    b[i] = chance(50) ? (unsigned char)random_char() : (unsigned char)rnd();
}

/* Offset of a returned pointer in its buffer, -1 for NULL. */
static long
off(const void *p, const void *base)
{
  return p == NULL ? -1 : (long)((const char *)p - (const char *)base);
}

static void
check_mem_copy(void)
{
  unsigned char src[N], a[N], b[N];
  size_t so = rnd_below(8), d = rnd_below(8), n = rnd_below(N - 8);

  random_bytes(src, N);
  random_bytes(a, N);
  memcpy(b, a, N);
  memcpy(a + d, src + so, n);
  if (kea_memcpy(b + d, src + so, n) != b + d || memcmp(a, b, N) != 0)
    fail("memcpy(dst+%zu, src+%zu, %zu) differs", d, so, n);
}

/* memmove within one buffer, so source and destination overlap. */
static void
check_memmove(void)
{
  unsigned char a[N], b[N];
  size_t s = rnd_below(N), d = rnd_below(N);
  size_t n = rnd_below((uint32_t)(N - (s > d ? s : d)) + 1);

  random_bytes(a, N);
  memcpy(b, a, N);
  memmove(a + d, a + s, n);
  if (kea_memmove(b + d, b + s, n) != b + d || memcmp(a, b, N) != 0)
    fail("memmove(buf+%zu, buf+%zu, %zu) differs", d, s, n);
}

static void
check_memset(void)
{
  unsigned char a[N], b[N];
  size_t d = rnd_below(8), n = rnd_below(N - 8);
  int c = (int)rnd();   /* only the low byte counts */

  random_bytes(a, N);
  memcpy(b, a, N);
  memset(a + d, c, n);
  if (kea_memset(b + d, c, n) != b + d || memcmp(a, b, N) != 0)
    fail("memset(buf+%zu, %#x, %zu) differs", d, c, n);
}

/* Mostly-equal buffers, so the first difference is anywhere. */
static void
check_memcmp(void)
{
  unsigned char a[N], b[N];
  size_t n = rnd_below(64);

  random_bytes(a, N);
  memcpy(b, a, N);
  if (chance(80))
    b[rnd_below(64)] = (unsigned char)random_char();
  if (sign(memcmp(a, b, n)) != sign(kea_memcmp(a, b, n)))
    fail("memcmp(%s, %s, %zu): glibc %d, kea %d", show(a, n), show(b, n), n,
         memcmp(a, b, n), kea_memcmp(a, b, n));
}

static void
check_memchr(void)
{
  unsigned char a[64];
  size_t n = rnd_below(64);
  int c = (unsigned char)random_char() + (chance(20) ? 256 : 0);

  random_bytes(a, sizeof a);
  if (off(memchr(a, c, n), a) != off(kea_memchr(a, c, n), a))
    fail("memchr(%s, %#x, %zu): glibc %ld, kea %ld", show(a, n), c, n,
         off(memchr(a, c, n), a), off(kea_memchr(a, c, n), a));
}

void
test_mem(void)
{
  for (int i = 0; i < 20000 && !failed(); i++) {
    check_mem_copy();
    check_memmove();
    check_memset();
    check_memcmp();
    check_memchr();
  }
}

/* strlen strnlen strcpy strncpy strcat strncat, into canary-filled buffers. */
static void
check_copy(void)
{
  char s[64], a[N], b[N];
  static const char *names[] = { "strcpy", "strncpy", "strcat", "strncat" };
  size_t n = rnd_below(80), dl;
  int op = rnd_below(4);

  random_string(s, 60);
  memset(a, 0x5a, N);
  dl = random_string(a, 60);
  memcpy(b, a, N);

  if (strlen(s) != kea_strlen(s) || strnlen(s, n) != kea_strnlen(s, n)) {
    fail("strlen/strnlen(%s, %zu): glibc %zu/%zu, kea %zu/%zu", shows(s), n,
         strlen(s), strnlen(s, n), kea_strlen(s), kea_strnlen(s, n));
    return;
  }
  switch (op) {
  case 0:
    strcpy(a + dl, s);
    if (kea_strcpy(b + dl, s) != b + dl)
      fail("strcpy returned the wrong pointer");
    break;
  case 1:
    strncpy(a + dl, s, n);
    if (kea_strncpy(b + dl, s, n) != b + dl)
      fail("strncpy returned the wrong pointer");
    break;
  case 2:
    strcat(a, s);
    if (kea_strcat(b, s) != b)
      fail("strcat returned the wrong pointer");
    break;
  case 3:
    strncat(a, s, n);
    if (kea_strncat(b, s, n) != b)
      fail("strncat returned the wrong pointer");
    break;
  }
  if (!failed() && memcmp(a, b, N) != 0)
    fail("%s of %s (n=%zu) after %zu bytes: glibc %s kea %s", names[op],
         shows(s), n, dl, show(a, 130), show(b, 130));
}

void
test_str_copy(void)
{
  for (int i = 0; i < 30000 && !failed(); i++)
    check_copy();
}

void
test_str_compare(void)
{
  char a[64], b[64];

  for (int i = 0; i < 40000 && !failed(); i++) {
    size_t n = rnd_below(70);
    random_string(a, 50);
    if (chance(70)) {
      strcpy(b, a);
      if (b[0] != '\0' && chance(70))
        b[rnd_below((uint32_t)strlen(b))] = random_char();
      if (chance(20))
        b[strlen(b) / 2] = '\0';
    } else {
      random_string(b, 50);
    }
    if (sign(strcmp(a, b)) != sign(kea_strcmp(a, b))
        || sign(strncmp(a, b, n)) != sign(kea_strncmp(a, b, n)))
      fail("strcmp/strncmp(%s, %s, %zu): glibc %d/%d, kea %d/%d", shows(a),
           shows(b), n, strcmp(a, b), strncmp(a, b, n), kea_strcmp(a, b),
           kea_strncmp(a, b, n));
  }
}

/* Searches: results are compared as offsets into the searched string. */
static void
check_search(const char *s, const char *set, int c)
{
  long g1 = off(strchr(s, c), s), k1 = off(kea_strchr(s, c), s);
  long g2 = off(strrchr(s, c), s), k2 = off(kea_strrchr(s, c), s);
  long g3 = off(strstr(s, set), s), k3 = off(kea_strstr(s, set), s);
  long g4 = off(strpbrk(s, set), s), k4 = off(kea_strpbrk(s, set), s);
  size_t g5 = strspn(s, set), k5 = kea_strspn(s, set);
  size_t g6 = strcspn(s, set), k6 = kea_strcspn(s, set);

  if (g1 != k1 || g2 != k2)
    fail("strchr/strrchr(%s, %#x): glibc %ld/%ld, kea %ld/%ld", shows(s), c,
         g1, g2, k1, k2);
  else if (g3 != k3 || g4 != k4 || g5 != k5 || g6 != k6)
    fail("strstr/strpbrk/strspn/strcspn(%s, %s): glibc %ld/%ld/%zu/%zu, "
         "kea %ld/%ld/%zu/%zu", shows(s), shows(set), g3, g4, g5, g6, k3, k4,
         k5, k6);
}

void
test_str_search(void)
{
  char s[64], set[8];

  for (int i = 0; i < 40000 && !failed(); i++) {
    int c = chance(10) ? 0 : (unsigned char)random_char();
    random_string(s, 60);
    random_string(set, 4);
    if (chance(30) && s[0] != '\0') {   /* a needle that is really there */
      size_t at = rnd_below((uint32_t)strlen(s));
      size_t len = strnlen(s + at, rnd_below(6));
      memcpy(set, s + at, len);
      set[len] = '\0';
    }
    check_search(s, set, chance(20) ? c - 256 : c);  /* as a negative char */
  }
}

void
test_strtok_r(void)
{
  char a[64], b[64], orig[64], delim[5];

  for (int i = 0; i < 20000 && !failed(); i++) {
    char *gs, *ks, *gt, *kt;
    int t = 0;
    random_string(a, 60);
    strcpy(b, a);
    strcpy(orig, a);
    random_string(delim, 3);
    gt = strtok_r(a, delim, &gs);
    kt = kea_strtok_r(b, delim, &ks);
    for (;; t++) {
      if (off(gt, a) != off(kt, b)) {
        fail("strtok_r(%s, %s): token %d at glibc %ld, kea %ld", shows(orig),
             shows(delim), t, off(gt, a), off(kt, b));
        break;
      }
      if (gt == NULL)
        break;
      gt = strtok_r(NULL, delim, &gs);
      kt = kea_strtok_r(NULL, delim, &ks);
    }
    if (!failed() && memcmp(a, b, strlen(orig) + 1) != 0)
      fail("strtok_r(%s, %s) left glibc %s, kea %s", shows(orig),
           shows(delim), show(a, strlen(orig)), show(b, strlen(orig)));
  }
}

/* Reference strlcpy/strlcat (glibc 2.36 has neither), written from the
 * OpenBSD manual page. */
static size_t
ref_strlcpy(char *dst, const char *src, size_t size)
{
  size_t len = strlen(src);

  if (size != 0) {
    size_t n = len >= size ? size - 1 : len;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

static size_t
ref_strlcat(char *dst, const char *src, size_t size)
{
  size_t dlen = strnlen(dst, size);

  if (dlen == size)
    return size + strlen(src);
  return dlen + ref_strlcpy(dst + dlen, src, size - dlen);
}

void
test_strlcpy(void)
{
  char s[64], a[N], b[N];

  for (int i = 0; i < 30000 && !failed(); i++) {
    size_t size = rnd_below(90), rg, rk;
    int cat = chance(50);
    random_string(s, 60);
    memset(a, 0x5a, N);
    random_string(a, 60);
    if (chance(5))
      memset(a, 'q', 100);   /* no NUL within size for strlcat */
    memcpy(b, a, N);
    rg = cat ? ref_strlcat(a, s, size) : ref_strlcpy(a, s, size);
    rk = cat ? kea_strlcat(b, s, size) : kea_strlcpy(b, s, size);
    if (rg != rk || memcmp(a, b, N) != 0)
      fail("%s(dst, %s, %zu): want %zu %s, kea %zu %s",
           cat ? "strlcat" : "strlcpy", shows(s), size, rg, show(a, 100), rk,
           show(b, 100));
  }
}

void
test_strdup(void)
{
  char s[64];

  for (int i = 0; i < 5000 && !failed(); i++) {
    size_t n = rnd_below(80), len = random_string(s, 60);
    char *d = kea_strdup(s), *e = kea_strndup(s, n);
    size_t want = len < n ? len : n;
    if (d == NULL || strcmp(d, s) != 0)
      fail("strdup(%s) = %s", shows(s), shows(d));
    else if (e == NULL || strlen(e) != want || memcmp(e, s, want) != 0)
      fail("strndup(%s, %zu) = %s", shows(s), n, shows(e));
    free(d);
    free(e);
  }
  malloc_fails = 1;
  if (!failed() && (kea_strdup("x") != NULL || kea_strndup("x", 1) != NULL))
    fail("strdup/strndup did not return NULL when malloc failed");
  malloc_fails = 0;
}

/* kea knows a subset of errno values; for those, the text is glibc's. */
void
test_strerror(void)
{
  int known = 0;

  for (int e = -5; e < 200 && !failed(); e++) {
    const char *k = kea_strerror(e);
    if (k == NULL)
      fail("strerror(%d) = NULL", e);
    else if (strcmp(k, "Unknown error") == 0)
      continue;
    else if (strcmp(k, strerror(e)) != 0)
      fail("strerror(%d): glibc %s, kea %s", e, shows(strerror(e)), shows(k));
    known++;
  }
  if (!failed() && known < 45)
    fail("strerror knows only %d errno values, want 45", known);
  if (!failed() && strcmp(kea_strerror(1 << 30), "Unknown error") != 0)
    fail("strerror(1<<30) = %s", shows(kea_strerror(1 << 30)));
}
