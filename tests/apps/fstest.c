/* fstest: the file services' tests in kea.  simplefs, cachefs and compress
 * are linked into this program (their descriptors renamed, services.mk),
 * their portals made here, with the RAM disk of tests/host/kfs/fssuite.c
 * as "memblk.block"; calls go through real portals, into this domain.
 *
 * main(group): 0 every group of fssuite.c, 1..7 one of them (basic, large,
 * full, corrupt, switch, cache, compress), 8 the upgrade: a thread keeps
 * writing and reading a file while this one remaps its portal from
 * simplefs to cachefs, back, and to cachefs again (the paper's Fig. 2, in
 * one domain); 9 four threads using one service at once, each on its own
 * file and all in one directory, preempted wherever the timer finds them
 * (the services' lock).  Prints PASS:/FAIL: lines, then "fstest: done, N
 * failed". */
#include <stdio.h>
#include <string.h>
#include <kea/service.h>
#include "fs_client.h"
#include "portal_client.h"
#include "thread_client.h"
#include "fsproto.h"
#include "fssuite.h"
#define CHECK_AREA "fs"
#include "kea_check.h"

extern const kea_binding_t kea_base_portal, kea_base_thread;
extern const struct kea_service simplefs_service, cachefs_service, compress_service;
uint32_t kea_domain_id(void);

static int add(const char *name, idc_handler_t handler, void *arg, uint32_t iface_id)
{
    uint32_t sys, local;
    int r = portal_create(&kea_base_portal, (uint32_t)handler, (uint32_t)arg, iface_id, name,
                          &sys, &local);
    if (r < 0) printf("FAIL: fs/portal-%s: %s\n", name, kea_strerror(r)), failures++;
    return r;
}

static void add_service(const struct kea_service *s)
{
    int r = s->init ? s->init() : 0;
    if (r < 0) {
        printf("FAIL: fs/init-%s: %s\n", s->name, kea_strerror(r));
        failures++;
        return;
    }
    char name[32];
    snprintf(name, sizeof name, "%s.%s", s->name, s->ifaces[0].name);
    add(name, s->ifaces[0].dispatch, s->ifaces[0].server, s->ifaces[0].iface_id);
}

/* ---- the upgrade ------------------------------------------------------------ */

/* Service s hands the disk over (fs.release), called directly: the
 * application's portal may be remapped away from it in this domain. */
static void hand_over(const struct kea_service *s)
{
    struct idc_call c = { .proc = FS_PROC_RELEASE };
    s->ifaces[0].dispatch(s->ifaces[0].server, &c);
}

#define RECORD 700                      /* bytes a loop iteration appends */
#define ITERATIONS 600

static kea_binding_t app;               /* the application's portal: remapped under it */
static uint32_t app_file;
static volatile uint32_t progress, errors;

static void record(uint32_t i, uint8_t *out)
{
    for (uint32_t k = 0; k < RECORD; k++) out[k] = (uint8_t)(i * 31 + k * 7 + (k >> 5));
}

/* The application: append a record, read it back and an older one. */
static int application(uint32_t n)
{
    static uint8_t want[RECORD], got[RECORD];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t size;
        size_t len = 0;
        record(i, want);
        if (fs_write(&app, app_file, i * RECORD, want, RECORD, &size) < 0 || size != (i + 1) * RECORD)
            errors++;
        uint32_t j = i / 2;
        for (int k = 0; k < 2; k++, j = i) {
            record(j, want);
            if (fs_read(&app, app_file, j * RECORD, got, RECORD, &len) < 0 || len != RECORD ||
                memcmp(got, want, RECORD) != 0)
                errors++;
        }
        progress = i + 1;
        thread_yield(&kea_base_thread);
    }
    return 0;
}

/* The application yields after each iteration, and so does this: the
 * remaps land within a few iterations of the points chosen. */
static void wait_for(uint32_t n)
{
    while (progress < n) thread_yield(&kea_base_thread);
}

