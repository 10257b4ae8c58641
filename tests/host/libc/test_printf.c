/*
 * test_printf.c — kea's printf family against glibc's snprintf.
 *
 * Random conversion specifications (flags, width, precision, each possibly
 * '*', length modifier, conversion) with random values of the matching type
 * are formatted by both; output bytes, return values and untouched bytes
 * past the buffer size must agree.  kea's output comes from snprintf,
 * sprintf, or printf captured through kea_putchar, chosen at random.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "libc_test.h"

/* What the argument of a conversion is passed as. */
enum kind { K_NONE, K_INT, K_LONG, K_LLONG, K_SIZE, K_PTRDIFF, K_INTMAX,
            K_STR, K_PTR };

/* One random conversion specification and its arguments. */
struct spec {
  char text[48];
  int nstar;
  int star[2];
  enum kind kind;
  uint64_t v;
  const char *str;
};

/* How kea is called. */
enum mode { M_SNPRINTF, M_SPRINTF, M_PRINTF };

/* One comparison: glibc's output in g, kea's in k. */
#define BUF 512
#define CANARY 0xA5
static char g[BUF], k[BUF];
static int gn, kn;

static char high_bytes[] = "caf\xc3\xa9 \x80\xff";
static char long_str[] = "the quick brown fox jumps over the lazy dog";
static const char *strings[] = {
  "", "a", "hello", "(null)", NULL, high_bytes, long_str, "%d", " ",
};

static const uint64_t specials[] = {
  0, 1, 7, 8, 9, 10, 15, 16, 99, 100, 127, 128, 255, 256, 32767, 32768,
  65535, 65536, 999999999, 1000000000, 0x7fffffff, 0x80000000, 0xffffffff,
  0x100000000ULL, 9999999999ULL, 0x7fffffffffffffffULL,
  0x8000000000000000ULL, 0xffffffffffffffffULL, 10000000000000000000ULL,
  (uint64_t)-1, (uint64_t)-2, (uint64_t)-128, (uint64_t)-129,
  (uint64_t)(int64_t)INT_MIN, (uint64_t)(int64_t)INT_MAX,
};

/* A value that is often near a boundary and sometimes anything at all. */
static uint64_t
random_value(void)
{
  switch (rnd_below(4)) {
  case 0:
    return specials[rnd_below(sizeof specials / sizeof specials[0])];
  case 1:
    return chance(50) ? rnd_below(20) : -(uint64_t)rnd_below(20);
  default:
    return rnd() >> rnd_below(64);
  }
}

/* Up to three flags, repeats allowed, from those the conversion defines. */
static void
random_flags(char *s, const char *allowed)
{
  int n = rnd_below(4);

  while (n-- > 0) {
    char f[2] = { allowed[rnd_below((uint32_t)strlen(allowed))], '\0' };
    strcat(s, f);
  }
}

static void
random_width(struct spec *p)
{
  char num[16];

  switch (rnd_below(5)) {
  case 0:
  case 1:
    break;
  case 2:
  case 3:
    sprintf(num, "%d", rnd_range(1, 30));
    strcat(p->text, num);
    break;
  default:
    strcat(p->text, "*");
    p->star[p->nstar++] = rnd_range(-30, 30);
  }
}

static void
random_precision(struct spec *p)
{
  char num[16];

  switch (rnd_below(8)) {
  case 0:
    strcat(p->text, ".");
    break;
  case 1:
  case 2:
    sprintf(num, ".%d", rnd_range(0, 25));
    strcat(p->text, num);
    break;
  case 3:
    strcat(p->text, ".*");
    p->star[p->nstar++] = rnd_range(-5, 25);
    break;
  default:
    break;
  }
}

/* Length modifier for an integer conversion, and the argument kind. */
static enum kind
random_length(char *s)
{
  static const struct { const char *mod; enum kind kind; } lengths[] = {
    { "", K_INT }, { "hh", K_INT }, { "h", K_INT }, { "l", K_LONG },
    { "ll", K_LLONG }, { "z", K_SIZE }, { "t", K_PTRDIFF },
    { "j", K_INTMAX }, { "q", K_LLONG }, { "L", K_LLONG },
  };
  int i = rnd_below(sizeof lengths / sizeof lengths[0]);

  strcat(s, lengths[i].mod);
  return lengths[i].kind;
}

/*
 * Build one specification.  Combinations C11 leaves undefined are not
 * generated: '#' outside o x X, '0' outside the integer conversions,
 * precision with c and p, length modifiers on c s p.
 */
