/*
 * run.c — code the 32-bit host test really executes after relocation.
 * Each exported function returns something the test can check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern int host_callback(int);

int global_counter = 5;         /* preemptible global: PIC reads it via GOT */
static int initialized;
static int dtor_ran_marker;
int *dtor_flag;                 /* set by the test; the destructor writes it */

__attribute__((constructor)) static void run_init(void) { initialized = 1234; }
__attribute__((constructor(150))) static void run_init_early(void) { initialized = 1; }
__attribute__((destructor)) static void run_fini(void)
{
    dtor_ran_marker = 1;
    if (dtor_flag)
        *dtor_flag = 77;
}

int get_initialized(void) { return initialized; }
int bump(void) { return ++global_counter; }
int dtor_marker(void) { return dtor_ran_marker; }

uint64_t div64(uint64_t a, uint64_t b) { return a / b; }
int64_t mod64(int64_t a, int64_t b) { return a % b; }

size_t name_len(const char *s)
{
    char buf[64];               /* an array: -fstack-protector-strong guards it */

    strncpy(buf, s, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    return strlen(buf);
}

int call_import(int x) { return host_callback(x) * 2; }

const char *pick(int i)
{
    static const char *const names[] = { "zero", "one", "two" };
    return names[i % 3];
}

int classify(int x)
{
    switch (x) {
    case 0: return 10;
    case 1: return 21;
    case 2: return 32;
    case 3: return 43;
    case 4: return 54;
    case 5: return 65;
    default: return 0;
    }
}
