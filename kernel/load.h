/* Loaded objects (kernel/load.c). */
#ifndef KEA_LOAD_H
#define KEA_LOAD_H
#include <kea/elfobj.h>
struct domain;

struct kobj {
    struct kobj *next;
    char name[48];
    struct domain *dom;             /* where it is placed (kernel_domain or a user domain) */
    struct elfobj eo;               /* regions with run addresses; exports */
    uint8_t *kva[EO_NREGIONS];      /* kernel view of each region */
    int loaded;
};

struct kobj *kobj_load(struct domain *d, const char *name, const void *image, size_t len,
                       char *err, size_t errlen);
void kobj_unload(struct kobj *o);
void kobj_forget_domain(struct domain *d);
int  kobj_lookup(struct kobj *o, const char *name, uint32_t *addr);
struct kobj *kobj_list(void);
void kobj_loaded_hook(struct kobj *o);
void unmap_user(struct kobj *o, struct domain *d);
#endif
