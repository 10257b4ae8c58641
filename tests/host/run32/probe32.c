/* probe32 — a 32-bit host program for the tests of scripts/run32
 * (tests/host/run32/test_run32.py).
 *
 * It prints what the test needs to tell how it was run: the machine the
 * kernel it talks to reports (x86_64 when an x86-64 kernel runs it natively,
 * i686 under qemu-i386, which reports its guest machine), its pointer size,
 * and its arguments one per line, bracketed so that spaces show; then it
 * exits with the status given as its first argument.
 *
 * Usage: probe32 STATUS [ARG...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
    struct utsname u;

    if (uname(&u) != 0) {
        perror("probe32: uname");
        return 100;
    }
    printf("machine=%s\n", u.machine);
    printf("pointer=%u\n", (unsigned)sizeof(void *));
    for (int i = 2; i < argc; i++)
        printf("arg=[%s]\n", argv[i]);
    return argc > 1 ? atoi(argv[1]) : 0;
}
