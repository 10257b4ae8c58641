/* VGA text-mode mirror of the console (80x25 at physical 0xB8000). */
#include <stdint.h>
#include <string.h>
#include <kea/memlayout.h>
#include "i386/x86.h"
#include "kernel.h"

#define COLS 80
#define ROWS 25
#define ATTR 0x0700     /* light grey on black */
#define CRTC 0x3d4

static uint16_t *const screen = (uint16_t *)P2V(0xb8000);
static int pos;

static void move_cursor(void)
{
    outb(CRTC, 14); outb(CRTC + 1, (uint8_t)(pos >> 8));
    outb(CRTC, 15); outb(CRTC + 1, (uint8_t)pos);
}

void vga_init(void)
{
    for (int i = 0; i < COLS * ROWS; i++)
        screen[i] = ATTR | ' ';
    pos = 0;
    move_cursor();
}

void vga_putc(char c)
{
    if (c == '\n')
        pos += COLS - pos % COLS;
    else if (c == '\r')
        pos -= pos % COLS;
    else if (c == '\b') {
        if (pos % COLS) pos--;
    } else if (c == '\t')
        pos = (pos + 8) & ~7;
    else if ((unsigned char)c >= ' ')
        screen[pos++] = ATTR | (uint8_t)c;
    if (pos >= COLS * ROWS) {
        memmove(screen, screen + COLS, (ROWS - 1) * COLS * sizeof *screen);
        for (int i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
            screen[i] = ATTR | ' ';
        pos -= COLS;
    }
    move_cursor();
}
