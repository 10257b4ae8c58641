/* The per-domain block %gs points at in user domains (USER_TLS_BASE), filled
 * by the kernel when the domain is created.  gcc's i386 stack protector reads
 * its canary at %gs:0x14; the runtime reads the rest. */
#ifndef KEA_TLS_H
#define KEA_TLS_H
#define TLS_SELF      0x00
#define TLS_CANARY    0x14      /* fixed by the i386 ABI */
#define TLS_SYSENTER  0x20      /* 1: portal_invoke may use sysenter, else int 0x80 */
#define TLS_DOMAIN    0x24      /* the domain's id */
#define TLS_ARGS      0x100     /* a spawned program's argument string */
#define TLS_ARGS_MAX  0xf00
#define TLS_SIZE      0x1000

/* The base services every domain is granted at creation, by local id. */
#define BASE_CONSOLE  0
#define BASE_THREAD   1
#define BASE_DOMAIN   2
#define BASE_MEMORY   3
#define BASE_PORTAL   4
#define BASE_IRQ      5
#define BASE_SYS      6
#define BASE_NPORTALS 7
#endif
