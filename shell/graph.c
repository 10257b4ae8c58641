/* graph: the live portal graph as Graphviz DOT, printed on the console
 * from "digraph kea {" to a line "}" (scripts/graph.py cuts it out there).
 *
 *   a domain        a cluster "NAME (domain ID)" holding a node for the
 *                   domain itself (its threads, the caller) and a box for
 *                   each portal it implements (a service's interface)
 *   a table entry   domain -> portal, labelled with the local id
 *   per-domain      domain -> new target in red, labelled "ID (remapped)";
 *   remap           domain -> original dotted red, "ID (hidden)"
 *   system-wide     portal -> target, blue, dashed, "system-wide"
 *   domain-rooted   portal -> target, green, dashed, "rooted at ROOT"
 *
 * Revoked portals that are still referenced are grey, outside clusters.
 * Every domain holds the base services at local ids 0..6: those entries
 * are left out unless --base (or remapped). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kea/tls.h>
#include "shell.h"

/* Names come from the system (domains, portals): keep quotes out of DOT. */
static void q(const char *s)
{
    putchar('"');
    for (; *s; s++) putchar(*s == '"' || *s == '\\' ? '_' : *s);
    putchar('"');
}

static int referenced(const struct sysq *sq, uint32_t id, struct sys_portal **tabs, uint32_t *ntab)
{
    for (uint32_t d = 0; d < sq->ndoms; d++)
        for (uint32_t i = 0; i < ntab[d]; i++)
            if (tabs[d][i].sys == id || tabs[d][i].orig == id) return 1;
    for (uint32_t i = 0; i < sq->nports; i++)
        if (sq->ports[i].global == id) return 1;
    for (uint32_t i = 0; i < sq->nrooted; i++)
        if (sq->rooted[i].from == id || sq->rooted[i].to == id) return 1;
    return 0;
}

int cmd_graph(int argc, char **argv)
{
    int base = argc == 2 && strcmp(argv[1], "--base") == 0;
    if (argc == 2 && !base) return usage_error(find_command("graph"));
    struct sysq sq;
    int r = sysq_load(&sq);
    if (r < 0) {
        printf("graph: %s\n", err_str(r));
        return -1;
    }
    struct sys_portal **tabs = calloc(sq.ndoms + 1, sizeof *tabs);
    uint32_t *ntab = calloc(sq.ndoms + 1, sizeof *ntab);
    if (!tabs || !ntab) {
        printf("graph: out of memory\n");
        free(tabs);
        free(ntab);
        sysq_free(&sq);
        return -1;
    }
    for (uint32_t d = 0; d < sq.ndoms; d++)
        if (sysq_table(sq.doms[d].id, &tabs[d], &ntab[d]) < 0) ntab[d] = 0;

    printf("digraph kea {\n");
    printf("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];\n");
    printf("  node [fontname=\"Helvetica\", fontsize=10];\n");
    printf("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (uint32_t d = 0; d < sq.ndoms; d++) {
        const struct sys_domain *dom = &sq.doms[d];
        printf("  subgraph cluster_d%u {\n    label=", dom->id);
        char label[64];
        snprintf(label, sizeof label, "%s (domain %u)", dom->name, dom->id);
        q(label);
        printf("; style=filled; fillcolor=%s;\n", dom->kernel ? "\"#e8e8f4\"" : "\"#f4f4e8\"");
        printf("    d%u [label=", dom->id);
        q(dom->name);
        printf(", shape=ellipse];\n");
        for (uint32_t i = 0; i < sq.nports; i++)
            if (sq.ports[i].dom == dom->id) {
                printf("    p%u [label=", sq.ports[i].id);
                q(sq.ports[i].name);
                printf(", shape=box];\n");
            }
        printf("  }\n");
    }
    for (uint32_t i = 0; i < sq.nports; i++)
        if (sq.ports[i].dom == SYS_NONE && referenced(&sq, sq.ports[i].id, tabs, ntab)) {
            char label[48];
            snprintf(label, sizeof label, "%s (revoked)", sq.ports[i].name);
            printf("  p%u [label=", sq.ports[i].id);
            q(label);
            printf(", shape=box, style=dashed, color=grey];\n");
        }
    /* Table entries and per-domain remaps. */
    for (uint32_t d = 0; d < sq.ndoms; d++)
        for (uint32_t i = 0; i < ntab[d]; i++) {
            const struct sys_portal *e = &tabs[d][i];
            uint32_t id = sq.doms[d].id;
            if (!sysq_portal(&sq, e->sys)) continue;
            if (e->orig != SYS_NONE) {
                printf("  d%u -> p%u [label=\"%u (remapped)\", color=red, fontcolor=red, penwidth=2];\n",
                       id, e->sys, e->local);
                if (sysq_portal(&sq, e->orig))
                    printf("  d%u -> p%u [label=\"%u (hidden)\", color=red, fontcolor=red, style=dotted];\n",
                           id, e->orig, e->local);
            } else if (base || e->local >= BASE_NPORTALS) {
                printf("  d%u -> p%u [label=\"%u\"];\n", id, e->sys, e->local);
            }
        }
    /* System-wide and rooted remaps, between portals. */
    for (uint32_t i = 0; i < sq.nports; i++)
        if (sq.ports[i].global != SYS_NONE && sysq_portal(&sq, sq.ports[i].global))
            printf("  p%u -> p%u [label=\"system-wide\", color=blue, fontcolor=blue, style=dashed, penwidth=2];\n",
                   sq.ports[i].id, sq.ports[i].global);
    for (uint32_t i = 0; i < sq.nrooted; i++) {
        const struct sys_rooted *rr = &sq.rooted[i];
        if (!sysq_portal(&sq, rr->from) || !sysq_portal(&sq, rr->to)) continue;
        char label[64];
        snprintf(label, sizeof label, "rooted at %s", sysq_domain_name(&sq, rr->root));
        printf("  p%u -> p%u [label=", rr->from, rr->to);
        q(label);
        printf(", color=darkgreen, fontcolor=darkgreen, style=dashed, penwidth=2];\n");
    }
    printf("}\n");
    for (uint32_t d = 0; d < sq.ndoms; d++) free(tabs[d]);
    free(tabs);
    free(ntab);
    sysq_free(&sq);
    return 0;
}
