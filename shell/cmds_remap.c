/* Reconfiguring: remap and unremap in their three forms, and call, which
 * invokes a portal from the shell to see where invocations go.
 *
 *   remap DOMAIN PORTAL SERVICE          per-domain: DOMAIN's table entries
 *   remap --all PORTAL SERVICE           system-wide: portal_remap_global
 *   remap --rooted ROOT PORTAL SERVICE   domain-rooted: threads rooted in ROOT
 *
 * PORTAL is a system portal ("service.interface" or its number) and always
 * names the original; SERVICE names the replacement service, whose portal
 * of the same interface is the target (need_target in sysq.c).  The
 * kernel checks that the interfaces match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include "portal_client.h"
#include "thread_client.h"
#include "ifnames.h"
#include "shell.h"

enum form { PER_DOMAIN, SYSTEM_WIDE, ROOTED };

struct remap_args {
    enum form form;
    const char *domain;         /* DOMAIN or ROOT */
    const char *portal, *service;   /* service may be NULL for unremap */
};

/* The three forms; SERVICE is required for remap, optional for unremap. */
static int parse(const char *cmd, int argc, char **argv, int need_service, struct remap_args *a)
{
    int i = 1;
    a->form = PER_DOMAIN;
    if (strcmp(argv[1], "--all") == 0) { a->form = SYSTEM_WIDE; i = 2; }
    else if (strcmp(argv[1], "--rooted") == 0) { a->form = ROOTED; i = 2; }
    else if (argv[1][0] == '-') {
        printf("%s: unknown option '%s' (--all or --rooted)\n", cmd, argv[1]);
        return -1;
    }
    a->domain = 0;
    if (a->form != SYSTEM_WIDE && i < argc) a->domain = argv[i++];
    int left = argc - i;                /* PORTAL [SERVICE] */
    if ((a->form != SYSTEM_WIDE && !a->domain) || left < 1 + need_service || left > 2)
        return usage_error(find_command(cmd));
    a->portal = argv[i];
    a->service = left == 2 ? argv[i + 1] : 0;
    return 0;
}

static void refused(const char *cmd, int r, const struct sys_sysportal *from,
                    const struct sys_sysportal *to)
{
    if (r == -KEA_EIFACE)
        printf("%s: refused: %s (interface %s) and %s (interface %s) are not the same interface\n",
               cmd, from->name, iface_of(from->name), to->name, iface_of(to->name));
    else if (r == -KEA_EINVAL && to && to->id == from->id)
        printf("%s: refused: a portal cannot be remapped to itself\n", cmd);
    else if (r == -KEA_EINVAL && to && to->global != SYS_NONE)
        printf("%s: refused: %s is itself remapped system-wide (remaps do not chain)\n", cmd, to->name);
    else if (r == -KEA_EDEAD)
        printf("%s: refused: %s is revoked\n", cmd, to ? to->name : from->name);
    else
        printf("%s: %s\n", cmd, err_str(r));
}

/* DOMAIN's table entries that reach (or reached, before a per-domain remap)
 * portal `sys`: their local ids into locals[], how many. */
static int entries_for(uint32_t dom, uint32_t sys, int remapped_only, uint32_t *locals, int max)
{
    struct sys_portal *t;
    uint32_t n;
    if (sysq_table(dom, &t, &n) < 0) return 0;
    int k = 0;
    for (uint32_t i = 0; i < n && k < max; i++)
        if (t[i].orig == sys || (!remapped_only && t[i].orig == SYS_NONE && t[i].sys == sys))
            locals[k++] = t[i].local;
    free(t);
    return k;
}

int cmd_remap(int argc, char **argv)
{
    struct remap_args a;
    if (parse("remap", argc, argv, 1, &a) < 0) return -1;
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("remap: %s\n", err_str(r));
        return -1;
    }
    const struct sys_sysportal *from, *to;
    uint32_t dom = 0;
    r = -1;
    if ((a.domain && need_domain("remap", &q, a.domain, &dom) < 0) ||
        need_portal("remap", &q, a.portal, &from) < 0 ||
        need_target("remap", &q, from, a.service, &to) < 0)
        goto out;
    const char *dname = a.domain ? sysq_domain_name(&q, dom) : 0;
    if (to->id == from->id) {           /* the kernel refuses it system-wide: so in every form */
        printf("remap: refused: a portal cannot be remapped to itself\n");
        goto out;
    }
    if (a.form == PER_DOMAIN) {
        uint32_t locals[16];
        int n = entries_for(dom, from->id, 0, locals, 16);
        if (n == 0) {
            printf("remap: %s holds no portal to %s (see 'portals %s')\n", dname, from->name, dname);
            goto out;
        }
        for (int i = 0; i < n; i++) {
            int e = portal_remap(&kea_base_portal, dom, locals[i], to->id);
            if (e < 0) {
                refused("remap", e, from, to);
                goto out;
            }
            printf("remapped %s's %s (local %u) to %s\n", dname, from->name, locals[i], to->name);
        }
        r = 0;
    } else if (a.form == SYSTEM_WIDE) {
        int e = portal_remap_global(&kea_base_portal, from->id, to->id);
        if (e < 0) refused("remap", e, from, to);
        else printf("remapped %s to %s system-wide\n", from->name, to->name);
        r = e < 0 ? -1 : 0;
    } else {
        int e = portal_remap_rooted(&kea_base_portal, dom, from->id, to->id);
        if (e < 0) refused("remap", e, from, to);
        else printf("remapped %s to %s for threads rooted in %s\n", from->name, to->name, dname);
        r = e < 0 ? -1 : 0;
    }
