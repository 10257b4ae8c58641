/* The console line discipline, between the serial receive interrupt and the
 * readers of the console.
 *
 * The interrupt only queues bytes.  Editing and echo happen when a reader
 * asks for input (as readline does), so input typed ahead, or piped in all at
 * once by a script, is echoed after the prompt it answers instead of in the
 * middle of the output of the previous command.
 *
 * Cooked mode (the default) edits a line before anyone sees it: bytes are
 * echoed, backspace/DEL erase one, ^U erases the line, CR or LF ends it (a
 * CR LF pair counts once).  Raw mode hands every byte over unchanged and
 * echoes nothing; the shell uses it to do its own line editing. */
#include <stddef.h>
#include <stdio.h>
#include "i386/x86.h"
#include "kernel.h"
#include "sched.h"

#define TTY_QUEUE 1024          /* bytes received, not yet read */
#define TTY_LINE  1024          /* longest cooked line, newline included */
#define CTRL(c) ((c) - '@')

static struct {
    char queue[TTY_QUEUE];
    unsigned qhead, qtail;      /* free-running: qtail - qhead bytes queued */
    unsigned dropped;           /* bytes lost because nobody read */
    char line[TTY_LINE];        /* the cooked line being handed out */
    unsigned len, pos;          /* line[pos, len) not yet read */
    char last;                  /* previous byte, to fold CR LF */
    enum tty_mode mode;
} tty;

void tty_input(char c)
{
    if (tty.qtail - tty.qhead == TTY_QUEUE) {
        tty.dropped++;
        return;
    }
    tty.queue[tty.qtail++ % TTY_QUEUE] = c;
    wakeup(&tty);
}

/* Next queued byte; sleeps until there is one.  Interrupts are off. */
static char next_byte(void)
{
    while (tty.qhead == tty.qtail)
        sleep_on(&tty);
    return tty.queue[tty.qhead++ % TTY_QUEUE];
}

static void erase_one(void)
{
    tty.len--;
    kconsole_write("\b \b", 3);
}

/* Read and edit one line into tty.line, echoing as it goes. */
static void cook_line(void)
{
    tty.len = tty.pos = 0;
    for (;;) {
        char c = next_byte(), prev = tty.last;
        tty.last = c;
        switch (c) {
        case '\n':
            if (prev == '\r')
                continue;                    /* CR LF: the line already ended */
            /* fallthrough */
        case '\r':
            tty.line[tty.len++] = '\n';
            putchar('\n');
            return;
        case '\b': case 0x7f:
            if (tty.len) erase_one();
            continue;
        case CTRL('U'):
            while (tty.len) erase_one();
            continue;
        default:
            if (tty.len < TTY_LINE - 1) {    /* keep room for the newline */
                tty.line[tty.len++] = c;
                putchar(c);
            }
        }
    }
}

void tty_set_mode(enum tty_mode m) { tty.mode = m; }
enum tty_mode tty_get_mode(void) { return tty.mode; }

int tty_poll(void)
{
    return (int)(tty.len - tty.pos + tty.qtail - tty.qhead);
}

/* Cooked: at most one line (up to and including '\n').  Raw: whatever is
 * queued, at least one byte.  A cooked line not yet fully read is handed
 * out first in either mode. */
uint64_t tty_first_read_tsc;

int tty_read(char *buf, size_t n)
{
    if (!tty_first_read_tsc)
        tty_first_read_tsc = rdtsc();   /* the console's first prompt: boot's end */
    uint32_t f = irq_save();
    size_t got = 0;
    if (tty.pos == tty.len && tty.mode == TTY_COOKED)
        cook_line();
    while (got < n && tty.pos < tty.len)
        buf[got++] = tty.line[tty.pos++];
    if (tty.mode == TTY_RAW) {
        if (got == 0)
            buf[got++] = next_byte();
        while (got < n && tty.qhead != tty.qtail)
            buf[got++] = tty.queue[tty.qhead++ % TTY_QUEUE];
    }
    irq_restore(f);
    return (int)got;
}

int tty_getc(void)
{
    char c;
    tty_read(&c, 1);
    return (unsigned char)c;
}
