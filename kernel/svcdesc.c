/* A service object's descriptor (struct kea_service, include/kea/service.h),
 * read and checked before anything of the object runs.
 *
 * The object is untrusted: every pointer of its descriptor must lead into
 * the object (names into its data, functions into its code), every name
 * must end within a page and be a name (letters, digits, '_', '-'), and
 * nothing unknown (rights, flags) is accepted.  What passes is copied into
 * a struct svc_desc, which the loader (service.c) and the replacement of an
 * instance (migrate.c) use from then on; the error names the field that
 * failed.  (Split from service.c, issue 13: validation apart from the
 * lifecycle.) */
#include <stdio.h>
#include <string.h>
#include <kea/service.h>
#include "kernel.h"
#include "proc.h"
#include "load.h"
#include "service.h"

/* Names become domain and portal names and are typed at the console. */
int service_valid_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -KEA_EBADOBJ; } while (0)

/* Copy the string at run address `addr` of o: it must lie in the object
 * and end within a page. */
static int read_name(const struct kobj *o, uint32_t addr, char *buf, size_t cap,
                     const char *what, char *err, size_t errlen)
{
    int r = kobj_region_of(o, addr);
    if (r < 0)
        FAIL("%s: service descriptor: %s (%#x) does not point into the object", o->name, what, addr);
    const struct elfobj_region *reg = &o->eo.region[r];
    uint32_t avail = reg->run + reg->size - addr;
    const char *p = kobj_bytes(o, addr, 1);
    size_t len = strnlen(p, avail < PGSIZE ? avail : PGSIZE);
    if (len == PGSIZE)
        FAIL("%s: service descriptor: %s is not NUL-terminated within %u bytes", o->name, what, PGSIZE);
    if (len == avail)
        FAIL("%s: service descriptor: %s runs off the end of the object's %s", o->name, what,
             elfobj_region_name(r));
    if (len >= cap)
        FAIL("%s: service descriptor: %s is too long (%u characters, at most %u)", o->name, what,
             (unsigned)len, (unsigned)cap - 1);
    memcpy(buf, p, len + 1);
    if (!service_valid_name(buf))
        FAIL("%s: service descriptor: %s '%s' is not a name (letters, digits, '_', '-')",
             o->name, what, buf);
    return 0;
}

/* A function pointer of the descriptor: into the object's code, or NULL
 * where that is allowed. */
static int check_code(const struct kobj *o, uint32_t addr, int optional, const char *what,
                      char *err, size_t errlen)
{
    if (!addr && optional) return 0;
    if (!addr) FAIL("%s: service descriptor: %s is NULL", o->name, what);
    if (kobj_region_of(o, addr) != EO_TEXT)
        FAIL("%s: service descriptor: %s (%#x) is not in the object's code", o->name, what, addr);
    return 0;
}