static void
random_spec(struct spec *p)
{
  static const char convs[] = "ddiiuuooxxXXccsspp%";
  char conv = convs[rnd_below(sizeof convs - 1)];

  memset(p, 0, sizeof *p);
  strcpy(p->text, "%");
  if (conv == '%') {
    strcat(p->text, "%");
    return;
  }
  random_flags(p->text, strchr("oxX", conv) ? "-+ #0"
                        : strchr("diu", conv) ? "-+ 0" : "-+ ");
  random_width(p);
  if (strchr("diouxXs", conv))
    random_precision(p);
  if (strchr("diouxX", conv))
    p->kind = random_length(p->text);
  else
    p->kind = conv == 'c' ? K_INT : conv == 's' ? K_STR : K_PTR;
  p->v = conv == 'p' ? (chance(20) ? 0 : rnd() >> rnd_below(32))
       : random_value();
  p->str = strings[rnd_below(sizeof strings / sizeof strings[0])];
  strcat(p->text, (char[2]){ conv, '\0' });
}

/* Format with glibc into g and with kea (in the given mode) into k. */
#define CALL(mode, size, ...)                                           \
  do {                                                                  \
    gn = snprintf(g, (size), __VA_ARGS__);                              \
    switch (mode) {                                                     \
    case M_SNPRINTF:                                                    \
      kn = kea_snprintf(k, (size), __VA_ARGS__);                        \
      break;                                                            \
    case M_SPRINTF:                                                     \
      kn = kea_sprintf(k, __VA_ARGS__);                                 \
      break;                                                            \
    case M_PRINTF:                                                      \
      console_len = 0;                                                  \
      kn = kea_printf(__VA_ARGS__);                                     \
      console_len = console_len < BUF ? console_len : BUF - 1;          \
      memcpy(k, console, console_len);                                  \
      k[console_len] = '\0';                                            \
      break;                                                            \
    }                                                                   \
  } while (0)

/* CALL with the spec's value as its last argument, of the right type.  The
 * macro's arguments end in a comma, so the value is appended to them. */
#define CALL_VALUE(mode, size, p, ...)                                  \
  switch ((p)->kind) {                                                  \
  case K_NONE:    CALL(mode, size, __VA_ARGS__ 0); break;               \
  case K_INT:     CALL(mode, size, __VA_ARGS__ (int)(p)->v); break;     \
  case K_LONG:    CALL(mode, size, __VA_ARGS__ (long)(p)->v); break;    \
  case K_LLONG:   CALL(mode, size, __VA_ARGS__ (long long)(p)->v); break; \
  case K_SIZE:    CALL(mode, size, __VA_ARGS__ (size_t)(p)->v); break;  \
  case K_PTRDIFF: CALL(mode, size, __VA_ARGS__ (ptrdiff_t)(p)->v); break; \
  case K_INTMAX:  CALL(mode, size, __VA_ARGS__ (intmax_t)(p)->v); break; \
  case K_STR:     CALL(mode, size, __VA_ARGS__ (p)->str); break;        \
  case K_PTR:                                                           \
    CALL(mode, size, __VA_ARGS__ (void *)(uintptr_t)(p)->v);            \
    break;                                                              \
  }

static void
call_spec(enum mode mode, size_t size, const char *fmt, struct spec *p)
{
  memset(g, CANARY, sizeof g);
  memset(k, CANARY, sizeof k);
  switch (p->nstar) {
  case 0: CALL_VALUE(mode, size, p, fmt,); break;
  case 1: CALL_VALUE(mode, size, p, fmt, p->star[0],); break;
  case 2: CALL_VALUE(mode, size, p, fmt, p->star[0], p->star[1],); break;
  }
}

/* Compare the last call; size is what kea was allowed to write. */
static int
same(size_t size, const char *fmt, const char *args)
{
  size_t n = size < BUF ? size : BUF;

  if (gn != kn || memcmp(g, k, n) != 0 || memcmp(g + n, k + n, BUF - n) != 0) {
    fail("format %s%s size %zu: glibc %d %s, kea %d %s", shows(fmt), args,
         size, gn, show(g, gn >= 0 && (size_t)gn < n ? (size_t)gn + 1 : n),
         kn, show(k, kn >= 0 && (size_t)kn < n ? (size_t)kn + 1 : n));
    return 0;
  }
  return 1;
}

static const char *
describe(struct spec *p)
{
  static char buf[160];
  int n = 0;

  for (int i = 0; i < p->nstar; i++)
    n += snprintf(buf + n, sizeof buf - n, " star%d=%d", i, p->star[i]);
  if (p->kind == K_STR)
    snprintf(buf + n, sizeof buf - n, " str=%s", shows(p->str));
  else
    snprintf(buf + n, sizeof buf - n, " value=%#llx",
             (unsigned long long)p->v);
  return buf;
}

/* Text around a spec, so literal copying is exercised too. */
static void
wrap(char *fmt, const char *spec)
{
  static const char *lits[] = { "", "<", "x=", "[\xe9]", "  " };

  sprintf(fmt, "%s%s%s", lits[rnd_below(5)], spec, lits[rnd_below(5)]);
}

