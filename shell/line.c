/* The line editor.  The console is in raw mode: every byte arrives as
 * typed and nothing is echoed, so the shell echoes and edits itself.
 *
 * Keys: printable ASCII inserts; backspace (DEL or ^H) and delete (ESC[3~,
 * ^D) erase; left/right (ESC[D, ESC[C, ^B, ^F), word left/right (ESC b,
 * ESC f, ESC[1;5D, ESC[1;5C), home/end (ESC[H, ESC[F, ESC[1~, ESC[4~,
 * ESC O H, ESC O F, ^A, ^E) move; ^K, ^U and ^W kill to the end, to the
 * start and the word before the cursor; up/down (ESC[A, ESC[B, ^P, ^N)
 * walk the history; TAB completes; ^L redraws on a cleared screen; ^C
 * abandons the line.  The console's KEA_CONSOLE_REPRINT (output from
 * elsewhere, a spawned program's line or a background call's result,
 * landed after the prompt) draws the prompt and the line again below it.  CR or LF ends the line, a CR LF pair counts once:
 * terminals send CR, pipes LF.
 *
 * The display is drawn with printable characters, spaces, backspaces and
 * newlines only: a backspace moves the cursor left, reprinting a character
 * moves it right.  That works the same on a terminal and on a dumb console
 * and needs no guess which one is there, and the output does not depend on
 * how the input was split into reads.  Piped input is echoed like typed
 * input, so a scripted session reads like a typed one.  (A line longer
 * than the terminal is wide wraps, and backspace cannot go back up a
 * wrapped line: keep to the terminal's width when editing.) */
#include <stdio.h>
#include <string.h>
#include "console_client.h"
#include "shell.h"

#define HISTORY 64
#define CTRL(c) ((c) - '@')

enum key {
    K_NONE, K_CHAR, K_ENTER, K_TAB, K_BACKSPACE, K_DELETE, K_LEFT, K_RIGHT,
    K_WORD_LEFT, K_WORD_RIGHT, K_HOME, K_END, K_UP, K_DOWN, K_KILL_END,
    K_KILL_START, K_KILL_WORD, K_REDRAW, K_REPRINT, K_CANCEL, K_EOF,
};

static struct {
    const char *prompt;
    char *buf;
    size_t cap, len, pos;       /* buf[0, len) is the line, pos the cursor */
    int overflow;               /* input was dropped: the line is refused */
    int hist_at;                /* history entry shown, hist_n: the new line */
    char draft[SHELL_LINE];     /* the new line, while walking the history */
} ed;

static char history[HISTORY][SHELL_LINE];
static int hist_n;

/* ---- output ---- */

static void out_n(char c, size_t n)
{
    while (n--) putchar(c);
}

static void out_s(const char *s, size_t n)
{
    while (n--) putchar(*s++);
}

static void bell(void) { putchar('\a'); }

static void cursor_to(size_t p)
{
    if (p < ed.pos) out_n('\b', ed.pos - p);
    else out_s(ed.buf + ed.pos, p - ed.pos);
    ed.pos = p;
}

/* The line changed from the cursor on; the screen showed old_len
 * characters.  Redraw the rest, blank what is left over, come back. */
static void redraw_tail(size_t old_len)
{
    size_t pad = old_len > ed.len ? old_len - ed.len : 0;
    out_s(ed.buf + ed.pos, ed.len - ed.pos);
    out_n(' ', pad);
    out_n('\b', ed.len - ed.pos + pad);
}

void line_insert(const char *text)
{
    size_t n = strlen(text);
    if (ed.len + n >= ed.cap) {
        ed.overflow = 1;
        bell();
        return;
    }
    memmove(ed.buf + ed.pos + n, ed.buf + ed.pos, ed.len - ed.pos);
    memcpy(ed.buf + ed.pos, text, n);
    ed.len += n;
    out_s(ed.buf + ed.pos, ed.len - ed.pos);
    ed.pos += n;
    out_n('\b', ed.len - ed.pos);
}

static void erase(size_t from, size_t to)
{
    if (from >= to) return;
    cursor_to(from);
    size_t old = ed.len;
    memmove(ed.buf + from, ed.buf + to, ed.len - to);
    ed.len -= to - from;
    redraw_tail(old);
}

static void replace_line(const char *text)
{
    cursor_to(0);
    size_t old = ed.len;
    ed.len = strlen(text) < ed.cap ? strlen(text) : ed.cap - 1;
    memcpy(ed.buf, text, ed.len);
    redraw_tail(old);
    cursor_to(ed.len);
}

static void redraw_all(void)
{
    printf("%s", ed.prompt);
    out_s(ed.buf, ed.len);
    out_n('\b', ed.len - ed.pos);
}

