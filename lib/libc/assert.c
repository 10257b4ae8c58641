/*
 * assert.c — the failure path of assert().  Environment: panic.
 */
#include <assert.h>
#include <stdlib.h>

void
__assert_fail(const char *expr, const char *file, int line, const char *func)
{
  panic("%s:%d: %s: assertion failed: %s", file, line, func, expr);
}
