/* The kernel heap: kmalloc/kfree (and malloc/free, the names the minimal
 * libc's environment asks for) on the LMM.
 *
 * The LMM wants the size back on free, so every block carries an 8-byte
 * header with its size; a magic word catches frees of pointers that did not
 * come from kmalloc (and double frees) before they can corrupt the LMM. */
#include <stdio.h>
#include <string.h>
#include "kernel.h"

#define HDR_MAGIC 0x6b6d616cu    /* "kmal" */
#define HDR_FREED 0x66726565u    /* "free" */

struct hdr { uint32_t size; uint32_t magic; };

static size_t heap_bytes, heap_blocks;

void *kmalloc(size_t n)
{
    if (n == 0 || n > 0x10000000u)
        return 0;
    size_t total = (n + sizeof(struct hdr) + 7) & ~(size_t)7;
    struct hdr *h = pmem_alloc(total, 0, 3);
    if (!h) return 0;
    h->size = total;
    h->magic = HDR_MAGIC;
    heap_bytes += total;
    heap_blocks++;
    return h + 1;
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);
    if (p) memset(p, 0, n);
    return p;
}

void kfree(void *p)
{
    if (!p) return;
    struct hdr *h = (struct hdr *)p - 1;
    if (h->magic != HDR_MAGIC)
        panic("kfree(%p): %s", p, h->magic == HDR_FREED ? "double free" : "not a kmalloc block");
    h->magic = HDR_FREED;
    heap_bytes -= h->size;
    heap_blocks--;
    pmem_free(h, h->size);
}

void kmalloc_stats(size_t *bytes, size_t *blocks)
{
    *bytes = heap_bytes;
    *blocks = heap_blocks;
}

/* The libc environment. */
void *malloc(size_t n) { return kmalloc(n); }
void free(void *p) { kfree(p); }
void *calloc(size_t n, size_t m)
{
    if (m && n > (size_t)-1 / m) return 0;
    return kzalloc(n * m);
}
void *realloc(void *p, size_t n)
{
    if (!p) return kmalloc(n);
    if (!n) { kfree(p); return 0; }
    size_t old = ((struct hdr *)p - 1)->size - sizeof(struct hdr);
    void *q = kmalloc(n);
    if (!q) return 0;
    memcpy(q, p, old < n ? old : n);
    kfree(p);
    return q;
}
