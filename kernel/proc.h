/* Domains, threads, activations and portals: the Kea abstractions.
 *
 * A domain is an address space and the owner of resources.  A thread is the
 * schedulable entity: its identity, scheduling state and root domain (where
 * it started) are separate from its execution state, a stack of activations,
 * one per domain it is currently executing in.  Only the top activation runs.
 * A portal is a system-wide entry point into one domain; each domain reaches
 * portals through its own table of local ids. */
#ifndef KEA_PROC_H
#define KEA_PROC_H
#include <stdint.h>
#include <kea/idc.h>
#include <kea/memlayout.h>
#include <kea/rights.h>
#include "i386/arch.h"

#define MAX_DOMAINS     64
#define MAX_THREADS     128
#define MAX_DEPTH       32          /* activations per thread */
#define KSTACK_SIZE     16384
#define DOMAIN_NAME     24

/* Domain rights (include/kea/rights.h). */
#define RIGHT_REMAP_OTHERS KEA_RIGHT_REMAP_OTHERS
#define RIGHT_REMAP_GLOBAL KEA_RIGHT_REMAP_GLOBAL
#define RIGHT_DOMAINS      KEA_RIGHT_DOMAINS
#define RIGHT_IO           KEA_RIGHT_IO
#define RIGHT_ALL          KEA_RIGHT_ALL

/* A cached activation area in a user domain: a stack and the two IDC
 * buffers, with the kernel addresses of the buffer pages. */
struct actslot {
    struct actslot *next;           /* domain's free list */
    struct actslot *all_next;       /* every slot of the domain */
    uint32_t base;                  /* user address of the slot */
    uint8_t *in_kva, *out_kva;      /* kernel view of the in and out pages */
    uint32_t *entry_kva;            /* kernel view of the two words at the stack top */
};
#define SLOT_STACK_TOP(s) ((s)->base + 0x1000u + ACT_STACK_SIZE)
#define SLOT_IN(s)        SLOT_STACK_TOP(s)
#define SLOT_OUT(s)       (SLOT_STACK_TOP(s) + 0x1000u)

struct rooted_map;                   /* remap.c: domain-rooted remaps of one root */

/* A counting semaphore (sem.c); each domain has DOMAIN_SEMS of its own. */
#define DOMAIN_SEMS     16
struct ksem { int used, value; };

struct portal_slot {
    struct portal *cur;             /* what this local id reaches */
    struct portal *orig;            /* before a per-domain remap, else NULL */
};                                  /* 8 bytes: idc_fast.S indexes ptab with scale 8 */

#define GRANTS_MAX      (IDC_MAX_PORTALS / 4)   /* entries other domains may grant in */
#define ACCEPT_NONE     (-1)                    /* domain.accept_from: no grants taken */
#define ACCEPT_ANY      (-2)                    /*                     from anyone */

struct domain {
    int id;
    char name[DOMAIN_NAME];
    int alive;
    int is_kernel;
    uint32_t *pgdir;                /* kernel virtual address */
    uint32_t cr3;                   /* its physical address */
    uint32_t rights;
    uint32_t upcall_entry;          /* the runtime's callee entry (user domains) */
    uint32_t thread_entry;          /* the runtime's thread start */
    struct portal_slot ptab[IDC_MAX_PORTALS];
    int granter[IDC_MAX_PORTALS];   /* who granted each entry (portal.grant), 0: its own */
    struct rooted_map *rooted;      /* remaps for threads rooted here, or NULL */
    struct actslot *free_slots;     /* cached activation areas */
    uint32_t nslots;                /* slots ever created */
    struct actslot *slots;          /* all slots (array of ACT_MAX_SLOTS lazily) */
    int active;                     /* activations currently inside */
    int nthreads;                   /* threads rooted here */
    uint32_t heap_top;              /* next unmapped heap address */
    uint32_t image_top;             /* next free address for loaded objects */
    struct ksem sem[DOMAIN_SEMS];   /* its semaphores (sem.c) */
    uint8_t *iomap;                 /* I/O permission bitmap, if granted ports */
    struct portal *pager;           /* handles faults in the paged area, or NULL */
    uint32_t faults;                /* page faults delivered to the pager */
    uint32_t pages;                 /* user pages mapped */
    int accept_from;                /* whose portal.grant it consents to (ACCEPT_*, or an id) */
    uint32_t quota;                 /* most pages (user pages + page tables) it may hold */
    uint32_t ptpages;               /* page tables of its user half */
    int creator;                    /* id of the domain that created it (0: the kernel) */
    int quota_reported;             /* "reached its quota" printed once */
};

#define QUOTA_UNLIMITED 0xffffffffu