void
test_printf_single(void)
{
  char fmt[80];
  struct spec p;

  for (int i = 0; i < 40000 && !failed(); i++) {
    enum mode mode = rnd_below(3);
    random_spec(&p);
    wrap(fmt, p.text);
    call_spec(mode, BUF, fmt, &p);
    same(BUF, fmt, describe(&p));
  }
}

/*
 * Several specs in one format.  To pass an arbitrary mix of argument types
 * through one call, every argument is laid out as 32-bit words and 16 words
 * are passed.  On i386 (cdecl, everything on the stack, 4-byte slots) that
 * is exactly how int, long, pointers and 64-bit values (two words, low
 * first) are passed, so both printfs read what was meant; unused trailing
 * words are ignored.
 */
_Static_assert(sizeof(void *) == 4 && sizeof(long) == 4,
               "printf_multi assumes the i386 argument layout");

#define NWORDS 16

struct multi {
  char fmt[400];
  unsigned w[NWORDS];
  int nw;
};

static int
add_spec(struct multi *m, struct spec *p)
{
  int need = p->nstar + (p->kind == K_LLONG || p->kind == K_INTMAX ? 2 : 1);

  if (m->nw + need > NWORDS)
    return 0;
  for (int i = 0; i < p->nstar; i++)
    m->w[m->nw++] = (unsigned)p->star[i];
  switch (p->kind) {
  case K_NONE:
    m->w[m->nw++] = 0;
    break;
  case K_STR:
    m->w[m->nw++] = (unsigned)(uintptr_t)p->str;
    break;
  case K_LLONG:
  case K_INTMAX:
    m->w[m->nw++] = (unsigned)p->v;
    m->w[m->nw++] = (unsigned)(p->v >> 32);
    break;
  default:
    m->w[m->nw++] = (unsigned)p->v;
  }
  return 1;
}

#define WORDS(w) w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], \
                 w[9], w[10], w[11], w[12], w[13], w[14], w[15]

static void
random_multi(struct multi *m)
{
  struct spec p;
  int n = rnd_range(1, 6);

  memset(m, 0, sizeof *m);
  for (int i = 0; i < n; i++) {
    random_spec(&p);
    if (p.kind != K_NONE && !add_spec(m, &p))   /* %% takes none */
      break;
    wrap(m->fmt + strlen(m->fmt), p.text);
  }
}

static const char *
describe_words(struct multi *m)
{
  static char buf[200];
  int n = snprintf(buf, sizeof buf, " words");

  for (int i = 0; i < m->nw; i++)
    n += snprintf(buf + n, sizeof buf - n, " %#x", m->w[i]);
  return buf;
}

void
test_printf_multi(void)
{
  struct multi m;

  for (int i = 0; i < 15000 && !failed(); i++) {
    enum mode mode = rnd_below(3);
    random_multi(&m);
    memset(g, CANARY, sizeof g);
    memset(k, CANARY, sizeof k);
    CALL(mode, BUF, m.fmt, WORDS(m.w));
    same(BUF, m.fmt, describe_words(&m));
  }
}

/* Fixed formats with literal arguments: the boundaries worth naming. */
static void
edge(const char *fmt, ...)
{
  va_list ap, aq;

  if (failed())
    return;
  memset(g, CANARY, sizeof g);
  memset(k, CANARY, sizeof k);
  va_start(ap, fmt);
  va_copy(aq, ap);
  gn = vsnprintf(g, BUF, fmt, ap);
  kn = kea_vsnprintf(k, BUF, fmt, aq);
  va_end(aq);
  va_end(ap);
  same(BUF, fmt, "");
}

