/*
 * kea/elfobj.h — placement-agnostic loader for relocatable ELF objects.
 *
 * kea runs the same service object (ELF32 i386, ET_REL, as `gcc -c` or
 * `ld -r` produce it) either inside the kernel or inside a user domain.
 * This engine does everything that does not depend on where the object
 * goes: it validates the untrusted image, lays its allocatable sections
 * out in five regions, resolves undefined symbols through a callback,
 * builds a GOT and applies every relocation.  The placement (kernel,
 * user-domain builder, host test) supplies memory and the import table.
 *
 * Two addresses per region.  The bytes of a region are WRITTEN through a
 * pointer valid in the loader's address space (`write`), but the code will
 * RUN at a 32-bit target address (`run`) that may be mapped quite
 * differently: e.g. the kernel fills pages through its own mapping while
 * they appear at 0x00400000 in a user domain.  Every relocation is
 * computed from run addresses and stored through write pointers.  On the
 * x86_64 host the two are unrelated types (void * vs uint32_t).
 *
 * Use:
 *     struct elfobj o;
 *     if (elfobj_parse(&o, image, len, "svc.o", &env, &err) != 0)
 *         -> err.msg; nothing is left allocated
 *     for each i < EO_NREGIONS with o.region[i].size != 0:
 *         provide o.region[i].size bytes at o.region[i].write, to run at
 *         o.region[i].run (a multiple of o.region[i].align)
 *     if (elfobj_relocate(&o, &err) != 0)  -> err.msg
 *     run elfobj_ctors(), look up entry points with elfobj_lookup()
 *     ... elfobj_dtors() at unload ...
 *     elfobj_release(&o);           (the regions' memory is the caller's)
 *
 * The image (and `name`) must stay alive and unchanged until release:
 * symbol names handed out point into it.  Nothing in the image is trusted;
 * every inconsistency is reported in an elfobj_error naming the object and
 * the section, symbol or relocation concerned.
 */
#ifndef KEA_ELFOBJ_H
#define KEA_ELFOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELFOBJ_PAGE_SIZE  4096u          /* region size granule */
#define ELFOBJ_MAX_IMAGE  (64u << 20)    /* cap on the sum of region sizes */
#define ELFOBJ_MAX_ALIGN  (64u << 10)    /* cap on any section's alignment */

/*
 * Provided by the placement.  alloc/free serve only the engine's own
 * tables (never the regions): a few blocks at parse time (per-section and
 * per-symbol state, constructor lists), all returned by elfobj_release;
 * relocate and the queries allocate nothing.  alloc returns NULL on
 * failure and is never asked for 0 bytes.  resolve looks up an imported
 * symbol and returns 0 with *addr set if it exists; it may be NULL
 * (nothing resolves).  parse copies the struct, but ctx must stay valid
 * until elfobj_release.
 */
struct elfobj_env {
    void *(*alloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p);
    int (*resolve)(void *ctx, const char *name, uint32_t *addr);
    void *ctx;
};

/*
 * Regions, each a whole number of pages so the placement can protect
 * them separately (TEXT r-x, RODATA r--, DATA/BSS rw-, GOT r-- after
 * relocation).
 *   TEXT    SHF_EXECINSTR sections
 *   RODATA  other allocated read-only sections (.rodata*, .eh_frame, notes)
 *   DATA    writable sections with contents, incl. .init_array/.fini_array,
 *           .ctors/.dtors
 *   BSS     SHT_NOBITS sections, then COMMON symbols
 *   GOT     one 4-byte slot per distinct symbol used by R_386_GOT32(X)
 */
enum { EO_TEXT, EO_RODATA, EO_DATA, EO_BSS, EO_GOT, EO_NREGIONS };

struct elfobj_region {
    uint32_t size;   /* set by parse: bytes, a multiple of ELFOBJ_PAGE_SIZE;
                        0 = region unused, write/run then ignored */
    uint32_t align;  /* set by parse: required alignment of run, a power of
                        two >= ELFOBJ_PAGE_SIZE */
    void *write;     /* set by caller: where the engine stores the bytes */
    uint32_t run;    /* set by caller: where the bytes appear at run time */
};
/* The GOT base (_GLOBAL_OFFSET_TABLE_, GOTPC, GOTOFF) is region[EO_GOT].run
 * even when the GOT has no slots and so no size: PIC code then needs only
 * a consistent base, and any value (0 included) serves. */

struct elfobj_error {
    char msg[160];   /* "OBJ: what is wrong (which section/symbol/reloc)" */
};

/* Engine-private per-section and per-symbol state (loader/elfobj_int.h). */
struct elfobj_sec;
struct elfobj_symstate;

struct elfobj {
    struct elfobj_region region[EO_NREGIONS];

