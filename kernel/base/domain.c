/* kernel.domain: the domain base service (kernel/base/domain.idl):
 * spawn, create, destroy and look up domains, set memory quotas. */
#include <stdio.h>
#include <string.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "../udomain.h"
#include "domain_server.h"

static int dom_self(void *self, uint32_t *id) { (void)self; *id = (uint32_t)caller_domain()->id; return 0; }

static int dom_spawn(void *self, const char *cmdline, uint32_t rights, uint32_t *id, uint32_t *tid)
{
    (void)self;
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    char module[64];
    size_t n = strcspn(cmdline, " ");
    if (n == 0 || n >= sizeof module) return -KEA_EINVAL;
    memcpy(module, cmdline, n);
    module[n] = 0;
    const char *args = cmdline + n;
    while (*args == ' ') args++;
    char err[160];
    int t = 0;
    struct domain *d = udomain_spawn(module, rights & caller_domain()->rights, args, &t, err, sizeof err);
    if (!d) {
        printf("spawn: %s\n", err);
        if (!bmodfs_find(module)) return -KEA_ENOENT;
        /* The loader's messages name memory exhaustion: report it as such,
         * not as a bad object (issue 9). */
        return strstr(err, "out of memory") || strstr(err, "or memory") ? -KEA_ENOMEM : -KEA_EBADOBJ;
    }
    d->creator = caller_domain()->id;
    *id = (uint32_t)d->id;
    *tid = (uint32_t)t;
    return 0;
}

static int dom_create(void *self, const char *name, uint32_t rights, uint32_t *id)
{
    (void)self;
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    if (!name[0] || strlen(name) >= DOMAIN_NAME) return -KEA_EINVAL;
    if (domain_by_name(name)) return -KEA_EEXIST;
    char err[160];
    struct domain *d = udomain_create(name, rights & caller_domain()->rights, err, sizeof err);
    if (!d) {
        printf("domain create: %s\n", err);
        return -KEA_ENOMEM;
    }
    d->creator = caller_domain()->id;
    *id = (uint32_t)d->id;
    return 0;
}

static int dom_destroy(void *self, uint32_t id)
{
    (void)self;
    if (!has_right(RIGHT_DOMAINS)) return -KEA_EPERM;
    struct domain *d = domain_by_id((int)id);
    if (!d) return -KEA_ENOENT;
    return kdomain_destroy(d);
}

static int dom_lookup(void *self, const char *name, uint32_t *id)
{
    (void)self;
    struct domain *d = domain_by_name(name);
    if (!d) return -KEA_ENOENT;
    *id = (uint32_t)d->id;
    return 0;
}

static int dom_quota(void *self, uint32_t id, uint32_t pages)
{
    (void)self;
    struct domain *d = domain_by_id((int)id);
    if (!d) return -KEA_ENOENT;
    return domain_set_quota(caller_domain(), d, pages);
}

static const struct domain_ops domain_ops = {
    .self = dom_self, .spawn = dom_spawn, .create = dom_create, .destroy = dom_destroy,
    .lookup = dom_lookup, .quota = dom_quota,
};

static struct domain_server domain_srv = { &domain_ops, 0 };

struct portal *base_domain_portal(void)
{
    return kportal_create(kernel_domain, "kernel.domain", domain_dispatch, &domain_srv,
                          DOMAIN_IFACE_ID, 64, 0);
}
