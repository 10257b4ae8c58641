/* The portals of the base services, one constructor per kernel/base/<iface>.c,
 * called in order by basesvc_init() (base.c). */
#ifndef KEA_BASE_H
#define KEA_BASE_H
struct portal;
struct portal *base_console_portal(void);
struct portal *base_thread_portal(void);
struct portal *base_domain_portal(void);
struct portal *base_memory_portal(void);
struct portal *base_portal_portal(void);
struct portal *base_irq_portal(void);
#endif
