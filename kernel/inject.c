/* Fault injection (docs/reliability.md): `inject SERVICE KIND` arms one
 * realistic fault at the service's next call, so that what restart claims
 * is tested rather than assumed, on any service, unmodified.
 *
 * Arming retargets each of the service's system portals (portal_retarget,
 * as a migration does) to the injector's handler (kernel/i386/inject.S),
 * whose argument is a record holding the portal's real handler and
 * argument.  The first call through any of them finds the record armed,
 * disarms it and faults in the service's placement: the handler runs
 * where the service runs, on its stack, with its rights, so the fault is
 * what the service itself would cause.  Later calls pass through to the
 * service.  A restart or a migration retargets the portals to the new
 * instance, which drops the injector with the old one.
 *
 * In a user placement the handler's bytes and the records are copied into
 * one page mapped at INJECT_VA in the service's domain (the page below its
 * TLS page, which nothing else maps); in the kernel they are the kernel's
 * own.  Kinds: null (a load through NULL), wild (garbage written over the
 * service's own data, then the call goes on and trips on it), div, ud
 * (invalid opcode), loop (endless; the call deadline ends it, in either
 * placement), stack (unbounded recursion), garbage (a status no procedure
 * returns). */
#include <stdio.h>
#include <string.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

#define INJECT_VA (USER_TLS_BASE - PGSIZE)
#define REC_OFF   2048                      /* the records follow the code in the page */

struct inject_rec { uint32_t handler, arg, kind, armed; };

extern const char inject_code_start[], inject_code_end[];

static const char *const kinds[] = { 0, "null", "wild", "div", "ud", "loop", "stack", "garbage" };
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* Kernel placement: records in a small pool; one is free again once no
 * portal leads through it (a restart or migration retargeted it). */
#define NKREC 32
static struct inject_rec krec[NKREC];

/* Is record r in front of some portal still?  (Asked of the live portals,
 * never of a portal pointer kept: that portal may be gone.) */
static int krec_used(const struct inject_rec *r)
{
    for (int i = 0; i < portal_capacity(); i++) {
        struct portal *q = portal_by_id(i);
        if (q && q->dom && (uint32_t)q->handler == (uint32_t)inject_code_start && q->arg == r)
            return 1;
    }
    return 0;
}

static struct inject_rec *krec_for(struct portal *p)
{
    if ((uint32_t)p->handler == (uint32_t)inject_code_start) return p->arg;   /* armed before */
    for (int i = 0; i < NKREC; i++)
        if (!krec_used(&krec[i])) return &krec[i];
    return 0;
}

static int kind_of(const char *name)
{
    for (uint32_t k = 1; k < NKINDS; k++)
        if (strcmp(kinds[k], name) == 0) return (int)k;
    return -1;
}

/* The real handler and argument behind p: its own if the injector is
 * not in front of it. */
static int injected(const struct portal *p, uint32_t code)
{
    return (uint32_t)p->handler == code;
}

/* What this kernel can contain: any fault in a user placement; in the
 * kernel, the faults that trap in the service's call and an endless loop
 * (the deadline ends it: kernel/recover.c), not a stack overflow. */
static int inject_allowed(const struct service *s, int kind, char *err, size_t errlen)
{
    if (s->where == PLACE_KERNEL && kind == 6) {
        snprintf(err, errlen, "%s is in the kernel: stack cannot be contained there (the kernel "
                 "stack has no guard page)", s->name);
        return -KEA_EPERM;
    }
    if (kind == 5 && !restart_deadline_ms(s)) {
        snprintf(err, errlen, "an endless loop in %s would never end: its policy has no deadline",
                 s->name);
        return -KEA_EPERM;
    }
    return 0;
}

int inject_fault(const char *name, const char *kind_name, char *err, size_t errlen)
{
    struct service *s = service_by_name(name);
    int kind = kind_of(kind_name);
    if (!s) {
        snprintf(err, errlen, "no service named '%s'", name);
        return -KEA_ENOENT;
    }
    if (kind < 0) {
        snprintf(err, errlen, "'%s' is not a kind of fault (null, wild, div, ud, loop, stack, "
                 "garbage)", kind_name);
        return -KEA_EINVAL;
    }
    if (s->migrating || s->rs_state != RS_RUNNING) {
        snprintf(err, errlen, "%s is being replaced or has failed: nothing to inject into", name);
        return -KEA_EBUSY;
    }
    int r = inject_allowed(s, kind, err, errlen);
    if (r < 0) return r;
    uint32_t code_len = (uint32_t)(inject_code_end - inject_code_start);
    if (code_len > REC_OFF || REC_OFF + KEA_SERVICE_MAX_IFACES * sizeof(struct inject_rec) > PGSIZE)
        panic("inject: the injector's code (%u bytes) does not fit its page", code_len);
    uint32_t f = irq_save();
    if (s->where == PLACE_USER) {
        /* The page: code, then one record per interface. */
        uint8_t *pg = domain_kva(s->dom, INJECT_VA);
        if (!pg) {
            uint8_t *k = pages_alloc(1);
            if (!k) {
                irq_restore(f);
                snprintf(err, errlen, "no memory for the injector's page");
                return -KEA_ENOMEM;
            }
            memset(k, 0, PGSIZE);
            memcpy(k, inject_code_start, code_len);
            r = domain_insert(s->dom, INJECT_VA, k, 1);     /* the domain's reference */
            if (r < 0) {
                page_free(k);
                irq_restore(f);
                snprintf(err, errlen, "cannot map the injector into %s: %s", name, kea_strerror(r));
                return r;
            }
            pg = k;
        }
        struct inject_rec *rec = (struct inject_rec *)(pg + REC_OFF);
        for (uint32_t i = 0; i < s->nifaces; i++) {
            struct portal *p = s->portal[i];
            if (!p) continue;
            if (!injected(p, INJECT_VA)) {
                rec[i].handler = (uint32_t)p->handler;
                rec[i].arg = (uint32_t)p->arg;
                portal_retarget(p, p->dom, (idc_handler_t)INJECT_VA,
                                (void *)(INJECT_VA + (uint32_t)((uint8_t *)&rec[i] - pg)), p->owner);
            }
            rec[i].kind = (uint32_t)kind;
            rec[i].armed = 1;
        }
    } else {
        for (uint32_t i = 0; i < s->nifaces; i++) {
            struct portal *p = s->portal[i];
            if (!p) continue;
            struct inject_rec *rec = krec_for(p);
            if (!rec) {
                irq_restore(f);
                snprintf(err, errlen, "the injector's %d records are in use", NKREC);
                return -KEA_ENOMEM;
            }
            if (!injected(p, (uint32_t)inject_code_start)) {
                rec->handler = (uint32_t)p->handler;
                rec->arg = (uint32_t)p->arg;
                portal_retarget(p, p->dom, (idc_handler_t)inject_code_start, rec, p->owner);
            }
            rec->kind = (uint32_t)kind;
            rec->armed = 1;
        }
    }
    irq_restore(f);
    return 0;
}
