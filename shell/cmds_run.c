/* Scripts and small commands: run, echo, sleep, history, clear.
 *
 * A script is a text boot module of shell commands, one a line.  Lines
 * starting with '#' are comments; `echo` lines narrate.  Each other command
 * is shown as "+ COMMAND" before it runs, so a transcript says what was
 * done.  The first failing command stops the script (and fails `run`),
 * unless --keep-going. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "thread_client.h"
#include "shell.h"

#define MAX_NESTING 4           /* scripts running scripts */

static int nesting;

static int run_script(const char *name, int keep_going)
{
    uint32_t size;
    char *text = read_module("run", name, &size);
    if (!text) return -1;
    if (memchr(text, 0, size)) {
        printf("run: %s is not a text script\n", name);
        free(text);
        return -1;
    }
    int lineno = 0, failed = 0, ran = 0;
    char *save;
    for (char *line = text; line && *line; line = save) {
        save = strchr(line, '\n');
        if (save) *save++ = 0;
        lineno++;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r') line[--n] = 0;
        while (*line == ' ' || *line == '\t') line++;
        if (!*line || *line == '#') continue;
        if (strlen(line) >= SHELL_LINE) {
            printf("run: %s:%d: line too long (at most %d characters)\n", name, lineno, SHELL_LINE - 1);
            failed++;
            if (!keep_going) break;
            continue;
        }
        if (strncmp(line, "echo", 4) != 0 || (line[4] != ' ' && line[4] != 0))
            printf("+ %s\n", line);
        ran++;
        if (execute_line(line) < 0) {
            failed++;
            if (!keep_going) {
                printf("run: %s:%d: '%s' failed; stopping\n", name, lineno, line);
                break;
            }
        }
    }
    free(text);
    if (failed && keep_going)
        printf("run: %s: %d of %d commands failed\n", name, failed, ran);
    return failed ? -1 : 0;
}

int cmd_run(int argc, char **argv)
{
    int keep_going = 0;
    const char *script = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--keep-going") == 0) keep_going = 1;
        else if (argv[i][0] == '-') {
            printf("run: unknown option '%s' (--keep-going)\n", argv[i]);
            return -1;
        } else if (!script) script = argv[i];
        else return usage_error(find_command("run"));
    }
    if (!script) return usage_error(find_command("run"));
    if (nesting == MAX_NESTING) {
        printf("run: scripts nested too deep (at most %d)\n", MAX_NESTING);
        return -1;
    }
    nesting++;
    int r = run_script(script, keep_going);
    nesting--;
    return r;
}

int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    printf("\n");
    return 0;
}

int cmd_sleep(int argc, char **argv)
{
    (void)argc;
    uint32_t ms;
    if (parse_ms("sleep", argv[1], &ms) < 0) return -1;
    static struct watch w;              /* ^C ends the sleep (watch.c) */
    watch_start(&w, SYS_NONE, 0);
    while (ms > 0 && !w.interrupted) {  /* in slices, to see a ^C */
        uint32_t slice = ms < 50 ? ms : 50;
        thread_sleep(&kea_base_thread, slice);
        ms -= slice;
    }
    watch_stop(&w);
    if (w.interrupted) {
        printf("sleep: stopped by ^C\n");
        return -1;
    }
    return 0;
}

int cmd_history(int argc, char **argv)
{
    (void)argc; (void)argv;
    line_history_print();
    return 0;
}

int cmd_clear(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("\x1b[H\x1b[2J");
    return 0;
}
