"""Issue 5: the block device services.  The RAM disk (services/ramdisk) and
the ATA disk driver (services/ata) are loaded by the monitor's `load`, in
the kernel and in user domains, and driven through the block interface by
tests/apps/blktest.c (its header explains ARG and the modes).  The ATA
tests give QEMU a fresh disk image in the build directory; the host checks
what the guest wrote into it, and corrupts or fails sectors on purpose to
see the guest notice."""
import os, random, re, struct
from kea import check

BLK = 512
DISK_MB = 4
NBLOCKS = DISK_MB * 1024 * 1024 // BLK
RAMDISK_BLOCKS = 2048                 # RAMDISK_KIB = 1024 (services/ramdisk/ramdisk.c)
SERVICE_INDEX = {"rd_k": 0, "rd_u": 1, "ata_k": 2, "ata_u": 3}    # names[] in blktest.c
EXERCISE, PERSIST, VERIFY, SMOKE, SCAN = range(5)
MEM = r"(\d+) pages in use, heap (\d+) bytes in (\d+) blocks"
# What one exercise run reports when every check passes (blktest.c, exercise()).
EXERCISE_CHECKS = 29
ATA_CHECKS = 5                        # counters, counters-again, and the three compared
# How the driver's I/O error reads (kea_strerror): -KEA_EFAULT stands for it
# until idc.h has an I/O error code (E_IO in services/ata/ata.c).
IO_ERROR = "bad buffer address"


def _modules(h):
    return [os.path.join(h.build, p) for p in
            ("rt.o", "services/ramdisk.o", "services/ata.o", "apps/blktest.o")]


def _image(h, name):
    """A zeroed disk image of DISK_MB in the build directory."""
    path = os.path.join(h.build, f"test-block-{name}.img")
    with open(path, "wb") as f:
        f.truncate(DISK_MB * 1024 * 1024)
    return path


def _boot(h, image=None, drive=None):
    extra = []
    if image or drive:
        extra = ["-drive", drive or f"file={image},format=raw,if=ide,index=0"]
    h.boot(modules=_modules(h), extra=extra)


def _load(h, module, where, name):
    out = h.cmd(f"load {module} {where} as {name}")
    place = "the kernel" if where == "kernel" else "a user domain"
    check(re.search(rf"loaded {name} from {module} in {place} \(domain \d+\)", out),
          f"load {module} {where} as {name} failed:\n{out}")
    return out


def _spawn(h, name, mode, seed):
    """Start blktest on service `name`; returns where its output starts."""
    start = len(h.out)
    arg = SERVICE_INDEX[name] | mode << 8 | seed << 16
    h.send(f"spawn blktest.o 0 {arg}\n")
    return start


def _wait(h, name, start, timeout=300):
    """Wait for blktest on `name` (started at output position `start`) to
    finish, whatever else finished meanwhile; its failure count, FAIL
    lines and number of PASS lines."""
    end = h.pos
    h.pos = start
    m = h.expect(rf"blktest: {name} done, (\d+) failed", timeout)
    h.pos = max(h.pos, end)
    fails = re.findall(rf"FAIL: blk/{name}/.*", h.out[start:])
    passes = len(re.findall(rf"PASS: blk/{name}/", h.out[start:]))
    return int(m.group(1)), fails, passes


def _run(h, name, mode, seed, want_passes, timeout=300):
    failed, fails, passes = _wait(h, name, _spawn(h, name, mode, seed), timeout)
    check(failed == 0 and not fails, f"blktest {name} (seed {seed}):\n" + "\n".join(fails))
    check(passes == want_passes, f"blktest {name}: {passes} checks passed, want {want_passes}")


def _alive(h):
    check(re.search(r"up \d", h.cmd("uptime")), "the kernel no longer answers")
    check("kernel exception" not in h.out and "kernel panic" not in h.out
          and "page fault in domain" not in h.out, "something faulted")


def _mem(h):
    h.cmd("sleep 50")                 # let exited threads be reaped
    m = re.search(MEM, h.cmd("mem"))
    check(m, "no mem line")
    return m.groups()[:2]


# ---- the pattern blktest.c writes, computed on the host ----
M32 = 0xffffffff


def _hash(x):
    x ^= x >> 16
    x = (x * 0x7feb352d) & M32
    x ^= x >> 15
    x = (x * 0x846ca68b) & M32
    x ^= x >> 16
    return x


def _pattern(block, gen, seed):
    out = bytearray(b"kea-blk!") + struct.pack("<III", block, gen, seed)
    s = _hash(seed ^ _hash(block ^ _hash(gen))) | 1
    for _ in range(20, BLK, 4):
        s ^= (s << 13) & M32
        s ^= s >> 17
        s ^= (s << 5) & M32
        out += struct.pack("<I", s)
    return bytes(out)


# ---- the RAM disk ----

