/* TAB completion: the word before the cursor, from what the command
 * expects there (struct command's complete), with names read live from
 * the sys service.  One candidate: it is inserted (with a space at the end
 * of the line).  Several: their common prefix is inserted, or, when that
 * adds nothing, they are listed under the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shell.h"

#define MAXCANDS 256
#define CANDLEN 48

static char cand[MAXCANDS][CANDLEN];
static char *cands[MAXCANDS];
static int ncand;
static const char *prefix;

static void add(const char *name)
{
    if (strncmp(name, prefix, strlen(prefix)) != 0 || ncand == MAXCANDS) return;
    for (int i = 0; i < ncand; i++)
        if (strcmp(cand[i], name) == 0) return;
    strlcpy(cand[ncand], name, CANDLEN);
    cands[ncand] = cand[ncand];
    ncand++;
}

static void add_kind(const char *kind)
{
    if (strcmp(kind, "command") == 0) {
        for (const struct command *c = shell_commands; c->name; c++)
            add(c->name);
        return;
    }
    if (strcmp(kind, "module") == 0) {
        struct sys_module *m;
        uint32_t n;
        if (sysq_modules(&m, &n) < 0) return;
        for (uint32_t i = 0; i < n; i++) add(m[i].name);
        free(m);
        return;
    }
    struct sysq q;
    if (sysq_load(&q) < 0) return;
    if (strcmp(kind, "domain") == 0)
        for (uint32_t i = 0; i < q.ndoms; i++) add(q.doms[i].name);
    if (strcmp(kind, "portal") == 0)
        for (uint32_t i = 0; i < q.nports; i++)
            if (q.ports[i].dom != SYS_NONE) add(q.ports[i].name);
    if (strcmp(kind, "service") == 0) {
        struct sys_service *s;
        uint32_t n;
        if (sysq_services(&s, &n) == 0) {
            for (uint32_t i = 0; i < n; i++) add(s[i].name);
            free(s);
        }
        for (uint32_t i = 0; i < q.nports; i++) {
            char name[CANDLEN];
            strlcpy(name, q.ports[i].name, sizeof name);
            char *dot = strchr(name, '.');
            if (dot && q.ports[i].dom != SYS_NONE) {
                *dot = 0;
                add(name);
            }
        }
    }
    sysq_free(&q);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void complete_word(const char *line, size_t word_start, size_t word_end)
{
    /* The words before the one being completed. */
    char head[SHELL_LINE], *words[SHELL_MAXARGS], *save;
    int pos = 0;
    memcpy(head, line, word_start);
    head[word_start] = 0;
    for (char *w = strtok_r(head, " ", &save); w && pos < SHELL_MAXARGS; w = strtok_r(0, " ", &save))
        words[pos++] = w;
    char pre[SHELL_LINE];
    memcpy(pre, line + word_start, word_end - word_start);
    pre[word_end - word_start] = 0;
    prefix = pre;
    ncand = 0;

    const char *spec = "@command";
    if (pos > 0) {
        const struct command *c = find_command(words[0]);
        spec = c && c->complete ? c->complete(pos, words) : 0;
    }
    if (spec) {
        char alts[128], *asave;
        strlcpy(alts, spec, sizeof alts);
        for (char *a = strtok_r(alts, "|", &asave); a; a = strtok_r(0, "|", &asave))
            if (a[0] == '@') add_kind(a + 1);
            else add(a);
    }
    if (ncand == 0) {
        putchar('\a');
        return;
    }
    qsort(cands, (size_t)ncand, sizeof cands[0], by_name);
    size_t common = strlen(cands[0]);
    for (int i = 1; i < ncand; i++) {
        size_t k = 0;
        while (k < common && cands[i][k] == cands[0][k]) k++;
        common = k;
    }
    size_t have = strlen(pre);
    char add_text[CANDLEN + 1];
    if (common > have) {
        memcpy(add_text, cands[0] + have, common - have);
        add_text[common - have] = 0;
        if (ncand == 1 && line[word_end] == 0) strlcat(add_text, " ", sizeof add_text);
        line_insert(add_text);
    } else if (ncand == 1) {
        if (line[word_end] == 0) line_insert(" ");
    } else {
        line_show_candidates(cands, ncand);
    }
}
