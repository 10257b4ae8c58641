/*
 * format.c — the one formatting engine behind printf and sprintf.
 *
 * __format walks the format string and hands every output byte to an
 * emit callback; it keeps no state between calls and never buffers, so the
 * callers decide where bytes go (putchar, a bounded buffer, anything).
 * What is supported is listed in stdio.h.  Environment: none.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Flags. */
#define F_MINUS  0x01   /* left-justify */
#define F_PLUS   0x02   /* always print a sign */
#define F_SPACE  0x04   /* space where a '+' would go */
#define F_ALT    0x08   /* '#': 0 before octal, 0x before hex */
#define F_ZERO   0x10   /* pad numbers with zeros */

/* Length modifiers. */
enum { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_T, L_J };

/* One parsed conversion specification. */
struct spec {
  int flags;
  int width;    /* minimum field width; 0 if none */
  int prec;     /* precision; -1 if none */
  int len;      /* L_* */
  char conv;    /* conversion character */
};

/* Where the output goes and how much of it there has been. */
struct out {
  void (*emit)(int c, void *arg);
  void *arg;
  size_t count;
};

static void
put(struct out *o, char c)
{
  o->emit((unsigned char)c, o->arg);
  o->count++;
}

static void
fill(struct out *o, char c, int n)
{
  while (n-- > 0)
    put(o, c);
}

static void
putn(struct out *o, const char *s, int n)
{
  while (n-- > 0)
    put(o, *s++);
}

/* Read a decimal number, saturating at INT_MAX. */
static int
number(const char **pp)
{
  const char *p = *pp;
  int n = 0;

  for (; *p >= '0' && *p <= '9'; p++)
    n = n > (INT_MAX - 9) / 10 ? INT_MAX : n * 10 + (*p - '0');
  *pp = p;
  return n;
}

static const char *
parse_flags(const char *p, struct spec *s)
{
  for (;; p++) {
    switch (*p) {
    case '-': s->flags |= F_MINUS; break;
    case '+': s->flags |= F_PLUS; break;
    case ' ': s->flags |= F_SPACE; break;
    case '#': s->flags |= F_ALT; break;
    case '0': s->flags |= F_ZERO; break;
    default: return p;
    }
  }
}

/* Width and precision; either may come from the argument list ('*'). */
static const char *
parse_width_prec(const char *p, struct spec *s, va_list *ap)
{
  if (*p == '*') {
    int w = va_arg(*ap, int);
    p++;
    if (w < 0) {
      /* C11: a negative width argument is a '-' flag and a positive width. */
      s->flags |= F_MINUS;
      w = w == INT_MIN ? INT_MAX : -w;
    }
    s->width = w;
  } else {
    s->width = number(&p);
  }

  s->prec = -1;
  if (*p == '.') {
    p++;
    if (*p == '*') {
      int pr = va_arg(*ap, int);
      p++;
      s->prec = pr < 0 ? -1 : pr;   /* negative: as if omitted */
    } else {
      s->prec = number(&p);         /* "." alone means 0 */
    }
  }
  return p;
}

static const char *
parse_length(const char *p, struct spec *s)
{
  switch (*p) {
  case 'h':
    if (p[1] == 'h') {
      s->len = L_HH;
      return p + 2;
    }
    s->len = L_H;
    return p + 1;
  case 'l':
    if (p[1] == 'l') {
      s->len = L_LL;
      return p + 2;
    }
    s->len = L_L;
    return p + 1;
  case 'L':   /* long double for floats; glibc reads it as ll for integers */
  case 'q':   /* BSD spelling of ll */
    s->len = L_LL;
    return p + 1;
  case 'z': s->len = L_Z; return p + 1;
  case 't': s->len = L_T; return p + 1;
  case 'j': s->len = L_J; return p + 1;
  default:  s->len = L_NONE; return p;
  }
}

/*
 * Fetch a signed integer argument of the type the length modifier names.
 * size_t's signed counterpart is read as ptrdiff_t: same width on every
 * target kea has.
 */
