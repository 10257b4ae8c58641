/* Numbers typed at the shell, read by one parser, so that every command
 * takes the same forms and refuses the same mistakes the same way: no
 * number is clamped, cut or quietly read as something else.
 *
 *   decimal      0 .. 4294967295
 *   hexadecimal  0x0 .. 0xffffffff
 *   negative     -1 .. -2147483648 (a 32-bit word in two's complement)
 *
 * Anything else (a sign alone, "0xZZ", "12abc", digits past 32 bits) is
 * not a number: parse_word says which of the two mistakes it is. */
#include <stdio.h>
#include "shell.h"

/* Does `s` look like a number (so that a mistake in it is an error rather
 * than a word of another kind)? */
int looks_numeric(const char *s)
{
    if (*s == '-' || *s == '+') s++;
    return *s >= '0' && *s <= '9';
}

int parse_word(const char *s, uint32_t *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (!*p) return NUM_MALFORMED;
    uint64_t v = 0;
    int big = 0;
    for (; *p; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9') d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f') d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F') d = (unsigned)(*p - 'A' + 10);
        else return NUM_MALFORMED;
        v = v * base + d;
        if (v > 0xffffffffull) {        /* too big; read on: a bad digit is the worse mistake */
            big = 1;
            v = 0x100000000ull;
        }
    }
    if (big || (neg && v > 0x80000000ull)) return NUM_RANGE;
    *out = neg ? (uint32_t)-(int64_t)v : (uint32_t)v;
    return 0;
}

const char *num_error(int r)
{
    return r == NUM_RANGE ? "out of range (a 32-bit word: 0..4294967295, or -2147483648..-1)"
                          : "not a number (decimal, 0x hexadecimal, or negative)";
}

int parse_ms(const char *cmd, const char *s, uint32_t *ms)
{
    int r = *s == '-' ? NUM_RANGE : parse_word(s, ms);
    if (r == 0 && *ms > MAX_MS) r = NUM_RANGE;
    if (r < 0) {
        printf("%s: MS must be a number of milliseconds from 0 to %u (an hour), not '%s'\n", cmd,
               MAX_MS, s);
        return -1;
    }
    return 0;
}