struct activation {
    struct domain *dom;
    struct portal *portal;          /* invoked to create it; NULL for the base */
    struct actslot *slot;           /* user domains: stack and buffers */
    uint32_t ret_eip, ret_esp;      /* user caller: where to resume */
    uint32_t out_uptr;              /* user caller: its out-buffer */
    uint16_t out_cap;               /* ... and its size, at most IDC_BUF_MAX */
    uint16_t proc;                  /* the procedure called: its reply's contract (kernel/reply.c) */
    struct idc_args *kargs;         /* kernel caller: its arguments, else NULL */
    uint32_t kctx[6];               /* kernel caller: saved context (kctx_save) */
    uint32_t saved_kstack;          /* kernel caller: kstack top before the upcall */
    struct domain *saved_dom;       /* kernel caller: address space to restore */
    int status;
    uint32_t since;                 /* timer tick it began (the call deadline, kernel/recover.c);
                                       every path that pushes an activation sets it */
};
/* swtch.S's kctx_save/kctx_resume store six words (ebx esi edi ebp esp eip). */
_Static_assert(sizeof(((struct activation *)0)->kctx) == 6 * sizeof(uint32_t), "swtch.S kctx");

enum thread_state { T_UNUSED, T_RUNNABLE, T_RUNNING, T_SLEEPING, T_ZOMBIE };

struct thread {
    int id;
    char name[16];
    enum thread_state state;
    struct domain *root;            /* the domain the thread started in */
    void *chan;                     /* what it sleeps on */
    uint8_t *kstack;                /* KSTACK_SIZE bytes */
    uint32_t kstack_top;            /* where traps from user mode land now */
    uint32_t kesp;                  /* saved kernel esp while switched out */
    struct domain *space;           /* whose address space it runs in now */
    int depth;                      /* index of the top activation */
    struct activation act[MAX_DEPTH];
    uint8_t *kbuf[MAX_DEPTH];       /* per-depth kernel copies of user in/out buffers */
    uint64_t wake_tick;             /* sleeping until (0 = not a timed sleep) */
    int exit_status;
    int end_call;                   /* a callee asked to exit: unwind its call */
    uint32_t switches;
};

struct portal {
    int id;                         /* system-wide portal id */
    char name[32];                  /* "service.interface" */
    struct domain *dom;             /* implementing domain; NULL once dead */
    idc_handler_t handler;          /* entry, in dom's address space */
    void *arg;
    uint32_t iface_id;
    uint32_t in_max, out_max;       /* argument descriptor: buffer limits */
    struct portal *global;          /* system-wide remap target, or NULL */
    struct portal *name_next;       /* portal.c's name hash chain */
    const void *owner;              /* its domain, or for a kernel placement its object:
                                       remaps never redirect calls from their owner */
    int refs;                       /* table entries + creator */
    uint32_t calls;
    uint32_t rooted;                /* rooted maps (of any root) remapping it: the
                                       IDC path probes the caller's map only if > 0 */
    int held;                       /* a replacement holds new calls (kernel/migrate.c) */
    /* The result contract of a service's interface (kernel/reply.c): when
     * `contract` is set, a reply outside it is a fault of the service. */
    int contract;
    uint32_t ret_status, ret_bytes;
};

/* Each group below is defined in the file its marker names.  A kernel
 * function named like a base service's client stub (<iface>_<proc>, which
 * services link: kportal_create, kdomain_destroy, kthread_exit...) carries a
 * k prefix (kportal_create), so that the two stay apart in GDB once service
 * symbols are loaded (docs/debugging.md). */

/* domain.c: domains, their quotas and activation slots */
extern struct domain *kernel_domain;
void domains_init(void);
struct domain *kdomain_create(const char *name, uint32_t rights);
int  kdomain_destroy(struct domain *d);
struct domain *domain_by_id(int id);
struct domain *domain_by_name(const char *name);
struct actslot *slot_get(struct domain *d);
void slot_put(struct domain *d, struct actslot *s);
int  domain_capacity(void);           /* slots in the domain table, used or not */
struct domain *domain_at(int i);
uint32_t domain_default_quota(void);    /* pages: a quarter of memory */
int  domain_set_quota(struct domain *actor, struct domain *d, uint32_t pages);

/* vm.c: a domain's user address space (page tables, user pages) */
int  domain_map(struct domain *d, uint32_t va, uint32_t npages, int writable, uint8_t **kva_out);
int  domain_unmap(struct domain *d, uint32_t va, uint32_t npages);
int  domain_insert(struct domain *d, uint32_t va, void *page, int writable);
int  domain_accessed(struct domain *d, uint32_t va, int *accessed, int *dirty);
int  domain_share(struct domain *from, uint32_t va, uint32_t npages, struct domain *to, uint32_t to_va, int writable);
int  domain_copy(struct domain *from, uint32_t va, uint32_t npages, struct domain *to, uint32_t to_va);
void *domain_kva(struct domain *d, uint32_t va);  /* kernel view of a mapped user page byte */
void domain_free_pages(struct domain *d);         /* every user page and page table */

/* thread.c: threads, their creation, exit and reaping */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg);
struct thread *thread_create_user(struct domain *d, const char *name, uint32_t entry, uint32_t arg,
                                  uint32_t arg2);
void kthread_exit(int status) __attribute__((noreturn));
int  thread_exit_status(int tid, int *status);   /* a recent exit's status: 0, or -1 */
struct thread *thread_by_id(int id);
struct thread *thread_at(int i);
void thread_reap(struct thread *t);
void kill_domain_threads(struct domain *d);

