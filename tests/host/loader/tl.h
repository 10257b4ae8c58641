/*
 * tl.h — tiny harness shared by the loader's host tests.
 *
 * A test group runs between tl_begin() and tl_end(); CHECK records the
 * first failed expectation of the group.  tl_end() prints the line the
 * test runner counts, "PASS: loader/<name>" or "FAIL: loader/<name>: why",
 * and tl_exit() returns nonzero if any group failed.
 *
 * The counting environment is the placement every test uses: it counts
 * live allocations (so a test can prove nothing leaked), can fail the
 * n-th allocation (to walk every out-of-memory path), and resolves
 * imports from a name -> address table.
 */
#ifndef TL_H
#define TL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kea/elfobj.h>

void tl_begin(const char *name);
bool tl_end(void);              /* true if the group passed */
int tl_exit(void);              /* process exit status */
void tl_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool tl_ok(void);               /* no failure yet in this group */

#define CHECK(cond, ...) \
    do { if (!(cond)) tl_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

struct tl_import {
    const char *name;
    uint32_t addr;
};

struct tl_env {
    struct elfobj_env env;
    long live;                  /* blocks allocated and not freed */
    long nalloc;                /* allocation calls so far */
    long fail_at;               /* fail the allocation with this number, -1 never */
    long misuse;                /* free of a foreign pointer, alloc of 0 */
    const struct tl_import *imports;   /* NULL-terminated by name */
    uint32_t (*fallback)(const char *name, bool *found);  /* optional */
    int resolves;               /* resolve calls so far */
};

void tl_env_init(struct tl_env *e, const struct tl_import *imports);

/*
 * The import addresses the object tests use (a tl_env fallback): names
 * containing "missing" do not resolve (the test objects' weak undefined
 * references); abs16_* and abs8_* get addresses small enough for
 * R_386_16 and R_386_8; anything else a hash-derived address in
 * 0x60000000..0x6ffffff0.
 */
uint32_t tl_fake_addr(const char *name, bool *found);

/* Read a whole file; NULL on error.  Caller frees. */
uint8_t *tl_read_file(const char *path, size_t *len);

/* Test object path: LT_DIR "/" name. */
const char *tl_obj(const char *name);

#endif
