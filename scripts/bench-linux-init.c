/* bench-linux-init.c: the /init of the Linux baseline (make bench-linux).
 *
 * Booted as the only program of an initramfs under the same QEMU
 * -icount shift=0 as kea's benchmarks, where rdtsc counts guest
 * instructions, it measures what compares with kea's IDC rows the same
 * way bench.c does (median of 7 batches of 200, the empty loop
 * subtracted):
 *   getpid()             the null system call, beside a call to a
 *                        kernel-placed base service;
 *   pipe round trip      N bytes to a second process through one pipe and
 *                        N bytes back through another (1 B, 1 KiB, 4 KiB),
 *                        beside an IDC with N bytes in and N out.
 * Prints "LINUX name value" lines on the console, then powers off.
 *
 * No C library: a static i386 program built with -nostdlib, making system
 * calls the way glibc does, through the vDSO's __kernel_vsyscall (sysenter
 * on a 686 kernel) when the kernel offers it (AT_SYSINFO), else int 0x80. */
#include <stdint.h>

#define SYS_exit    1
#define SYS_fork    2
#define SYS_read    3
#define SYS_write   4
#define SYS_open    5
#define SYS_mknod   14
#define SYS_getpid  20
#define SYS_mkdir   39
#define SYS_pipe    42
#define SYS_dup2    63
#define SYS_reboot  88
#define SYS_wait4   114

#define AT_SYSINFO  32
#define BATCH  200
#define ROUNDS 7

static uint32_t vsyscall;           /* __kernel_vsyscall, 0: use int 0x80 */

static long sys3(long nr, long a, long b, long c)
{
    long r;
    if (vsyscall)
        __asm__ volatile("call *%[vs]" : "=a"(r)
                         : "a"(nr), "b"(a), "c"(b), "d"(c), [vs] "m"(vsyscall) : "memory");
    else
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
#define sys0(nr) sys3(nr, 0, 0, 0)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static unsigned long slen(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static void puts1(const char *s) { sys3(SYS_write, 1, (long)s, (long)slen(s)); }

static void put_row(const char *name, uint32_t v)
{
    char num[12], *p = num + sizeof num;
    *--p = 0;
    do *--p = (char)('0' + v % 10); while (v /= 10);
    puts1("LINUX "); puts1(name); puts1(" "); puts1(p); puts1("\n");
}

static uint32_t median(uint32_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint32_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return v[n / 2];
}

static uint32_t loop_cost;

#define MEASURE(result, op) do { \
        uint32_t r_[ROUNDS]; \
        for (int k_ = 0; k_ < ROUNDS; k_++) { \
            uint64_t t0_ = rdtsc(); \
            for (int i_ = 0; i_ < BATCH; i_++) { op; } \
            r_[k_] = (uint32_t)((rdtsc() - t0_) / BATCH); \
        } \
        result = median(r_, ROUNDS) - loop_cost; \
    } while (0)

static char buf[4096];

/* n bytes through fd (a pipe: reads may come in pieces). */
static int read_all(int fd, char *p, long n)
{
    while (n > 0) {
        long r = sys3(SYS_read, fd, (long)p, n);
        if (r <= 0) return -1;
        p += r; n -= r;
    }
    return 0;
}

/* The second process: echo n-byte messages from `in` to `out` until EOF. */
static void echo_child(int in, int out, long n)
{
    static char cbuf[4096];
    while (read_all(in, cbuf, n) == 0)
        sys3(SYS_write, out, (long)cbuf, n);
    sys3(SYS_exit, 0, 0, 0);
}

static void pipe_round_trip(const char *name, long n)
{
    int to[2], from[2];
    if (sys3(SYS_pipe, (long)to, 0, 0) < 0 || sys3(SYS_pipe, (long)from, 0, 0) < 0) {
        puts1("bench-linux: pipe failed\n");
        return;
    }
    long pid = sys0(SYS_fork);
    if (pid == 0) {
        sys3(6 /* close */, to[1], 0, 0);
        sys3(6, from[0], 0, 0);
        echo_child(to[0], from[1], n);
    }
    sys3(6, to[0], 0, 0);
    sys3(6, from[1], 0, 0);
    uint32_t v;
    MEASURE(v, sys3(SYS_write, to[1], (long)buf, n); read_all(from[0], buf, n));
    put_row(name, v);
    sys3(6, to[1], 0, 0);               /* EOF: the child exits */
    sys3(SYS_wait4, -1, 0, 0);
    sys3(6, from[0], 0, 0);
}

static void bench(void)
{
    uint32_t r[ROUNDS];
    for (int k = 0; k < ROUNDS; k++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < BATCH; i++) __asm__ volatile("");
        r[k] = (uint32_t)((rdtsc() - t0) / BATCH);
    }
    loop_cost = median(r, ROUNDS);
    uint32_t v;
    MEASURE(v, sys0(SYS_getpid));
    put_row("getpid", v);
    pipe_round_trip("pipe_round_trip_1", 1);
    pipe_round_trip("pipe_round_trip_1024", 1024);
    pipe_round_trip("pipe_round_trip_4096", 4096);
    puts1(vsyscall ? "bench-linux: system calls through the vDSO (sysenter)\n"
                   : "bench-linux: system calls through int 0x80\n");
    puts1("LINUX done 0\n");
}

/* The kernel jumps here with argc, argv, envp and the auxiliary vector on
 * the stack. */
__attribute__((used)) static void start_c(uint32_t *sp)
{
    uint32_t argc = sp[0];
    uint32_t *p = sp + 1 + argc + 1;    /* envp */
    while (*p) p++;
    for (p++; p[0]; p += 2)             /* auxv: type, value pairs */
        if (p[0] == AT_SYSINFO) vsyscall = p[1];
    /* A console of our own: the initramfs holds only /init. */
    sys3(SYS_mkdir, (long)"/dev", 0755, 0);
    sys3(SYS_mknod, (long)"/dev/ttyS0", 0020600, (4 << 8) | 64);
    int fd = (int)sys3(SYS_open, (long)"/dev/ttyS0", 2 /* O_RDWR */, 0);
    if (fd >= 0) {
        sys3(SYS_dup2, fd, 1, 0);
        sys3(SYS_dup2, fd, 2, 0);
    }
    bench();
    sys3(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc);   /* power off */
    for (;;)
        sys3(SYS_exit, 0, 0, 0);
}

__asm__(".globl _start\n"
        "_start:\n"
        "    xorl %ebp, %ebp\n"
        "    movl %esp, %eax\n"
        "    andl $-16, %esp\n"
        "    subl $12, %esp\n"
        "    pushl %eax\n"
        "    call start_c\n"
        "    hlt\n");