out:
    sysq_free(&q);
    return r;
}

/* With SERVICE given, the remap in force must lead to its portal. */
static int leads_to(const struct sysq *q, uint32_t now, const struct sys_sysportal *from,
                    const char *service, const char *where)
{
    const struct sys_sysportal *to;
    if (!service) return 0;
    if (need_target("unremap", q, from, service, &to) < 0) return -1;
    if (to->id != now) {
        printf("unremap: %s%s is remapped to %s, not %s\n", where, from->name,
               sysq_portal_name(q, now), to->name);
        return -1;
    }
    return 0;
}

int cmd_unremap(int argc, char **argv)
{
    struct remap_args a;
    if (parse("unremap", argc, argv, 0, &a) < 0) return -1;
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("unremap: %s\n", err_str(r));
        return -1;
    }
    const struct sys_sysportal *from;
    uint32_t dom = 0;
    r = -1;
    if ((a.domain && need_domain("unremap", &q, a.domain, &dom) < 0) ||
        need_portal("unremap", &q, a.portal, &from) < 0)
        goto out;
    const char *dname = a.domain ? sysq_domain_name(&q, dom) : 0;
    if (a.form == PER_DOMAIN) {
        uint32_t locals[16];
        int n = entries_for(dom, from->id, 1, locals, 16);
        if (n == 0) {
            printf("unremap: %s's %s is not remapped\n", dname, from->name);
            goto out;
        }
        struct sys_portal *t;
        uint32_t nt;
        for (int i = 0; i < n; i++) {
            uint32_t now = SYS_NONE;
            if (sysq_table(dom, &t, &nt) == 0) {
                for (uint32_t k = 0; k < nt; k++)
                    if (t[k].local == locals[i]) now = t[k].sys;
                free(t);
            }
            char where[40];
            snprintf(where, sizeof where, "%s's ", dname);
            if (leads_to(&q, now, from, a.service, where) < 0) goto out;
            int e = portal_unremap(&kea_base_portal, dom, locals[i]);
            if (e < 0) {
                printf("unremap: %s\n", err_str(e));
                goto out;
            }
            printf("restored %s's %s (local %u)\n", dname, from->name, locals[i]);
        }
        r = 0;
    } else if (a.form == SYSTEM_WIDE) {
        if (from->global == SYS_NONE) {
            printf("unremap: %s is not remapped system-wide\n", from->name);
            goto out;
        }
        if (leads_to(&q, from->global, from, a.service, "") < 0) goto out;
        int e = portal_unremap_global(&kea_base_portal, from->id);
        if (e < 0) printf("unremap: %s\n", err_str(e));
        else printf("restored %s system-wide\n", from->name);
        r = e < 0 ? -1 : 0;
    } else {
        uint32_t now = SYS_NONE;
        for (uint32_t k = 0; k < q.nrooted; k++)
            if (q.rooted[k].root == dom && q.rooted[k].from == from->id) now = q.rooted[k].to;
        if (now == SYS_NONE) {
            printf("unremap: %s is not remapped for threads rooted in %s\n", from->name, dname);
            goto out;
        }
        if (leads_to(&q, now, from, a.service, "") < 0) goto out;
        int e = portal_unremap_rooted(&kea_base_portal, dom, from->id);
        if (e < 0) printf("unremap: %s\n", err_str(e));
        else printf("restored %s for threads rooted in %s\n", from->name, dname);
        r = e < 0 ? -1 : 0;
    }
out:
    sysq_free(&q);
    return r;
}

/* Completion: which argument is which depends on the form. */
const char *complete_remap(int pos, char **words)
{
    if (pos == 1) return "@domain|--all|--rooted";
    int portal = 2;                             /* DOMAIN PORTAL, --all PORTAL */
    if (strcmp(words[1], "--rooted") == 0) {
        if (pos == 2) return "@domain";
        portal = 3;                             /* --rooted ROOT PORTAL */
    }
    if (pos == portal) return "@portal";
    return pos == portal + 1 ? "@service" : 0;
}

