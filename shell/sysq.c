/* The sys service's lists, fetched whole, and the name lookups commands
 * share.  Lists come in pages of fixed-size records (kernel/base/sys.idl);
 * a command takes one snapshot (struct sysq) and works from it, so what it
 * prints is consistent even if the system changes meanwhile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include "sys_client.h"
#include "shell.h"

enum list { L_DOMAINS, L_THREADS, L_TABLE, L_SYSPORTALS, L_ROOTED, L_MODULES, L_SERVICES };

static int fetch_page(enum list which, uint32_t arg, uint32_t start, void *buf, size_t cap,
                      size_t *len, uint32_t *next)
{
    const kea_binding_t *b = &kea_base_sys;
    switch (which) {
    case L_DOMAINS: return sys_domains(b, start, buf, cap, len, next);
    case L_THREADS: return sys_threads(b, start, buf, cap, len, next);
    case L_TABLE: return sys_portals(b, arg, start, buf, cap, len, next);
    case L_SYSPORTALS: return sys_sysportals(b, start, buf, cap, len, next);
    case L_ROOTED: return sys_rooted(b, start, buf, cap, len, next);
    case L_MODULES: return sys_modules(b, start, buf, cap, len, next);
    case L_SERVICES: return sys_services(b, start, buf, cap, len, next);
    }
    return -KEA_EINVAL;
}

/* Every record of a list, in one malloc'd array (*n records). */
static int fetch(enum list which, uint32_t arg, size_t recsize, void **out, uint32_t *n)
{
    static uint8_t page[IDC_BUF_MAX];
    uint8_t *all = 0;
    size_t have = 0;
    uint32_t start = 0, next;
    do {
        size_t len = 0;
        int r = fetch_page(which, arg, start, page, sizeof page, &len, &next);
        if (r < 0) {
            free(all);
            return r;
        }
        len -= len % recsize;
        if (len) {
            uint8_t *more = realloc(all, have + len);
            if (!more) {
                free(all);
                return -KEA_ENOMEM;
            }
            all = more;
            memcpy(all + have, page, len);
            have += len;
        }
        if (next && next <= start) break;      /* a list must move on */
        start = next;
    } while (next);
    *out = all;
    *n = (uint32_t)(have / recsize);
    return 0;
}

int sysq_threads(struct sys_thread **out, uint32_t *n)
{
    return fetch(L_THREADS, 0, sizeof **out, (void **)out, n);
}

int sysq_table(uint32_t dom, struct sys_portal **out, uint32_t *n)
{
    return fetch(L_TABLE, dom, sizeof **out, (void **)out, n);
}

int sysq_modules(struct sys_module **out, uint32_t *n)
{
    return fetch(L_MODULES, 0, sizeof **out, (void **)out, n);
}

int sysq_services(struct sys_service **out, uint32_t *n)
{
    return fetch(L_SERVICES, 0, sizeof **out, (void **)out, n);
}

int sysq_load(struct sysq *q)
{
    memset(q, 0, sizeof *q);
    int r = fetch(L_DOMAINS, 0, sizeof *q->doms, (void **)&q->doms, &q->ndoms);
    if (r == 0) r = fetch(L_SYSPORTALS, 0, sizeof *q->ports, (void **)&q->ports, &q->nports);
    if (r == 0) r = fetch(L_ROOTED, 0, sizeof *q->rooted, (void **)&q->rooted, &q->nrooted);
    if (r < 0) sysq_free(q);
    return r;
}

void sysq_free(struct sysq *q)
{
    free(q->doms);
    free(q->ports);
    free(q->rooted);
    memset(q, 0, sizeof *q);
}

const struct sys_domain *sysq_domain(const struct sysq *q, uint32_t id)
{
    for (uint32_t i = 0; i < q->ndoms; i++)
        if (q->doms[i].id == id) return &q->doms[i];
    return 0;
}

const struct sys_sysportal *sysq_portal(const struct sysq *q, uint32_t id)
{
    for (uint32_t i = 0; i < q->nports; i++)
        if (q->ports[i].id == id) return &q->ports[i];
    return 0;
}

/* A live portal of that name; a revoked one keeps its name while it is
 * referenced, and is found only if no live one has it. */
