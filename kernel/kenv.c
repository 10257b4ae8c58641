/* The environment of objects placed in the kernel, where it differs from the
 * kernel's own functions: the names the user runtime also provides. */
#include <stdio.h>
#include <kea/binding.h>
#include <kea/idc.h>
#include <kea/tls.h>
#include "kernel.h"
#include "proc.h"

void __stack_chk_fail(void)
{
    recover_kernel_abort("stack protector failure");   /* a kernel-placed service's: unwound */
    panic("stack smashing detected in the kernel");
}
void __stack_chk_fail_local(void) { __stack_chk_fail(); }

/* Kernel output is not buffered. */
void kea_flush(void) { }

uint32_t kea_domain_id(void) { return 0; }

int kea_bind(const char *service, const char *iface, uint32_t iface_id, kea_binding_t *b)
{
    char name[64];
    if (snprintf(name, sizeof name, "%s.%s", service, iface) >= (int)sizeof name)
        return -KEA_EINVAL;
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
    if (local < 0) return local;
    b->portal = (uint32_t)local;
    b->iface_id = iface_id;
    return 0;
}
