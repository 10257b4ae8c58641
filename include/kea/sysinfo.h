/* Records returned by the sys base service (kernel/base/sys.idl). */
#ifndef KEA_SYSINFO_H
#define KEA_SYSINFO_H
#include <stdint.h>

#define SYS_NAME 24

struct sys_domain {
    uint32_t id;
    char name[SYS_NAME];
    uint32_t pages;           /* user pages mapped */
    uint32_t threads;         /* threads rooted here */
    uint32_t active;          /* activations inside now */
    uint32_t calls_in;        /* IDCs served by its portals */
    uint32_t rights;
    uint32_t kernel;          /* 1 for the kernel domain */
    uint32_t quota;           /* most pages it may hold (0xffffffff: no limit) */
};

struct sys_thread {
    uint32_t id;
    char name[16];
    uint32_t state;           /* 1 runnable, 2 running, 3 sleeping, 4 zombie */
    uint32_t root;            /* root domain id */
    uint32_t depth;           /* activations on its stack */
    uint32_t in;              /* domain of the top activation */
};

struct sys_portal {           /* one entry of a domain's portal table */
    uint32_t local;
    uint32_t sys;             /* system portal id it reaches now */
    uint32_t orig;            /* before a per-domain remap, or 0xffffffff */
};

struct sys_sysportal {
    uint32_t id;
    char name[32];            /* "service.interface" */
    uint32_t dom;             /* implementing domain, 0xffffffff once revoked */
    uint32_t iface_id;
    uint32_t global;          /* system-wide remap target, or 0xffffffff */
    uint32_t calls;
    uint32_t refs;
};

struct sys_rooted { uint32_t root, from, to; };

struct sys_module { char name[48]; uint32_t size; };

struct sys_service {
    char name[SYS_NAME];
    char object[SYS_NAME];    /* the module it was loaded from */
    uint32_t kernel;          /* 1: placed in the kernel, 0: in a user domain */
    uint32_t dom;             /* its domain (0 for the kernel) */
    uint32_t size;            /* bytes of its loaded regions */
    uint32_t calls;           /* invocations of its portals */
    char ifaces[48];          /* its interfaces, comma-separated */
    uint32_t migrations;      /* times it moved between placements */
    uint32_t downtime_lo, downtime_hi;  /* cycles its last move held callers */
    uint32_t rs_state;        /* SYS_RS_*: running, restarting, failed */
    uint32_t restarts;        /* fresh instances after failures */
    char rs_reason[64];       /* why it last failed ("" if never) */
    uint32_t checkpoints;     /* checkpoints taken (restart's policy, `checkpoint`) */
};
#define SYS_RS_RUNNING    0
#define SYS_RS_RESTARTING 1
#define SYS_RS_FAILED     2

struct sys_migration {        /* sys.migrate's report */
    uint32_t from_kernel, to_kernel;
    uint32_t dom;             /* its domain now (0 in the kernel) */
    uint32_t held;            /* callers that waited for the switch */
    uint32_t drain_ms;
    uint32_t state_bytes;
    uint32_t downtime_lo, downtime_hi;  /* cycles from hold to release */
};

#define SYS_NONE 0xffffffffu
#endif