def test_ramdisk_in_the_kernel_and_a_user_domain(h):
    """The same object in both placements at once, each exercised by its
    own client at the same time (different seeds, so disks that shared
    memory would read back each other's data); unloading frees everything."""
    _boot(h)
    _load(h, "ramdisk.o", "user", "warm")     # the console thread's first IDC buffers
    h.cmd("unload warm")
    before = _mem(h)
    _load(h, "ramdisk.o", "kernel", "rd_k")
    _load(h, "ramdisk.o", "user", "rd_u")
    check(h.out.count(f"ramdisk: {RAMDISK_BLOCKS} blocks of 512 bytes") == 3, "no geometry line")
    out = h.cmd("services")
    check(re.search(r"rd_k\s+kernel", out) and re.search(r"rd_u\s+user", out), out)
    seed = random.randrange(1, 0x10000)
    starts = {"rd_k": _spawn(h, "rd_k", EXERCISE, seed),
              "rd_u": _spawn(h, "rd_u", EXERCISE, seed ^ 0x5a5a)}
    for name in ("rd_k", "rd_u"):
        failed, fails, passes = _wait(h, name, starts[name])
        check(failed == 0 and not fails, f"{name} (seed {seed}):\n" + "\n".join(fails))
        check(passes == EXERCISE_CHECKS, f"{name}: {passes} checks passed, want {EXERCISE_CHECKS}")
        check(f"blktest: {name}: {RAMDISK_BLOCKS} blocks of 512 bytes" in h.out, "wrong geometry")
    for dom in ("blktest", "blktest2"):          # the clients' domains outlive their threads
        check(f"destroyed {dom}" in h.cmd(f"destroy {dom}"), f"cannot destroy {dom}")
    for name in ("rd_k", "rd_u"):
        out = h.cmd(f"unload {name}")
        m = re.search(r"ramdisk: (\d+) blocks read, (\d+) written", out)
        check(m and int(m.group(1)) > RAMDISK_BLOCKS and int(m.group(2)) > RAMDISK_BLOCKS,
              f"unload {name}:\n{out}")
    after = _mem(h)
    check(before == after, f"memory before loading {before}, after unloading {after}")
    _alive(h)


# ---- the ATA disk ----

def _ata_exercise(h, where, name, rd_name):
    """The driver in one placement, a RAM disk beside it in the same one,
    both exercised at once: the disk's requests sleep for interrupts while
    the RAM disk's go on."""
    image = _image(h, name)
    _boot(h, image)
    out = _load(h, "ata.o", where, name)
    check(f"ata: QEMU HARDDISK, {NBLOCKS} sectors" in out, out)
    _load(h, "ramdisk.o", where, rd_name)
    seed = random.randrange(1, 0x10000)
    starts = {name: _spawn(h, name, EXERCISE, seed),
              rd_name: _spawn(h, rd_name, EXERCISE, seed ^ 0xa5a5)}
    for svc, want in ((name, EXERCISE_CHECKS + ATA_CHECKS), (rd_name, EXERCISE_CHECKS)):
        failed, fails, passes = _wait(h, svc, starts[svc])
        check(failed == 0 and not fails, f"{svc} (seed {seed}):\n" + "\n".join(fails))
        check(passes == want, f"{svc}: {passes} checks passed, want {want}")
    m = re.search(rf"blktest: {name}: (\d+) interrupts for (\d+) sectors read and (\d+) written",
                  h.out)
    check(m and int(m.group(1)) >= int(m.group(2)) + int(m.group(3)) > 2 * NBLOCKS,
          "no interrupt counts, or too few")
    out = h.cmd(f"unload {name}")
    check(re.search(r"ata: \d+ interrupts, \d+ sectors read, \d+ written", out), out)
    h.cmd(f"unload {rd_name}")
    out = h.cmd("services")
    check(name not in out and rd_name not in out, f"still listed:\n{out}")
    _alive(h)


def test_ata_in_the_kernel(h):
    _ata_exercise(h, "kernel", "ata_k", "rd_k")


def test_ata_in_a_user_domain(h):
    _ata_exercise(h, "user", "ata_u", "rd_u")