int service_read_descriptor(const struct kobj *o, struct svc_desc *d, char *err, size_t errlen)
{
    uint32_t addr;
    if (elfobj_lookup(&o->eo, "kea_service", &addr) < 0)
        FAIL("%s: not a service: it defines no kea_service descriptor", o->name);
    const struct kea_service *p = kobj_bytes(o, addr, sizeof *p);
    if (!p)
        FAIL("%s: kea_service (%#x) is not a whole descriptor inside the object", o->name, addr);
    struct kea_service ks;
    memcpy(&ks, p, sizeof ks);              /* the service cannot change it under us */
    if (ks.magic != KEA_SERVICE_MAGIC)
        FAIL("%s: service descriptor: bad magic %#x (want %#x, built against another service.h?)",
             o->name, ks.magic, KEA_SERVICE_MAGIC);
    int r = read_name(o, (uint32_t)ks.name, d->name, sizeof d->name, "name", err, errlen);
    if (r < 0) return r;
    if (ks.nifaces > KEA_SERVICE_MAX_IFACES)
        FAIL("%s: service descriptor: %u interfaces (at most %u)", o->name, ks.nifaces,
             KEA_SERVICE_MAX_IFACES);
    d->nifaces = ks.nifaces;
    const struct kea_service_iface *ifp = 0;
    if (ks.nifaces && !(ifp = kobj_bytes(o, (uint32_t)ks.ifaces, ks.nifaces * sizeof *ifp)))
        FAIL("%s: service descriptor: its %u interfaces (%#x) are not inside the object",
             o->name, ks.nifaces, (uint32_t)ks.ifaces);
    for (uint32_t i = 0; i < ks.nifaces; i++) {
        struct kea_service_iface f;
        memcpy(&f, &ifp[i], sizeof f);
        char what[32];
        snprintf(what, sizeof what, "interface %u's name", (unsigned)i);
        if ((r = read_name(o, (uint32_t)f.name, d->iface[i].name, sizeof d->iface[i].name, what,
                           err, errlen)) < 0)
            return r;
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(d->iface[j].name, d->iface[i].name) == 0)
                FAIL("%s: service descriptor: interface '%s' is listed twice", o->name,
                     d->iface[i].name);
        if (f.iface_id == 0)
            FAIL("%s: service descriptor: interface '%s' has id 0 (ids come from the IDL)",
                 o->name, d->iface[i].name);
        snprintf(what, sizeof what, "%s's dispatch", d->iface[i].name);
        if ((r = check_code(o, (uint32_t)f.dispatch, 0, what, err, errlen)) < 0) return r;
        if (f.server && kobj_region_of(o, (uint32_t)f.server) < 0)
            FAIL("%s: service descriptor: %s's server (%#x) does not point into the object",
                 o->name, d->iface[i].name, (uint32_t)f.server);
        if (f.ret_status & f.ret_bytes)
            FAIL("%s: service descriptor: %s's result contract gives procedures %#x two "
                 "results (status and bytes)", o->name, d->iface[i].name,
                 f.ret_status & f.ret_bytes);
        d->iface[i].ret_status = f.ret_status;
        d->iface[i].ret_bytes = f.ret_bytes;
        d->iface[i].id = f.iface_id;
        d->iface[i].dispatch = (uint32_t)f.dispatch;
        d->iface[i].server = (uint32_t)f.server;
    }
    if ((r = check_code(o, (uint32_t)ks.init, 1, "init", err, errlen)) < 0 ||
        (r = check_code(o, (uint32_t)ks.fini, 1, "fini", err, errlen)) < 0 ||
        (r = check_code(o, (uint32_t)ks.state_export, 1, "state_export", err, errlen)) < 0 ||
        (r = check_code(o, (uint32_t)ks.state_import, 1, "state_import", err, errlen)) < 0)
        return r;
    if (ks.rights & ~KEA_RIGHT_ALL)
        FAIL("%s: service descriptor: unknown rights %#x", o->name, ks.rights & ~KEA_RIGHT_ALL);
    d->rights = ks.rights;
    if (!ks.state_export != !ks.state_import)
        FAIL("%s: service descriptor: state_export and state_import go together", o->name);
    if ((r = check_code(o, (uint32_t)ks.state_entry, 1, "state_entry", err, errlen)) < 0)
        return r;
    if (ks.why && !kobj_bytes(o, (uint32_t)ks.why, sizeof(int)))
        FAIL("%s: service descriptor: why (%#x) does not point into the object", o->name,
             (uint32_t)ks.why);
    const uint32_t known = KEA_SVC_STATELESS | KEA_SVC_MOVE_PORTALS;
    if (ks.flags & ~known)
        FAIL("%s: service descriptor: unknown flags %#x", o->name, ks.flags & ~known);
    d->flags = ks.flags;
    d->why = (uint32_t)ks.why;
    d->state_entry = (uint32_t)ks.state_entry;
    d->has_state = ks.state_export != 0;
    d->init = (uint32_t)ks.init;
    d->fini = (uint32_t)ks.fini;
    return 0;
}
