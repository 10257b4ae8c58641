/*
 * printf.c — console output: printf, vprintf, puts.
 *
 * Nothing is buffered: every byte goes straight to putchar, so output
 * interleaves with whatever else the client writes and nothing is lost if
 * the system stops mid-line.  Environment: putchar.
 */
#include <stdarg.h>
#include <stdio.h>

/* __format sink: putchar, remembering whether it ever failed. */
static void
emit_console(int c, void *arg)
{
  int *failed = arg;

  if (putchar(c) == EOF)
    *failed = 1;
}

int
vprintf(const char *restrict fmt, va_list ap)
{
  int failed = 0;
  int n = __format(emit_console, &failed, fmt, ap);

  return failed ? EOF : n;
}

int
printf(const char *restrict fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

int
puts(const char *s)
{
  for (; *s != '\0'; s++)
    if (putchar((unsigned char)*s) == EOF)
      return EOF;
  return putchar('\n') == EOF ? EOF : 1;
}
