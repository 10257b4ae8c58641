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
 * echoes nothing; the shell uses it to do its own line editing.
 *
 * Output that comes while a raw-mode reader waits for input (a spawned
 * program's line, a background call's result, a kernel message) lands
 * after that reader's prompt and half-typed line.  Once such output ends a
 * line, the reader is handed KEA_CONSOLE_REPRINT (include/kea/base.h), so
 * that it draws its prompt and line again below the output.  Setting raw
 * mode while in raw mode does the same for a reader that waits then: the
 * way one thread of a program wakes another that reads (the shell's, while
 * it waits for a program: shell/cmds_dom.c).  Only readers of
 * the console base service get it (tty_read); the kernel monitor's
 * tty_getc never does. */
#include <stddef.h>
#include <stdio.h>
#include <kea/base.h>
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
    int waiting;                /* a raw reader (tty_read) sleeps for input */
    int reprint;                /* output came meanwhile: hand it ^R */
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

/* A raw reader waiting in tty_read gets KEA_CONSOLE_REPRINT. */
static void wake_raw_reader(void)
{
    uint32_t f = irq_save();
    if (tty.waiting && tty.mode == TTY_RAW) {
        tty.reprint = 1;
        wakeup(&tty);
    }
    irq_restore(f);
}

void tty_set_mode(enum tty_mode m)
{
    tty.mode = m;
    if (m == TTY_RAW)
        wake_raw_reader();      /* raw again: someone wants the reader awake */
}
enum tty_mode tty_get_mode(void) { return tty.mode; }

int tty_poll(void)
{
    return (int)(tty.len - tty.pos + tty.qtail - tty.qhead);
}

void tty_output_ended(void)
{
    wake_raw_reader();
}

uint64_t tty_first_read_tsc;        /* rdtsc at the first read: boot's end (kbench) */

/* Cooked: at most one line (up to and including '\n').  Raw: whatever is
 * queued, at least one byte; with `reprint`, KEA_CONSOLE_REPRINT first if
 * output ended a line while waiting.  A cooked line not yet fully read is handed out first in
 * either mode. */
static int read_input(char *buf, size_t n, int reprint)
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
        if (got == 0 && reprint) {
            tty.reprint = 0;
            tty.waiting = 1;
            while (tty.qhead == tty.qtail && !tty.reprint)
                sleep_on(&tty);
            tty.waiting = 0;
            if (tty.reprint)                    /* before any input that came too */
                buf[got++] = (char)KEA_CONSOLE_REPRINT;
            tty.reprint = 0;
        }
        if (got == 0)
            buf[got++] = next_byte();
        while (got < n && tty.qhead != tty.qtail)
            buf[got++] = tty.queue[tty.qhead++ % TTY_QUEUE];
    }
    irq_restore(f);
    return (int)got;
}

int tty_read(char *buf, size_t n)
{
    return read_input(buf, n, 1);
}

int tty_getc(void)
{
    char c;
    read_input(&c, 1, 0);
    return (unsigned char)c;
}
