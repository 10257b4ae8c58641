/* Declarations shared by the generic kernel files. */
#ifndef KEA_KERNEL_H
#define KEA_KERNEL_H
#include <stddef.h>
#include <stdint.h>

struct trapframe;
struct multiboot_info;

/* Exit statuses given to QEMU's isa-debug-exit (QEMU exits with 2*code+1). */
#define KEA_EXIT_FAULT 1      /* fatal CPU exception in the kernel */
#define KEA_EXIT_PANIC 2      /* panic() or a failed assert */

/* Called from the trap path. */
void user_exception(struct trapframe *tf);     /* idc_fault.c: a fault in a user domain */
void sched_tick(struct trapframe *tf);         /* sched.c: every timer interrupt */

/* console.c: output to serial and VGA; input through the tty line discipline. */
void console_init(void);
void kconsole_write(const char *s, size_t n);

/* serial.c, vga.c: the two console devices. */
void serial_init(void);
void serial_enable_irq(void);
void serial_putc(char c);
void vga_init(void);
void vga_putc(char c);

/* tty.c: the line discipline between serial input and console readers. */
enum tty_mode { TTY_COOKED, TTY_RAW };
void tty_input(char c);                   /* called from the serial interrupt */
void tty_set_mode(enum tty_mode m);
enum tty_mode tty_get_mode(void);
int  tty_read(char *buf, size_t n);       /* blocks; cooked: up to and including '\n' */
int  tty_getc(void);                      /* blocks; one byte */
int  tty_poll(void);                      /* bytes ready to read now */
extern uint64_t tty_first_read_tsc;       /* rdtsc at the first read: the first prompt (kbench) */
extern uint64_t kmain_tsc;                /* main.c: rdtsc on entry to kmain (kbench) */
void tty_output_ended(void);              /* console output ended a line */

/* pmem.c: physical memory (LMM over the Multiboot map) and pages. */
#define LMMF_1MB  0x1u
#define LMMF_16MB 0x2u
void  pmem_init(const struct multiboot_info *mbi);
uint32_t pmem_ram_top(const struct multiboot_info *mbi);   /* for paging_init */
void *page_alloc(void);                   /* one zeroed 4 KiB page (kernel virtual) */
void  page_free(void *page);                /* drops one reference */
void  page_incref(void *page);
void *pages_alloc(uint32_t n);              /* n contiguous pages */              /* one more mapping shares it */
void *pmem_alloc(size_t size, uint32_t flags, int align_bits);  /* raw LMM access */
void  pmem_free(void *p, size_t size);
struct pmem_stats { size_t total, free, pages_in_use, heap_bytes, heap_blocks; };
void  pmem_stats(struct pmem_stats *st);

/* kmalloc.c: the kernel heap on top of the LMM. */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void  kmalloc_stats(size_t *bytes, size_t *blocks);
void  kfree(void *p);

/* bmodfs.c: boot modules as a read-only RAM file system. */
struct bmod {
    char name[48];                        /* file name from the module command line */
    const char *args;                     /* the rest of the command line */
    const uint8_t *data;
    size_t size;
};
struct bmod_file { const struct bmod *mod; size_t pos; };
void bmodfs_init(const struct multiboot_info *mbi);
int  bmodfs_count(void);
const struct bmod *bmodfs_get(int i);
const struct bmod *bmodfs_find(const char *name);
int  bmod_open(const char *name, struct bmod_file *f);
long bmod_read(struct bmod_file *f, void *buf, size_t n);
size_t bmod_size(const struct bmod_file *f);

/* ksyms.c: the kernel's own symbol table, for backtraces. */
const char *ksym_name(uint32_t addr, uint32_t *offset);
int ksym_lookup(const char *name, uint32_t *addr);
void backtrace_here(void);                /* i386/backtrace.c */
const char *trap_name(uint32_t trapno);   /* i386/trap.c */
struct trapframe;
void deadline_check(struct trapframe *tf);                 /* recover.c: from a timer tick */
void recover_kernel_deadline(struct trapframe *tf);        /* recover.c: an interrupt in a
                                                              kernel-placed service's call */
void idc_abort_callee(struct trapframe *tf, int status);   /* idc.c */
int  recover_kernel_fault(struct trapframe *tf);           /* recover.c: trap.c, before halting */
void recover_kernel_abort(const char *why);                /* recover.c: a kernel-placed service's
                                                              stack-protector failure, panic */

/* monitor.c: the kernel console until the shell domain exists. */
void monitor_run(void);

void kernel_poweroff(void) __attribute__((noreturn));   /* panic.c */
int  cmdline_has(const char *opt);      /* main.c: a word of the kernel command line */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#endif