static intmax_t
arg_signed(int len, va_list *ap)
{
  switch (len) {
  case L_HH: return (signed char)va_arg(*ap, int);
  case L_H:  return (short)va_arg(*ap, int);
  case L_L:  return va_arg(*ap, long);
  case L_LL: return va_arg(*ap, long long);
  case L_Z:  return va_arg(*ap, ptrdiff_t);
  case L_T:  return va_arg(*ap, ptrdiff_t);
  case L_J:  return va_arg(*ap, intmax_t);
  default:   return va_arg(*ap, int);
  }
}

/* As arg_signed, for the unsigned conversions. */
static uintmax_t
arg_unsigned(int len, va_list *ap)
{
  switch (len) {
  case L_HH: return (unsigned char)va_arg(*ap, unsigned int);
  case L_H:  return (unsigned short)va_arg(*ap, unsigned int);
  case L_L:  return va_arg(*ap, unsigned long);
  case L_LL: return va_arg(*ap, unsigned long long);
  case L_Z:  return va_arg(*ap, size_t);
  case L_T:  return (size_t)va_arg(*ap, ptrdiff_t);
  case L_J:  return va_arg(*ap, uintmax_t);
  default:   return va_arg(*ap, unsigned int);
  }
}

/*
 * Write the digits of v backwards, ending just before end; return the first.
 * Octal and hex use shifts.  Decimal divides in 64 bits only while the value
 * needs it: on i386 every 64-bit division is a call to libgcc's __udivdi3,
 * and most numbers printed fit in 32 bits.
 */
static char *
digits(char *end, uintmax_t v, int base, int upper)
{
  const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  uint32_t w;

  if (base != 10) {
    int shift = base == 16 ? 4 : 3;
    do {
      *--end = dig[v & (unsigned)(base - 1)];
      v >>= shift;
    } while (v != 0);
    return end;
  }
  while (v > UINT32_MAX) {
    *--end = dig[v % 10];
    v /= 10;
  }
  w = (uint32_t)v;
  do {
    *--end = dig[w % 10];
    w /= 10;
  } while (w != 0);
  return end;
}

/*
 * Lay out a number: [spaces][prefix][zeros][digits][spaces].  The '0' flag
 * turns the leading spaces into zeros unless '-' or a precision is given.
 */
static void
emit_number(struct out *o, struct spec *s, const char *prefix,
            const char *dig, int ndig)
{
  int plen = (int)strlen(prefix);
  int zeros = s->prec > ndig ? s->prec - ndig : 0;
  int pad = s->width - plen - zeros - ndig;

  if (pad < 0)
    pad = 0;
  if ((s->flags & (F_ZERO | F_MINUS)) == F_ZERO && s->prec < 0) {
    zeros += pad;
    pad = 0;
  }
  if (!(s->flags & F_MINUS))
    fill(o, ' ', pad);
  putn(o, prefix, plen);
  fill(o, '0', zeros);
  putn(o, dig, ndig);
  if (s->flags & F_MINUS)
    fill(o, ' ', pad);
}

/* Lay out n bytes of text in the field: the '0' flag does not apply. */
static void
emit_text(struct out *o, struct spec *s, const char *text, int n)
{
  int pad = s->width > n ? s->width - n : 0;

  if (!(s->flags & F_MINUS))
    fill(o, ' ', pad);
  putn(o, text, n);
  if (s->flags & F_MINUS)
    fill(o, ' ', pad);
}

/* %d %i %u %o %x %X and non-null %p. */
static void
conv_int(struct out *o, struct spec *s, uintmax_t v, int negative)
{
  char buf[24];   /* 64 bits need at most 22 octal digits, and '#' 1 more */
  char prefix[4];
  char *end = buf + sizeof buf;
  char *p = prefix;
  int base = 10;
  char *dig;

  if (s->conv == 'o')
    base = 8;
  else if (s->conv == 'x' || s->conv == 'X' || s->conv == 'p')
    base = 16;

  /* Signs: only signed conversions, and %p as glibc does. */
  if (s->conv == 'd' || s->conv == 'i' || s->conv == 'p') {
    if (negative)
      *p++ = '-';
    else if (s->flags & F_PLUS)
      *p++ = '+';
    else if (s->flags & F_SPACE)
      *p++ = ' ';
  }
  if (base == 16 && (s->flags & F_ALT) && v != 0) {
    *p++ = '0';
    *p++ = s->conv == 'X' ? 'X' : 'x';
  }
  *p = '\0';

  /* C11: precision 0 with value 0 prints no digits at all. */
  dig = (v == 0 && s->prec == 0) ? end : digits(end, v, base, s->conv == 'X');

  /*
   * '#' with octal raises the precision just enough to lead with a 0.  Add
   * the 0 as a digit rather than raising s->prec, which would also turn off
   * the '0' flag's padding.
   */
  if (base == 8 && (s->flags & F_ALT) && s->prec <= end - dig
      && (dig == end || *dig != '0'))
    *--dig = '0';

  emit_number(o, s, prefix, dig, (int)(end - dig));
}

