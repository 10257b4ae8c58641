/* Domains and services: load, unload, spawn, kill, bench, wait, shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/idc.h>
#include "sys_client.h"
#include "domain_client.h"
#include "portal_client.h"
#include "thread_client.h"
#include "shell.h"

#define RIGHTS_ALL 0xfu

int cmd_load(int argc, char **argv)
{
    const char *where = "user", *as = 0;
    int i = 2;
    if (i < argc && (strcmp(argv[i], "kernel") == 0 || strcmp(argv[i], "user") == 0))
        where = argv[i++];
    if (i < argc && strcmp(argv[i], "as") == 0 && i + 1 < argc) {
        as = argv[i + 1];
        i += 2;
    }
    if (i != argc) return usage_error(find_command("load"));
    if (need_module("load", argv[1]) < 0) return -1;
    if (as && strlen(as) >= SYS_NAME) {
        printf("load: a service name has at most %d characters ('%.12s...' has %u)\n", SYS_NAME - 1,
               as, (unsigned)strlen(as));
        return -1;
    }
    char spec[128];
    snprintf(spec, sizeof spec, "%s %s%s%s", argv[1], where, as ? " " : "", as ? as : "");
    uint32_t dom;
    int r = sys_load(&kea_base_sys, spec, &dom);
    if (r < 0)
        return -1;      /* sys.load said why on the console: only the kernel knows */
    /* Which service it became: the newest one from this object in dom. */
    struct sys_service *s;
    uint32_t n;
    if (sysq_services(&s, &n) == 0) {
        for (uint32_t k = 0; k < n; k++)
            if (s[k].dom == dom && strcmp(s[k].object, argv[1]) == 0 &&
                (!as || strcmp(s[k].name, as) == 0)) {
                printf("loaded %s from %s in %s (domain %u); interfaces: %s\n", s[k].name, argv[1],
                       s[k].kernel ? "the kernel" : "a user domain", dom,
                       s[k].ifaces[0] ? s[k].ifaces : "none");
                free(s);
                return 0;
            }
        free(s);
    }
    printf("loaded %s (domain %u)\n", argv[1], dom);
    return 0;
}

/* Who holds portals of service `name`: the domains (other than its own)
 * with one in their tables, comma-separated into out. */
static void holders(const struct sysq *q, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    out[0] = 0;
    for (uint32_t d = 0; d < q->ndoms; d++) {
        struct sys_portal *t;
        uint32_t nt;
        if (sysq_table(q->doms[d].id, &t, &nt) < 0) continue;
        int holds = 0;
        for (uint32_t i = 0; i < nt && !holds; i++) {
            const struct sys_sysportal *p = sysq_portal(q, t[i].orig != SYS_NONE ? t[i].orig : t[i].sys);
            holds = p && p->dom != q->doms[d].id && strncmp(p->name, name, n) == 0 &&
                    p->name[n] == '.';
        }
        free(t);
        if (holds) {
            if (out[0]) strlcat(out, ", ", cap);
            strlcat(out, q->doms[d].name, cap);
        }
    }
}

int cmd_unload(int argc, char **argv)
{
    int force = argc == 3 && strcmp(argv[2], "--force") == 0;
    if (argc == 3 && !force) return usage_error(find_command("unload"));
    int r = sys_unload(&kea_base_sys, argv[1], force);
    if (r == 0) {
        printf("unloaded %s\n", argv[1]);
        return 0;
    }
    /* sys.unload said why on the console; add only what the shell knows. */
    if (r == -KEA_ENOENT) {
        struct sysq q;
        int portals = sysq_load(&q) == 0 && is_service(&q, argv[1]);
        sysq_free(&q);
        if (portals)
            printf("unload: %s was not loaded with 'load' (its domain can be killed: 'kill')\n", argv[1]);
    } else if (r == -KEA_EBUSY && !force) {
        char who[128] = "";
        struct sysq q;
        if (sysq_load(&q) == 0) holders(&q, argv[1], who, sizeof who);
        sysq_free(&q);
        printf("unload: %s%s%s'unload %s --force' revokes its portals and waits for the callers to leave\n",
               who[0] ? "its portals are held by " : "", who, who[0] ? "; " : "", argv[1]);
    }
    return -1;
}

