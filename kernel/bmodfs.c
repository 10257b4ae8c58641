/* Boot modules as a read-only RAM file system.
 *
 * Each Multiboot module's command line is "PATH [ARGS]"; the module's name is
 * the last component of PATH (QEMU passes "-initrd build/x.o args", GRUB
 * "module /boot/x.o x.o args").  The module contents stay where the boot
 * loader put them (pmem reserved them); only the table is copied. */
#include <string.h>
#include <stdio.h>
#include <kea/memlayout.h>
#include <kea/multiboot.h>
#include "i386/arch.h"
#include "kernel.h"

#define MAX_BMODS 256                     /* make run passes every module built (65 now) */

static struct bmod mods[MAX_BMODS];
static int nmods;

static void set_name(struct bmod *m, const char *cmdline)
{
    const char *end = cmdline;
    while (*end && *end != ' ')
        end++;
    const char *base = end;
    while (base > cmdline && base[-1] != '/')
        base--;
    size_t n = (size_t)(end - base);
    if (n >= sizeof m->name)
        n = sizeof m->name - 1;
    memcpy(m->name, base, n);
    m->name[n] = 0;
    while (*end == ' ')
        end++;
    m->args = end;
}

void bmodfs_init(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MBI_MODS))
        return;
    const struct multiboot_module *mm = P2V(mbi->mods_addr);
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        if (nmods == MAX_BMODS) {
            printf("bmodfs: more than %d boot modules, ignoring the rest\n", MAX_BMODS);
            break;
        }
        struct bmod *m = &mods[nmods];
        set_name(m, mm[i].cmdline ? (const char *)P2V(mm[i].cmdline) : "");
        if (!m->name[0])
            snprintf(m->name, sizeof m->name, "module%u", (unsigned)i);
        if (mm[i].mod_end < mm[i].mod_start || mm[i].mod_end > directmap_top()) {
            printf("bmodfs: module %s lies outside the direct map, ignored\n", m->name);
            continue;
        }
        m->data = P2V(mm[i].mod_start);
        m->size = mm[i].mod_end - mm[i].mod_start;
        nmods++;
    }
}

int bmodfs_count(void) { return nmods; }

const struct bmod *bmodfs_get(int i)
{
    return i >= 0 && i < nmods ? &mods[i] : 0;
}

const struct bmod *bmodfs_find(const char *name)
{
    for (int i = 0; i < nmods; i++)
        if (strcmp(mods[i].name, name) == 0)
            return &mods[i];
    return 0;
}

int bmod_open(const char *name, struct bmod_file *f)
{
    f->mod = bmodfs_find(name);
    f->pos = 0;
    return f->mod ? 0 : -1;
}

long bmod_read(struct bmod_file *f, void *buf, size_t n)
{
    if (!f->mod) return -1;
    size_t left = f->mod->size - f->pos;
    if (n > left) n = left;
    memcpy(buf, f->mod->data + f->pos, n);
    f->pos += n;
    return (long)n;
}

size_t bmod_size(const struct bmod_file *f)
{
    return f->mod ? f->mod->size : 0;
}
