/*
 * qsort.c — qsort (introsort) and bsearch.  Environment: none.
 *
 * Quicksort alone is O(n^2) on adversarial input and, recursing naively,
 * can overflow a small kernel stack.  So: recurse only into the smaller
 * partition (stack depth O(log n)), and switch to heapsort when the
 * partitions keep coming out lopsided (depth > 2 log2 n).
 */
#include <stddef.h>
#include <stdlib.h>

typedef int (*cmp_fn)(const void *, const void *);

/* Runs this short are finished with insertion sort. */
#define SHORT_RUN 8

static void
swap(char *a, char *b, size_t size)
{
  while (size-- > 0) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static void
insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
  for (size_t i = 1; i < n; i++)
    for (char *p = base + i * size; p > base && cmp(p - size, p) > 0; p -= size)
      swap(p - size, p, size);
}

/* Restore the max-heap property below root in a heap of n elements. */
static void
sift_down(char *base, size_t root, size_t n, size_t size, cmp_fn cmp)
{
  size_t child;

  while ((child = 2 * root + 1) < n) {
    char *r = base + root * size;
    char *c = base + child * size;

    if (child + 1 < n && cmp(c, c + size) < 0) {
      child++;
      c += size;
    }
    if (cmp(r, c) >= 0)
      return;
    swap(r, c, size);
    root = child;
  }
}

static void
heap_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
  for (size_t i = n / 2; i-- > 0; )
    sift_down(base, i, n, size, cmp);
  for (size_t end = n - 1; end > 0; end--) {
    swap(base, base + end * size, size);
    sift_down(base, 0, end, size, cmp);
  }
}

/*
 * Partition n > 2 elements around the median of the first, middle and last;
 * return the pivot's final index.  Both scans stop on elements equal to the
 * pivot, which keeps runs of duplicates splitting evenly.  The ordered
 * first/last elements act as sentinels, so the scans need no bounds checks.
 */
static size_t
partition(char *base, size_t n, size_t size, cmp_fn cmp)
{
  char *mid = base + (n / 2) * size;
  char *last = base + (n - 1) * size;
  size_t i = 0, j = n;

  if (cmp(mid, base) < 0)
    swap(mid, base, size);
  if (cmp(last, mid) < 0) {
    swap(last, mid, size);
    if (cmp(mid, base) < 0)
      swap(mid, base, size);
  }
  swap(base, mid, size);    /* pivot to the front; last stays >= pivot */

  for (;;) {
    do
      i++;
    while (cmp(base + i * size, base) < 0);
    do
      j--;
    while (cmp(base + j * size, base) > 0);
    if (i >= j)
      break;
    swap(base + i * size, base + j * size, size);
  }
  swap(base, base + j * size, size);
  return j;
}

static void
introsort(char *base, size_t n, size_t size, cmp_fn cmp, int depth)
{
  while (n > SHORT_RUN) {
    size_t p, left, right;

    if (depth-- == 0) {
      heap_sort(base, n, size, cmp);
      return;
    }
    p = partition(base, n, size, cmp);
    left = p;
    right = n - p - 1;
    if (left < right) {
      introsort(base, left, size, cmp, depth);
      base += (p + 1) * size;
      n = right;
    } else {
      introsort(base + (p + 1) * size, right, size, cmp, depth);
      n = left;
    }
  }
  insertion_sort(base, n, size, cmp);
}

void
qsort(void *base, size_t n, size_t size, cmp_fn cmp)
{
  int depth = 0;

  if (n < 2 || size == 0)
    return;
  for (size_t m = n; m > 1; m >>= 1)
    depth += 2;
  introsort(base, n, size, cmp, depth);
}

void *
bsearch(const void *key, const void *base, size_t n, size_t size, cmp_fn cmp)
{
  const char *lo = base;

  while (n > 0) {
    const char *mid = lo + (n / 2) * size;
    int c = cmp(key, mid);

    if (c == 0)
      return (void *)mid;
    if (c > 0) {
      lo = mid + size;
      n -= n / 2 + 1;
    } else {
      n /= 2;
    }
  }
  return NULL;
}
