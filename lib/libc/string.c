/*
 * string.c — memory and string functions.  Environment: none.
 *
 * In a hosted compile, gcc -O2 turns byte loops into calls to memset and
 * memcpy ("loop distribution"); inside memcpy that call would be to memcpy
 * itself.  gcc (10 and later) does not do this under -ffreestanding, so this
 * file insists on it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if __STDC_HOSTED__
#error "string.c must be compiled with -ffreestanding"
#endif

/*
 * memcpy, memmove and memset are i386 string instructions: rep movsl /
 * rep stosl for the words, rep movsb / rep stosb for the 0-3 bytes of tail.
 * Under QEMU's -icount each rep iteration counts as one instruction, so a
 * 4 KiB copy is about 1,030 instead of the ~6,000 of a C word loop; not
 * rep movsb for the whole length, which would count one per byte.
 * Unaligned words are legal on i386 (only slower on some hardware).
 *
 * Each starts with cld: the System V ABI promises the direction flag clear
 * on entry, but kernel code reached from a trap must not trust a flag the
 * user may have set; one instruction buys that independence.
 */

/* Copy upward; safe for overlap when dst is below src (each iteration
 * reads its source before any later iteration writes over it). */
static inline void
copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
  size_t words = n >> 2, tail = n & 3;

  __asm__ volatile("cld\n\t"
                   "rep movsl\n\t"
                   "movl %[tail], %%ecx\n\t"
                   "rep movsb"
                   : "+D"(d), "+S"(s), "+c"(words)
                   : [tail] "r"(tail)
                   : "memory", "cc");
}

/* Copy downward from the end; safe for overlap when dst is above src: the
 * bytes of tail at the top first, then the words, with the direction flag
 * set for the two and cleared again after. */
static inline void
copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
  unsigned char *de = d + n - 1;
  const unsigned char *se = s + n - 1;
  size_t tail = n & 3;

  __asm__ volatile("std\n\t"
                   "rep movsb\n\t"
                   "subl $3, %%edi\n\t"
                   "subl $3, %%esi\n\t"
                   "movl %[words], %%ecx\n\t"
                   "rep movsl\n\t"
                   "cld"
                   : "+D"(de), "+S"(se), "+c"(tail)
                   : [words] "r"(n >> 2)
                   : "memory", "cc");
}

void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
  copy_up(dst, src, n);
  return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
  /* Compare as integers: pointers into different objects are unordered. */
  if ((uintptr_t)dst <= (uintptr_t)src
      || (uintptr_t)dst >= (uintptr_t)src + n)
    copy_up(dst, src, n);
  else
    copy_down(dst, src, n);
  return dst;
}

void *
memset(void *dst, int c, size_t n)
{
  void *d = dst;
  size_t words = n >> 2;

  __asm__ volatile("cld\n\t"
                   "rep stosl\n\t"
                   "movl %[tail], %%ecx\n\t"
                   "rep stosb"
                   : "+D"(d), "+c"(words)
                   : "a"((unsigned char)c * 0x01010101u), [tail] "r"(n & 3)
                   : "memory", "cc");
  return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *p = a, *q = b;

  for (; n > 0; n--, p++, q++)
    if (*p != *q)
      return *p - *q;
  return 0;
}

void *
memchr(const void *s, int c, size_t n)
{
  const unsigned char *p = s;

  for (; n > 0; n--, p++)
    if (*p == (unsigned char)c)
      return (void *)p;
  return NULL;
}

size_t
strlen(const char *s)
{
  const char *p = s;

  while (*p != '\0')
    p++;
  return (size_t)(p - s);
}

size_t
strnlen(const char *s, size_t max)
{
  size_t n = 0;

  while (n < max && s[n] != '\0')
    n++;
  return n;
}

char *
strcpy(char *restrict dst, const char *restrict src)
{
  char *d = dst;

  while ((*d++ = *src++) != '\0')
    ;
  return dst;
}

/* C's strncpy: copy at most n bytes and zero-fill the rest of the n. */
char *
strncpy(char *restrict dst, const char *restrict src, size_t n)
{
  size_t i = 0;

  for (; i < n && src[i] != '\0'; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = '\0';
  return dst;
}

char *
strcat(char *restrict dst, const char *restrict src)
{
  strcpy(dst + strlen(dst), src);
  return dst;
}

/* Append at most n bytes of src, then always a NUL. */
char *
strncat(char *restrict dst, const char *restrict src, size_t n)
{
  char *d = dst + strlen(dst);

  for (; n > 0 && *src != '\0'; n--)
    *d++ = *src++;
  *d = '\0';
  return dst;
}

int
strcmp(const char *a, const char *b)
{
  const unsigned char *p = (const unsigned char *)a;
  const unsigned char *q = (const unsigned char *)b;

  while (*p != '\0' && *p == *q)
    p++, q++;
  return *p - *q;
}

int
strncmp(const char *a, const char *b, size_t n)
{
  const unsigned char *p = (const unsigned char *)a;
  const unsigned char *q = (const unsigned char *)b;

  for (; n > 0; n--, p++, q++)
    if (*p != *q || *p == '\0')
      return *p - *q;
  return 0;
}

/* The terminating NUL is part of the string: strchr(s, 0) finds it. */
char *
strchr(const char *s, int c)
{
  for (;; s++) {
    if (*s == (char)c)
      return (char *)s;
    if (*s == '\0')
      return NULL;
  }
}

char *
strrchr(const char *s, int c)
{
  const char *last = NULL;

  for (;; s++) {
    if (*s == (char)c)
      last = s;
    if (*s == '\0')
      return (char *)last;
  }
}

/* Quadratic in the worst case; kernel strings are short. */
char *
strstr(const char *haystack, const char *needle)
{
  size_t n = strlen(needle);

  for (; *haystack != '\0'; haystack++)
    if (strncmp(haystack, needle, n) == 0)
      return (char *)haystack;
  return n == 0 ? (char *)haystack : NULL;
}

size_t
strspn(const char *s, const char *accept)
{
  size_t n = 0;

  while (s[n] != '\0' && strchr(accept, s[n]) != NULL)
    n++;
  return n;
}

size_t
strcspn(const char *s, const char *reject)
{
  size_t n = 0;

  while (s[n] != '\0' && strchr(reject, s[n]) == NULL)
    n++;
  return n;
}

char *
strpbrk(const char *s, const char *accept)
{
  s += strcspn(s, accept);
  return *s != '\0' ? (char *)s : NULL;
}

/*
 * Return the next token of s (or, if s is NULL, of the string left in
 * *save): skip delimiters, then cut the token at the next delimiter.
 */
char *
strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
  char *tok;

  if (s == NULL)
    s = *save;
  s += strspn(s, delim);
  if (*s == '\0') {
    *save = s;
    return NULL;
  }
  tok = s;
  s += strcspn(s, delim);
  if (*s != '\0')
    *s++ = '\0';
  *save = s;
  return tok;
}

size_t
strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
  size_t len = strlen(src);

  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

/*
 * If dst has no NUL within size bytes, nothing is appended and the result is
 * size + strlen(src), as in OpenBSD.
 */
size_t
strlcat(char *restrict dst, const char *restrict src, size_t size)
{
  size_t dlen = strnlen(dst, size);

  if (dlen == size)
    return size + strlen(src);
  return dlen + strlcpy(dst + dlen, src, size - dlen);
}