def test_ata_data_persists_across_reboot(h):
    """Boot 1 writes every sector through the kernel-placed driver and
    syncs; the host finds each sector in the image file.  The host then
    changes one sector, and boot 2 reads the disk through the driver in a
    user domain: every sector as written, but for that one."""
    image = _image(h, "persist")
    seed = random.randrange(1, 0x10000)
    _boot(h, image)
    _load(h, "ata.o", "kernel", "ata_k")
    _run(h, "ata_k", PERSIST, seed, 4)
    h.send("shutdown\n")
    check(h.wait_exit(60) == 0, "QEMU did not power off cleanly")
    with open(image, "rb") as f:
        data = f.read()
    check(len(data) == NBLOCKS * BLK, f"image is {len(data)} bytes")
    wrong = [b for b in range(NBLOCKS) if data[b * BLK:(b + 1) * BLK] != _pattern(b, 1, seed)]
    check(not wrong, f"{len(wrong)} sectors differ in the image, first {wrong[:5]} (seed {seed})")
    victim = random.randrange(NBLOCKS)
    with open(image, "r+b") as f:
        f.seek(victim * BLK + 100)
        f.write(b"\xff" * 16)

    h.restart()
    _boot(h, image)
    _load(h, "ata.o", "user", "ata_u")
    failed, fails, _ = _wait(h, "ata_u", _spawn(h, "ata_u", VERIFY, seed))
    check(f"blktest: ata_u: {NBLOCKS} blocks verified, 1 differ" in h.out,
          f"boot 2 did not find exactly the one changed sector ({victim})")
    check(re.findall(r"blktest: block (\d+) is not as written", h.out) == [str(victim)],
          f"wrong sector reported, want {victim}")
    check(failed == 1 and len(fails) == 1 and "persist-verify" in fails[0], "\n".join(fails))
    _alive(h)


def test_ata_missing_disk(h):
    """No disk on the primary channel: init fails cleanly in either
    placement, with a message, nothing left behind."""
    _boot(h)
    _load(h, "ramdisk.o", "user", "warm")
    h.cmd("unload warm")
    before = _mem(h)
    for where, name in (("kernel", "ata_k"), ("user", "ata_u")):
        out = h.cmd(f"load ata.o {where} as {name}")
        check("ata: no ATA disk on the primary channel" in out and "init failed" in out, out)
    out = h.cmd("services")
    check("ata_" not in out, f"a failed driver is listed:\n{out}")
    after = _mem(h)
    check(before == after, f"memory before {before}, after the failed loads {after}")
    _alive(h)


def test_ata_one_driver_per_disk(h):
    """A second driver for the disk is refused before it touches the disk;
    once the first is unloaded (its interrupt and portal released), the
    disk can be driven from the other placement."""
    image = _image(h, "exclusive")
    _boot(h, image)
    _load(h, "ata.o", "kernel", "ata_k")
    out = h.cmd("load ata.o user as ata_u")
    check("ata: IRQ 14 is taken" in out and "init failed" in out, out)
    _run(h, "ata_k", SMOKE, 7, 3)
    h.cmd("unload ata_k")
    _load(h, "ata.o", "user", "ata_u")
    _run(h, "ata_u", SMOKE, 8, 3)
    out = h.cmd("load ata.o kernel as ata_k")
    check("ata: IRQ 14 is taken" in out and "init failed" in out, out)
    _alive(h)


def test_ata_device_errors(h):
    """QEMU fails one sector's reads and another's writes (blkdebug): the
    runs holding them fail with an error, the driver names the sector and
    the registers, every other run works and keeps its data, and the disk
    goes on working after the errors — in both placements."""
    image = _image(h, "errors")
    bad_read, bad_write = 1003, 3005
    conf = os.path.join(h.build, "test-block-errors.conf")
    with open(conf, "w") as f:
        for event, sector in (("read_aio", bad_read), ("write_aio", bad_write)):
            f.write(f'[inject-error]\nevent = "{event}"\nerrno = "5"\nsector = "{sector}"\n\n')
    _boot(h, drive=f"file=blkdebug:{conf}:{image},format=raw,if=ide,index=0")
    for where, name in (("kernel", "ata_k"), ("user", "ata_u")):
        _load(h, "ata.o", where, name)
        start = _spawn(h, name, SCAN, 9)
        failed, fails, _ = _wait(h, name, start)
        out = h.out[start:]
        check(failed == 0 and not fails, f"{name}:\n" + "\n".join(fails))
        check(f"blktest: {name}: 1 write runs and 1 read runs failed" in out, out[-2000:])
        for kind, sector in (("write", bad_write), ("read", bad_read)):
            check(re.search(rf"blktest: {name}: {kind} run {sector // 8 * 8} failed", out),
                  f"no failed {kind} run at {sector // 8 * 8}:\n{out[-2000:]}")
        check(re.search(rf"write of 8 blocks at {bad_write // 8 * 8}: -\d+ \({IO_ERROR}\)", out)
              and f"read run {bad_read // 8 * 8} failed: {IO_ERROR}" in out,
              f"the failed runs did not get the I/O error ({IO_ERROR})")
        check(re.search(rf"ata: write at sector {bad_write}: status 0x\w+, error 0x\w+", out),
              "the driver did not report the failed write")
        check(re.search(rf"ata: read at sector {bad_read}: status 0x\w+, error 0x\w+", out),
              "the driver did not report the failed read")
        h.cmd(f"unload {name}")
    _alive(h)
