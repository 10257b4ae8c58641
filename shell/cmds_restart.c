/* restart, policy, checkpoint, inject: the restart of failed services
 * (kernel/restart.c, docs/reliability.md).  The kernel does the work and
 * says what it did on the console; these pass the request on and say what
 * a refusal means. */
#include <stdio.h>
#include <string.h>
#include <kea/idc.h>
#include "sys_client.h"
#include "shell.h"

/* "WORD ARG..." as one request to sys.recovery. */
static int request(const char *what, int argc, char **argv)
{
    char spec[160];
    size_t n = (size_t)snprintf(spec, sizeof spec, "%s", what);
    for (int i = 1; i < argc && n < sizeof spec; i++)
        n += (size_t)snprintf(spec + n, sizeof spec - n, " %s", argv[i]);
    if (n >= sizeof spec) {
        printf("%s: the request is too long\n", what);
        return -1;
    }
    int r = sys_recovery(&kea_base_sys, spec);
    if (r < 0) {
        printf("%s: %s (%s)\n", what, argv[1], err_str(r));
        return -1;
    }
    return 0;
}

int cmd_restart(int argc, char **argv) { return request("restart", argc, argv); }
int cmd_policy(int argc, char **argv) { return request("policy", argc, argv); }
int cmd_checkpoint(int argc, char **argv) { return request("checkpoint", argc, argv); }
int cmd_inject(int argc, char **argv) { return request("inject", argc, argv); }