/* ---- call ---- */

struct call_job {
    char portal[32], proc[32];
    uint32_t pp;
    struct idc_args args;
    char in[SHELL_LINE];
    uint8_t out[IDC_BUF_MAX];
};

/* The status; after success, the result words and the out-buffer (after a
 * failure they hold nothing the callee meant). */
static void report(struct call_job *j, int r)
{
    if (r < 0) {
        printf("%s.%s: status %d (%s)\n", j->portal, j->proc, r, kea_strerror(r));
        return;
    }
    printf("%s.%s: status %d (ok); words %u %u %u", j->portal, j->proc, r, j->args.w[0], j->args.w[1],
           j->args.w[2]);
    uint32_t n = j->args.out_len;
    if (n) {
        int text = 1;
        for (uint32_t i = 0; i < n; i++)
            if ((j->out[i] < 0x20 || j->out[i] > 0x7e) && !(i == n - 1 && j->out[i] == 0)) text = 0;
        printf("; out %u bytes: ", n);
        if (text) printf("\"%.*s\"", (int)(j->out[n - 1] ? n : n - 1), (const char *)j->out);
        else
            for (uint32_t i = 0; i < n && i < 32; i++) printf("%02x%s", j->out[i], i + 1 < n ? " " : "");
        if (!text && n > 32) printf("...");
    }
    printf("\n");
}

static int background(uint32_t arg)
{
    struct call_job *j = (struct call_job *)arg;
    int r = portal_invoke(j->pp, &j->args);
    printf("[background] ");
    report(j, r);
    free(j);
    return 0;                   /* the runtime ends the thread */
}

/* The kinds of a procedure's in-parameters, from its signature
 * "ping(in u32,out u32)": 'w' a word (u32, i32, bool, handle), 's' the
 * in-buffer (str, buf).  How many, or -1 without a signature. */
static int in_params(const char *sig, char *kinds, int max)
{
    if (!sig) return -1;
    int n = 0;
    for (const char *p = strchr(sig, '('); p && *p && n < max; p = strchr(p, ',')) {
        p++;
        if (strncmp(p, "in ", 3) != 0) continue;
        p += 3;
        kinds[n++] = strncmp(p, "str", 3) == 0 || strncmp(p, "buf", 3) == 0 ? 's' : 'w';
    }
    return n;
}

/* Calls that would stop the shell itself: refused, with the reason.  A
 * background call (bg) runs on a thread of its own, which may wait. */
static int stops_the_shell(const struct ifname *ifn, uint32_t proc, const uint32_t *w, int nwords, int bg)
{
    if (!ifn || proc >= ifn->nprocs) return 0;
    const char *name = ifn->procs[proc];
    if (strcmp(ifn->name, "thread") == 0 && strcmp(name, "exit") == 0) {
        printf("call: refused: thread.exit would end the shell's own thread (the shell would be gone)\n");
        return 1;
    }
    if (strcmp(ifn->name, "thread") == 0 && strcmp(name, "sleep") == 0 && nwords > 0 && w[0] > MAX_MS) {
        printf("call: refused: thread.sleep %u would stop the shell for longer than an hour "
               "(at most %u ms)\n", w[0], MAX_MS);
        return 1;
    }
    if (strcmp(ifn->name, "thread") == 0 && strcmp(name, "sem_down") == 0 && !bg) {
        printf("call: refused: thread.sem_down may wait for ever, and nothing would interrupt it "
               "(make it a background call: '... &')\n");
        return 1;
    }
    if (strcmp(ifn->name, "domain") == 0 && strcmp(name, "destroy") == 0 && nwords > 0 &&
        w[0] == kea_domain_id()) {
        printf("call: refused: domain.destroy %u would destroy the shell's own domain\n", w[0]);
        return 1;
    }
    return 0;
}

