/*
 * basic.c — a service-like object using every feature the loader handles:
 * imported functions and data, weak definitions, weak undefined references,
 * COMMON symbols (built with -fcommon), initialized and zeroed statics,
 * read-only tables and strings, pointers in data, a switch jump table,
 * constructors and destructors with priorities.
 *
 * Built in several ways (see loader/loader.mk): non-PIC and PIC, -O0 and
 * -O2, with and without debug info.  Strings are chosen so that none is a
 * suffix of another: GNU ld merges such strings in .rodata.str sections and
 * the byte-for-byte comparison with ld would then see a different layout.
 */
extern int imp_add(int a, int b);               /* imported function */
extern int imp_table[];                         /* imported data */
extern int missing_weak_fn(int) __attribute__((weak));
extern int missing_weak_var __attribute__((weak));

__attribute__((weak)) int weak_def(int x) { return x + 1; }

int comm_small;                                 /* COMMON, align 4 */
int comm_big[64] __attribute__((aligned(64)));  /* COMMON, align 64 */
char comm_char;                                 /* COMMON, align 1 */

static int counter = 7;
static int zeroed;
int init_data = 42;
const int table[] = { 1, 2, 3, 5, 8, 13, 21 };
const char greeting[] = "hello, kea";
const char *const strs[] = { "alpha", "bravo", "charlie" };
int (*fp)(int) = weak_def;
int *imp_ptr = &imp_table[2];

int order[8];
int norder;

__attribute__((constructor)) static void ctor_default(void) { order[norder++] = 1; }
__attribute__((constructor(101))) static void ctor_101(void) { order[norder++] = 2; }
__attribute__((constructor(200))) static void ctor_200(void) { order[norder++] = 3; }
__attribute__((destructor)) static void dtor_default(void) { order[norder++] = 4; }
__attribute__((destructor(150))) static void dtor_150(void) { order[norder++] = 5; }

int sw(int x)
{
    switch (x) {
    case 0: return counter;
    case 1: return zeroed + 11;
    case 2: return table[x] * 3;
    case 3: return greeting[x];
    case 4: return strs[1][0];
    case 5: return imp_table[1];
    case 6: return comm_big[3] + 5;
    case 7: return init_data - 1;
    default: return -1;
    }
}

int entry(int x)
{
    int r = imp_add(x, counter++);

    if (missing_weak_fn)
        r += missing_weak_fn(x);
    if (&missing_weak_var)
        r += missing_weak_var;
    r += weak_def(x) + fp(x) + *imp_ptr + comm_small + comm_char;
    zeroed += r;
    return r + sw(x & 7) + strs[x & 1][1];
}
