/* trace: the tracing interposer (services/trace) from the shell.
 *
 *   trace on SERVICE    the tracer makes twins of SERVICE's portals; the
 *                       shell remaps each original to its twin system-wide
 *   trace off SERVICE   the shell undoes those remaps; the tracer drops
 *                       the twins
 *   trace               the log
 *   trace clear         empty the log
 *
 * The shell makes the remaps because it holds the right to; the tracer
 * holds none, so it can be loaded in either placement.  It is the service
 * named "trace", loaded from trace.o by `trace on` if there is none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include "portal_client.h"
#include "sys_client.h"
#include "trace_client.h"
#include "trace.h"
#include "shell.h"

#define TRACER "trace"
#define TRACER_MODULE "trace.o"

static int tracer(kea_binding_t *b, int load)
{
    int r = TRACE_BIND(TRACER, b);
    if (r == -KEA_ENOENT && load) {
        uint32_t dom;
        r = sys_load(&kea_base_sys, TRACER_MODULE " user", &dom);
        if (r < 0) {
            printf("trace: cannot load the tracer from %s: %s\n", TRACER_MODULE, err_str(r));
            return -1;
        }
        printf("trace: loaded the tracer from %s in a user domain (domain %u)\n", TRACER_MODULE, dom);
        r = TRACE_BIND(TRACER, b);
    }
    if (r == -KEA_ENOENT)
        printf("trace: no tracer is loaded ('trace on SERVICE' loads one)\n");
    else if (r < 0)
        printf("trace: binding the tracer: %s\n", err_str(r));
    return r < 0 ? -1 : 0;
}

/* Is `p` (a portal of `service`) remapped to its twin? */
static int to_twin(const struct sysq *q, const struct sys_sysportal *p)
{
    const struct sys_sysportal *g = p->global != SYS_NONE ? sysq_portal(q, p->global) : 0;
    char twin[64];
    snprintf(twin, sizeof twin, "%s%s", TRACE_TWIN_PREFIX, p->name);
    return g && strcmp(g->name, twin) == 0;
}

static int of_service(const char *portal, const char *service)
{
    size_t n = strlen(service);
    return strncmp(portal, service, n) == 0 && portal[n] == '.';
}

static int trace_on_service(const char *service)
{
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("trace: %s\n", err_str(r));
        return -1;
    }
    r = -1;
    if (strcmp(service, TRACER) == 0) {
        printf("trace: the tracer does not trace itself\n");
        goto out;
    }
    if (strcmp(service, "kernel") == 0) {   /* refused before anything is changed */
        printf("trace: refused: kernel.* are the base services, which every domain calls, the tracer\n"
               "  too; remapped to the tracer, the calls (the shell's remaps among them) would reach\n"
               "  the kernel from the tracer's domain, with its rights (none), and loop through it\n");
        goto out;
    }
    if (!is_service(&q, service)) {
        printf("trace: no service named '%s' (see 'services' and 'portals')\n", service);
        goto out;
    }
    for (uint32_t i = 0; i < q.nports; i++) {
        const struct sys_sysportal *p = &q.ports[i];
        if (p->dom != SYS_NONE && of_service(p->name, service) && p->global != SYS_NONE &&
            !to_twin(&q, p)) {
            printf("trace: %s is remapped system-wide to %s; unremap it first\n", p->name,
                   sysq_portal_name(&q, p->global));
            goto out;
        }
    }
    kea_binding_t b;
    if (tracer(&b, 1) < 0) goto out;
    uint32_t pairs[2 * 64];
    size_t len = 0;
    int e = trace_on(&b, service, pairs, sizeof pairs, &len);
    if (e < 0) {
        printf("trace: the tracer cannot trace %s: %s\n", service, err_str(e));
        goto out;
    }
    uint32_t n = (uint32_t)(len / (2 * sizeof pairs[0]));
    if (n == 0) {
        printf("trace: %s is traced already\n", service);
        r = 0;
        goto out;
    }
    sysq_free(&q);
    sysq_load(&q);                          /* the twins exist now */
    for (uint32_t i = 0; i < n; i++) {
        e = portal_remap_global(&kea_base_portal, pairs[2 * i], pairs[2 * i + 1]);
        if (e < 0) {
            printf("trace: remapping %s to its twin: %s\n", sysq_portal_name(&q, pairs[2 * i]),
                   err_str(e));
            while (i--) portal_unremap_global(&kea_base_portal, pairs[2 * i]);
            uint32_t dropped;
            trace_off(&b, service, &dropped);
            goto out;
        }
    }
    printf("tracing %s:", service);
    for (uint32_t i = 0; i < n; i++) printf(" %s", sysq_portal_name(&q, pairs[2 * i]));
    printf("\n");
    r = 0;
