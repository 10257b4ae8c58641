/* The interfaces of the tree by id, with their procedures' names and
 * signatures: generated at build time from every .idl file
 * (services/trace/ifnames.py), so the tracer can name the procedures it
 * logs and the shell can call them by name. */
#ifndef KEA_IFNAMES_H
#define KEA_IFNAMES_H
#include <stdint.h>

struct ifname {
    uint32_t id;                    /* <IFACE>_IFACE_ID */
    const char *name;               /* interface name */
    uint32_t nprocs;
    const char *const *procs;       /* procedure names, by number */
    const char *const *sigs;        /* "ping(in u32,out u32)", by number */
};

/* The interface with that id, or NULL if the tree has none. */
const struct ifname *ifname_find(uint32_t iface_id);
#endif