/* "all", "none", letters of "rgdi", or a number. */
static int parse_rights(const char *s, uint32_t *rights)
{
    static const char letters[] = "rgdi";
    if (strcmp(s, "all") == 0) { *rights = RIGHTS_ALL; return 0; }
    if (strcmp(s, "none") == 0) { *rights = 0; return 0; }
    if (looks_numeric(s))
        return parse_word(s, rights) < 0 || *rights > RIGHTS_ALL ? -1 : 0;
    *rights = 0;
    for (; *s; s++) {
        const char *l = strchr(letters, *s);
        if (!l) return -1;
        *rights |= 1u << (l - letters);
    }
    return 0;
}

/* Wait for the program's first thread (tid) and then every other thread
 * rooted in domain `id` to end; *status is the first thread's exit status. */
static int wait_domain(uint32_t id, uint32_t tid, int32_t *status, int *joined)
{
    if (thread_join(&kea_base_thread, tid, status) == 0)
        *joined = 1;
    for (;;) {
        struct sys_thread *t;
        uint32_t n, tid = SYS_NONE;
        int r = sysq_threads(&t, &n);
        if (r < 0) return r;
        for (uint32_t i = 0; i < n && tid == SYS_NONE; i++)
            if (t[i].root == id) tid = t[i].id;
        free(t);
        if (tid == SYS_NONE) return 0;
        int32_t st = 0;
        thread_join(&kea_base_thread, tid, &st);
    }
}

static int spawn(const char *module, const char *args, uint32_t rights, int wait)
{
    if (need_module("spawn", module) < 0) return -1;
    char cmdline[256];
    if (snprintf(cmdline, sizeof cmdline, "%s%s%s", module, *args ? " " : "", args) >= (int)sizeof cmdline) {
        printf("spawn: arguments too long\n");
        return -1;
    }
    uint32_t id, tid;
    int r = domain_spawn(&kea_base_domain, cmdline, rights, &id, &tid);
    if (r < 0) {
        printf("spawn: %s: %s\n", module, r == -KEA_EBADOBJ ?
               "not a program object (the kernel said why above)" : err_str(r));
        return -1;
    }
    struct sysq q;
    char name[SYS_NAME] = "?";
    if (sysq_load(&q) == 0) strlcpy(name, sysq_domain_name(&q, id), sizeof name);
    sysq_free(&q);
    if (!wait) {
        printf("spawned %s as domain %u\n", name, id);
        return 0;
    }
    int32_t status = 0;
    int joined = 0;
    static struct watch w;              /* ^C kills the program (watch.c) */
    watch_start(&w, id, name);
    r = wait_domain(id, tid, &status, &joined);
    watch_stop(&w);
    if (r < 0) {
        printf("spawn: waiting for %s: %s\n", name, err_str(r));
        return -1;
    }
    if (w.killed) {
        printf("%s (domain %u) killed by ^C\n", name, id);
        return -1;
    }
    r = domain_destroy(&kea_base_domain, id);
    if (joined) printf("%s (domain %u) exited with status %d", name, id, (int)status);
    else printf("%s (domain %u) ended before the shell could join it (status unknown)", name, id);
    printf("%s\n", r < 0 ? "; its domain stays (busy)" : "");
    return 0;
}

int cmd_spawn(int argc, char **argv)
{
    const char *module = 0;
    char args[200] = "";
    uint32_t rights = 0;
    int wait = 0;
    for (int i = 1; i < argc; i++) {
        if (module) {                      /* everything after MODULE is main's */
            if (args[0]) strlcat(args, " ", sizeof args);
            strlcat(args, argv[i], sizeof args);
        } else if (strcmp(argv[i], "--wait") == 0) wait = 1;
        else if (strcmp(argv[i], "--rights") == 0) {
            if (++i == argc || parse_rights(argv[i], &rights) < 0) {
                printf("spawn: --rights takes all, none, letters of rgdi or a number up to 15\n");
                return -1;
            }
        } else if (argv[i][0] == '-') {
            printf("spawn: unknown option '%s'\n", argv[i]);
            return -1;
        } else module = argv[i];
    }
    if (!module) return usage_error(find_command("spawn"));
    return spawn(module, args, rights, wait);
}