/* sem.c: per-domain counting semaphores, named by handles 1..DOMAIN_SEMS */
int  sem_create(struct domain *d, int value, uint32_t *h);
int  sem_down(struct domain *d, uint32_t h);   /* 0, -KEA_EINVAL, or -KEA_EDEAD if destroyed */
int  sem_up(struct domain *d, uint32_t h);
int  sem_destroy(struct domain *d, uint32_t h);
void sem_forget_domain(struct domain *d);      /* d dies: its semaphores go, sleepers woken */

/* sched.c: the running thread, switching, sleeping */
extern struct thread *cur;          /* the running thread */
void sched_yield(void);
void sched_pause(void);          /* others run, or wait for an interrupt */
void sched(void);
extern int need_resched;
void scheduler(void) __attribute__((noreturn));
void sleep_ticks(uint32_t ticks);
void set_kstack(uint32_t top);      /* TSS esp0 and SYSENTER_ESP */

/* portal.c: portals and their tables */
struct portal *kportal_create(struct domain *d, const char *name, idc_handler_t h, void *arg,
                             uint32_t iface_id, uint32_t in_max, uint32_t out_max);
int  kportal_grant(struct domain *to, struct portal *p);          /* returns the local id */
int  portal_grant_from(struct domain *from, struct domain *to, struct portal *p);
void portal_forget_granter(struct domain *d);
int  portal_reclaim_names(const char *service, struct domain *owner);
void portal_kill_domain(struct domain *d);
void kportal_revoke(struct portal *p);
void portal_retarget(struct portal *p, struct domain *d, idc_handler_t h, void *arg, const void *owner);
void portal_hold(struct portal *p);   /* a reference outside portal tables; portal_put drops it */
void portal_put(struct portal *p);
int  kportal_release(struct domain *d, int local);
struct portal *portal_by_id(int id);
struct portal *portal_by_name(const char *name);
int  portal_capacity(void);           /* slots in the system portal table, used or not */

/* remap.c: the three kinds of remapping, rooted maps */
void portal_release_table(struct domain *d);
int  remap_local(struct domain *actor, struct domain *d, int local, struct portal *to);
int  unremap_local(struct domain *actor, struct domain *d, int local);
int  remap_global(struct domain *actor, struct portal *p, struct portal *to);
int  unremap_global(struct domain *actor, struct portal *p);
int  remap_rooted(struct domain *actor, struct domain *root, struct portal *p, struct portal *to);
int  unremap_rooted(struct domain *actor, struct domain *root, struct portal *p);
struct portal *rooted_lookup(const struct rooted_map *m, const struct portal *p);
int  rooted_count(const struct domain *root);
int  rooted_entry(const struct domain *root, uint32_t i, struct portal **from, struct portal **to);
uint32_t rooted_capacity(const struct domain *root);
void remap_undo_to(struct portal *p);          /* p revoked: remaps to it undone */

/* idc.c: the IDC path */
extern int idc_have_sysenter;
void idc_init(void);
void idc_syscall(struct trapframe *tf);
int  domain_call(struct domain *d, uint32_t fn, uint32_t arg);  /* run fn(arg) there */
int  portal_call(struct portal *p, uint32_t proc, struct idc_args *a); /* no table lookup */

/* base/base.c, base/thread.c, base/sys.c, base/bench.c: the base services */
void basesvc_init(void);
struct portal *sysinfo_portal(void);
struct sys_domain; struct sys_service;          /* include/kea/sysinfo.h */
int  sysinfo_domain(uint32_t i, struct sys_domain *r);     /* sys.domains' record i */
int  sysinfo_service(uint32_t i, struct sys_service *r);   /* sys.services' record i */
void kbench_init(void);

/* i386/swtch.S, i386/idc_entry.S: saved kernel contexts, the way to user mode */
struct idc_call;
/* Every call into a kernel-placed service (kservice_call, idc.c): a loaded
 * object's (or the fault injector's) runs guarded, with interrupts on, its
 * activation's kctx being where a fault in it unwinds to (recover.c); the
 * kernel's own base services, whose faults halt the kernel anyway, are
 * called plainly, with interrupts off like the rest of the kernel. */
int  kernel_call_guarded(struct activation *a, struct portal *p, struct idc_call *c);
extern const char _etext[], inject_code_start[];
static inline int kernel_own_handler(const struct portal *p)
{
    uint32_t h = (uint32_t)p->handler;
    return h < (uint32_t)_etext && h != (uint32_t)inject_code_start;
}
int  kctx_save(uint32_t *ctx) __attribute__((returns_twice));  /* setjmp-like: 0, then 1 on resume */
void kctx_resume(uint32_t *ctx) __attribute__((noreturn));
void enter_user(struct trapframe *tf) __attribute__((noreturn));

/* i386/uaccess.S: copies with fault recovery; 0 or -KEA_EFAULT. */
int copy_from_user(void *dst, uint32_t usrc, uint32_t n);
int copy_to_user(uint32_t udst, const void *src, uint32_t n);
int fixup_fault(struct trapframe *tf);         /* i386/trap.c: a fault in a copy? */
#endif
