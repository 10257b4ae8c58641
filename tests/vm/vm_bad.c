/* vm_bad: the VM service refusing bad requests, in groups (main's
 * argument), each printing "PASS: vm/NAME" or "FAIL: vm/NAME ..." and
 * "vm_bad: done, N failed":
 *
 *   1  (domains right; nothing else attached)  bad arguments, attaching
 *      twice, reconfiguring while in use, a little paging, detach
 *      discarding the pages; then a touch beyond the paged area, which
 *      must end this thread with the kernel's message
 *   2  (no rights)  acting on another domain or configuring the service
 *      is refused; attaching itself works
 *   3  (no swap device loaded)  attaching fails with -KEA_ENOENT */
#include <stdio.h>
#include <string.h>
#include <kea/base.h>
#include <kea/memlayout.h>
#include <kea/sysinfo.h>
#include "vmctl_client.h"
#include "sys_client.h"

uint32_t kea_domain_id(void);
void kea_flush(void);

static int failed;
static kea_binding_t vm;
static uint32_t self;

static void expect(const char *name, int got, int want)
{
    if (got == want) {
        printf("PASS: vm/%s (%s)\n", name, got < 0 ? kea_strerror(got) : "ok");
    } else {
        printf("FAIL: vm/%s: got %d (%s), want %d (%s)\n", name, got, kea_strerror(got), want,
               kea_strerror(want));
        failed++;
    }
}

static void check(const char *name, int ok, const char *detail)
{
    printf("%s: vm/%s (%s)\n", ok ? "PASS" : "FAIL", name, detail);
    if (!ok) failed++;
}

/* Write pages [0, n) with a pattern, read them back: 0 if all is well. */
static int page_through(uint32_t n, uint32_t salt)
{
    for (uint32_t p = 0; p < n; p++)
        for (uint32_t i = 0; i < PGSIZE / 4; i++)
            ((volatile uint32_t *)(PAGED_BASE + p * PGSIZE))[i] = p * 7919u + i + salt;
    int bad = 0;
    for (uint32_t p = 0; p < n; p++)
        for (uint32_t i = 0; i < PGSIZE / 4; i++)
            bad += ((volatile uint32_t *)(PAGED_BASE + p * PGSIZE))[i] != p * 7919u + i + salt;
    return bad;
}

/* A user domain other than this one, or 0. */
static uint32_t another_domain(void)
{
    static struct sys_domain rec[IDC_BUF_MAX / sizeof(struct sys_domain)];
    size_t len;
    uint32_t next;
    if (sys_domains(&kea_base_sys, 0, rec, sizeof rec, &len, &next) < 0) return 0;
    for (size_t i = 0; i < len / sizeof rec[0]; i++)
        if (!rec[i].kernel && rec[i].id != self) return rec[i].id;
    return 0;
}

static void privileged(void)
{
    uint32_t f, r, w;
    expect("attach-missing-domain", vmctl_attach(&vm, 63, 4), -KEA_ENOENT);
    expect("attach-kernel", vmctl_attach(&vm, 0, 4), -KEA_EINVAL);
    expect("attach-zero-frames", vmctl_attach(&vm, self, 0), -KEA_EINVAL);
    expect("attach-too-many-frames", vmctl_attach(&vm, self, 257), -KEA_EINVAL);
    expect("detach-unattached", vmctl_detach(&vm, self), -KEA_ENOENT);
    expect("stats-unattached", vmctl_stats(&vm, self, &f, &r, &w), -KEA_ENOENT);
    expect("missing-policy", vmctl_policy(&vm, "nopolicy"), -KEA_ENOENT);
    expect("missing-swap", vmctl_swap(&vm, "nodisk"), -KEA_ENOENT);
    expect("empty-swap-name", vmctl_swap(&vm, ""), -KEA_EINVAL);
    expect("long-swap-name", vmctl_swap(&vm, "a-name-far-too-long-for-a-service"), -KEA_EINVAL);
    expect("attach", vmctl_attach(&vm, self, 4), 0);
    expect("attach-twice", vmctl_attach(&vm, self, 4), -KEA_EEXIST);
    expect("swap-while-attached", vmctl_swap(&vm, "ramdisk"), -KEA_EBUSY);
    check("paging-6-pages-in-4-frames", page_through(6, 1) == 0, "data read back");
    int r2 = vmctl_stats(&vm, self, &f, &r, &w);
    char detail[80];
    snprintf(detail, sizeof detail, "faults %u reads %u writes %u", f, r, w);
    check("stats", r2 == 0 && f >= 6 && r >= 2 && w >= 2, detail);
    expect("detach", vmctl_detach(&vm, self), 0);
    expect("stats-after-detach", vmctl_stats(&vm, self, &f, &r, &w), -KEA_ENOENT);
    expect("attach-again", vmctl_attach(&vm, self, 4), 0);
    check("detach-discarded-pages", *(volatile uint32_t *)PAGED_BASE == 0, "page 0 reads zero");
}

static void unprivileged(void)
{
    uint32_t other = another_domain();
    check("another-domain-exists", other != 0, "");
    expect("attach-other-unprivileged", vmctl_attach(&vm, other, 4), -KEA_EPERM);
    expect("swap-unprivileged", vmctl_swap(&vm, "ramdisk"), -KEA_EPERM);
    expect("policy-unprivileged", vmctl_policy(&vm, "clock"), -KEA_EPERM);
    expect("attach-self-unprivileged", vmctl_attach(&vm, self, 4), 0);
    check("paging-unprivileged", page_through(6, 2) == 0, "data read back");
    expect("detach-self-unprivileged", vmctl_detach(&vm, self), 0);
}

int main(uint32_t group)
{
    self = kea_domain_id();
    int r = VMCTL_BIND("vm", &vm);
    if (r < 0) {
        printf("FAIL: vm/bind: %s\nvm_bad: done, 1 failed\n", kea_strerror(r));
        return 1;
    }
    switch (group) {
    case 1: privileged(); break;
    case 2: unprivileged(); break;
    case 3: expect("attach-without-swap-device", vmctl_attach(&vm, self, 4), -KEA_ENOENT); break;
    default:
        printf("FAIL: vm/group: no group %u\n", group);
        failed++;
    }
    printf("vm_bad: done, %d failed\n", failed);
    kea_flush();
    if (group == 1) {
        /* Beyond the paged area: an ordinary fault, which ends this thread. */
        volatile uint32_t *beyond = (volatile uint32_t *)PAGED_TOP;
        printf("FAIL: vm/beyond-paged-area: read %u\n", *beyond);
    }
    return failed != 0;
}