/* bench.o spawns two echo servers (srv_f, srv_g) and leaves them, with a
 * rooted remap, when it ends: under the kernel monitor (`make bench`) the
 * system powers off next.  From the shell, every domain that appeared
 * while it ran is destroyed after it, so bench leaves the system as it was
 * and can run again. */
int cmd_bench(int argc, char **argv)
{
    (void)argc; (void)argv;
    struct sysq q;
    uint32_t before[64], nbefore = 0;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("bench: %s\n", err_str(r));
        return -1;
    }
    for (uint32_t i = 0; i < q.ndoms && nbefore < 64; i++) before[nbefore++] = q.doms[i].id;
    sysq_free(&q);
    printf("bench: running bench.o (figures are TSC ticks; 'make bench' counts instructions)\n");
    r = spawn("bench.o", "", RIGHTS_ALL, 1);
    if (sysq_load(&q) < 0) return -1;
    for (uint32_t i = 0; i < q.ndoms; i++) {
        uint32_t id = q.doms[i].id, k = 0;
        while (k < nbefore && before[k] != id) k++;
        if (k < nbefore || id == kea_domain_id()) continue;
        int e = domain_destroy(&kea_base_domain, id);
        printf("bench: %s %s (domain %u), which it started%s%s\n", e < 0 ? "cannot destroy" : "destroyed",
               q.doms[i].name, id, e < 0 ? ": " : "", e < 0 ? err_str(e) : "");
        if (e < 0) r = -1;
    }
    sysq_free(&q);
    return r;
}

int cmd_kill(int argc, char **argv)
{
    (void)argc;
    struct sysq q;
    uint32_t id;
    int r = sysq_load(&q);
    if (r < 0) {
        printf("kill: %s\n", err_str(r));
        return -1;
    }
    r = need_domain("kill", &q, argv[1], &id);
    char name[SYS_NAME];
    if (r == 0) strlcpy(name, sysq_domain_name(&q, id), sizeof name);
    sysq_free(&q);
    if (r < 0) return -1;
    if (id == kea_domain_id()) {
        printf("kill: %s is the shell itself\n", name);
        return -1;
    }
    r = domain_destroy(&kea_base_domain, id);
    if (r == 0) printf("killed %s (domain %u)\n", name, id);
    else if (r == -KEA_EINVAL) printf("kill: %s is the kernel\n", name);
    else if (r == -KEA_EBUSY)
        printf("kill: %s is busy: a thread from elsewhere is inside it, or one of its own is calling out\n",
               name);
    else printf("kill: %s: %s\n", name, err_str(r));
    return r < 0 ? -1 : 0;
}

int cmd_wait(int argc, char **argv)
{
    uint32_t ms = 5000, sys, waited = 0;
    if (argc == 3 && parse_ms("wait", argv[2], &ms) < 0) return -1;
    static struct watch w;              /* ^C ends the wait (watch.c) */
    int r = 0;
    watch_start(&w, SYS_NONE, 0);
    while (portal_lookup(&kea_base_portal, argv[1], &sys) < 0) {
        if (waited >= ms || w.interrupted) {
            r = -1;
            break;
        }
        thread_sleep(&kea_base_thread, 10);
        waited += 10;
    }
    watch_stop(&w);
    if (r == 0) printf("wait: %s is there (portal %u)\n", argv[1], sys);
    else if (w.interrupted) printf("wait: stopped by ^C after %u ms; no portal %s\n", waited, argv[1]);
    else printf("wait: no portal %s after %u ms\n", argv[1], ms);
    return r;
}

int cmd_shutdown(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("shutting down\n");
    kea_flush();
    int r = sys_shutdown(&kea_base_sys);
    printf("shutdown: %s\n", err_str(r));
    return -1;
}
