/* The shell: a user-level program on the console that looks at and
 * reconfigures the running system through the base services (sys, portal,
 * domain, thread).  One file per mechanism:
 *
 *   main.c        the command table, the tokenizer, dispatch, help
 *   line.c        raw console input: line editing, history, completion keys
 *   complete.c    what TAB completes to: commands, domains, services, ...
 *   sysq.c        the sys lists (domains, portals, ...) and name lookups
 *   numbers.c     numbers typed in commands: one parser, one set of errors
 *   watch.c       ^C while the shell waits (for a program, a portal, time)
 *   cmds_info.c   services, domains, threads, portals, mem, mods, cat
 *   cmds_remap.c  remap, unremap, call
 *   cmds_dom.c    load, unload, spawn, kill, bench, wait, shutdown
 *   cmds_run.c    run (scripts), echo, sleep, history, clear
 *   cmds_trace.c  trace (the tracing interposer, services/trace)
 *   graph.c       graph: the live portal graph as Graphviz DOT
 *
 * Commands print what they did, or one line "NAME: what went wrong", and
 * return 0 or -1; a script stops at the first -1. */
#ifndef SHELL_H
#define SHELL_H
#include <stdint.h>
#include <stddef.h>
#include <kea/base.h>
#include <kea/binding.h>
#include <kea/sysinfo.h>

#define SHELL_LINE 256          /* longest command line, NUL included */
#define SHELL_MAXARGS 32

uint32_t kea_domain_id(void);
void kea_flush(void);

/* ---- main.c: commands ---- */
struct command {
    const char *name;
    const char *usage;          /* arguments, e.g. "MODULE [kernel|user] [as NAME]" */
    const char *summary;        /* one line for `help` */
    const char *details;        /* more for `help NAME`, or NULL */
    int min_args, max_args;     /* argument counts (max -1: any) */
    int (*fn)(int argc, char **argv);
    /* What TAB completes argument `pos` (1-based) to: alternatives
     * separated by '|', each a literal word or a kind (@command, @domain,
     * @service, @module, @portal); NULL for nothing.  words[] holds the
     * arguments before pos. */
    const char *(*complete)(int pos, char **words);
};

extern const struct command shell_commands[];
const struct command *find_command(const char *name);
int execute_line(const char *line);     /* 0, or -1 when the command failed */
int usage_error(const struct command *c);

/* ---- line.c: the editor ---- */
typedef void (*complete_fn)(const char *line, size_t word_start, size_t word_end);
int line_read(const char *prompt, char *buf, size_t cap);   /* length, or -1 */
void line_history_add(const char *line);
/* For a thread reading while the shell waits for a program: one console
 * read, its bytes queued for the editor except ^C and wake-ups; 1 if ^C
 * came, 0 if not, -1 if the console failed. */
int line_watch(void);
void line_history_print(void);
/* For completers: insert text at the cursor / list candidates. */
void line_insert(const char *text);
void line_show_candidates(char **cands, int n);

/* ---- complete.c ---- */
void complete_word(const char *line, size_t word_start, size_t word_end);

/* ---- watch.c: ^C during a wait ---- */
struct watch {
    uint32_t dom;                   /* the program waited for, or SYS_NONE */
    const char *name;
    uint32_t tid;                   /* the reading thread */
    int on;
    volatile int over, gone, interrupted, killed;
};
/* Between the two, ^C sets w->interrupted and destroys domain `dom`
 * (w->killed); input typed meanwhile is kept for the editor. */
void watch_start(struct watch *w, uint32_t dom, const char *name);
void watch_stop(struct watch *w);

/* ---- numbers.c ---- */
#define NUM_MALFORMED (-1)
#define NUM_RANGE     (-2)
#define MAX_MS 3600000u                 /* the longest wait or sleep: an hour */
int looks_numeric(const char *s);       /* a digit, after a sign */
int parse_word(const char *s, uint32_t *out);   /* 0, NUM_MALFORMED or NUM_RANGE */
const char *num_error(int r);           /* what is wrong, in words */
/* Milliseconds, 0..MAX_MS; -1 after saying "CMD: MS must be ...". */
int parse_ms(const char *cmd, const char *s, uint32_t *ms);

/* ---- sysq.c: the sys lists, fetched whole ---- */
struct sysq {
    struct sys_domain *doms; uint32_t ndoms;
    struct sys_sysportal *ports; uint32_t nports;
    struct sys_rooted *rooted; uint32_t nrooted;
};
int sysq_load(struct sysq *q);                  /* domains, portals, rooted remaps */
void sysq_free(struct sysq *q);
const struct sys_domain *sysq_domain(const struct sysq *q, uint32_t id);
const struct sys_sysportal *sysq_portal(const struct sysq *q, uint32_t id);
const struct sys_sysportal *sysq_portal_named(const struct sysq *q, const char *name);
const char *sysq_domain_name(const struct sysq *q, uint32_t id);  /* "?" if none */
const char *sysq_portal_name(const struct sysq *q, uint32_t id);

int sysq_threads(struct sys_thread **out, uint32_t *n);
int sysq_table(uint32_t dom, struct sys_portal **out, uint32_t *n);
int sysq_modules(struct sys_module **out, uint32_t *n);
int sysq_services(struct sys_service **out, uint32_t *n);

/* Interface part of a "service.interface" portal name. */
const char *iface_of(const char *portal_name);
/* Is `name` a service: a loaded one (sys.services) or one whose portals
 * are registered ("name.*")? */
int is_service(const struct sysq *q, const char *name);

/* Lookups that print "CMD: ..." and return -1 when the name is unknown. */
int need_domain(const char *cmd, const struct sysq *q, const char *name, uint32_t *id);
int need_portal(const char *cmd, const struct sysq *q, const char *name,
                const struct sys_sysportal **out);
int need_target(const char *cmd, const struct sysq *q, const struct sys_sysportal *from,
                const char *service, const struct sys_sysportal **out);
int need_module(const char *cmd, const char *name);
/* Boot module `name`, whole and NUL-terminated (malloc'd), or NULL after
 * saying why. */
char *read_module(const char *cmd, const char *name, uint32_t *size);

/* A KEA_E* status as words for messages. */
const char *err_str(int r);
#endif
