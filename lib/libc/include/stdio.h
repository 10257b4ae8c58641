/*
 * stdio.h — formatted output, OSKit style.
 *
 * There are no FILEs, no streams and no buffering.  Console output rests on
 * one function the client supplies, putchar(); everything else is built on
 * it, so a kernel or user domain gets printf just by defining putchar.
 *
 * Environment (functions the client must provide; libc never defines them):
 *
 *   int putchar(int c);   write the byte c; return c, or EOF on error.
 *   int getchar(void);    read one byte; return it as an unsigned char
 *                         converted to int, or EOF.
 *
 * Each function below names the environment functions it calls.  If a client
 * is compiled hosted (without -ffreestanding or -fno-builtin), gcc may rewrite
 * printf("text\n") into puts("text") and printf("c") into putchar('c'), so
 * a client that overrides one of printf, puts or putchar should keep the
 * three consistent.
 *
 * Conversions supported by the printf family (C11 7.21.6.1):
 *   flags      -  +  space  #  0
 *   width      decimal or *      (a negative * width means '-' flag)
 *   precision  .decimal or .*    (a negative * precision means none)
 *   length     hh h l ll z t j   (also L and q, both meaning ll)
 *   conversion d i u o x X c s p %
 * %s of a null pointer prints "(null)" (or nothing if the precision is
 * below 6) and %p prints "(nil)" for a null pointer and 0x<hex> otherwise,
 * as glibc does.  %lc and %ls are treated as %c and %s (no wide characters).
 *
 * Floating point is NOT supported: the kernel is built with -mno-80387.
 * %f %F %e %E %g %G %a %A consume their double (long double with L) and
 * print "?", padded to the field width.  %n is not supported: it, and any
 * other unknown conversion, is printed literally.
 */
#ifndef _KEA_STDIO_H
#define _KEA_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* Environment: provided by the kernel or user domain runtime. */
int putchar(int c);
int getchar(void);

/*
 * Write s and a newline.  Returns a nonnegative value, or EOF if putchar
 * failed.  Environment: putchar.
 */
int puts(const char *s);

/*
 * Format to the console.  Return the number of bytes written, or a negative
 * value if putchar failed or the count exceeds INT_MAX (errno = EOVERFLOW).
 * Environment: putchar.
 */
int printf(const char *restrict fmt, ...)
    __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/*
 * Format into buf.  snprintf writes at most size bytes including the
 * terminating NUL (nothing at all if size is 0, when buf may be NULL) and
 * returns the length the whole output would have had.  sprintf assumes buf
 * is big enough.  Environment: none.
 */
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * kea extension: the one formatting engine behind the printf family.
 * Formats fmt with ap, handing each output byte (as an unsigned char value)
 * to emit(c, arg).  Returns the byte count as printf does.  A client can use
 * it to print to any sink (a serial port, a log ring) without a buffer.
 * Environment: none.
 */
int __format(void (*emit)(int c, void *arg), void *arg,
             const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif /* _KEA_STDIO_H */
