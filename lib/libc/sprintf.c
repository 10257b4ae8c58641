/*
 * sprintf.c — formatting into memory: sprintf, snprintf, vsprintf,
 * vsnprintf.  Environment: none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A bounded buffer: bytes past size - 1 are counted but not stored. */
struct sbuf {
  char *buf;
  size_t size;
  size_t len;
};

static void
emit_sbuf(int c, void *arg)
{
  struct sbuf *b = arg;

  if (b->len + 1 < b->size)
    b->buf[b->len] = (char)c;
  b->len++;
}

int
vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
          va_list ap)
{
  struct sbuf b = { buf, size, 0 };
  int n = __format(emit_sbuf, &b, fmt, ap);

  /* With size 0 nothing is written, so buf may be NULL. */
  if (size > 0)
    buf[b.len < size ? b.len : size - 1] = '\0';
  return n;
}

int
vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
  return vsnprintf(buf, SIZE_MAX, fmt, ap);
}

int
snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

int
sprintf(char *restrict buf, const char *restrict fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(buf, SIZE_MAX, fmt, ap);
  va_end(ap);
  return n;
}
