/*
 * strdup.c — strdup and strndup.  Environment: malloc.
 *
 * Kept apart from string.c so that linking any other string function does
 * not require the client to provide malloc.
 */
#include <stdlib.h>
#include <string.h>

char *
strndup(const char *s, size_t n)
{
  size_t len = strnlen(s, n);
  char *p = malloc(len + 1);

  if (p == NULL)
    return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *
strdup(const char *s)
{
  return strndup(s, strlen(s));
}
