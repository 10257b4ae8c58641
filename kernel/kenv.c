/* The environment of objects placed in the kernel, where it differs from the
 * kernel's own functions: the names the user runtime also provides.
 *
 * Interrupts.  A kernel-placed service's own code runs with interrupts on
 * (kernel_call_guarded, kernel/recover.c), so that the timer sees it if it
 * loops; the kernel's code runs with them off, as it always has (it is not
 * preempted, and interrupt handlers touch the scheduler, the console and
 * the heap).  So every export that touches kernel state is entered through
 * a gate below, which turns interrupts off for the kernel's part and back
 * on after if they were: an interrupt never lands in a half-updated
 * kernel structure, and whatever kernel code runs with interrupts on
 * inside a service's call is pure (string functions, formatting into a
 * buffer, the service's own LMM), which is what lets recover.c unwind a
 * call at any instruction that runs with interrupts on.  portal_invoke
 * does the same itself (kernel/idc.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/binding.h>
#include <kea/idc.h>
#include <kea/tls.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"

void __stack_chk_fail(void)
{
    cli();                                              /* a service calls it with them on */
    recover_kernel_abort("stack protector failure");   /* a kernel-placed service's: unwound */
    panic("stack smashing detected in the kernel");
}
void __stack_chk_fail_local(void) { __stack_chk_fail(); }

/* ---- gates: the exports that touch kernel state ---- */

/* Output reads the service's arguments before it turns interrupts off:
 * formatting into a buffer, or measuring a string, is pure, so a bad
 * pointer among them faults where the call can still be unwound
 * (recover.c), not inside the console with interrupts off. */
int kenv_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, aq);
    va_end(aq);
    uint32_t f = irq_save();
    if (n >= 0 && (size_t)n < sizeof buf) kconsole_write(buf, (size_t)n);
    else n = vprintf(fmt, ap);          /* longer than the buffer: formatted twice */
    irq_restore(f);
    return n;
}

int kenv_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kenv_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

#define GATE(ret, name, params, args)                                   \
    ret kenv_##name params                                              \
    {                                                                   \
        uint32_t f = irq_save();                                        \
        ret r = name args;                                              \
        irq_restore(f);                                                 \
        return r;                                                       \
    }
GATE(int, putchar, (int c), (c))
GATE(int, getchar, (void), ())
GATE(void *, malloc, (size_t n), (n))
GATE(void *, calloc, (size_t n, size_t m), (n, m))
GATE(void *, realloc, (void *p, size_t n), (p, n))
#undef GATE

/* The copies read the service's string with interrupts on; only the
 * allocation is the kernel's part. */
char *kenv_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = kenv_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = 0;
    }
    return d;
}

char *kenv_strdup(const char *s)
{
    return kenv_strndup(s, strlen(s));
}

int kenv_puts(const char *s)
{
    size_t n = strlen(s);
    uint32_t f = irq_save();
    kconsole_write(s, n);
    putchar('\n');
    irq_restore(f);
    return (int)n + 1;
}

void kenv_free(void *p)
{
    uint32_t f = irq_save();
    free(p);
    irq_restore(f);
}

/* A kernel-placed service that panics, aborts or fails an assertion has
 * failed as a fault would fail it: its call is unwound and the service
 * demoted (recover.c), as the runtime's versions end a user domain.  The
 * kernel halts only if no service call is on top (a service's init). */
__attribute__((noreturn)) void kenv_panic(const char *fmt, ...)
{
    char msg[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli();
    char why[112];
    snprintf(why, sizeof why, "panic: %s", msg);
    recover_kernel_abort(why);
    panic("%s", msg);
}

__attribute__((noreturn)) void kenv_abort(void)
{
    kenv_panic("abort() called");
}

void kenv_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    kenv_panic("%s:%d: %s: assertion failed: %s", file, line, func, expr);
}

/* Kernel output is not buffered. */
void kea_flush(void) { }

uint32_t kea_domain_id(void) { return 0; }

/* The kernel domain's table entry for the portal `name` of interface
 * iface_id (granted if it has none yet), or an error. */
static int bind_name(const char *name, uint32_t iface_id);

static int bound(int local, uint32_t iface_id, kea_binding_t *b)
{
    if (local < 0) return local;
    b->portal = (uint32_t)local;
    b->iface_id = iface_id;
    return 0;
}

int kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b)
{
    char name[64];
    if (snprintf(name, sizeof name, "%s.%s", service, iface) >= (int)sizeof name)
        return -KEA_EINVAL;
    return bound(bind_name(name, iface_id), iface_id, b);
}

/* A service's kea_bind: its strings are read and its binding written with
 * interrupts on, the lookup and the grant done with them off. */
int kenv_kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b)
{
    char name[64];
    if (snprintf(name, sizeof name, "%s.%s", service, iface) >= (int)sizeof name)
        return -KEA_EINVAL;
    uint32_t f = irq_save();
    int local = bind_name(name, iface_id);
    irq_restore(f);
    return bound(local, iface_id, b);
}

static int bind_name(const char *name, uint32_t iface_id)
{
    struct portal *p = portal_by_name(name);
    if (!p) return -KEA_ENOENT;
    if (p->iface_id != iface_id) return -KEA_EIFACE;
    /* Every kernel-placed object shares the kernel domain's table: binding
     * again to a portal it holds reuses the entry, so services that bind in
     * each call or each load do not fill the table. */
    int local = -1;
    for (int i = 0; i < IDC_MAX_PORTALS && local < 0; i++)
        if (kernel_domain->ptab[i].cur == p || kernel_domain->ptab[i].orig == p)
            local = i;
    if (local < 0) local = kportal_grant(kernel_domain, p);
    return local;
}
