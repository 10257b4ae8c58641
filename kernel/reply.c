/* Reply contracts (docs/interfaces.md, docs/reliability.md): a service
 * that answers a call with a status its interface does not allow has
 * failed, as surely as one that faulted, and is treated the same way.
 *
 * The interface language states what each procedure's status may be: 0
 * on success unless the procedure declares `-> bytes` (a byte count,
 * at most IDC_BUF_MAX) or `-> u32` (any value >= 0); an error is a
 * negative KEA_E* code, -1 .. -(KEA_NERRORS - 1), for every procedure.
 * The generated server header puts it into the service descriptor, two
 * masks per interface for procedures 0..31 (later procedures may return
 * any value >= 0); the loader copies them onto each portal it makes for
 * the interface (reply_contract_set), and a replacement of the instance
 * copies the new instance's.  Portals made any other way (base services,
 * a program's own through portal.create, an interposer's twins) carry no
 * contract: nothing is checked on them.
 *
 * The kernel checks, not the client stubs: a client could claim a bad
 * reply and make a service that others share restart.  The checks:
 *   - a user-placed service returning (its return trap, idc_syscall in
 *     kernel/idc.c; the fast path kernel/i386/idc_fast.S passes a status
 *     of 0, or a reply on a portal without a contract, and leaves the rest
 *     to it): reply_check() restarts the service as a fault in it would
 *     (recover_fault), and the caller gets -KEA_ECALLEEFAULT;
 *   - a kernel-placed service returning (kservice_call, the one call into
 *     one): reply_kernel_fault() demotes it as a fault would
 *     (recover_demote).
 * Either way the out words and out-buffer of the reply are dropped, and
 * an idempotent procedure's stub calls again, reaching the new instance.
 * What is not checked: the out words and out-buffer bytes, and a wrong
 * value inside the contract (a byte count that is a lie). */
#include <stdio.h>
#include <kea/idc.h>
#include "i386/x86.h"
#include "i386/idc_regs.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

void reply_contract_set(struct portal *p, const struct svc_desc *d, uint32_t i)
{
    p->ret_status = d->iface[i].ret_status;
    p->ret_bytes = d->iface[i].ret_bytes;
    p->contract = 1;
}

int reply_ok(const struct portal *p, uint32_t proc, int status)
{
    if (!p->contract || status == 0) return 1;
    if (status < 0) return status > -KEA_NERRORS;
    if (proc >= 32) return 1;
    if (p->ret_status >> proc & 1) return 0;
    if (p->ret_bytes >> proc & 1) return status <= (int)IDC_BUF_MAX;
    return 1;
}

/* "bad reply 0x7ead0bad from ata.block proc 1": the reason `services`
 * shows (64 bytes with the service's failure record). */
static void describe(char *why, size_t cap, const struct portal *p, uint32_t proc, int status)
{
    snprintf(why, cap, "bad reply %#x from %s proc %u", (uint32_t)status, p->name, proc);
}

int reply_check(struct thread *t, struct trapframe *tf, int status, uint32_t *out_len)
{
    const struct activation *a = &t->act[t->depth];
    if (t->depth == 0 || !a->portal || reply_ok(a->portal, a->proc, status))
        return status;
    static const uint32_t none[3];
    idc_tf_set_words(tf, none);             /* nothing of the bad reply reaches the caller */
    *out_len = 0;
    char why[64];
    describe(why, sizeof why, a->portal, a->proc, status);
    printf("kea: bad reply in domain %s (thread %d): status %#x from %s proc %u is outside its "
           "contract: caller gets %s\n", a->dom->name, t->id, (uint32_t)status, a->portal->name,
           (unsigned)a->proc, kea_strerror(-KEA_ECALLEEFAULT));
    recover_fault(a->dom, why);             /* kernel/restart.c */
    return -KEA_ECALLEEFAULT;
}

/* The kernel-placed service p is a portal of (NULL if none is). */
static struct service *kernel_service_of(const struct portal *p)
{
    for (struct service *s = service_list(); s; s = s->next)
        for (uint32_t i = 0; s->where == PLACE_KERNEL && i < s->nifaces; i++)
            if (s->portal[i] == p) return s;
    return 0;
}

int reply_kernel_fault(struct thread *t, struct portal *p, struct idc_call *c, int status)
{
    char why[64];
    struct service *s = kernel_service_of(p);
    describe(why, sizeof why, p, c->proc, status);
    printf("kea: bad reply in kernel-placed service %s (thread %d): status %#x from %s proc %u is "
           "outside its contract: caller gets %s\n", s ? s->name : p->name, t->id, (uint32_t)status,
           p->name,
           (unsigned)c->proc, kea_strerror(-KEA_ECALLEEFAULT));
    if (s) recover_demote(s, why);          /* kernel/restart.c: restart it in a user domain */
    c->w[0] = c->w[1] = c->w[2] = 0;
    c->out_len = 0;
    return -KEA_ECALLEEFAULT;
}