/* Candidates in columns under the line, then the prompt and line again. */
void line_show_candidates(char **cands, int n)
{
    size_t width = 0;
    for (int i = 0; i < n; i++)
        if (strlen(cands[i]) > width) width = strlen(cands[i]);
    width += 2;
    int per_row = width < 78 ? (int)(78 / width) : 1;
    putchar('\n');
    for (int i = 0; i < n; i++) {
        int last = i + 1 == n || (i + 1) % per_row == 0;
        printf("%-*s", last ? 0 : (int)width, cands[i]);
        if (last) putchar('\n');
    }
    redraw_all();
}

/* ---- history ---- */

void line_history_add(const char *line)
{
    if (!line[0] || (hist_n && strcmp(history[hist_n - 1], line) == 0))
        return;
    if (hist_n == HISTORY) {
        memmove(history[0], history[1], sizeof history[0] * (HISTORY - 1));
        hist_n--;
    }
    strlcpy(history[hist_n++], line, sizeof history[0]);
}

void line_history_print(void)
{
    for (int i = 0; i < hist_n; i++)
        printf("%4d  %s\n", i + 1, history[i]);
}

static void history_step(int dir)
{
    int to = ed.hist_at + dir;
    if (to < 0 || to > hist_n) {
        bell();
        return;
    }
    if (ed.hist_at == hist_n) {             /* leaving the new line: keep it */
        memcpy(ed.draft, ed.buf, ed.len);
        ed.draft[ed.len] = 0;
    }
    ed.hist_at = to;
    replace_line(to == hist_n ? ed.draft : history[to]);
}

/* ---- input: the console's bytes, queued ----
 *
 * The shell reads the console itself (not through the runtime's getchar)
 * so that input read by another of its threads keeps its place: while the
 * shell waits for a program (spawn --wait), that thread reads on, acts on
 * ^C and queues everything else here, in order, for the editor.  Only one
 * thread reads at a time. */

static unsigned char inq[512];
static size_t inq_head, inq_tail;       /* inq[head, tail) not yet taken */
static int spilled_ctrl_c;              /* a ^C came while the queue was full */

/* One console read (it blocks) appended to the queue; the new bytes are
 * inq[*from, inq_tail).  With the queue full, the bytes read are dropped
 * but a ^C among them is noted.  -1 when the console fails. */
static int fill(size_t *from)
{
    if (inq_head > 0) {                     /* make room at the end */
        memmove(inq, inq + inq_head, inq_tail - inq_head);
        inq_tail -= inq_head;
        inq_head = 0;
    }
    size_t n = 0;
    kea_flush();
    *from = inq_tail;
    if (inq_tail == sizeof inq) {
        unsigned char spill[64];
        if (console_read(&kea_base_console, spill, sizeof spill, &n) < 0) return -1;
        for (size_t i = 0; i < n; i++)
            if (spill[i] == CTRL('C')) spilled_ctrl_c = 1;
        return 0;
    }
    if (console_read(&kea_base_console, inq + inq_tail, sizeof inq - inq_tail, &n) < 0) return -1;
    inq_tail += n;
    return (int)n;
}

static int next_byte(void)
{
    size_t from;
    while (inq_head == inq_tail)
        if (fill(&from) < 0) return EOF;
    return inq[inq_head++];
}

int line_watch(void)
{
    size_t from;
    if (fill(&from) < 0) return -1;
    int ctrl_c = spilled_ctrl_c;
    spilled_ctrl_c = 0;
    size_t k = from;
    for (size_t i = from; i < inq_tail; i++) {
        if (inq[i] == CTRL('C')) ctrl_c = 1;
        else if (inq[i] != KEA_CONSOLE_REPRINT) inq[k++] = inq[i];
    }
    inq_tail = k;
    return ctrl_c;
}

/* ---- input: bytes to keys ---- */

/* Reads bytes until they make a key; *c is the character of K_CHAR.
 * Escape sequences: ESC [ params final, ESC O final, ESC letter. */
