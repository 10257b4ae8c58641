/* The registry of loaded services (kernel/service.c). */
#ifndef KEA_KSERVICE_H
#define KEA_KSERVICE_H
#include <stddef.h>
#include <stdint.h>
#include <kea/service.h>
#include "proc.h"

struct kobj;

enum placement { PLACE_KERNEL, PLACE_USER };

#define SERVICE_NAME   DOMAIN_NAME          /* a user placement's domain is named after it */
#define SERVICE_IFNAME 32                   /* fits a portal name */

/* What the kernel keeps of a descriptor once it has checked it. */
struct svc_desc {
    char name[SERVICE_NAME];
    uint32_t nifaces;
    struct {
        char name[SERVICE_IFNAME];
        uint32_t id, dispatch, server;
        uint32_t ret_status, ret_bytes;     /* its result contract (kernel/reply.c) */
    } iface[KEA_SERVICE_MAX_IFACES];
    uint32_t init, fini;
    uint32_t rights, flags;
    uint32_t why;                           /* run address of its kea_service_why, or 0 */
    uint32_t state_entry;                   /* run address, 0 without KEA_SERVICE */
    int has_state;                          /* state_export and state_import */
};

/* State pages the kernel holds for a service: a migration's in transit,
 * or a restart's checkpoint (kernel/migrate.c). */
struct svc_state { uint8_t *k; uint32_t npages, len; };

/* Where a service stands for the restarter (kernel/restart.c). */
enum rs_state { RS_RUNNING, RS_RESTARTING, RS_FAILED };

struct service {
    struct service *next;
    char name[SERVICE_NAME];
    char module[48];                        /* the boot module it was loaded from */
    enum placement where;
    struct domain *dom;                     /* kernel_domain, or the service's own domain */
    struct kobj *obj;
    uint32_t nifaces;
    char iface[KEA_SERVICE_MAX_IFACES][SERVICE_IFNAME];
    struct portal *portal[KEA_SERVICE_MAX_IFACES];  /* NULL once revoked */
    struct portal *was[KEA_SERVICE_MAX_IFACES];     /* the same, kept to recognise
                                                       activations after revocation */
    uint32_t fini;                          /* run address of fini(), 0 if none */
    uint32_t calls_revoked;                 /* calls served by revoked portals */
    int unloading;                          /* unload --force is waiting for it */
    int gone;                               /* its domain was destroyed meanwhile */
    struct svc_desc desc;                   /* of the instance placed now */
    uint32_t migrations;                    /* times it moved (kernel/migrate.c) */
    uint64_t last_downtime;                 /* cycles from hold to release, last move */
    int migrating;                          /* a migration holds it */
    /* restart (kernel/restart.c) */
    enum rs_state rs_state;
    uint32_t restarts;                      /* fresh instances after failures */
    char rs_reason[64];                     /* why it last failed */
    uint64_t rs_fail_tick[8];               /* ticks of the last failures, a ring */
    uint32_t rs_nfails;                     /* failures ever (index into the ring) */
    uint64_t rs_due;                        /* tick the pending restart may run at */
    int rs_demote;                          /* restart it in a user domain (a kernel fault) */
    struct svc_state ckpt;                  /* last checkpoint, k == 0 if none */
    uint32_t ckpt_calls;                    /* service_calls() at that checkpoint */
    uint64_t ckpt_tick;
    uint32_t checkpoints;                   /* taken since the load */
};

/* What differs between the two placements (kernel/placement.c), so that
 * loading, unloading and replacing an instance read the same for both. */
struct placement_ops {
    const char *name;                       /* "kernel", "user" */
    const char *where;                      /* "the kernel", "a user domain" (messages) */
    /* The instance's domain: made for it (err says why not), or the kernel's. */
    struct domain *(*make_domain)(const char *name, uint32_t rights, char *err, size_t errlen);
    void (*drop_domain)(struct service *s, char *err, size_t errlen);
    /* The domain it has to itself (named after it, holding its rights,
     * rooting its threads), or NULL: the kernel's is shared. */
    struct domain *(*own_domain)(const struct service *s);
    const void *(*owner)(const struct service *s);  /* what remaps compare callers with */
    /* Is portal p, leading into domain d, the instance's (its own or one
     * it made, or code in it)?  Has thread t an activation inside it? */
    int (*owns)(const struct service *s, const struct domain *d, const struct portal *p);
    int (*holds)(const struct service *s, const struct thread *t);
    void (*revoke_own)(struct service *s);  /* portals it made itself, before its code goes */
    /* The state pages (kernel/migrate.c) at *addr in the instance's view, and back. */
    int (*map_state)(struct service *s, struct svc_state *st, uint32_t *addr);
    void (*unmap_state)(struct service *s, struct svc_state *st);
};
extern const struct placement_ops *const placement[2];

