#ifndef KEA_UDOMAIN_H
#define KEA_UDOMAIN_H
#include <stddef.h>
#include <stdint.h>
struct domain;
struct portal;
void udomain_set_base_portals(struct portal **p);
struct domain *udomain_create(const char *name, uint32_t rights, char *err, size_t errlen);
struct domain *udomain_spawn(const char *module, uint32_t rights, uint32_t arg, char *err, size_t errlen);
#endif