out:
    sysq_free(&q);
    return r;
}

static int trace_off_service(const char *service)
{
    kea_binding_t b;
    if (tracer(&b, 0) < 0) return -1;
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("trace: %s\n", err_str(r));
        return -1;
    }
    int undone = 0;
    for (uint32_t i = 0; i < q.nports; i++)
        if (of_service(q.ports[i].name, service) && to_twin(&q, &q.ports[i])) {
            int e = portal_unremap_global(&kea_base_portal, q.ports[i].id);
            if (e < 0) printf("trace: restoring %s: %s\n", q.ports[i].name, err_str(e));
            else undone++;
        }
    sysq_free(&q);
    uint32_t count = 0;
    r = trace_off(&b, service, &count);
    if (r < 0) {
        printf("trace: the tracer: %s\n", err_str(r));
        return -1;
    }
    if (count == 0 && undone == 0) {
        printf("trace: %s is not traced\n", service);
        return -1;
    }
    printf("stopped tracing %s (%u portal%s)\n", service, count, count == 1 ? "" : "s");
    return 0;
}

static int print_log(void)
{
    kea_binding_t b;
    if (tracer(&b, 0) < 0) return -1;
    struct sysq q;
    if (sysq_load(&q) < 0) memset(&q, 0, sizeof q);
    printf("tracing:");
    int any = 0;
    for (uint32_t i = 0; i < q.nports; i++)
        if (q.ports[i].dom != SYS_NONE && to_twin(&q, &q.ports[i])) {
            printf(" %s", q.ports[i].name);
            any = 1;
        }
    printf("%s\n", any ? "" : " nothing");
    static struct trace_rec recs[IDC_BUF_MAX / sizeof(struct trace_rec)];
    uint32_t start = 0, next, dropped, total = 0;
    int r = 0;
    do {
        size_t len;
        r = trace_dump(&b, start, recs, sizeof recs, &len, &next, &dropped);
        if (r < 0) break;
        if (dropped) printf("  (%u older calls dropped)\n", dropped);
        for (size_t i = 0; i < len / sizeof recs[0]; i++) {
            const struct trace_rec *t = &recs[i];
            if (total++ == 0)
                printf("  %5s %-16s %-28s %6s %12s\n", "seq", "caller", "portal.procedure", "status",
                       "ticks");
            char caller[40], what[64];
            snprintf(caller, sizeof caller, "%s(%u)", sysq_domain_name(&q, t->caller), t->caller);
            if (t->procname[0]) snprintf(what, sizeof what, "%s.%s", t->name, t->procname);
            else snprintf(what, sizeof what, "%s.#%u", t->name, t->proc);
            uint64_t ticks = (uint64_t)t->ticks_hi << 32 | t->ticks_lo;
            printf("  %5u %-16s %-28s %6d %12llu\n", t->seq, caller, what, (int)t->status,
                   (unsigned long long)ticks);
        }
        start = next;
    } while (next);
    sysq_free(&q);
    if (r < 0) {
        printf("trace: reading the log: %s\n", err_str(r));
        return -1;
    }
    if (total == 0) printf("  (no calls logged)\n");
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    if (argc == 1) return print_log();
    if (argc == 2 && strcmp(argv[1], "clear") == 0) {
        kea_binding_t b;
        if (tracer(&b, 0) < 0) return -1;
        int r = trace_clear(&b);
        if (r < 0) printf("trace: %s\n", err_str(r));
        else printf("trace: log cleared\n");
        return r < 0 ? -1 : 0;
    }
    if (argc == 3 && strcmp(argv[1], "on") == 0) return trace_on_service(argv[2]);
    if (argc == 3 && strcmp(argv[1], "off") == 0) return trace_off_service(argv[2]);
    return usage_error(find_command("trace"));
}

const char *complete_trace(int pos, char **words)
{
    if (pos == 1) return "on|off|clear";
    return pos == 2 && strcmp(words[1], "clear") != 0 ? "@service" : 0;
}
