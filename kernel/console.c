/* The kernel console: the environment's putchar (OSKit style: the minimal
 * libc's printf and puts rest on it) and getchar. */
#include <stdio.h>
#include "kernel.h"

void console_init(void)
{
    serial_init();
    vga_init();
}

int putchar(int c)
{
    if (c == '\n')
        serial_putc('\r');     /* terminals want CR LF */
    serial_putc((char)c);
    vga_putc((char)c);
    if (c == '\n')
        tty_output_ended();    /* a raw reader waiting for input redraws its line (tty.c) */
    return (unsigned char)c;
}

void kconsole_write(const char *s, size_t n)
{
    while (n--)
        putchar(*s++);
}

int getchar(void)
{
    return tty_getc();
}