static enum key read_key(char *c)
{
    static int after_cr;
    for (;;) {
        int b = next_byte();
        if (b == EOF) return K_EOF;
        int cr = after_cr;
        after_cr = b == '\r';
        if (b == '\n' && cr) continue;      /* CR LF: the CR ended the line */
        switch (b) {
        case '\r': case '\n': return K_ENTER;
        case '\t': return K_TAB;
        case 0x7f: case CTRL('H'): return K_BACKSPACE;
        case CTRL('D'): return K_DELETE;
        case CTRL('A'): return K_HOME;
        case CTRL('E'): return K_END;
        case CTRL('B'): return K_LEFT;
        case CTRL('F'): return K_RIGHT;
        case CTRL('P'): return K_UP;
        case CTRL('N'): return K_DOWN;
        case CTRL('K'): return K_KILL_END;
        case CTRL('U'): return K_KILL_START;
        case CTRL('W'): return K_KILL_WORD;
        case CTRL('L'): return K_REDRAW;
        case CTRL('C'): return K_CANCEL;
        case 0x1b: break;
        case KEA_CONSOLE_REPRINT: return K_REPRINT;
        default:
            if (b >= 0x20 && b < 0x7f) {
                *c = (char)b;
                return K_CHAR;
            }
            continue;                        /* other control or non-ASCII bytes */
        }
        /* ESC: a sequence */
        int b1 = next_byte();
        if (b1 == EOF) return K_EOF;
        if (b1 == 'b') return K_WORD_LEFT;
        if (b1 == 'f') return K_WORD_RIGHT;
        if (b1 == 'O') {
            switch (next_byte()) {
            case 'A': return K_UP;
            case 'B': return K_DOWN;
            case 'C': return K_RIGHT;
            case 'D': return K_LEFT;
            case 'H': return K_HOME;
            case 'F': return K_END;
            default: continue;
            }
        }
        if (b1 != '[') continue;             /* ESC alone, or one we ignore */
        int param[2] = { 0, 0 }, np = 0, fin;
        while ((fin = next_byte()) != EOF && fin >= 0x20 && fin < 0x40) {
            if (fin >= '0' && fin <= '9') param[np] = param[np] * 10 + (fin - '0');
            else if (fin == ';' && np == 0) np = 1;
        }
        if (fin == EOF) return K_EOF;
        int ctrl = np == 1 && param[1] == 5;  /* ESC[1;5C: ctrl+arrow */
        switch (fin) {
        case 'A': return K_UP;
        case 'B': return K_DOWN;
        case 'C': return ctrl ? K_WORD_RIGHT : K_RIGHT;
        case 'D': return ctrl ? K_WORD_LEFT : K_LEFT;
        case 'H': return K_HOME;
        case 'F': return K_END;
        case '~':
            switch (param[0]) {
            case 1: case 7: return K_HOME;
            case 4: case 8: return K_END;
            case 3: return K_DELETE;
            }
        }
    }
}

/* ---- the editor ---- */

static int is_space(char c) { return c == ' '; }

static size_t word_left(size_t p)
{
    while (p > 0 && is_space(ed.buf[p - 1])) p--;
    while (p > 0 && !is_space(ed.buf[p - 1])) p--;
    return p;
}

static size_t word_right(size_t p)
{
    while (p < ed.len && is_space(ed.buf[p])) p++;
    while (p < ed.len && !is_space(ed.buf[p])) p++;
    return p;
}

static void complete(void)
{
    size_t start = ed.pos;
    while (start > 0 && !is_space(ed.buf[start - 1])) start--;
    char line[SHELL_LINE];
    memcpy(line, ed.buf, ed.len);
    line[ed.len] = 0;
    complete_word(line, start, ed.pos);
}

/* Read one edited line into buf (NUL-terminated).  Returns its length,
 * -1 at the end of input, -2 if the line was too long (it is discarded). */
int line_read(const char *prompt, char *buf, size_t cap)
{
    ed.prompt = prompt;
    ed.buf = buf;
    ed.cap = cap;
    ed.len = ed.pos = 0;
    ed.overflow = 0;
    ed.hist_at = hist_n;
    printf("%s", prompt);
    for (;;) {
        char c = 0;
        switch (read_key(&c)) {
        case K_EOF:
            return -1;
        case K_ENTER:
            cursor_to(ed.len);
            putchar('\n');
            buf[ed.len] = 0;
            return ed.overflow ? -2 : (int)ed.len;
        case K_CANCEL:
            cursor_to(ed.len);
            printf("^C\n");
            buf[0] = 0;
            return 0;
        case K_CHAR: {
            char s[2] = { c, 0 };
            line_insert(s);
            break;
        }
        case K_TAB: complete(); break;
        case K_BACKSPACE:
            if (ed.pos > 0) erase(ed.pos - 1, ed.pos);
            else bell();
            break;
        case K_DELETE:
            if (ed.pos < ed.len) {
                size_t p = ed.pos;
                erase(p, p + 1);
            } else bell();
            break;
        case K_LEFT: if (ed.pos > 0) cursor_to(ed.pos - 1); break;
        case K_RIGHT: if (ed.pos < ed.len) cursor_to(ed.pos + 1); break;
        case K_WORD_LEFT: cursor_to(word_left(ed.pos)); break;
        case K_WORD_RIGHT: cursor_to(word_right(ed.pos)); break;
        case K_HOME: cursor_to(0); break;
        case K_END: cursor_to(ed.len); break;
        case K_UP: history_step(-1); break;
        case K_DOWN: history_step(1); break;
        case K_KILL_END: {
            size_t p = ed.pos;
            erase(p, ed.len);
            break;
        }
        case K_KILL_START: {
            size_t p = ed.pos;
            erase(0, p);
            break;
        }
        case K_KILL_WORD: {
            size_t p = ed.pos;
            erase(word_left(p), p);
            break;
        }
        case K_REDRAW:
            printf("\x1b[H\x1b[2J");
            redraw_all();
            break;
        case K_REPRINT:                 /* the output ended a line: at column 0 */
            redraw_all();
            break;
        case K_NONE:
            break;
        }
    }
}
