/* Symbolized stack backtraces by walking the frame-pointer chain (the kernel
 * is built with -fno-omit-frame-pointer).  Every frame pointer is checked
 * before it is read, so a corrupt stack ends the trace instead of faulting
 * again inside the fault handler. */
#include <stdint.h>
#include <stdio.h>
#include <kea/memlayout.h>
#include "arch.h"
#include "mmu.h"
#include "../kernel.h"

#define MAX_FRAMES 24

static void print_frame(int depth, uint32_t eip)
{
    uint32_t off;
    const char *name = ksym_name(eip, &off);
    if (name)
        printf("  #%-2d %08x %s+%#x\n", depth, eip, name, off);
    else
        printf("  #%-2d %08x ?\n", depth, eip);
}

void backtrace_from(uint32_t eip, uint32_t ebp)
{
    printf("backtrace:\n");
    print_frame(0, eip);
    for (int depth = 1; depth < MAX_FRAMES && ebp; depth++) {
        if ((ebp & 3) || ebp < KERNBASE || !kernel_mapped(ebp) || !kernel_mapped(ebp + 4)) {
            printf("  (frame pointer %08x is not a kernel stack address)\n", ebp);
            return;
        }
        uint32_t *frame = (uint32_t *)ebp;
        uint32_t ret = frame[1];
        if (!ret) return;
        print_frame(depth, ret);
        if (frame[0] <= ebp) return;        /* stacks grow down: callers are higher */
        ebp = frame[0];
    }
}

/* Backtrace of whoever called backtrace_here(). */
void backtrace_here(void)
{
    uint32_t *frame = __builtin_frame_address(0);
    backtrace_from(frame[1], frame[0]);
}
