/* Client bindings: what a client holds to call one interface of a service.
 *
 * Services are sets of interfaces, each described in an .idl file
 * (docs/interfaces.md).  scripts/idlgen.py turns an interface into client
 * stubs, e.g. for `interface block { proc read(in u32 blockno, out buf data); }`
 *
 *     int block_read(const kea_binding_t *b, uint32_t blockno,
 *                    void *data, size_t data_cap, size_t *data_len);
 *
 * The stubs take a binding, not a portal id: clients are written against the
 * interface and never see portal invocation.  A binding records the local
 * portal of the interface (the proc field of IDC_PP picks the procedure) and
 * the interface id it was bound as; a stub refuses with -KEA_EIFACE a
 * binding made for another interface.  Bindings are plain values: copy them
 * freely.  When the portal is remapped (to an upgraded or interposed
 * service with the same interface id) the binding stays valid unchanged.
 */
#ifndef KEA_BINDING_H
#define KEA_BINDING_H

#include <stdint.h>

typedef struct kea_binding {
    uint32_t portal;        /* portal id in the caller's domain's portal table */
    uint32_t iface_id;      /* <IFACE>_IFACE_ID of the interface bound to */
} kea_binding_t;

/* The IDL type `handle`: a word naming an object of the service that issued
 * it (an open file, a connection).  It is opaque to the client and not
 * translated by the kernel: it means something only to the service. */
typedef uint32_t kea_handle_t;

/*
 * Look up interface `iface` of the service registered as `service` and bind
 * *b to it.  `iface_id` is the id the caller was compiled against; binding
 * fails unless the service's interface has the same id.  Returns 0, or a
 * negative KEA_E* code: -KEA_ENOENT (no such service or interface),
 * -KEA_EIFACE (the ids differ), or another error of the lookup (e.g. the
 * caller's portal table is full).  Generated client headers
 * wrap it as <IFACE>_BIND(service, b).  Provided by the runtime of each
 * placement.
 */
int kea_bind(const char *service, const char *iface, uint32_t iface_id,
             kea_binding_t *b);

#endif /* KEA_BINDING_H */