void
test_printf_edge(void)
{
  int x;

  edge("%d %i", INT_MIN, INT_MAX);
  edge("%lld %lli", LLONG_MIN, LLONG_MAX);
  edge("%llu %llx %llo %llX", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
  edge("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
  edge("%zu %zd %td %tu", SIZE_MAX, (ptrdiff_t)-1, PTRDIFF_MIN, (ptrdiff_t)-1);
  edge("%hhd %hhu %hd %hu", 300, -1, 70000, -1);
  edge("[%.0d] [%5.0d] [%+.0d] [% .0d] [%-3.0d]", 0, 0, 0, 0, 0);
  edge("[%.0u] [%.0x] [%#.0x] [%#.0o] [%.0o]", 0, 0, 0, 0, 0);
  edge("[%#x] [%#o] [%#X] [%#5x] [%#05x] [%#-8o]", 0, 0, 255, 1, 1, 8);
  edge("[%#.3o] [%#.1o] [%#o] [%#5.3o]", 8, 8, 8, 8);
  edge("[%s] [%.5s] [%.6s] [%10s] [%-8.2s]", NULL, NULL, NULL, NULL, NULL);
  edge("[%p] [%10p] [%-10p] [%p] [%20p]", NULL, NULL, NULL, &x, &x);
  edge("[%%] [%c%c%c] [%5c] [%-5c]", 'a', 0, 0xff, 'z', 'z');
  edge("[%-+08d] [%+ d] [% +d] [%0-8d] [%08.3d] [%+08d]", 5, 5, 5, 5, -5, -5);
  edge("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 5, 1, 5, 1, -5, 1, -1, 7, 3, 7);
  edge("[%*.*s] [%-*.*s]", 8, 3, "abcdef", 8, 3, "abcdef");
  edge("[%o] [%x] [%X] [%u]", UINT_MAX, UINT_MAX, UINT_MAX, UINT_MAX);
  edge("%s", "");
  edge("");
  edge("plain text, no conversions");
  edge("unknown [%y] [%5y] then %d", 42);
  edge("[%lc] [%5lc]", 'w', 'v');
}

/* kea's output n, buf for fmt must be exactly expect. */
static void
expect(const char *fmt, int n, const char *buf, const char *want)
{
  if (!failed() && (strcmp(buf, want) != 0 || n != (int)strlen(want)))
    fail("format %s: want %s, kea %d %s", shows(fmt), shows(want), n,
         shows(buf));
}

/* Floats are unsupported: they must print "?" and keep later args in step.
 * %n is not supported either: it is printed, never written through. */
void
test_printf_nofloat(void)
{
  char b[64];

  expect("%f|%d", kea_snprintf(b, sizeof b, "%f|%d", 1.5, 42), b, "?|42");
  expect("%5.2e|%d", kea_snprintf(b, sizeof b, "%5.2e|%d", 1.5, 42), b,
         "    ?|42");
  expect("%-4g|%d", kea_snprintf(b, sizeof b, "%-4g|%d", 1.5, 42), b,
         "?   |42");
  expect("%F%E%G%a%A|%d", kea_snprintf(b, sizeof b, "%F%E%G%a%A|%d", 1.0,
                                       2.0, 3.0, 4.0, 5.0, 42), b, "?????|42");
  expect("%Lf|%d", kea_snprintf(b, sizeof b, "%Lf|%d", (long double)2.5, 7),
         b, "?|7");
  expect("a%nb|%d", kea_snprintf(b, sizeof b, "a%nb|%d", 5), b, "a%nb|5");
}

/* Small buffers: the output is cut, NUL-terminated, and nothing past size
 * is touched; the return value is still the untruncated length. */
void
test_snprintf_truncate(void)
{
  char fmt[80];
  struct spec p;

  for (int i = 0; i < 20000 && !failed(); i++) {
    size_t size;
    random_spec(&p);
    wrap(fmt, p.text);
    call_spec(M_SNPRINTF, BUF, fmt, &p);
    size = gn < 0 ? 0 : rnd_below((uint32_t)gn + 3);
    call_spec(M_SNPRINTF, size, fmt, &p);
    same(size, fmt, describe(&p));
  }

  /* Size 0 writes nothing, so the buffer may be NULL. */
  if (!failed()) {
    kn = kea_snprintf(NULL, 0, "%d-%s", -12345, "abc");
    if (kn != 10)
      fail("snprintf(NULL, 0, \"%%d-%%s\", -12345, \"abc\") = %d, want 10",
           kn);
  }
}

/* printf and puts through putchar, including putchar failing. */
void
test_printf_console(void)
{
  int n;

  console_len = 0;
  n = kea_puts("hello, \xe9 world");
  if (n < 0 || console_len != 15
      || memcmp(console, "hello, \xe9 world\n", 15) != 0)
    fail("puts: returned %d, console %s", n, show(console, console_len));

  console_len = 0;
  n = kea_puts("");
  if (!failed() && (n < 0 || console_len != 1 || console[0] != '\n'))
    fail("puts(\"\"): returned %d, console %s", n, show(console, console_len));

  putchar_fails = 1;
  n = kea_printf("x%dy", 5);
  if (!failed() && n >= 0)
    fail("printf with failing putchar returned %d, want negative", n);
  n = kea_puts("abc");
  if (!failed() && n != EOF)
    fail("puts with failing putchar returned %d, want EOF", n);
  putchar_fails = 0;

  /* Long output, unbuffered: every byte arrives. */
  console_len = 0;
  n = kea_printf("%3000d|%-3000s|", 7, "z");
  if (!failed() && (n != 6002 || console_len != 6002 || console[2999] != '7'
                    || console[3001] != 'z' || console[6001] != '|'))
    fail("printf of 6002 bytes returned %d, console got %zu", n, console_len);
}
