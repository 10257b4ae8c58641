/* Threads: identity, root domain and a kernel stack, separate from their
 * execution state, the activation stack (proc.h).  act[0] is the base
 * activation in the root domain; IDC pushes and pops the others. */
#include <stdio.h>
#include <string.h>
#include <kea/memlayout.h>
#include "i386/x86.h"
#include "kernel.h"
#include "proc.h"
#include "sched.h"

static struct thread *threads[MAX_THREADS];
static int next_tid = 1;

extern void kthread_start(void);
extern void uthread_start(void);

struct thread *thread_at(int i) { return i >= 0 && i < MAX_THREADS ? threads[i] : 0; }

struct thread *thread_by_id(int id)
{
    for (int i = 0; i < MAX_THREADS; i++)
        if (threads[i] && threads[i]->id == id && threads[i]->state != T_ZOMBIE)
            return threads[i];
    return 0;
}

static struct thread *thread_alloc(struct domain *root, const char *name)
{
    int i = 0;
    while (i < MAX_THREADS && threads[i]) i++;
    if (i == MAX_THREADS) return 0;
    struct thread *t = kzalloc(sizeof *t);
    uint8_t *stack = pmem_alloc(KSTACK_SIZE, 0, PGSHIFT);
    if (!t || !stack) {
        kfree(t);
        if (stack) pmem_free(stack, KSTACK_SIZE);
        return 0;
    }
    t->id = next_tid++;
    strlcpy(t->name, name, sizeof t->name);
    t->root = root;
    t->kstack = stack;
    t->kstack_top = (uint32_t)stack + KSTACK_SIZE;
    t->space = root;
    t->act[0].dom = root;
    root->nthreads++;
    threads[i] = t;
    return t;
}

/* Lay out what swtch() pops: edi, esi, ebx, ebp, return address. */
static void push_switch_frame(struct thread *t, uint32_t sp, uint32_t eip, uint32_t ebx, uint32_t esi)
{
    uint32_t *s = (uint32_t *)sp;
    *--s = eip;
    *--s = 0;          /* ebp */
    *--s = ebx;
    *--s = esi;
    *--s = 0;          /* edi */
    t->kesp = (uint32_t)s;
}

struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = thread_alloc(kernel_domain, name);
    if (!t) return 0;
    push_switch_frame(t, t->kstack_top, (uint32_t)kthread_start, (uint32_t)fn, (uint32_t)arg);
    t->state = T_RUNNABLE;
    return t;
}

/* A thread in user domain d, starting in the domain's runtime thread entry
 * with eax = entry, ecx = arg and edx = arg2 (entry(arg, arg2)), on a fresh
 * activation slot. */
struct thread *thread_create_user(struct domain *d, const char *name, uint32_t entry, uint32_t arg,
                                  uint32_t arg2)
{
    if (d->is_kernel || !d->thread_entry) return 0;
    struct actslot *s = slot_get(d);
    if (!s) return 0;
    struct thread *t = thread_alloc(d, name);
    if (!t) {
        slot_put(d, s);
        return 0;
    }
    t->act[0].slot = s;
    struct trapframe *tf = (struct trapframe *)(t->kstack_top - sizeof *tf);
    user_frame_init(tf, d->thread_entry, SLOT_STACK_TOP(s));
    tf->eax = entry;
    tf->ecx = arg;
    tf->edx = arg2;
    push_switch_frame(t, (uint32_t)tf, (uint32_t)uthread_start, 0, 0);
    t->state = T_RUNNABLE;
    return t;
}

/* Free a zombie (never the running thread: its stack is in use). */
void thread_reap(struct thread *t)
{
    for (int i = 0; i < MAX_THREADS; i++)
        if (threads[i] == t) threads[i] = 0;
    for (int k = 0; k < MAX_DEPTH; k++)
        kfree(t->kbuf[k]);
    pmem_free(t->kstack, KSTACK_SIZE);
    kfree(t);
}

/* The statuses of the threads that ended last, for thread.join: a
 * thread's record goes with it, so they are kept here, a few. */
#define EXITS 32
static struct { int tid, status; } exits[EXITS];
static int exit_next;

static void record_exit(int tid, int status)
{
    exits[exit_next].tid = tid;
    exits[exit_next].status = status;
    exit_next = (exit_next + 1) % EXITS;
}

/* The exit status of thread tid, if it ended recently: 0, or -1. */
int thread_exit_status(int tid, int *status)
{
    for (int i = 0; i < EXITS; i++)
        if (exits[i].tid == tid) {
            *status = exits[i].status;
            return 0;
        }
    return -1;
}

void kthread_exit(int status)
{
    cli();
    struct thread *t = cur;
    t->exit_status = status;
    record_exit(t->id, status);
    for (int k = t->depth; k > 0; k--) {          /* exiting from inside calls */
        if (!t->act[k].dom->is_kernel)            /* kernel activations are not counted */
            t->act[k].dom->active--;
        if (t->act[k].slot) slot_put(t->act[k].dom, t->act[k].slot);
    }
    if (t->act[0].slot)
        slot_put(t->root, t->act[0].slot);
    t->root->nthreads--;
    t->state = T_ZOMBIE;
    wakeup(t);
    sched();
    panic("zombie thread %d ran again", t->id);
}

/* Kill the threads rooted in d (kdomain_destroy checked they are all at
 * their base activation, and none is running). */
void kill_domain_threads(struct domain *d)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = threads[i];
        if (!t || t->root != d || t->state == T_ZOMBIE) continue;
        d->nthreads--;
        t->state = T_ZOMBIE;
        t->act[0].slot = 0;             /* the domain's slots go with it */
        wakeup(t);
    }
}
