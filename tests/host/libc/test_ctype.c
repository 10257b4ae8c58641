/*
 * test_ctype.c — kea's ctype.h against glibc in the C locale, for every
 * unsigned char value and EOF.
 */
#include <ctype.h>
#include <stdio.h>

#include "libc_test.h"

static const struct {
  const char *name;
  int (*glibc)(int);
  int (*kea)(int);
  int exact;   /* compare values (to*), not just truth (is*) */
} funcs[] = {
  { "isalnum", isalnum, kea_isalnum, 0 },
  { "isalpha", isalpha, kea_isalpha, 0 },
  { "isblank", isblank, kea_isblank, 0 },
  { "iscntrl", iscntrl, kea_iscntrl, 0 },
  { "isdigit", isdigit, kea_isdigit, 0 },
  { "isgraph", isgraph, kea_isgraph, 0 },
  { "islower", islower, kea_islower, 0 },
  { "isprint", isprint, kea_isprint, 0 },
  { "ispunct", ispunct, kea_ispunct, 0 },
  { "isspace", isspace, kea_isspace, 0 },
  { "isupper", isupper, kea_isupper, 0 },
  { "isxdigit", isxdigit, kea_isxdigit, 0 },
  { "tolower", tolower, kea_tolower, 1 },
  { "toupper", toupper, kea_toupper, 1 },
};

void
test_ctype(void)
{
  for (size_t f = 0; f < sizeof funcs / sizeof funcs[0]; f++) {
    for (int c = EOF; c <= 255; c++) {
      int g = funcs[f].glibc(c), k = funcs[f].kea(c);
      if (funcs[f].exact ? g != k : !g != !k) {
        fail("%s(%d): glibc %d, kea %d", funcs[f].name, c, g, k);
        return;
      }
    }
  }
}
