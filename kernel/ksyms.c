/* The kernel's own symbol table, for backtraces and the loader.
 *
 * scripts/mksyms.sh generates it from `nm` of a previous link of the kernel
 * and it is linked into .rodata (see kernel.mk: the kernel is linked until
 * the table it contains describes itself). */
#include <stdint.h>
#include <string.h>
#include "kernel.h"

struct ksym { uint32_t addr; uint32_t name; };
extern const uint32_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];
extern char _text[], _etext[];

/* Name of the function containing addr (and the offset into it). */
const char *ksym_name(uint32_t addr, uint32_t *offset)
{
    if (addr < (uint32_t)_text || addr >= (uint32_t)_etext || ksyms_count == 0)
        return 0;
    uint32_t lo = 0, hi = ksyms_count;        /* find the last addr <= target */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ksyms_table[mid].addr <= addr) lo = mid; else hi = mid;
    }
    if (ksyms_table[lo].addr > addr)
        return 0;
    if (offset)
        *offset = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name;
}

int ksym_lookup(const char *name, uint32_t *addr)
{
    for (uint32_t i = 0; i < ksyms_count; i++)
        if (strcmp(ksyms_names + ksyms_table[i].name, name) == 0) {
            *addr = ksyms_table[i].addr;
            return 0;
        }
    return -1;
}
