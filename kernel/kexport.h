/* Entries of the kernel's export table (kernel/exports.c), kept in their own
 * section so the table is built by the linker. */
#ifndef KEA_KEXPORT_H
#define KEA_KEXPORT_H
#include <stdint.h>
struct kexport { const char *name; void *addr; };
#define KEXPORT(sym) \
    static const struct kexport __kexport_##sym \
    __attribute__((used, section(".kexports"), aligned(4))) = { #sym, (void *)&sym }
/* The name sym, bound to fn: a gate of kernel/kenv.c in front of a
 * function that touches kernel state. */
#define KEXPORT_AS(sym, fn) \
    static const struct kexport __kexport_##sym \
    __attribute__((used, section(".kexports"), aligned(4))) = { #sym, (void *)&fn }
int kexport_lookup(const char *name, uint32_t *addr);
const struct kexport *kexport_at(int i);
#endif
