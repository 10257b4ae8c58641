/* A driver for the primary IDE/ATA disk (QEMU's -drive ...,if=ide,index=0):
 * the block interface (services/block/block.idl) over 28-bit LBA PIO
 * transfers, one 512-byte sector per block.
 *
 * Hardware access is the same in both placements: the driver asks the irq
 * base service for its I/O ports (a no-op success in the kernel, a grant
 * in its user domain's I/O bitmap) and uses in/out directly; it attaches
 * IRQ 14 to a portal of its own, which the kernel's interrupt thread
 * invokes on every interrupt (a plain call in the kernel, an upcall in a
 * user domain).  So the object never knows where it runs.
 *
 * A request holds the device (semaphore `lock`), programs the registers,
 * issues the command and then waits on semaphore `done` once per
 * interrupt the command raises: one per sector for reads (data ready) and
 * writes (sector taken), one for CACHE FLUSH.  The interrupt handler only
 * reads the status register (which acknowledges the interrupt) and ups
 * `done` if a request is waiting.  After each wakeup the request polls the
 * alternate status until BSY clears, so a wakeup that comes early cannot
 * make it touch the data port too soon, and reads DRQ/ERR from there.
 *
 * Every poll is bounded in time (a short spin, then 10 ms sleeps), and a
 * failed request (a device error, a device that never leaves BSY or stops
 * asking for data mid-transfer) resets the device, so the next request
 * starts from a known state.  The disk is found, and measured, with
 * IDENTIFY DEVICE during init with the device's interrupt disabled (nIEN),
 * so a missing or foreign device fails init cleanly instead of leaving a
 * request waiting for an interrupt that never comes.  The wait for an
 * interrupt itself is the one unbounded wait: the thread service's
 * semaphores have no timeout, and a disk that accepted a command raises
 * its interrupt when done, or on an error.
 *
 * Live migration (docs/migration.md): once no request is inside (so no
 * command is in flight), the kernel asks for the state (what IDENTIFY
 * found and the counters), starts a new instance with
 * kea_service_why == KEA_WHY_MIGRATE, which claims its ports, semaphores
 * and interrupt portal without touching the device (its attach of the
 * parked IRQ 14 is staged by the kernel), and gives it the state.  The old
 * instance's fini is then told the same, and leaves the device's
 * interrupt enabled for the new one. */
#include <stdio.h>
#include <string.h>
#include <kea/service.h>
#include "block_server.h"
#include "../block/claim.h"
#include "atastat_server.h"
#include "ataintr_server.h"
#include "irq_client.h"
#include "portal_client.h"
#include "thread_client.h"

extern const kea_binding_t kea_base_irq, kea_base_portal, kea_base_thread;

/* The primary channel: command block registers at ATA_BASE + REG_*, the
 * control block register at ATA_CTRL, interrupt line 14. */
#define ATA_BASE     0x1f0
#define ATA_NPORTS   8
#define ATA_CTRL     0x3f6              /* read: alternate status; write: device control */
#define ATA_IRQ      14

#define REG_DATA     0
#define REG_ERROR    1                  /* read */
#define REG_COUNT    2
#define REG_LBA0     3
#define REG_LBA1     4
#define REG_LBA2     5
#define REG_DRIVE    6
#define REG_STATUS   7                  /* read: acknowledges the interrupt */
#define REG_COMMAND  7                  /* write */

#define ST_BSY       0x80
#define ST_DRDY      0x40
#define ST_DF        0x20               /* device fault */
#define ST_DRQ       0x08
#define ST_ERR       0x01

#define ER_AMNF      0x01               /* address mark not found */
#define ER_ABRT      0x04               /* command aborted */
#define ER_IDNF      0x10               /* sector id not found */
#define ER_UNC       0x40               /* uncorrectable data */
#define ER_ICRC      0x80               /* interface CRC / bad block */

#define CTL_NIEN     0x02               /* device interrupt disabled */
#define CTL_SRST     0x04               /* software reset */

#define DRIVE_LBA    0xe0               /* master, LBA addressing (bits 7 and 5 obsolete, set) */

#define CMD_READ     0x20               /* READ SECTORS (PIO, LBA28) */
#define CMD_WRITE    0x30               /* WRITE SECTORS */
#define CMD_FLUSH    0xe7               /* FLUSH CACHE */
#define CMD_IDENTIFY 0xec

#define SECTOR       512u
#define MAX_RUN      (IDC_BUF_MAX / SECTOR) /* sectors one call carries */
#define LBA28_LIMIT  0x10000000u

