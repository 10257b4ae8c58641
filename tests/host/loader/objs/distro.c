/*
 * distro.c — ordinary library-style code, compiled the way a Linux
 * distribution compiles shared-library code (-O2 -fPIC
 * -fstack-protector-strong), so that it imports what such objects import:
 * the stack-protector failure hook, libgcc's 64-bit division helpers and
 * libc string functions.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct record {
    char name[32];
    uint64_t total;
    int64_t delta;
};

uint64_t average(const uint64_t *v, unsigned n)
{
    uint64_t sum = 0;
    unsigned i;

    for (i = 0; i < n; i++)
        sum += v[i];
    return n ? sum / n : 0;
}

int64_t signed_ratio(int64_t a, int64_t b) { return b ? a / b : 0; }
int64_t signed_rest(int64_t a, int64_t b) { return b ? a % b : 0; }
uint64_t unsigned_rest(uint64_t a, uint64_t b) { return b ? a % b : 0; }

int record_fill(struct record *r, const char *name, uint64_t total)
{
    char tmp[48];

    strncpy(tmp, name, sizeof tmp - 1);
    tmp[sizeof tmp - 1] = '\0';
    memset(r, 0, sizeof *r);
    memcpy(r->name, tmp, strlen(tmp) < sizeof r->name ? strlen(tmp) : sizeof r->name - 1);
    r->total = total;
    r->delta = (int64_t)total / 3;
    return (int)strlen(r->name);
}

/* Formatting into a local buffer: with _FORTIFY_SOURCE the size-checked
 * variants (__snprintf_chk) are imported instead. */
int record_format(char *out, size_t outlen, const struct record *r)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%s=%llu", r->name, (unsigned long long)r->total);

    if (n < 0)
        return n;
    memcpy(out, line, (size_t)n < outlen ? (size_t)n : outlen);
    return n;
}