    /* Everything below is private to the engine. */
    struct elfobj_env env;
    const uint8_t *image;
    size_t len;
    const char *name;
    uint32_t shoff;                 /* section header table offset */
    uint32_t shnum;
    struct elfobj_sec *sec;         /* [shnum] */
    uint32_t symtab;                /* section index of SHT_SYMTAB, 0 if none */
    uint32_t nsyms;
    struct elfobj_symstate *sym;    /* [nsyms] */
    uint32_t *symrun;               /* [nsyms] run addresses, set by relocate */
    const char *strtab;
    uint32_t strsz;
    uint32_t ngot;                  /* GOT slots */
    uint32_t nrelocs;               /* relocations applied to loaded sections */
    uint32_t *names, namemask;      /* hash of defined global names (elfobj_sym.c) */
    uint32_t *initorder, ninit;     /* ctor sections, in run order */
    uint32_t *finiorder, nfini;     /* dtor sections, in array order */
    uint32_t *ctor, nctor, ctorcap; /* constructor run addresses, run order */
    uint32_t *dtor, ndtor, dtorcap; /* destructor run addresses, run order */
    bool relocated;
};

/*
 * Validate `image` (len bytes) and lay it out.  On success (0) every
 * region's size and align are set, write/run are zeroed for the caller to
 * fill, and all imports have been resolved: an undefined global that
 * env->resolve cannot supply is an error, an undefined weak one becomes 0.
 * On failure (-1) err says why and nothing stays allocated; calling
 * elfobj_release() on the object is then harmless.
 */
int elfobj_parse(struct elfobj *o, const void *image, size_t len,
                 const char *name, const struct elfobj_env *env,
                 struct elfobj_error *err);

/*
 * Fill the regions: zero them, copy section contents, place COMMON
 * symbols, fill the GOT, apply every relocation that targets an allocated
 * section (relocations of non-allocated sections such as .debug_* are
 * skipped), and compute the constructor/destructor lists.  Checks that
 * every non-empty region has a write pointer, an aligned run address, and
 * that regions overlap neither at run nor at write addresses.  Allocates
 * nothing.  May be called again after changing run addresses.
 */
int elfobj_relocate(struct elfobj *o, struct elfobj_error *err);

/*
 * Run address of an exported symbol: global or weak, defined (in a
 * section, absolute or COMMON), default or protected visibility.  Valid
 * once the run addresses are set.  0 if found, -1 if not.
 */
int elfobj_lookup(const struct elfobj *o, const char *name, uint32_t *run_addr);

/*
 * The same, but hidden global symbols (STB_GLOBAL, STV_HIDDEN, defined in
 * a section) are found too: a library linked into its domain satisfies
 * later imports with them, as a static library would (kernel/load.c).
 */
int elfobj_lookup_global(const struct elfobj *o, const char *name,
                         uint32_t *run_addr);

/* One entry of the export or import iteration. */
struct elfobj_sym {
    const char *name;   /* points into the image */
    uint32_t addr;      /* export: run address; import: resolved address,
                           0 for an unresolved weak import */
    uint32_t size;      /* st_size */
    uint8_t type;       /* ELF STT_* (0 notype, 1 object, 2 func) */
    bool weak;
    bool resolved;      /* import: the resolver supplied addr */
};

/*
 * Iterate: start with *cursor = 0, call until false.  Exports as in
 * elfobj_lookup; imports are the undefined non-local symbols
 * (_GLOBAL_OFFSET_TABLE_, supplied by the engine itself, is not one).
 */
bool elfobj_next_export(const struct elfobj *o, uint32_t *cursor,
                        struct elfobj_sym *out);
bool elfobj_next_import(const struct elfobj *o, uint32_t *cursor,
                        struct elfobj_sym *out);

/*
 * Constructors and destructors as run addresses, in the order to call
 * them (valid after elfobj_relocate).  Constructors: .preinit_array, then
 * by priority (.init_array.N / .ctors.(65535-N); unnumbered = 65535, last),
 * .init_array entries forward and .ctors entries backward, ties in section
 * order.  Destructors: exactly the reverse of the order a linker would
 * build .fini_array in (so .fini_array runs backward, .dtors forward, and
 * higher priorities first).  .ctors/.dtors entries 0 and -1 (crtstuff
 * sentinels) are skipped.
 */
const uint32_t *elfobj_ctors(const struct elfobj *o, uint32_t *n);
const uint32_t *elfobj_dtors(const struct elfobj *o, uint32_t *n);

/*
 * Where section `index` went (1 <= index < elfobj_nsections()): 0 and *out
 * filled, region = -1 for a section that is not loaded.  For debuggers
 * (gdb's add-symbol-file -s NAME ADDR wants every section's run address),
 * diagnostics and tests.  run/write are meaningful once they are set.
 */
struct elfobj_secinfo {
    const char *name;
    int region;         /* EO_* or -1 */
    uint32_t type, flags, size, align;
    uint32_t run;       /* run address */
    void *write;        /* where its bytes were written */
};
uint32_t elfobj_nsections(const struct elfobj *o);
int elfobj_section(const struct elfobj *o, uint32_t index,
                   struct elfobj_secinfo *out);

/* How many relocations elfobj_relocate applies (for benchmarks). */
uint32_t elfobj_nrelocs(const struct elfobj *o);

/* Free everything elfobj_parse allocated and clear the object. */
void elfobj_release(struct elfobj *o);

/* Region name for messages: "text", "rodata", "data", "bss", "got". */
const char *elfobj_region_name(int region);

#endif /* KEA_ELFOBJ_H */
