/*
 * string.h — memory and string functions (C locale).
 *
 * Comparisons (memcmp, strcmp, strncmp) compare bytes as unsigned char, as
 * C11 requires.  Everything here is self-contained (environment: none)
 * except strdup and strndup, which live in their own object file so that a
 * client without malloc can still link the rest.
 */
#ifndef _KEA_STRING_H
#define _KEA_STRING_H

#include <stddef.h>

void  *memcpy(void *restrict dst, const void *restrict src, size_t n);
void  *memmove(void *dst, const void *src, size_t n);
void  *memset(void *dst, int c, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
void  *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);   /* POSIX */
char  *strcpy(char *restrict dst, const char *restrict src);
char  *strncpy(char *restrict dst, const char *restrict src, size_t n);
char  *strcat(char *restrict dst, const char *restrict src);
char  *strncat(char *restrict dst, const char *restrict src, size_t n);
int    strcmp(const char *a, const char *b);
int    strncmp(const char *a, const char *b, size_t n);
char  *strchr(const char *s, int c);
char  *strrchr(const char *s, int c);
char  *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char  *strpbrk(const char *s, const char *accept);

/* POSIX: reentrant strtok; *save holds the position between calls. */
char  *strtok_r(char *restrict s, const char *restrict delim,
                char **restrict save);

/*
 * BSD: copy/append with truncation to a buffer of size bytes, always
 * NUL-terminating when size > 0.  Return the length of the string they
 * tried to create (strlen(src), or initial strlen(dst) + strlen(src)), so
 * truncation happened iff the result >= size.
 */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);

/*
 * POSIX: copy s (at most n bytes of it) into new memory.  Return NULL if
 * malloc fails.  Environment: malloc.
 */
char  *strdup(const char *s);
char  *strndup(const char *s, size_t n);

/*
 * Message for an errno value (errno.h): glibc's wording for the numbers kea
 * defines, "Unknown error" otherwise.  The string is constant: no static
 * buffer is written.  Environment: none.
 */
char  *strerror(int errnum);

#endif /* _KEA_STRING_H */