#define SPIN         1000               /* status reads before sleeping between polls */
#define POLL_MS      10
#define BUSY_MS      5000               /* a command's BSY, or DRQ for data */
#define RESET_MS     10000              /* BSY after a reset (spin-up of a real disk) */

/* idc.h has no code for "the device reported an I/O error" or "the device
 * timed out"; these are the nearest it has: a media error is reported as
 * a fault, a device stuck busy as busy.  The driver prints the registers
 * for each. */
#define E_IO         KEA_EFAULT
#define E_TIMEDOUT   KEA_EBUSY

static struct {
    int present;                        /* init found an ATA disk and set everything up */
    uint32_t nsectors;                  /* addressable with LBA28 */
    int can_flush;                      /* FLUSH CACHE supported */
    char model[41];
    kea_handle_t lock;                  /* one request at a time */
    kea_handle_t done;                  /* upped by the interrupt a request waits for */
    int have_lock, have_done;
    uint32_t irq_sys, irq_local;        /* the interrupt portal */
    int have_portal, attached;
    volatile int waiting;               /* a request waits for an interrupt */
    volatile uint32_t interrupts;
    uint32_t sectors_read, sectors_written;
} ata;

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void insw(uint16_t port, void *buf, uint32_t words)
{
    __asm__ volatile("cld; rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void outsw(uint16_t port, const void *buf, uint32_t words)
{
    __asm__ volatile("cld; rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

/* The device needs 400 ns after a drive select or a command before its
 * status means anything: four reads of the alternate status take that. */
static void delay400(void)
{
    for (int i = 0; i < 4; i++)
        inb(ATA_CTRL);
}

/* Poll the alternate status (which acknowledges nothing) until BSY is
 * clear; *status is the first status without BSY.  A short spin covers a
 * device that is nearly done; after it, sleeps bound the wait in time
 * whatever the speed of the CPU. */
static int wait_idle(uint32_t timeout_ms, uint8_t *status)
{
    for (uint32_t waited = 0;; waited += POLL_MS) {
        for (int i = 0; i < SPIN; i++) {
            uint8_t st = inb(ATA_CTRL);
            if (!(st & ST_BSY)) {
                *status = st;
                return 0;
            }
        }
        if (waited >= timeout_ms) return -E_TIMEDOUT;
        thread_sleep(&kea_base_thread, POLL_MS);
    }
}

/* A command failed with ERR or DF: the registers are printed for whoever
 * reads the console, the caller gets an I/O error. */
static int device_error(const char *what, uint32_t lba, uint8_t status)
{
    uint8_t err = inb(ATA_BASE + REG_ERROR);
    const char *why = (status & ST_DF) ? "device fault"
                    : (err & ER_IDNF) ? "sector not found"
                    : (err & ER_UNC) ? "uncorrectable data"
                    : (err & ER_AMNF) ? "address mark not found"
                    : (err & ER_ICRC) ? "bad block or CRC error"
                    : (err & ER_ABRT) ? "command aborted"
                    : "unknown error";
    printf("ata: %s at sector %u: status %#x, error %#x (%s)\n", what, lba, status, err, why);
    /* Requests are checked against the disk's size before they reach it,
     * so even "not found" or "aborted" means the disk failed, not the
     * caller (QEMU reports its backend's I/O errors as aborted commands). */
    return -E_IO;
}

/* Select the disk with interrupts as given (nien) and wait until it is
 * idle; used after power-on and after a failed request. */
static int reset(int nien)
{
    uint8_t st;
    outb(ATA_CTRL, CTL_SRST | CTL_NIEN);
    delay400();                         /* SRST must stay set for at least 5 us */
    delay400();
    outb(ATA_CTRL, CTL_NIEN);
    thread_sleep(&kea_base_thread, POLL_MS);   /* a device sets BSY within 2 ms of the reset */
    int r = wait_idle(RESET_MS, &st);
    outb(ATA_BASE + REG_DRIVE, DRIVE_LBA);
    delay400();
    inb(ATA_BASE + REG_STATUS);         /* drop an interrupt the reset may have left */
    outb(ATA_CTRL, nien ? CTL_NIEN : 0);
    return r;
}

/* Wait for the interrupt the device raises when it has done a step of the
 * current command (ata.waiting was set before the step began), then for
 * BSY to clear; ERR and DF are turned into errors. */
static int wait_interrupt(const char *what, uint32_t lba, uint8_t *status)
{
    int r = thread_sem_down(&kea_base_thread, ata.done);
    if (r < 0) return r;
    if ((r = wait_idle(BUSY_MS, status)) < 0) {
        printf("ata: %s at sector %u: device still busy after %u ms\n", what, lba, BUSY_MS);
        return r;
    }
    if (*status & (ST_ERR | ST_DF)) return device_error(what, lba, *status);
    return 0;
}

/* The device wants data (or has it): BSY clear, DRQ set. */
static int expect_drq(const char *what, uint32_t lba, uint8_t status)
{
    if (status & ST_DRQ) return 0;
    printf("ata: %s at sector %u: device did not ask for data (status %#x)\n", what, lba, status);
    return -E_IO;
}

/* Program the task file and issue cmd for `count` sectors from lba; irq:
 * the command's first step ends with an interrupt.  The device must be
 * idle and ready. */
static int issue(uint8_t cmd, uint32_t lba, uint32_t count, int irq, const char *what)
{
    uint8_t st;
    outb(ATA_BASE + REG_DRIVE, (uint8_t)(DRIVE_LBA | ((lba >> 24) & 0x0f)));
    delay400();
    if (wait_idle(BUSY_MS, &st) < 0) {
        printf("ata: %s at sector %u: device busy before the command\n", what, lba);
        return -E_TIMEDOUT;
    }
    if (!(st & ST_DRDY) || (st & ST_DRQ)) {
        printf("ata: %s at sector %u: device not ready (status %#x)\n", what, lba, st);
        return -E_IO;
    }
    outb(ATA_BASE + REG_COUNT, (uint8_t)count);         /* 0 would mean 256; never asked */
    outb(ATA_BASE + REG_LBA0, (uint8_t)lba);
    outb(ATA_BASE + REG_LBA1, (uint8_t)(lba >> 8));
    outb(ATA_BASE + REG_LBA2, (uint8_t)(lba >> 16));
    ata.waiting = irq;                  /* before the command: its interrupt may come at once */
    outb(ATA_BASE + REG_COMMAND, cmd);
    return 0;
}

/* Read `count` sectors: an interrupt announces each one's data. */
static int pio_read(uint32_t lba, uint32_t count, uint8_t *buf)
{
    int r = issue(CMD_READ, lba, count, 1, "read");
    for (uint32_t i = 0; r == 0 && i < count; i++) {
        uint8_t st;
        if ((r = wait_interrupt("read", lba + i, &st)) < 0 ||
            (r = expect_drq("read", lba + i, st)) < 0)
            break;
        /* Reading the sector's last word starts the next one. */
        ata.waiting = i + 1 < count;
        insw(ATA_BASE + REG_DATA, buf + i * SECTOR, SECTOR / 2);
        ata.sectors_read++;
    }
    return r;
}

/* Write `count` sectors: the device asks for the first by DRQ alone, and
 * interrupts once it has taken each one (asking for the next with DRQ). */
static int pio_write(uint32_t lba, uint32_t count, const uint8_t *buf)
{
    uint8_t st;
    int r = issue(CMD_WRITE, lba, count, 0, "write");
    if (r < 0) return r;
    if ((r = wait_idle(BUSY_MS, &st)) < 0) {
        printf("ata: write at sector %u: device still busy after %u ms\n", lba, BUSY_MS);
        return r;
    }
    if (st & (ST_ERR | ST_DF)) return device_error("write", lba, st);
    for (uint32_t i = 0; r == 0 && i < count; i++) {
        if ((r = expect_drq("write", lba + i, st)) < 0) break;
        ata.waiting = 1;                /* the sector's last word starts the write */
        outsw(ATA_BASE + REG_DATA, buf + i * SECTOR, SECTOR / 2);
        if ((r = wait_interrupt("write", lba + i, &st)) < 0) break;
        ata.sectors_written++;
    }
    return r;
}

static int flush(void)
{
    uint8_t st;
    int r = issue(CMD_FLUSH, 0, 0, 1, "cache flush");
    if (r == 0) r = wait_interrupt("cache flush", 0, &st);
    return r;
}

/* Requests hold the device from programming the registers to the last
 * interrupt.  A request that failed may have left the device in the middle
 * of a command: it is reset, so the next one starts from a known state. */
static int hold(void)
{
    return thread_sem_down(&kea_base_thread, ata.lock);
}

static int release(int r)
{
    ata.waiting = 0;
    if (r < 0 && reset(0) < 0)
        printf("ata: the disk does not come back from a reset\n");
    thread_sem_up(&kea_base_thread, ata.lock);
    return r;
}

/* ---- the block interface ---- */

/* A run of `count` sectors from `first` lies on the disk and fits one call
 * (written so that first + count cannot overflow). */
static int check_run(uint32_t first, uint32_t count)
{
    if (!ata.present) return -KEA_ENOENT;
    if (count == 0 || count > MAX_RUN) return -KEA_EINVAL;
    if (first >= ata.nsectors || count > ata.nsectors - first) return -KEA_EINVAL;
    return 0;
}

static int blk_info(void *self, uint32_t *nblocks, uint32_t *block_size)
{
    (void)self;
    if (!ata.present) return -KEA_ENOENT;
    *nblocks = ata.nsectors;
    *block_size = SECTOR;
    return 0;
}

/* Returns the bytes read. */
static int blk_read(void *self, uint32_t first, uint32_t count, void *data, size_t cap, size_t *len)
{
    (void)self;
    int r = check_run(first, count);
    if (r < 0) return r;
    if ((size_t)count * SECTOR > cap) return -KEA_E2BIG;
    if ((r = hold()) < 0 || (r = release(pio_read(first, count, data))) < 0) return r;
    *len = (size_t)count * SECTOR;
    return (int)*len;
}

/* data must be a whole number of sectors; returns the bytes written. */
static int blk_write(void *self, uint32_t first, const void *data, size_t len)
{
    (void)self;
    if (!ata.present) return -KEA_ENOENT;
    if (len == 0 || len % SECTOR) return -KEA_EINVAL;
    int r = check_run(first, (uint32_t)(len / SECTOR));
    if (r < 0) return r;
    if ((r = hold()) < 0 || (r = release(pio_write(first, (uint32_t)(len / SECTOR), data))) < 0)
        return r;
    return (int)len;
}

/* Writes are complete when the device interrupts, but may sit in its write
 * cache: FLUSH CACHE makes them durable. */
static int blk_sync(void *self)
{
    (void)self;
    if (!ata.present) return -KEA_ENOENT;
    if (!ata.can_flush) return 0;
    int r = hold();
    return r < 0 ? r : release(flush());
}

static const struct block_ops block_ops = { blk_info, blk_read, blk_write, blk_sync, 0, 0 };  /* claim: blk_dispatch */
static struct block_server block_srv = { &block_ops, 0 };
static struct blk_claim claim;           /* which file service uses the disk */

static int blk_dispatch(void *arg, struct idc_call *c)
{
    return blk_claim_dispatch(&claim, c, block_dispatch, arg);
}

static int stat_counters(void *self, uint32_t *interrupts, uint32_t *sectors_read,
                         uint32_t *sectors_written)
{
    (void)self;
    *interrupts = ata.interrupts;
    *sectors_read = ata.sectors_read;
    *sectors_written = ata.sectors_written;
    return 0;
}

static const struct atastat_ops stat_ops = { stat_counters };
static struct atastat_server stat_srv = { &stat_ops, 0 };

/* ---- the interrupt ---- */

static int intr_interrupt(void *self, uint32_t irq)
{
    (void)self; (void)irq;
    inb(ATA_BASE + REG_STATUS);         /* acknowledge: the device lowers its line */
    ata.interrupts++;
    if (ata.waiting) {
        ata.waiting = 0;
        thread_sem_up(&kea_base_thread, ata.done);
    }
    return 0;
}

static const struct ataintr_ops intr_ops = { intr_interrupt };
static struct ataintr_server intr_srv = { &intr_ops, 0 };

/* The portal's entry: interrupts come from the kernel's interrupt thread
 * (domain 0); anyone else who found the portal by name is refused. */
static int intr_entry(void *arg, struct idc_call *call)
{
    if (call->caller != 0) return -KEA_EPERM;
    return ataintr_dispatch(arg, call);
}

/* ---- finding the disk ---- */

/* IDENTIFY DEVICE, polled (the device's interrupt is off during init):
 * -KEA_ENOENT when no ATA disk answers. */
static int identify(uint16_t id[256])
{
    /* The firmware may have left the other drive of the channel selected. */
    outb(ATA_BASE + REG_DRIVE, DRIVE_LBA);
    delay400();
    uint8_t st = inb(ATA_CTRL);
    if (st == 0xff || st == 0x00) return -KEA_ENOENT;   /* floating bus, or no device at all */
    int r = reset(1);
    if (r < 0) return r;
    /* Registers that hold what is written to them: something is there. */
    outb(ATA_BASE + REG_COUNT, 0x55);
    outb(ATA_BASE + REG_LBA0, 0xaa);
    if (inb(ATA_BASE + REG_COUNT) != 0x55 || inb(ATA_BASE + REG_LBA0) != 0xaa) return -KEA_ENOENT;
    outb(ATA_BASE + REG_COUNT, 0);
    outb(ATA_BASE + REG_LBA0, 0);
    outb(ATA_BASE + REG_LBA1, 0);
    outb(ATA_BASE + REG_LBA2, 0);
    outb(ATA_BASE + REG_COMMAND, CMD_IDENTIFY);
    delay400();
    if (inb(ATA_CTRL) == 0) return -KEA_ENOENT;
    if ((r = wait_idle(BUSY_MS, &st)) < 0) return r;
    /* A packet device (CD-ROM) or a SATA bridge aborts IDENTIFY DEVICE and
     * leaves its signature in the LBA registers. */
    if (inb(ATA_BASE + REG_LBA1) || inb(ATA_BASE + REG_LBA2) || (st & (ST_ERR | ST_DF)))
        return -KEA_ENOENT;
    if (!(st & ST_DRQ)) return -E_IO;
    insw(ATA_BASE + REG_DATA, id, 256);
    inb(ATA_BASE + REG_STATUS);
    return 0;
}

/* The model string: 40 bytes, each word's two bytes swapped, space padded. */
static void model_of(const uint16_t id[256], char *model)
{
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(id[27 + i] >> 8);
        model[2 * i + 1] = (char)id[27 + i];
    }
    int n = 40;
    while (n > 0 && (model[n - 1] == ' ' || model[n - 1] == 0)) n--;
    model[n] = 0;
}

static void ata_fini(void);

/* The interrupt portal's name: the instance a migration or a restart
 * starts makes its own while the old one's still exists, under the other
 * name. */
static const char *const irq_names[2] = { "ata.irq14", "ata.irq14b" };

static int make_irq_portal(void)
{
    int r = -KEA_EEXIST;
    for (int i = 0; i < 2 && r == -KEA_EEXIST; i++) {
        if (i && kea_service_why == KEA_WHY_FRESH) break;
        r = portal_create(&kea_base_portal, (uint32_t)intr_entry, (uint32_t)&intr_srv,
                          ATAINTR_IFACE_ID, irq_names[i], &ata.irq_sys, &ata.irq_local);
    }
    return r;
}

/* Claim the channel before touching it: the I/O ports, then IRQ 14
 * through the driver's own portal, which only one driver can hold, so a
 * second instance fails here without disturbing the first one's disk.
 * Then find the disk, and only then let it interrupt. */
static int ata_init(void)
{
    static uint16_t id[256];
    memset(&ata, 0, sizeof ata);
    int r = irq_ioports(&kea_base_irq, ATA_BASE, ATA_NPORTS);
    if (r == 0) r = irq_ioports(&kea_base_irq, ATA_CTRL, 1);
    if (r < 0) {
        printf("ata: no access to ports %#x-%#x, %#x: %s\n", ATA_BASE, ATA_BASE + ATA_NPORTS - 1,
               ATA_CTRL, kea_strerror(r));
        return r;
    }
    if ((r = thread_sem_create(&kea_base_thread, 1, &ata.lock)) < 0) goto no_irq;
    ata.have_lock = 1;
    if ((r = thread_sem_create(&kea_base_thread, 0, &ata.done)) < 0) goto no_irq;
    ata.have_done = 1;
    if ((r = make_irq_portal()) < 0) goto no_irq;
    ata.have_portal = 1;
    if ((r = irq_attach(&kea_base_irq, ATA_IRQ, ata.irq_local)) < 0) goto no_irq;
    ata.attached = 1;
    if (kea_service_why == KEA_WHY_MIGRATE)
        return 0;                       /* the device is live: state_import tells the rest */

    if ((r = identify(id)) < 0) {
        if (r == -KEA_ENOENT) printf("ata: no ATA disk on the primary channel\n");
        else printf("ata: the disk does not answer IDENTIFY: %s\n", kea_strerror(r));
        goto fail;
    }
    model_of(id, ata.model);
    ata.nsectors = (uint32_t)id[60] | (uint32_t)id[61] << 16;
    if (!(id[49] & (1u << 9)) || ata.nsectors == 0) {
        printf("ata: %s: no LBA addressing\n", ata.model);
        r = -KEA_ENOENT;
        goto fail;
    }
    if (ata.nsectors >= LBA28_LIMIT) ata.nsectors = LBA28_LIMIT - 1;
    /* Word 83 is valid when its top bits are 01; bit 12: FLUSH CACHE. */
    ata.can_flush = (id[83] & 0xc000) == 0x4000 && (id[83] & (1u << 12));
    inb(ATA_BASE + REG_STATUS);         /* nothing pending from init */
    outb(ATA_CTRL, 0);                  /* the device's interrupt on */
    ata.present = 1;
    printf("ata: %s, %u sectors (%u KiB)%s\n", ata.model, ata.nsectors, ata.nsectors / 2,
           ata.can_flush ? ", write cache flushed on sync" : "");
    return 0;
no_irq:
    /* The name or the line is taken: another instance drives this disk. */
    if (r == -KEA_EEXIST || r == -KEA_EBUSY) {
        printf("ata: IRQ %d is taken (is another ata driver loaded?)\n", ATA_IRQ);
        r = -KEA_EBUSY;
    } else {
        printf("ata: cannot set up interrupt delivery: %s\n", kea_strerror(r));
    }
fail:
    ata_fini();
    return r;
}

/* Undo whatever init did (also after a partial init). */
static void ata_fini(void)
{
    if (ata.present && kea_service_why == KEA_WHY_FRESH)
        printf("ata: %u interrupts, %u sectors read, %u written\n", ata.interrupts,
               ata.sectors_read, ata.sectors_written);
    ata.present = 0;
    if (ata.attached) {
        if (kea_service_why == KEA_WHY_FRESH)
            outb(ATA_CTRL, CTL_NIEN);   /* migrating, restarted: the other instance drives it */
        irq_detach(&kea_base_irq, ATA_IRQ);
    }
    if (ata.have_portal) {
        /* Revoked already when the service is being unloaded: then only
         * our table entry is left to drop. */
        portal_revoke(&kea_base_portal, ata.irq_sys);
        portal_release(&kea_base_portal, ata.irq_local);
    }
    if (ata.have_done) thread_sem_destroy(&kea_base_thread, ata.done);
    if (ata.have_lock) thread_sem_destroy(&kea_base_thread, ata.lock);
    ata.attached = ata.have_portal = ata.have_done = ata.have_lock = 0;
}

/* ---- live migration ---- */

/* What a new instance needs to drive the disk the old one found. */
struct ata_state {
    uint32_t version;
    uint32_t nsectors;
    int32_t can_flush;
    char model[41];
    uint32_t interrupts, sectors_read, sectors_written;
    struct blk_claim claim;             /* the file service using the disk keeps it */
};
#define ATA_STATE_VERSION 2

static int ata_export(void *buf, size_t cap, size_t *len)
{
    *len = sizeof(struct ata_state);
    if (cap < sizeof(struct ata_state)) return -KEA_E2BIG;
    if (!ata.present) return -KEA_ENOENT;
    struct ata_state *st = buf;
    st->version = ATA_STATE_VERSION;
    st->nsectors = ata.nsectors;
    st->can_flush = ata.can_flush;
    memcpy(st->model, ata.model, sizeof st->model);
    st->interrupts = ata.interrupts;
    st->sectors_read = ata.sectors_read;
    st->sectors_written = ata.sectors_written;
    st->claim = claim;
    return 0;
}

static int ata_import(const void *buf, size_t len)
{
    const struct ata_state *st = buf;
    if (len != sizeof *st || st->version != ATA_STATE_VERSION || st->nsectors == 0 ||
        st->nsectors >= LBA28_LIMIT)
        return -KEA_EINVAL;
    ata.nsectors = st->nsectors;
    ata.can_flush = st->can_flush != 0;
    memcpy(ata.model, st->model, sizeof ata.model);
    ata.model[sizeof ata.model - 1] = 0;
    ata.interrupts = st->interrupts;
    ata.sectors_read = st->sectors_read;
    ata.sectors_written = st->sectors_written;
    claim = st->claim;
    claim.holder[sizeof claim.holder - 1] = 0;
    ata.present = 1;
    return 0;
}

static const struct kea_service_iface ifaces[] = {
    BLOCK_SERVICE_IFACE(blk_dispatch, &block_srv),
    ATASTAT_SERVICE_IFACE(atastat_dispatch, &stat_srv),
};

KEA_SERVICE(.name = "ata", .ifaces = ifaces, .nifaces = 2, .init = ata_init, .fini = ata_fini,
            .state_export = ata_export, .state_import = ata_import);
