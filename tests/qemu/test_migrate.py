"""Issue 8: live migration (kernel/migrate.c, docs/migration.md).  Services
move between the kernel and a user domain through the shell's `migrate`
(sys.migrate) while clients use them; their state is checked by what the
clients read back, their counters and the memory totals."""
import os, random, re
from kea import check
import shellboot

BLK = 512
DISK_MB = 4
SERVICE_INDEX = {"rd_k": 0, "rd_u": 1, "ata_k": 2, "ata_u": 3}    # names[] in blktest.c
EXERCISE, PERSIST, VERIFY, SMOKE, SCAN = range(5)
MIGRATED = (r"migrated (\S+): (kernel|user) -> (kernel|user \(domain \d+\)): held (\d+) callers?, "
            r"drained in (\d+) ms, state (\d+) bytes, downtime ([\d,]+) cycles")
MEM = r"(\d+) pages in use, heap (\d+) bytes in (\d+) blocks"


def _modules(h, extra=()):
    return [os.path.join(h.build, p) for p in
            ("rt.o", "shell.o", "services/ramdisk.o", "services/ata.o", "apps/blktest.o", *extra)]


def _image(h, name):
    path = os.path.join(h.build, f"test-migrate-{name}.img")
    with open(path, "wb") as f:
        f.truncate(DISK_MB * 1024 * 1024)
    return path


def _boot(h, disk=None, extra=()):
    ex = ["-drive", f"file={_image(h, disk)},format=raw,if=ide,index=0"] if disk else []
    shellboot.boot_shell(h, extra=ex, modules=_modules(h, extra))


def _load(h, module, where, name):
    out = h.cmd(f"load {module} {where} as {name}")
    check(re.search(rf"loaded {name} from {module}", out), f"load {module} {where}:\n{out}")


def _migrate(h, name, to, timeout=60):
    out = h.cmd(f"migrate {name} {to}", timeout=timeout)
    m = re.search(MIGRATED, out)
    check(m and m.group(1) == name and m.group(3).startswith(to), f"migrate {name} {to}:\n{out}")
    return m


def _refused(h, line, why):
    out = h.cmd(line)
    check(re.search(why, out) and "migrated" not in out, f"{line}: want /{why}/:\n{out}")
    return out


def _blktest(h, name, mode, seed, timeout=300):
    start = len(h.out)
    arg = SERVICE_INDEX[name] | mode << 8 | seed << 16
    h.cmd(f"spawn --wait blktest.o {arg}", timeout=timeout)
    h.pos = start
    m = h.expect(rf"blktest: {name} done, (\d+) failed", timeout)
    fails = re.findall(rf"FAIL: blk/{name}/.*", h.out[start:])
    check(int(m.group(1)) == 0 and not fails, f"blktest {name} mode {mode}:\n" + "\n".join(fails))


def _where(h, name):
    out = h.cmd("services")
    m = re.search(rf"^\s+{name}\s+(kernel|user)\s+\S+\s+\d+\s+\d+\s+(\d+)\s", out, re.M)
    check(m, f"{name} not in services:\n{out}")
    return m.group(1), int(m.group(2))


def _mem(h):
    h.cmd("sleep 50")
    m = re.search(MEM, h.cmd("mem"))
    check(m, "no mem line")
    return m.groups()[:2]


def _alive(h):
    check("kernel" in h.cmd("domains"), "the kernel no longer answers")
    check("kernel exception" not in h.out and "kernel panic" not in h.out, "something faulted")


def test_ramdisk_migrates_with_its_contents(h):
    """Contents written in the kernel read back after kernel -> user ->
    kernel; the state is the whole disk."""
    _boot(h)
    _load(h, "ramdisk.o", "kernel", "rd_k")
    seed = random.randrange(1, 0x8000)
    _blktest(h, "rd_k", PERSIST, seed)
    m = _migrate(h, "rd_k", "user")
    check(int(m.group(6)) >= 1024 * 1024, f"state of {m.group(6)} bytes: not the contents")
    check(_where(h, "rd_k") == ("user", 1), "services does not show the move")
    _blktest(h, "rd_k", VERIFY, seed)
    _migrate(h, "rd_k", "kernel")
    check(_where(h, "rd_k") == ("kernel", 2), "services does not show the move back")
    _blktest(h, "rd_k", VERIFY, seed)
    _alive(h)


def test_ata_migrates_with_its_device(h):
    """The driver moves with its ports and its interrupt: requests go on in
    the new placement (each sector still takes an interrupt), its counters
    move with it, and the disk holds what was written before."""
    _boot(h, disk="ata")
    _load(h, "ata.o", "kernel", "ata_k")
    seed = random.randrange(1, 0x8000)
    _blktest(h, "ata_k", PERSIST, seed)
    _migrate(h, "ata_k", "user")
    _blktest(h, "ata_k", VERIFY, seed)
    _blktest(h, "ata_k", PERSIST, seed + 1)     # written in the user placement
    _migrate(h, "ata_k", "kernel")
    _blktest(h, "ata_k", VERIFY, seed + 1)
    out = h.cmd("unload ata_k")
    m = re.search(r"ata: (\d+) interrupts, (\d+) sectors read, (\d+) written", out)
    n = DISK_MB * 1024 * 1024 // BLK
    check(m and int(m.group(2)) == 2 * n and int(m.group(3)) == 2 * n and
          int(m.group(1)) >= int(m.group(2)) + int(m.group(3)),
          f"counters lost in the moves:\n{out}")
    _alive(h)
