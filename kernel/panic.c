/* panic, abort and assertion failures: the environment functions the
 * minimal libc expects.  All end with a backtrace and a halt whose exit
 * status tells tests a panic from a fault. */
#include <stdarg.h>
#include <stdio.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"

static int panicking;

void panic(const char *fmt, ...)
{
    cli();
    if (panicking++) {            /* a panic while panicking: just stop */
        printf("kea: recursive panic\n");
        arch_halt(KEA_EXIT_PANIC);
    }
    va_list ap;
    va_start(ap, fmt);
    printf("\n*** kernel panic: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    backtrace_here();
    printf("kea: halted after panic\n");
    arch_halt(KEA_EXIT_PANIC);
}

void abort(void)
{
    panic("abort() called");
}

void kernel_poweroff(void)
{
    printf("kea: power off\n");
    arch_poweroff();
}
