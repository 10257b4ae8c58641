/*
 * strtol.c — string to integer: strtol, strtoul, strtoll, strtoull, atoi,
 * atol, atoll.  One scanner does the work for all of them; the callers only
 * differ in their limits.  Environment: none.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

/* What scan() found. */
struct scan {
  unsigned long long mag;   /* magnitude, valid unless overflow */
  int neg;                  /* there was a '-' */
  int overflow;             /* the magnitude exceeded the limit */
};

/* Value of digit character c in bases up to 36, or 36 if it is none. */
static int
digit(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  return 36;
}

/*
 * Skip a 0x/0X prefix when base allows one and a hex digit follows: "0x"
 * alone is the number 0 followed by "x", and *end must say so.  Base 0 is
 * resolved here too.
 */
static const char *
prefix(const char *p, int *base)
{
  int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit(p[2]) < 16;

  if ((*base == 0 || *base == 16) && hex)
    p += 2, *base = 16;
  else if (*base == 0)
    *base = p[0] == '0' ? 8 : 10;
  return p;
}

/*
 * Parse s as C11 7.22.1.4 describes, accumulating the magnitude.  The
 * largest magnitude allowed is pos_max without a '-' and neg_max with one.
 * All digits are consumed even past an overflow, so *end is exact.
 */
static struct scan
scan(const char *s, char **end, int base, unsigned long long pos_max,
     unsigned long long neg_max)
{
  struct scan r = { 0, 0, 0 };
  const char *p = s;
  const char *first;
  unsigned long long max, cutoff;
  int cutlim, d;

  if (base < 0 || base == 1 || base > 36) {
    errno = EINVAL;
    if (end != NULL)
      *end = (char *)s;
    return r;
  }
  while (isspace((unsigned char)*p))
    p++;
  if (*p == '-' || *p == '+')
    r.neg = *p++ == '-';
  p = prefix(p, &base);

  /* Divide once up front: base is small, but the division is 64-bit. */
  max = r.neg ? neg_max : pos_max;
  cutoff = max / (unsigned)base;
  cutlim = (int)(max % (unsigned)base);

  for (first = p; (d = digit((unsigned char)*p)) < base; p++) {
    if (r.mag > cutoff || (r.mag == cutoff && d > cutlim))
      r.overflow = 1;
    else
      r.mag = r.mag * (unsigned)base + (unsigned)d;
  }
  if (end != NULL)
    *end = (char *)(p == first ? s : p);   /* no digits: no conversion */
  if (p == first)
    r.neg = 0;
  if (r.overflow)
    errno = ERANGE;
  return r;
}

/* -mag as a signed value; mag may be the magnitude of the minimum. */
static long long
negate(unsigned long long mag)
{
  return mag == 0 ? 0 : -(long long)(mag - 1) - 1;
}

long long
strtoll(const char *restrict s, char **restrict end, int base)
{
  struct scan r = scan(s, end, base, LLONG_MAX,
                       (unsigned long long)LLONG_MAX + 1);

  if (r.overflow)
    return r.neg ? LLONG_MIN : LLONG_MAX;
  return r.neg ? negate(r.mag) : (long long)r.mag;
}

long
strtol(const char *restrict s, char **restrict end, int base)
{
  struct scan r = scan(s, end, base, LONG_MAX, (unsigned long)LONG_MAX + 1);

  if (r.overflow)
    return r.neg ? LONG_MIN : LONG_MAX;
  return r.neg ? (long)negate(r.mag) : (long)r.mag;
}

/* C11: a '-' negates the result in the unsigned type ("-1" is the max). */
unsigned long long
strtoull(const char *restrict s, char **restrict end, int base)
{
  struct scan r = scan(s, end, base, ULLONG_MAX, ULLONG_MAX);

  if (r.overflow)
    return ULLONG_MAX;
  return r.neg ? -r.mag : r.mag;
}

unsigned long
strtoul(const char *restrict s, char **restrict end, int base)
{
  struct scan r = scan(s, end, base, ULONG_MAX, ULONG_MAX);

  if (r.overflow)
    return ULONG_MAX;
  return r.neg ? -(unsigned long)r.mag : (unsigned long)r.mag;
}

int       atoi(const char *s)  { return (int)strtol(s, NULL, 10); }
long      atol(const char *s)  { return strtol(s, NULL, 10); }
long long atoll(const char *s) { return strtoll(s, NULL, 10); }
