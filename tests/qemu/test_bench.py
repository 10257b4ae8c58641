"""`make bench` runs: every benchmark reports a figure (never judged: the
figures are measured, not asserted).  `make bench-linux` needs Debian's
Linux kernel and is not run here; what it boots is built and checked."""
import os, re, struct, subprocess, tempfile
from kea import check, ROOT, default_modules

ROWS = ("plain function call", "null IDC round trip, user -> user domain", "thread_id()",
        "IDC with 4 KiB in and out", "IDC transport only, 4 KiB", "10,000 rooted remaps",
        "kernel -> kernel-placed service", "boot: kmain -> shell prompt", "remap + unremap",
        "migration downtime, ATA driver kernel -> user",
        "migration downtime, 4 MiB RAM disk kernel -> user", "migration downtime, simplefs user -> kernel",
        "ATA block read (1 sector), driver migrated to a user domain",
        "restart: fault in the user-placed ATA driver", "restart: fault in the kernel-placed ATA driver")


def test_bench_reports_every_figure(h):
    p = subprocess.run(["scripts/bench.sh", os.path.join(ROOT, "build", "kernel.elf"),
                        *default_modules("build")], cwd=ROOT, env=dict(os.environ, BENCH_DOC="0"),
                       capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    check(p.returncode == 0, f"bench failed:\n{(p.stdout + p.stderr)[-1500:]}")
    for row in ROWS:
        check(re.search(rf"^\| [^|]*{re.escape(row)}[^|]*\| \d+ \|$", p.stdout, re.M),
              f"no figure for '{row}':\n{p.stdout}")


def test_bench_linux_initramfs(h):
    """The Linux baseline's /init is a static i386 program needing no
    library, and the initramfs holds exactly it, executable, as /init."""
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["scripts/bench-linux.sh", "--initramfs", d], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, p.stdout + p.stderr)
        init = open(os.path.join(d, "init"), "rb").read()
        check(init[:5] == b"\x7fELF\x01" and struct.unpack_from("<HH", init, 16) == (2, 3),
              "init is not an ELF32 i386 executable")
        phoff, = struct.unpack_from("<I", init, 28)
        phentsize, phnum = struct.unpack_from("<HH", init, 42)
        types = [struct.unpack_from("<I", init, phoff + i * phentsize)[0] for i in range(phnum)]
        check(3 not in types and 2 not in types, f"init is not static (program headers {types})")
        cpio = open(os.path.join(d, "initramfs.cpio"), "rb").read()
        entries, off = [], 0
        while True:
            check(cpio[off:off + 6] == b"070701", f"no newc header at {off}")
            f = [int(cpio[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
            mode, size, namesize = f[1], f[6], f[11]
            name = cpio[off + 110:off + 110 + namesize - 1].decode()
            off = (off + 110 + namesize + 3) & ~3
            data = cpio[off:off + size]
            off = (off + size + 3) & ~3
            if name == "TRAILER!!!":
                break
            entries.append((name, mode, data))
        check(entries == [("init", 0o100755, init)], f"initramfs holds {[(n, oct(m)) for n, m, _ in entries]}")