static void
conv_string(struct out *o, struct spec *s, const char *str)
{
  size_t max = s->prec < 0 ? SIZE_MAX : (size_t)s->prec;

  /* glibc's choice, kept so output matches it: "(null)" only if it fits. */
  if (str == NULL)
    str = max >= 6 ? "(null)" : "";
  emit_text(o, s, str, (int)strnlen(str, max));
}

/*
 * No floating point (the kernel has no FPU context).  Consume the argument
 * so later conversions stay in step, and print a marker.  Only the argument
 * is moved: no floating-point value is ever loaded.
 */
static void
conv_float(struct out *o, struct spec *s, va_list *ap)
{
  if (s->len == L_LL)    /* 'L' */
    (void)va_arg(*ap, long double);
  else
    (void)va_arg(*ap, double);
  emit_text(o, s, "?", 1);
}

static void
convert(struct out *o, struct spec *s, va_list *ap)
{
  intmax_t sv;
  void *ptr;
  char c;

  switch (s->conv) {
  case 'd':
  case 'i':
    sv = arg_signed(s->len, ap);
    conv_int(o, s, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv, sv < 0);
    break;
  case 'u':
  case 'o':
  case 'x':
  case 'X':
    conv_int(o, s, arg_unsigned(s->len, ap), 0);
    break;
  case 'p':
    ptr = va_arg(*ap, void *);
    if (ptr == NULL) {
      s->prec = -1;
      conv_string(o, s, "(nil)");
    } else {
      s->flags |= F_ALT;
      conv_int(o, s, (uintptr_t)ptr, 0);
    }
    break;
  case 'c':
    c = (char)va_arg(*ap, int);
    emit_text(o, s, &c, 1);
    break;
  case 's':
    conv_string(o, s, va_arg(*ap, const char *));
    break;
  case 'f': case 'F': case 'e': case 'E':
  case 'g': case 'G': case 'a': case 'A':
    conv_float(o, s, ap);
    break;
  }
}

/*
 * Handle the conversion specification starting at p (which points at '%').
 * Returns the position after it.
 */
static const char *
conversion(struct out *o, const char *p, va_list *ap)
{
  const char *start = p;
  struct spec s = { 0, 0, -1, L_NONE, 0 };

  p = parse_flags(p + 1, &s);
  p = parse_width_prec(p, &s, ap);
  p = parse_length(p, &s);
  s.conv = *p;

  if (s.conv == '%') {
    put(o, '%');
    return p + 1;
  }
  if (s.conv == '\0' || strchr("diouxXpcsfFeEgGaA", s.conv) == NULL) {
    /* Unknown (or %n): print the specification as it was written. */
    if (s.conv != '\0')
      p++;
    putn(o, start, (int)(p - start));
    return p;
  }
  convert(o, &s, ap);
  return p + 1;
}

int
__format(void (*emit)(int c, void *arg), void *arg, const char *fmt,
         va_list ap)
{
  struct out o = { emit, arg, 0 };
  va_list aq;

  /* A local copy, so helpers can take its address on every ABI. */
  va_copy(aq, ap);
  while (*fmt != '\0') {
    if (*fmt == '%')
      fmt = conversion(&o, fmt, &aq);
    else
      put(&o, *fmt++);
  }
  va_end(aq);

  if (o.count > INT_MAX) {
    errno = EOVERFLOW;
    return -1;
  }
  return (int)o.count;
}
