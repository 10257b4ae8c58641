/* Loaded objects (kernel/load.c). */
#ifndef KEA_LOAD_H
#define KEA_LOAD_H
#include <kea/elfobj.h>
struct domain;

/* Where one allocated section went: the table debuggers read
 * (scripts/gdb/kea-symbols.py turns it into add-symbol-file -s NAME ADDR). */
struct kobj_section {
    const char *name;               /* points into the object's image */
    uint32_t addr;                  /* run address in the object's placement */
};

struct kobj {
    struct kobj *next;
    char name[48];                  /* the boot module's name */
    struct domain *dom;             /* where it is placed (kernel_domain or a user domain) */
    struct elfobj eo;               /* regions with run addresses; exports */
    uint8_t *kva[EO_NREGIONS];      /* kernel view of each region */
    const uint8_t *image;           /* the ELF image (stays valid while loaded) */
    size_t len;
    struct kobj_section *sects;     /* every allocated section, for debuggers */
    uint32_t nsects;
    int library;                    /* linked like a static library: hidden globals
                                       satisfy later imports (the runtime) */
    int loaded;
    const struct kobj *tmpl;        /* a copy of this template (kobj_place_shared):
                                       eo's tables and text/rodata pages are its */
};

/* kobj_load = kobj_place (parse, place, relocate, map; no code runs) +
 * kobj_start (the constructors, in the placement). */
struct kobj *kobj_load(struct domain *d, const char *name, const void *image, size_t len,
                       char *err, size_t errlen);
struct kobj *kobj_place(struct domain *d, const char *name, const void *image, size_t len,
                        char *err, size_t errlen);
int  kobj_start(struct kobj *o, char *err, size_t errlen);
/* The same object as kobj_place would make of it as the first object of a
 * fresh user domain, from a template made once: text and rodata pages
 * shared read-only, data copied, BSS zeroed, nothing parsed or relocated. */
struct kobj *kobj_place_shared(struct domain *d, const char *name, const void *image, size_t len,
                               char *err, size_t errlen);
/* Make that template now (at boot: it stays for good); 0 or -1 with err. */
int  kobj_prepare_shared(const char *name, const void *image, size_t len, char *err, size_t errlen);
void kobj_unload(struct kobj *o);
void kobj_forget_domain(struct domain *d);
int  kobj_lookup(struct kobj *o, const char *name, uint32_t *addr);
struct kobj *kobj_list(void);
void kobj_loaded_hook(struct kobj *o);
void kobj_unloaded_hook(void);
void unmap_user(struct kobj *o, struct domain *d);

/* Bytes [run, run+len) of o as the kernel sees them, or NULL unless they
 * lie inside one of o's regions. */
void *kobj_bytes(const struct kobj *o, uint32_t run, uint32_t len);
/* The region holding run address `run`, or -1. */
int  kobj_region_of(const struct kobj *o, uint32_t run);
/* Bytes of memory o's regions take. */
uint32_t kobj_size(const struct kobj *o);
/* Another loaded object whose imports were bound into o, or NULL. */
struct kobj *kobj_importer(const struct kobj *o);
#endif