const struct sys_sysportal *sysq_portal_named(const struct sysq *q, const char *name)
{
    const struct sys_sysportal *dead = 0;
    for (uint32_t i = 0; i < q->nports; i++)
        if (strcmp(q->ports[i].name, name) == 0) {
            if (q->ports[i].dom != SYS_NONE) return &q->ports[i];
            dead = &q->ports[i];
        }
    return dead;
}

const char *sysq_domain_name(const struct sysq *q, uint32_t id)
{
    const struct sys_domain *d = sysq_domain(q, id);
    return d ? d->name : "?";
}

const char *sysq_portal_name(const struct sysq *q, uint32_t id)
{
    const struct sys_sysportal *p = sysq_portal(q, id);
    return p ? p->name : "?";
}

const char *iface_of(const char *portal_name)
{
    const char *dot = strrchr(portal_name, '.');
    return dot ? dot + 1 : portal_name;
}

int is_service(const struct sysq *q, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t i = 0; i < q->nports; i++)
        if (q->ports[i].dom != SYS_NONE && strncmp(q->ports[i].name, name, n) == 0 &&
            q->ports[i].name[n] == '.')
            return 1;
    struct sys_service *s;
    uint32_t ns;
    int found = 0;
    if (sysq_services(&s, &ns) == 0) {
        for (uint32_t i = 0; i < ns; i++)
            found |= strcmp(s[i].name, name) == 0;
        free(s);
    }
    return found;
}

/* An id given as a number (numbers.c), rather than a name. */
static int number(const char *s, uint32_t *v)
{
    return looks_numeric(s) && parse_word(s, v) == 0;
}

int need_domain(const char *cmd, const struct sysq *q, const char *name, uint32_t *id)
{
    uint32_t v;
    for (uint32_t i = 0; i < q->ndoms; i++)
        if (strcmp(q->doms[i].name, name) == 0 || (number(name, &v) && q->doms[i].id == v)) {
            *id = q->doms[i].id;
            return 0;
        }
    printf("%s: no domain named '%s' (see 'domains')\n", cmd, name);
    return -1;
}

int need_portal(const char *cmd, const struct sysq *q, const char *name,
                const struct sys_sysportal **out)
{
    uint32_t v;
    const struct sys_sysportal *p = number(name, &v) ? sysq_portal(q, v) : sysq_portal_named(q, name);
    if (!p) {
        if (!strchr(name, '.') && is_service(q, name))
            printf("%s: '%s' is a service; name one of its portals, SERVICE.INTERFACE (see 'portals')\n",
                   cmd, name);
        else
            printf("%s: no portal named '%s' (see 'portals')\n", cmd, name);
        return -1;
    }
    *out = p;
    return 0;
}

/* The replacement for portal `from`: SERVICE's portal of the same
 * interface ("SERVICE.<interface of from>"), or a portal named in full. */
int need_target(const char *cmd, const struct sysq *q, const struct sys_sysportal *from,
                const char *service, const struct sys_sysportal **out)
{
    if (strchr(service, '.'))
        return need_portal(cmd, q, service, out);
    char name[64];
    snprintf(name, sizeof name, "%s.%s", service, iface_of(from->name));
    const struct sys_sysportal *p = sysq_portal_named(q, name);
    if (!p) {
        if (is_service(q, service))
            printf("%s: service '%s' has no '%s' interface (no portal %s)\n", cmd, service,
                   iface_of(from->name), name);
        else
            printf("%s: no service named '%s' (see 'services' and 'portals')\n", cmd, service);
        return -1;
    }
    *out = p;
    return 0;
}

int need_module(const char *cmd, const char *name)
{
    struct sys_module *m;
    uint32_t n;
    int found = 0;
    if (sysq_modules(&m, &n) == 0) {
        for (uint32_t i = 0; i < n; i++)
            found |= strcmp(m[i].name, name) == 0;
        free(m);
    }
    if (!found) printf("%s: no boot module named '%s' (see 'mods')\n", cmd, name);
    return found ? 0 : -1;
}

const char *err_str(int r)
{
    switch (-r) {
    case KEA_EPERM: return "not allowed (the shell lacks the right)";
    case KEA_EIFACE: return "the interfaces differ";
    case KEA_EBADPROC: return "not supported by this kernel (no such procedure)";
    default: return kea_strerror(r);
    }
}
