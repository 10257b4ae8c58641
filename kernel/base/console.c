/* kernel.console: the console base service (kernel/base/console.idl):
 * writes to the kernel console, reads from the tty, sets its mode. */
#include <stdio.h>
#include <kea/tls.h>
#include "../kernel.h"
#include "../proc.h"
#include "caller.h"
#include "console_server.h"

static int con_write(void *self, const void *data, size_t len)
{
    (void)self;
    kconsole_write(data, len);
    return 0;
}

static int con_read(void *self, void *data, size_t cap, size_t *len)
{
    (void)self;
    if (cap == 0) return -KEA_EINVAL;
    *len = (size_t)tty_read(data, cap);
    return 0;
}

static int con_mode(void *self, bool raw)
{
    (void)self;
    tty_set_mode(raw ? TTY_RAW : TTY_COOKED);
    return 0;
}

static const struct console_ops console_ops = { con_write, con_read, con_mode };

static struct console_server console_srv = { &console_ops, 0 };

struct portal *base_console_portal(void)
{
    return kportal_create(kernel_domain, "kernel.console", console_dispatch, &console_srv,
                          CONSOLE_IFACE_ID, IDC_BUF_MAX, IDC_BUF_MAX);
}
