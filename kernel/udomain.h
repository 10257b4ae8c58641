#ifndef KEA_UDOMAIN_H
#define KEA_UDOMAIN_H
#include <stddef.h>
#include <stdint.h>
struct domain;
struct portal;
struct kobj;
void udomain_init(void);                 /* the shared runtime's template */
void udomain_set_base_portals(struct portal **p);
struct domain *udomain_create(const char *name, uint32_t rights, char *err, size_t errlen);
struct kobj *udomain_load(struct domain *d, const char *module, char *err, size_t errlen);
struct kobj *udomain_place(struct domain *d, const char *module, int start, char *err,
                           size_t errlen);
void udomain_name_for(const char *module, char *name, size_t n);
struct domain *udomain_spawn(const char *module, uint32_t rights, const char *args, int *tid,
                             char *err, size_t errlen);
#endif
