/* The user-domain runtime: the environment the minimal libc and service
 * objects expect (putchar, getchar, malloc, panic, ...), built on the base
 * services every domain is granted at creation (include/kea/tls.h).  The
 * kernel provides the same names to objects placed in the kernel, so a
 * service object does not know where it runs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include <kea/lmm.h>
#include <kea/memlayout.h>
#include <kea/tls.h>
#include <kea/base.h>
#include "console_client.h"

/* entry.S reads and writes struct idc_args at these offsets (A_W0 ...). */
_Static_assert(offsetof(struct idc_args, w) == 0, "entry.S A_W0");
_Static_assert(offsetof(struct idc_args, in) == 12, "entry.S A_IN");
_Static_assert(offsetof(struct idc_args, in_len) == 16, "entry.S A_INLEN");
_Static_assert(offsetof(struct idc_args, out_cap) == 24, "entry.S A_OUTCAP");
_Static_assert(offsetof(struct idc_args, out_len) == 28, "entry.S A_OUTLEN");
/* ... and builds struct idc_call as 10 words on the activation stack. */
_Static_assert(offsetof(struct idc_call, w) == 4 && offsetof(struct idc_call, in) == 16 &&
               offsetof(struct idc_call, out_len) == 32 && offsetof(struct idc_call, caller) == 36 &&
               sizeof(struct idc_call) == 40, "entry.S __kea_upcall's struct idc_call");
#include "thread_client.h"
#include "memory_client.h"
#include "portal_client.h"
#include "domain_client.h"
#include "irq_client.h"
#include "sys_client.h"


/* ---- console: output is kept until a newline (or 256 bytes), so a line
 * costs one IDC instead of one per character. ---- */
static char outbuf[256];
static size_t outlen;
static volatile int outlock;

static void lock(volatile int *l)
{
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        thread_yield(&kea_base_thread);
}

static void unlock(volatile int *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

static void flush_locked(void)
{
    if (outlen)
        console_write(&kea_base_console, outbuf, outlen);
    outlen = 0;
}

void kea_flush(void)
{
    lock(&outlock);
    flush_locked();
    unlock(&outlock);
}

int putchar(int c)
{
    lock(&outlock);
    outbuf[outlen++] = (char)c;
    if (c == '\n' || outlen == sizeof outbuf)
        flush_locked();
    unlock(&outlock);
    return (unsigned char)c;
}

int getchar(void)
{
    static char inbuf[256];
    static size_t inpos, inlen;
    kea_flush();
    while (inpos == inlen) {
        size_t n = 0;
        if (console_read(&kea_base_console, inbuf, sizeof inbuf, &n) < 0)
            return EOF;
        inpos = 0;
        inlen = n;
    }
    return (unsigned char)inbuf[inpos++];
}

/* ---- threads ---- */
void exit(int status)
{
    kea_flush();
    thread_exit(&kea_base_thread, status);
    for (;;) ;
}

void abort(void)
{
    printf("abort() called\n");
    exit(-1);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("panic: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    exit(-1);
}

void __stack_chk_fail(void) { panic("stack smashing detected"); }
__attribute__((visibility("hidden"))) void __stack_chk_fail_local(void) { __stack_chk_fail(); }

/* ---- the heap: an LMM over [USER_HEAP_BASE, USER_HEAP_TOP), grown by the
 * memory service.  Each block carries its size (the LMM wants it back). */
static struct lmm heap;
static struct lmm_region heap_region;
static volatile int heaplock;
#define HEAP_CHUNK 0x10000u

struct hdr { uint32_t size, magic; };
#define HDR_MAGIC 0x75686561u

static int heap_grow(size_t need)
{
    if (!heap.regions)
        lmm_add_region(&heap, &heap_region, USER_HEAP_BASE, USER_HEAP_TOP - USER_HEAP_BASE, 0, 0);
    uint32_t bytes = need < HEAP_CHUNK ? HEAP_CHUNK : (uint32_t)PGROUNDUP(need + PGSIZE);
    uint32_t addr;
    if (memory_grow(&kea_base_memory, bytes, &addr) < 0)
        return -1;
    lmm_add_free(&heap, (void *)addr, bytes);
    return 0;
}

void *malloc(size_t n)
{
    if (n == 0 || n > USER_HEAP_TOP - USER_HEAP_BASE) return NULL;
    size_t total = (n + sizeof(struct hdr) + 7) & ~(size_t)7;
    lock(&heaplock);
    struct hdr *h = lmm_alloc(&heap, total, 0);
    if (!h && heap_grow(total) == 0)
        h = lmm_alloc(&heap, total, 0);
    unlock(&heaplock);
    if (!h) return NULL;
    h->size = total;
    h->magic = HDR_MAGIC;
    return h + 1;
}

void free(void *p)
{
    if (!p) return;
    struct hdr *h = (struct hdr *)p - 1;
    if (h->magic != HDR_MAGIC)
        panic("free(%p): not a malloc block", p);
    h->magic = 0;
    lock(&heaplock);
    lmm_free(&heap, h, h->size);
    unlock(&heaplock);
}

void *calloc(size_t n, size_t m)
{
    if (m && n > (size_t)-1 / m) return NULL;
    void *p = malloc(n * m);
    if (p) memset(p, 0, n * m);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p) return malloc(n);
    if (!n) { free(p); return NULL; }
    size_t old = ((struct hdr *)p - 1)->size - sizeof(struct hdr);
    void *q = malloc(n);
    if (!q) return NULL;
    memcpy(q, p, old < n ? old : n);
    free(p);
    return q;
}

/* ---- services by name ---- */
int kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b)
{
    char name[64];
    if (snprintf(name, sizeof name, "%s.%s", service, iface) >= (int)sizeof name)
        return -KEA_EINVAL;
    uint32_t local, id, sys;
    int r = portal_bind(&kea_base_portal, name, &local, &id, &sys);
    if (r < 0) return r;
    if (id != iface_id) return -KEA_EIFACE;
    b->portal = local;
    b->iface_id = id;
    return 0;
}

uint32_t kea_domain_id(void)
{
    uint32_t id;
    __asm__("movl %%gs:%c1, %0" : "=r"(id) : "i"(TLS_DOMAIN));
    return id;
}
