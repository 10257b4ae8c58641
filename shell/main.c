/* The shell's main loop, command table, tokenizer and help.
 *
 * The shell is a program object (build/shell.o) run in a domain of its own
 * with every right; it reads the console in raw mode and edits lines
 * itself (line.c).  Everything it shows or changes goes through the base
 * services: it holds no privileges beyond the rights of its domain. */
#include <stdio.h>
#include <string.h>
#include "console_client.h"
#include "thread_client.h"
#include "shell.h"

/* Commands, in cmds_*.c, graph.c */
int cmd_help(int argc, char **argv);
int cmd_echo(int argc, char **argv);
int cmd_services(int argc, char **argv);
int cmd_domains(int argc, char **argv);
int cmd_threads(int argc, char **argv);
int cmd_portals(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_inject(int argc, char **argv);
int cmd_remap(int argc, char **argv);
int cmd_unremap(int argc, char **argv);
int cmd_call(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_spawn(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_mem(int argc, char **argv);
int cmd_idc(int argc, char **argv);
int cmd_mods(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_sleep(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_clear(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
const char *complete_remap(int pos, char **words);
const char *complete_call(int pos, char **words);
const char *complete_trace(int pos, char **words);

static const char *c_command(int pos, char **w) { (void)w; return pos == 1 ? "@command" : 0; }
static const char *c_domain(int pos, char **w) { (void)w; return pos == 1 ? "@domain" : 0; }
static const char *c_module(int pos, char **w) { (void)w; return pos == 1 ? "@module" : 0; }
static const char *c_portal(int pos, char **w) { (void)w; return pos == 1 ? "@portal" : 0; }
static const char *c_unload(int pos, char **w) { (void)w; return pos == 1 ? "@service" : pos == 2 ? "--force" : 0; }
static const char *c_run(int pos, char **w)
{
    if (pos == 1) return "@module|--keep-going";
    return pos == 2 && strcmp(w[1], "--keep-going") == 0 ? "@module" : 0;
}
static const char *c_spawn(int pos, char **w)
{
    if (strcmp(w[pos - 1], "--rights") == 0) return "all|none";
    return "@module|--wait|--rights";
}
static const char *c_load(int pos, char **w)
{
    if (pos == 1) return "@module";
    if (strcmp(w[pos - 1], "as") == 0) return 0;
    return pos == 2 ? "kernel|user|as" : pos == 3 ? "as" : 0;
}
static const char *c_migrate(int pos, char **w)
{
    (void)w;
    return pos == 1 ? "@service" : pos == 2 ? "kernel|user" : pos == 3 ? "--timeout" : 0;
}
static const char *c_service1(int pos, char **w) { (void)w; return pos == 1 ? "@service" : 0; }
static const char *c_inject(int pos, char **w)
{
    (void)w;
    return pos == 1 ? "@service" : pos == 2 ? "null|wild|div|ud|loop|stack|garbage" : 0;
}
static const char *c_graph(int pos, char **w) { (void)w; return pos == 1 ? "--base" : 0; }

const struct command shell_commands[] = {
    { "help", "[COMMAND]", "list the commands, or explain one",
      0, 0, 1, cmd_help, c_command },
    { "services", "", "loaded services: name, placement, domain, size, calls, migrations, interfaces",
      0, 0, 0, cmd_services, 0 },
    { "domains", "", "domains: id, name, pages, threads, activations inside, calls served, rights",
      "Rights are shown as four letters, '-' where missing: r remap other\n"
      "domains' tables, g system-wide and rooted remaps, d create and destroy\n"
      "domains, i I/O ports and interrupts.",
      0, 0, cmd_domains, 0 },
    { "threads", "", "threads: state, root domain, activation depth, domain running in",
      0, 0, 0, cmd_threads, 0 },
    { "portals", "[DOMAIN]", "system portals and remaps, or DOMAIN's portal table",
      "Without DOMAIN: every system portal (id, name SERVICE.INTERFACE, the\n"
      "domain implementing it, calls, references, a system-wide remap) and the\n"
      "domain-rooted remaps.  With DOMAIN: its portal table, each local id with\n"
      "the portal it reaches, the interface, the service and its domain; remaps\n"
      "in force for the entry are marked '*' (per-domain, system-wide, rooted).",
      0, 1, cmd_portals, c_domain },
    { "load", "MODULE [kernel|user] [as NAME]", "load a service object (default: user)",
      "Places the service object MODULE (a boot module) in the kernel or in a\n"
      "new user domain, runs its init and registers one portal per interface,\n"
      "NAME.INTERFACE; NAME defaults to the name the service gives itself.",
      1, 4, cmd_load, c_load },
    { "unload", "NAME [--force]", "unload a service (refused while in use, unless --force)",
      "--force revokes the service's portals first: callers get errors, and\n"
      "the unload completes when the threads inside have left.",
      1, 2, cmd_unload, c_unload },
    { "migrate", "SERVICE kernel|user [--timeout MS]", "move a running service, with its state",
      "Moves SERVICE into the kernel or into a user domain of its own while its\n"
      "clients keep calling: new calls wait, those inside finish (at most MS ms,\n"
      "default 2000, else nothing changes), the state moves to a fresh instance\n"
      "and the service's portals lead there; ids, names, remaps and interposers\n"
      "hold.  Any failure rolls back.  --fail-alloc forces an allocation failure\n"
      "(a test of the rollback).  See docs/migration.md.",
      2, 5, cmd_migrate, c_migrate },
    { "restart", "SERVICE", "replace a service by a fresh instance of itself",
      "A fresh instance of SERVICE's object in the same placement takes over its\n"
      "portals (ids, names, remaps hold), from its last checkpoint if it has one.\n"
      "The kernel does this itself when a service faults (see 'policy'); this is\n"
      "the operator's restart, also of a service marked failed.  docs/reliability.md.",
      1, 1, cmd_restart, c_service1 },
    { "policy", "SERVICE|default [KEY=N ...]", "show or set a service's restart policy",
      "max=N window=MS   more than N failures within MS ms: the service is marked\n"
      "                  failed (callers get 'dead') until 'restart SERVICE'\n"
      "backoff=MS        wait MS * 2^(k-1) (at most 1 s) before the k-th restart\n"
      "ckcalls=N ckms=MS checkpoint a service with state hooks every N calls or MS\n"
      "                  ms (0: never); a restart imports the last checkpoint\n"
      "deadline=MS       a call running longer in the service is aborted (the\n"
      "                  caller gets 'timed out') and the service restarted\n"
      "'default' is the row for services without one of their own.",
      1, 7, cmd_policy, c_service1 },
    { "checkpoint", "SERVICE", "checkpoint a service's state now (for its next restart)",
      "Holds the service's calls, waits for those inside, has it export its state\n"
      "and keeps it for a restart.", 1, 1, cmd_checkpoint, c_service1 },
    { "inject", "SERVICE null|wild|div|ud|loop|stack|garbage", "arm a fault at a service's next call",
      "The next call into SERVICE faults in its placement as its own code would:\n"
      "null  a load through NULL        wild   garbage over its own data, then on\n"
      "div   divide by zero             ud     invalid opcode\n"
      "loop  an endless loop            stack  unbounded recursion\n"
      "garbage  a status no procedure returns.  For tests and demos of restart\n"
      "(docs/reliability.md).", 2, 2, cmd_inject, c_inject },
    { "remap", "DOMAIN|--all|--rooted ROOT PORTAL SERVICE", "redirect a portal to SERVICE",
      "remap DOMAIN PORTAL SERVICE        DOMAIN's table entries for PORTAL\n"
      "remap --all PORTAL SERVICE         every invocation of PORTAL (system-wide)\n"
      "remap --rooted ROOT PORTAL SERVICE invocations by threads rooted in ROOT\n"
      "PORTAL names a system portal, SERVICE.INTERFACE (see 'portals'), or its\n"
      "number.  SERVICE names the replacement service: its portal of the same\n"
      "interface (SERVICE.INTERFACE) is the target; a full portal name may be\n"
      "given instead.  The kernel refuses targets of another interface.",
      3, 4, cmd_remap, complete_remap },
    { "unremap", "DOMAIN|--all|--rooted ROOT PORTAL [SERVICE]", "undo a remap",
      "The same forms as remap; PORTAL names the original portal.  With\n"
      "SERVICE, the remap in force must lead there.",
      2, 4, cmd_unremap, complete_remap },
    { "call", "PORTAL [PROC [ARG...]] [&]", "invoke a procedure of a portal from the shell",
      "Without PROC: the interface's procedures.  PROC is a name or a number;\n"
      "the ARGs follow its signature: a number for each word parameter, text\n"
      "for its str or buf.  Prints the status and, after success, the three\n"
      "result words and the out-buffer.  A final '&' makes the call on a\n"
      "thread of its own; its result is printed when it returns.  Calls that\n"
      "would end or freeze the shell (thread.exit, ...) are refused.",
      1, 6, cmd_call, complete_call },
    { "run", "[--keep-going] SCRIPT", "run the commands in boot module SCRIPT",
      "One command a line; '#' lines are comments; each command is shown as\n"
      "'+ COMMAND' before it runs (echo lines are not, they narrate).  The\n"
      "script stops at the first failing command unless --keep-going.",
      1, 2, cmd_run, c_run },
    { "graph", "[--base]", "the portal graph as Graphviz DOT",
      "Domains are clusters holding the portals they implement; an edge from\n"
      "a domain to a portal is an entry of its table (labelled with the local\n"
      "id).  Per-domain remaps are red (the hidden original dotted),\n"
      "system-wide remaps blue and dashed, rooted remaps green and dashed.\n"
      "The base-service entries every domain holds are left out unless\n"
      "--base.  Render with scripts/graph.py or 'dot -Tsvg'.",
      0, 1, cmd_graph, c_graph },
    { "bench", "", "run the IDC benchmarks (bench.o) and wait for them",
      0, 0, 0, cmd_bench, 0 },
    { "spawn", "[--wait] [--rights RIGHTS] MODULE [ARGS...]", "run a program object in a new domain",
      "The program's main(n, args) gets the text after MODULE and its leading\n"
      "number.  RIGHTS: all, none (the default), letters of rgdi, or a number.\n"
      "With --wait the shell waits for the program to end, prints its exit\n"
      "status and destroys its domain; ^C meanwhile kills the program.",
      1, 16, cmd_spawn, c_spawn },
    { "kill", "DOMAIN", "destroy a domain and all it owns",
      0, 1, 1, cmd_kill, c_domain },
    { "wait", "PORTAL [MS]", "wait until PORTAL exists (default 5000 ms, at most an hour)",
      0, 1, 2, cmd_wait, c_portal },
    { "trace", "[on SERVICE|off SERVICE|clear]", "trace calls to a service; alone: the log",
      "trace on SERVICE interposes the tracer (services/trace, loaded from\n"
      "trace.o if no service 'trace' is loaded) on every portal of SERVICE,\n"
      "system-wide; trace off SERVICE removes it.  'trace' prints the log:\n"
      "caller domain, portal, procedure, status and duration in TSC ticks.",
      0, 2, cmd_trace, complete_trace },
    { "mem", "", "memory counters", 0, 0, 0, cmd_mem, 0 },
    { "idc", "", "IDC fast path: on or off, transfers it served", 0, 0, 0, cmd_idc, 0 },
    { "mods", "", "boot modules", 0, 0, 0, cmd_mods, 0 },
    { "cat", "MODULE", "print a text boot module", 0, 1, 1, cmd_cat, c_module },
    { "echo", "[WORD...]", "print the words", 0, 0, -1, cmd_echo, 0 },
    { "sleep", "MS", "wait MS milliseconds", 0, 1, 1, cmd_sleep, 0 },
    { "history", "", "the lines typed so far", 0, 0, 0, cmd_history, 0 },
    { "clear", "", "clear the screen", 0, 0, 0, cmd_clear, 0 },
    { "shutdown", "", "power off", 0, 0, 0, cmd_shutdown, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0 },
};

const struct command *find_command(const char *name)
{
    for (const struct command *c = shell_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return 0;
}

int usage_error(const struct command *c)
{
    printf("usage: %s%s%s\n", c->name, c->usage[0] ? " " : "", c->usage);
    return -1;
}

int cmd_help(int argc, char **argv)
{
    if (argc == 2) {
        const struct command *c = find_command(argv[1]);
        if (!c) {
            printf("help: no command '%s' (type 'help' for the list)\n", argv[1]);
            return -1;
        }
        printf("usage: %s%s%s\n  %s\n", c->name, c->usage[0] ? " " : "", c->usage, c->summary);
        if (c->details) printf("%s\n", c->details);
        return 0;
    }
    for (const struct command *c = shell_commands; c->name; c++) {
        if (strlen(c->usage) > 34)      /* the summary goes under a long usage */
            printf("  %-9s %s\n  %-9s %-34s %s\n", c->name, c->usage, "", "", c->summary);
        else
            printf("  %-9s %-34s %s\n", c->name, c->usage, c->summary);
    }
    printf("Keys: arrows, home/end, ^A ^E ^K ^U ^W, up/down for history, TAB completes.\n");
    return 0;
}

/* Split a line into words; "..." and '...' quote spaces.  Returns the
 * word count, or -1 (and says why). */
static int tokenize(char *s, char **argv)
{
    int argc = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) return argc;
        if (argc == SHELL_MAXARGS) {
            printf("error: too many words (at most %d)\n", SHELL_MAXARGS);
            return -1;
        }
        argv[argc++] = s;
        char *out = s;
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '"' || *s == '\'') {
                char q = *s++;
                while (*s && *s != q) *out++ = *s++;
                if (!*s) {
                    printf("error: unterminated %c quote\n", q);
                    return -1;
                }
                s++;
            } else {
                *out++ = *s++;
            }
        }
        if (*s) s++;
        *out = 0;
    }
}

int execute_line(const char *line)
{
    char copy[SHELL_LINE], *argv[SHELL_MAXARGS];
    if (strlcpy(copy, line, sizeof copy) >= sizeof copy) {
        printf("error: line too long (at most %d characters)\n", SHELL_LINE - 1);
        return -1;
    }
    int argc = tokenize(copy, argv);
    if (argc < 0) return -1;
    if (argc == 0 || argv[0][0] == '#') return 0;
    const struct command *c = find_command(argv[0]);
    if (!c) {
        printf("error: unknown command '%s' (type 'help' for the list)\n", argv[0]);
        return -1;
    }
    if (argc - 1 < c->min_args || (c->max_args >= 0 && argc - 1 > c->max_args))
        return usage_error(c);
    return c->fn(argc, argv) < 0 ? -1 : 0;
}

int main(void)
{
    static char line[SHELL_LINE];
    console_mode(&kea_base_console, true);
    printf("kea shell in domain %u: type 'help' for the commands\n", kea_domain_id());
    for (;;) {
        int n = line_read("kea> ", line, sizeof line);
        if (n == -1) {                  /* the console failed: do not spin */
            thread_sleep(&kea_base_thread, 100);
            continue;
        }
        if (n == -2) {
            printf("error: line too long (at most %d characters)\n", SHELL_LINE - 1);
            continue;
        }
        line_history_add(line);
        execute_line(line);
    }
}
