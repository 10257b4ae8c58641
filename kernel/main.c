/* kmain: the boot sequence, from the Multiboot hand-off to the console. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include <kea/multiboot.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"
#include "proc.h"
#include "udomain.h"


#define TIMER_HZ 100

static const char *cmdline = "";

/* Is `opt` one of the words of the kernel command line? */
int cmdline_has(const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = cmdline; (p = strstr(p, opt)) != 0; p += n)
        if ((p == cmdline || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
            return 1;
    return 0;
}

static void print_boot_info(const struct multiboot_info *mbi)
{
    if (mbi->flags & MBI_LOADER)
        printf("boot loader: %s\n", (const char *)P2V(mbi->boot_loader_name));
    if (mbi->flags & MBI_CMDLINE)
        cmdline = P2V(mbi->cmdline);
    if (*cmdline)
        printf("command line: %s\n", cmdline);
}

static void print_modules(void)
{
    printf("boot modules: %d\n", bmodfs_count());
    for (int i = 0; i < bmodfs_count(); i++) {
        const struct bmod *m = bmodfs_get(i);
        printf("  %-24s %8u bytes at %08x%s%s\n", m->name, (unsigned)m->size,
               (unsigned)V2P(m->data), m->args[0] ? "  args: " : "", m->args);
    }
}

#define SHELL_MODULE "shell.o"

/* The console: the shell domain when its boot module is there (unless the
 * command line says console=monitor), else the kernel's own monitor.  Runs
 * as a kernel thread, so that it can sleep and start domains. */
static void console_thread(void *arg)
{
    (void)arg;
    if (!cmdline_has("console=monitor") && bmodfs_find(SHELL_MODULE)) {
        char err[160];
        if (udomain_spawn(SHELL_MODULE, RIGHT_ALL, "", 0, err, sizeof err))
            return;                      /* the shell's own thread takes over */
        printf("kea: cannot start the shell (%s): kernel monitor instead\n", err);
    }
    monitor_run();
}

uint64_t kmain_tsc;

void kmain(uint32_t magic, uint32_t mbi_pa)
{
    kmain_tsc = rdtsc();                 /* the boot-cost benchmark counts from here */
    console_init();
    printf("kea kernel booting\n");
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a Multiboot boot loader (magic %08x)", magic);
    const struct multiboot_info *mbi = P2V(mbi_pa);

    gdt_init();
    idt_init();
    pic_init();
    paging_init(pmem_ram_top(mbi));    /* the direct map covers the RAM there is */
    print_boot_info(mbi);
    pmem_init(mbi);
    bmodfs_init(mbi);
    print_modules();

    domains_init();
    idc_init();
    basesvc_init();
    kbench_init();
    udomain_init();
    timer_init(TIMER_HZ);
    serial_enable_irq();
    if (!thread_create_kernel("console", console_thread, 0))
        panic("cannot create the console thread");
    printf("kea: ready\n");
    scheduler();
}
