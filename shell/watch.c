/* ^C while the shell waits: for a program (spawn --wait, bench), a portal
 * (wait) or time (sleep).
 *
 * The shell's own thread is blocked then (in thread.join, or sleeping), so
 * a second thread of the shell reads the console meanwhile (line_watch in
 * line.c): on ^C it marks the wait interrupted and, when the wait is for a
 * program, destroys the program's domain, as ^C ends a foreground job.
 * Everything else typed meanwhile stays queued, in order, for the editor.
 * When the wait is over, the shell sets raw mode again until the reader
 * has left: that wakes a reader waiting for input (kernel/tty.c). */
#include <stdio.h>
#include <kea/idc.h>
#include "console_client.h"
#include "domain_client.h"
#include "thread_client.h"
#include "shell.h"

static int watcher(uint32_t arg)
{
    struct watch *w = (struct watch *)arg;
    while (!w->over) {
        int r = line_watch();
        if (r < 0 || w->over) break;
        if (r == 1) {
            w->interrupted = 1;
            if (w->dom == SYS_NONE) continue;
            /* Refused while one of its threads is calling out (a call in
             * progress elsewhere): try again until it is between calls. */
            int e = -KEA_EBUSY;
            for (int tries = 0; e == -KEA_EBUSY && tries < 300 && !w->over; tries++) {
                e = domain_destroy(&kea_base_domain, w->dom);
                if (e == -KEA_EBUSY) thread_sleep(&kea_base_thread, 10);
            }
            if (e == 0) w->killed = 1;
            else if (e != -KEA_ENOENT && !w->over)
                printf("^C: cannot kill %s (domain %u) now: %s; ^C again\n", w->name, w->dom, err_str(e));
        }
    }
    w->gone = 1;
    return 0;                   /* the runtime ends the thread */
}

void watch_start(struct watch *w, uint32_t dom, const char *name)
{
    w->dom = dom;
    w->name = name;
    w->over = w->gone = w->interrupted = w->killed = 0;
    w->on = thread_create(&kea_base_thread, (uint32_t)watcher, (uint32_t)w, &w->tid) == 0;
}

void watch_stop(struct watch *w)
{
    w->over = 1;
    if (!w->on) return;
    while (!w->gone) {                  /* wake the reader until it has left */
        console_mode(&kea_base_console, true);
        thread_sleep(&kea_base_thread, 10);
    }
    int32_t status;
    thread_join(&kea_base_thread, w->tid, &status);
    w->on = 0;
}