static void upgrade(void)
{
    uint32_t to_cache = 0, sys_cache = 0, tid;
    int32_t status;
    static uint8_t state[64];
    size_t len = 0;
    fssuite_nblocks = 4096;
    memset(fssuite_disk, 0, 4096 * 512);
    EXPECT_EQ("upgrade/bind", FS_BIND("simplefs", &app), 0);
    EXPECT_EQ("upgrade/format", fs_format(&app, "memblk", 0), 0);
    EXPECT_EQ("upgrade/create", fs_create(&app, "log", false, &app_file), 0);
    /* The successor takes over the mount (live migration); it reads the
     * disk only at its first call, after the switch. */
    EXPECT_EQ("upgrade/state-export", simplefs_service.state_export(state, sizeof state, &len), 0);
    EXPECT_EQ("upgrade/state-import", cachefs_service.state_import(state, len), 0);
    portal_lookup(&kea_base_portal, "cachefs.fs", &sys_cache);
    EXPECT_EQ("upgrade/thread", thread_create(&kea_base_thread, (uint32_t)application, ITERATIONS,
                                              &tid), 0);
    uint32_t me = kea_domain_id();
    wait_for(150);
    EXPECT_EQ("upgrade/remap-to-cachefs", portal_remap(&kea_base_portal, me, app.portal, sys_cache), 0);
    hand_over(&simplefs_service);
    to_cache = progress;
    wait_for(300);
    EXPECT_EQ("upgrade/back-to-simplefs", portal_unremap(&kea_base_portal, me, app.portal), 0);
    hand_over(&cachefs_service);
    wait_for(450);
    EXPECT_EQ("upgrade/again-to-cachefs", portal_remap(&kea_base_portal, me, app.portal, sys_cache), 0);
    hand_over(&simplefs_service);
    uint32_t last = progress;
    thread_join(&kea_base_thread, tid, &status);
    hand_over(&cachefs_service);
    EXPECT_EQ("upgrade/application-finished", progress, ITERATIONS);
    EXPECT_EQ("upgrade/no-data-lost", errors, 0);
    check(to_cache < 200 && last < 500, "upgrade/switched-while-running",
          "remapped at %ld and %ld", to_cache, last);
    portal_unremap(&kea_base_portal, me, app.portal);
    /* The whole file, through simplefs now: every record in place. */
    static uint8_t want[RECORD], got[RECORD];
    uint32_t bad = 0;
    for (uint32_t i = 0; i < ITERATIONS; i++) {
        size_t n = 0;
        record(i, want);
        if (fs_read(&app, app_file, i * RECORD, got, RECORD, &n) < 0 || n != RECORD ||
            memcmp(got, want, RECORD) != 0)
            bad++;
    }
    EXPECT_EQ("upgrade/file-complete", bad, 0);
    EXPECT_EQ("upgrade/mount-check", fs_mount(&app, "memblk"), 0);
    printf("fstest: the application ran %u iterations, moved to cachefs at %u, back at 300, "
           "to cachefs again at %u\n", ITERATIONS, to_cache, last);
}

/* ---- several clients at once ------------------------------------------------ */

#define WORKERS 4
#define ROUNDS 300

static kea_binding_t shared;
static volatile uint32_t worker_errors;

static int worker(uint32_t id)
{
    static uint8_t want[WORKERS][RECORD], got[WORKERS][RECORD];
    char path[32];
    uint32_t h, size;
    snprintf(path, sizeof path, "w%u", id);
    if (fs_create(&shared, path, false, &h) < 0) worker_errors++;
    for (uint32_t i = 0; i < ROUNDS; i++) {
        size_t len = 0;
        record(i * WORKERS + id, want[id]);
        if (fs_write(&shared, h, i * RECORD, want[id], RECORD, &size) < 0 ||
            fs_read(&shared, h, i * RECORD, got[id], RECORD, &len) < 0 || len != RECORD ||
            memcmp(got[id], want[id], RECORD) != 0)
            worker_errors++;
        if (i % 10 == 0) {                      /* the directory, shared by all */
            uint32_t hs;
            snprintf(path, sizeof path, "d/%u-%u", id, i);
            if (fs_create(&shared, path, false, &hs) < 0 || fs_write(&shared, hs, 0, path, 8, &size) < 0)
                worker_errors++;
            if (i % 20 == 0 && fs_remove(&shared, path) < 0) worker_errors++;
        }
    }
    return 0;
}

static void concurrent(void)
{
    static const char *const names[] = { "simplefs", "cachefs" };
    for (int k = 0; k < 2; k++) {
        char what[48];
        uint32_t tids[WORKERS], h, n = 0;
        int32_t status;
        fssuite_nblocks = 8192;
        memset(fssuite_disk, 0, 8192 * 512);
        worker_errors = 0;
        FS_BIND(names[k], &shared);
        fs_format(&shared, "memblk", 0);
        fs_create(&shared, "d", true, &h);
        for (uint32_t i = 0; i < WORKERS; i++)
            thread_create(&kea_base_thread, (uint32_t)worker, i, &tids[i]);
        for (uint32_t i = 0; i < WORKERS; i++) thread_join(&kea_base_thread, tids[i], &status);
        snprintf(what, sizeof what, "%s/concurrent-no-errors", names[k]);
        EXPECT_EQ(what, worker_errors, 0);
        static struct fs_entry e[FS_ENTRIES_PER_CALL];
        uint32_t start = 0, next;
        do {
            size_t len = 0;
            if (fs_list(&shared, "d", start, e, sizeof e, &len, &next) < 0) break;
            n += (uint32_t)(len / sizeof e[0]);
            start = next;
        } while (next);
        snprintf(what, sizeof what, "%s/concurrent-directory", names[k]);
        EXPECT_EQ(what, n, WORKERS * ROUNDS / 20);
        snprintf(what, sizeof what, "%s/concurrent-mount-check", names[k]);
        EXPECT_EQ(what, fs_mount(&shared, "memblk"), 0);
        fs_release(&shared);
    }
}

int main(uint32_t group)
{
    static const char *const groups[] = { "all", "basic", "large", "full", "corrupt", "switch",
                                          "cache", "compress" };
    add("memblk.block", fssuite_memblk_dispatch, &fssuite_memblk, BLOCK_IFACE_ID);
    add_service(&simplefs_service);
    add_service(&cachefs_service);
    add_service(&compress_service);
    if (failures == 0) {
        if (group < sizeof groups / sizeof groups[0])
            failures += fssuite_run(groups[group]);
        else if (group == 8)
            upgrade();
        else if (group == 9)
            concurrent();
        else
            printf("fstest: no group %u\n", group);
    }
    printf("fstest: done, %d failed\n", failures);
    return failures;
}
