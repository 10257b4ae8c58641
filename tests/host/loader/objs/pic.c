/*
 * pic.c — code whose PIC translation needs every GOT-related relocation:
 * extern and preemptible data through GOT slots (R_386_GOT32X), statics
 * through GOTOFF, the GOT base through GOTPC, calls through PLT32, and
 * function pointers that must come from the GOT.
 */
extern int ext_var;
extern int ext_arr[];
extern int ext_fn(int);
extern int missing_weak_pic(void) __attribute__((weak));
int global_var = 3;                     /* preemptible: read via the GOT */
static int local_var = 4;
static int local_fn(int x) { return x * local_var; }

typedef int (*fn_t)(int);

fn_t get_ext_fn(void) { return ext_fn; }
fn_t get_local_fn(void) { return local_fn; }
int *get_ext_var(void) { return &ext_var; }
int *get_global_var(void) { return &global_var; }

int pic_entry(int x)
{
    int r = ext_var + ext_arr[x & 3] + global_var + local_var;

    r += ext_fn(x) + local_fn(x);
    if (missing_weak_pic)
        r += missing_weak_pic();
    return r;
}