static inline struct domain *service_own_domain(const struct service *s)
{
    return placement[s->where]->own_domain(s);
}

/* Where the state pages appear in a user placement: the top of the user
 * half below the TLS page, which nothing else maps. */
#define SVC_STATE_VA 0xbf000000u

int service_load(const char *module, enum placement where, const char *name,
                 struct service **out, char *err, size_t errlen);
int service_unload(const char *name, int force, char *err, size_t errlen);
struct service *service_list(void);
struct service *service_by_name(const char *name);
struct service *service_of_domain(const struct domain *d);
uint32_t service_calls(const struct service *s);
void service_object_gone(const struct kobj *o);     /* load.c: its domain is dying */

/* For kernel/migrate.c: one instance's steps, on a struct service that
 * need not be registered. */
struct domain *service_requester(void);
void service_track(struct service *s, int on);
/* svcdesc.c: a service object's descriptor, read and checked */
int  service_read_descriptor(const struct kobj *o, struct svc_desc *d, char *err, size_t errlen);
int  service_valid_name(const char *s);     /* letters, digits, '_', '-' */
int  service_run_init(struct service *s, int why, char *err, size_t errlen);
void service_run_fini(struct service *s, int why);
void service_discard(struct service *s, char *err, size_t errlen);
int  service_in_instance(const struct thread *t, const struct service *s);
int  service_find_inside(const struct service *s, struct thread **who);
uint32_t service_user_rights(const struct svc_desc *d);

/* kernel/migrate.c */
struct migrate_report {
    enum placement from, to;
    uint32_t held;                          /* callers that waited */
    uint32_t drain_ms;
    uint32_t state_bytes;
    uint64_t downtime;                      /* cycles (instructions under -icount) */
};
#define MIGRATE_DEFAULT_TIMEOUT_MS 2000
#define MIGRATE_FAIL_ALLOC 0x1u             /* test aid: the new instance's memory "runs out" */
int  migrate_is_heir(const struct service *s, const struct domain *d);   /* migrate.c */
int  service_migrate(const char *name, enum placement to, uint32_t timeout_ms, uint32_t inject,
                     struct migrate_report *rep, char *err, size_t errlen);
void svc_hold_early(struct service *s);     /* a restart's hold, from the fault */
void svc_hold_wake(void);
int  svc_hold_wait(struct portal *p);       /* idc.c: p->held; 0 or -KEA_EDEAD (failed) */
#define HELD_WAIT   1                       /* p->held: callers wait for a replacement */
#define HELD_FAILED 2                       /* p->held: its service failed, calls get EDEAD */

/* One mechanism replaces a service's instance (kernel/migrate.c): a
 * migration (the old instance's state exported), a restart (the old one
 * failed: its last checkpoint imported, its fini not run), a demotion (a
 * restart into the user placement). */
struct replace_how {
    enum placement to;
    int why;                                /* KEA_WHY_MIGRATE or KEA_WHY_RESTART */
    uint32_t timeout_ms;                    /* for the drain */
    uint32_t inject;                        /* MIGRATE_FAIL_* */
};
int  service_replace(struct service *s, const struct replace_how *how,
                     struct migrate_report *rep, char *err, size_t errlen);
int  service_checkpoint(struct service *s, char *err, size_t errlen);
void svc_state_free(struct svc_state *st);

/* kernel/restart.c: restart of failed services, and its policy table */
void recover_user_fault(struct domain *d, const struct trapframe *tf);  /* user_exception */
void recover_fault(struct domain *d, const char *why);                  /* the same, told why */
uint32_t restart_deadline_ms(const struct service *s);                 /* 0: none */
void recover_demote(struct service *s, const char *why);               /* a kernel-placed fault */
int  restart_request(const char *spec, char *out, size_t cap);          /* sys.recovery */
/* kernel/reply.c: reply contracts, a service's status checked against its interface */
void reply_contract_set(struct portal *p, const struct svc_desc *d, uint32_t i);
int  reply_ok(const struct portal *p, uint32_t proc, int status);         /* 1: within it */
int  reply_check(struct thread *t, struct trapframe *tf, int status, uint32_t *out_len);  /* a return */
int  reply_kernel_fault(struct thread *t, struct portal *p, struct idc_call *c, int status);
/* kernel/inject.c: arm a fault at the service's next call */
int  inject_fault(const char *name, const char *kind, char *err, size_t errlen);
#endif