int cmd_call(int argc, char **argv)
{
    int bg = strcmp(argv[argc - 1], "&") == 0;
    if (bg) argc--;
    if (argc < 2) return usage_error(find_command("call"));
    struct sysq q;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("call: %s\n", err_str(r));
        return -1;
    }
    const struct sys_sysportal *p;
    if (need_portal("call", &q, argv[1], &p) < 0) {
        sysq_free(&q);
        return -1;
    }
    if (p->dom == SYS_NONE) {
        printf("call: %s is revoked (its service is gone)\n", p->name);
        sysq_free(&q);
        return -1;
    }
    const struct ifname *ifn = ifname_find(p->iface_id);
    struct call_job *j = calloc(1, sizeof *j);
    if (!j) {
        printf("call: out of memory\n");
        sysq_free(&q);
        return -1;
    }
    strlcpy(j->portal, p->name, sizeof j->portal);
    sysq_free(&q);
    r = -1;
    if (argc == 2) {                /* list the procedures */
        if (!ifn) printf("%s: interface %#x, not known to the shell\n", j->portal, p->iface_id);
        else {
            printf("%s: interface %s (%#x)\n", j->portal, ifn->name, ifn->id);
            for (uint32_t i = 0; i < ifn->nprocs; i++) printf("  %2u %s\n", i, ifn->sigs[i]);
        }
        free(j);
        return ifn ? 0 : -1;
    }
    uint32_t proc;
    if (looks_numeric(argv[2])) {
        int e = parse_word(argv[2], &proc);
        if (e < 0) {
            printf("call: procedure number '%s': %s\n", argv[2], num_error(e));
            goto out;
        }
        if (ifn && proc >= ifn->nprocs) {
            printf("call: %s has no procedure %u (it has %u: type 'call %s' for the list)\n",
                   j->portal, proc, ifn->nprocs, j->portal);
            goto out;
        }
    } else {
        for (proc = 0; ifn && proc < ifn->nprocs && strcmp(ifn->procs[proc], argv[2]) != 0; proc++)
            ;
        if (!ifn || proc == ifn->nprocs) {
            printf("call: %s has no procedure '%s' (type 'call %s' for the list)\n", j->portal,
                   argv[2], j->portal);
            goto out;
        }
    }
    if (ifn && proc < ifn->nprocs) strlcpy(j->proc, ifn->procs[proc], sizeof j->proc);
    else snprintf(j->proc, sizeof j->proc, "%u", proc);
    /* The arguments: by the signature when the shell knows it (each number
     * where a word goes, text where the buffer goes, as many as it takes);
     * otherwise numbers are words and one other argument is the buffer. */
    char kinds[8];
    const char *sig = ifn && proc < ifn->nprocs ? ifn->sigs[proc] : 0;
    int nparams = in_params(sig, kinds, (int)sizeof kinds), nwords = 0;
    if (nparams >= 0 && argc - 3 != nparams) {
        printf("call: %s takes %d argument%s, not %d: %s\n", j->proc, nparams, nparams == 1 ? "" : "s",
               argc - 3, sig);
        goto out;
    }
    for (int i = 3; i < argc; i++) {
        char kind = nparams >= 0 ? kinds[i - 3] : looks_numeric(argv[i]) ? 'w' : 's';
        if (kind == 'w') {
            uint32_t v = 0;
            int e = parse_word(argv[i], &v);
            if (e < 0) {
                printf("call: argument %d, '%s': %s\n", i - 2, argv[i], num_error(e));
                goto out;
            }
            if (nwords == 3) {
                printf("call: at most 3 number arguments and one string\n");
                goto out;
            }
            j->args.w[nwords++] = v;
        } else if (!j->args.in) {
            strlcpy(j->in, argv[i], sizeof j->in);
            j->args.in = j->in;
            j->args.in_len = (uint32_t)strlen(j->in) + 1;
        } else {
            printf("call: at most 3 number arguments and one string\n");
            goto out;
        }
    }
    if (stops_the_shell(ifn, proc, j->args.w, nwords, bg)) goto out;
    j->args.out = j->out;
    j->args.out_cap = sizeof j->out;
    uint32_t local, iface, sys;
    int e = portal_bind(&kea_base_portal, j->portal, &local, &iface, &sys);
    if (e < 0) {
        printf("call: binding %s: %s\n", j->portal, err_str(e));
        goto out;
    }
    j->pp = IDC_PP(local, proc);
    if (bg) {
        uint32_t tid;
        e = thread_create(&kea_base_thread, (uint32_t)background, (uint32_t)j, &tid);
        if (e < 0) {
            printf("call: cannot start a thread: %s\n", err_str(e));
            goto out;
        }
        printf("call: %s.%s running on thread %u\n", j->portal, j->proc, tid);
        return 0;
    }
    e = portal_invoke(j->pp, &j->args);
    report(j, e);
    r = e < 0 ? -1 : 0;
out:
    free(j);
    return r;
}

const char *complete_call(int pos, char **words)
{
    static char procs[128];
    if (pos == 1) return "@portal";
    if (pos != 2) return 0;
    struct sysq q;
    if (sysq_load(&q) < 0) return 0;
    const struct sys_sysportal *p = sysq_portal_named(&q, words[1]);
    const struct ifname *ifn = p ? ifname_find(p->iface_id) : 0;
    sysq_free(&q);
    if (!ifn) return 0;
    procs[0] = 0;
    for (uint32_t i = 0; i < ifn->nprocs; i++) {
        if (i) strlcat(procs, "|", sizeof procs);
        strlcat(procs, ifn->procs[i], sizeof procs);
    }
    return procs;
}
