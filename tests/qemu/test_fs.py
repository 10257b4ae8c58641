"""Issue 5: the file services (services/simplefs, cachefs, compress) in kea.

- tests/apps/fstest.c runs the tests of tests/host/kfs/fssuite.c with the
  three services linked into it (create/read/write/list/remove, large files,
  full disk, corrupt images, two services on one disk, the cache, the
  compression), and an upgrade inside one domain;
- the real objects, loaded with `load` in the kernel and in user domains
  over the RAM disk and the ATA disk, are driven by tests/apps/fsclient.c
  (its header explains ARG): in both placements, a full disk, an
  application switched from simplefs to cachefs (Fig. 2) or onto compress
  stacked on simplefs (Fig. 3) by a remap made from another domain while
  it runs, and disk images made and checked by scripts/kfs.py, surviving a
  reboot or damaged on purpose."""
import os, re, subprocess, sys
from kea import check, ROOT

KFS = os.path.join(ROOT, "scripts", "kfs.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from kfsimg.container import container  # noqa: E402
RIGHTS_ALL = 15
SVC = {"simplefs": 0, "cachefs": 1, "compress": 2}
DEV = {"ramdisk": 0, "ata": 1}
EXERCISE, LOOP, WRITE, VERIFY, SUM, CORRUPT, REMAP, FULL = range(1, 9)


def pat(seed, i):
    """The bytes of pat() in tests/include/kea_pattern.h."""
    x = (((i + 1) * 2654435761) ^ (seed * 40503)) & 0xFFFFFFFF
    return (x >> 13 ^ x >> 5) & 0xFF


def text(seed, n):
    line = b"the quick kea remaps the lazy portal, file after file\n"
    return bytes(line[(i + seed) % len(line)] for i in range(n))


def _modules(h, *extra):
    return [os.path.join(h.build, p) for p in
            ("rt.o", "services/ramdisk.o", "services/ata.o", "services/simplefs.o",
             "services/cachefs.o", "services/compress.o", "apps/fsclient.o", *extra)]


def _reboot(h):
    """h.restart(), but only once the old QEMU's reader thread has seen its
    end of output: Harness.restart() re-initialises the harness while that
    thread still runs, and its late `eof = True` would end the next boot."""
    h.close()
    with h.cond:
        h.cond.wait_for(lambda: h.eof, timeout=30)
    h.__init__(h.build, h.name)


def _alive(h):
    check(re.search(r"up \d", h.cmd("uptime")), "the kernel no longer answers")
    check("kernel exception" not in h.out and "kernel panic" not in h.out
          and "page fault in domain" not in h.out, "something faulted")


def _load(h, module, where):
    name = module[:-2]
    out = h.cmd(f"load {module} {where}")
    place = "the kernel" if where == "kernel" else "a user domain"
    check(re.search(rf"loaded {name} from {module} in {place}", out), f"load {module} {where}:\n{out}")


def _arg(mode, svc="simplefs", dev="ramdisk", extra=0):
    return mode | SVC[svc] << 8 | DEV[dev] << 12 | extra << 16


def _client(h, mode, svc="simplefs", dev="ramdisk", extra=0, timeout=300):
    """Run fsclient to its end; its output."""
    start = len(h.out)
    h.send(f"spawn fsclient.o {RIGHTS_ALL} {_arg(mode, svc, dev, extra)}\n")
    m = h.expect(r"fsclient: done, (\d+) failed", timeout)
    out = h.out[start:h.pos]
    fails = re.findall(r"^FAIL: .*$", out, re.M)
    check(m.group(1) == "0" and not fails, f"fsclient mode {mode} on {svc}:\n" + "\n".join(fails))
    return out


def _calls(h):
    """Calls served so far, per service (the `services` command)."""
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"^\s+(\w+)\s+(?:kernel|user)\s.*?(\d+)\s*$", h.cmd("services"), re.M)}


def _fstest(h, group, timeout=600):
    h.boot(modules=[os.path.join(h.build, p) for p in ("rt.o", "apps/fstest.o")])
    h.send(f"spawn fstest.o {RIGHTS_ALL} {group}\n")
    m = h.expect(r"fstest: done, (\d+) failed", timeout)
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    check(m.group(1) == "0" and not fails, "\n".join(fails) or "failures reported")
    _alive(h)
    return len(re.findall(r"^PASS: fs/", h.out, re.M))


def test_services_suite_in_kea(h):
    n = _fstest(h, 0)
    # fssuite.c's checks, as the host harness (tests/host/kfs) counts them
    check(n >= 300, f"only {n} checks passed")
    for what in ("simplefs/detects-bad-magic", "cachefs/detects-block-used-twice",
                 "cachefs-reads-fewer-blocks",
                 "compress/stored-smaller", "simplefs/disk-full-error", "cachefs/read-3MiB"):
        check(re.search(rf"^PASS: fs/.*{what}", h.out, re.M), f"no PASS for {what}")


def test_upgrade_in_one_domain(h):
    _fstest(h, 8)
    check("moved to cachefs at" in h.out, "no upgrade report")


def test_concurrent_clients_of_one_service(h):
    _fstest(h, 9)


def _placements(h, where):
    h.boot(modules=_modules(h))
    for module in ("ramdisk.o", "simplefs.o", "cachefs.o", "compress.o"):
        _load(h, module, where[module])
    for svc in ("simplefs", "cachefs", "compress"):
        out = _client(h, EXERCISE, svc)
        check(len(re.findall(r"^PASS: ", out, re.M)) >= 20, f"{svc}: too few checks ran")
    calls = _calls(h)
    check(all(calls.get(s, 0) > 100 for s in ("simplefs", "cachefs", "compress", "ramdisk")),
          f"calls: {calls}")
    _alive(h)


def test_loaded_services_kernel_user_mix(h):
    _placements(h, {"ramdisk.o": "user", "simplefs.o": "kernel", "cachefs.o": "user",
                    "compress.o": "kernel"})


def test_loaded_services_user_kernel_mix(h):
    _placements(h, {"ramdisk.o": "kernel", "simplefs.o": "user", "cachefs.o": "kernel",
                    "compress.o": "user"})


def test_full_ramdisk(h):
    h.boot(modules=_modules(h))
    _load(h, "ramdisk.o", "user")
    _load(h, "simplefs.o", "user")
    _load(h, "cachefs.o", "kernel")
    for svc in ("simplefs", "cachefs"):
        out = _client(h, FULL, svc)
        check("disk full after" in out, out)
    _alive(h)


def _switch_while_running(h, target, where):
    """An application loops on simplefs; another domain remaps its portal to
    `target` while it runs."""
    h.boot(modules=_modules(h))
    for module in ("ramdisk.o", "simplefs.o", "cachefs.o", "compress.o"):
        _load(h, module, where[module])
    h.send(f"spawn fsclient.o {RIGHTS_ALL} {_arg(LOOP, 'simplefs')}\n")
    m = h.expect(r"fsclient: loop in domain (\d+), portal (\d+)")
    dom, portal = int(m.group(1)), int(m.group(2))
    h.expect(r"fsclient: loop 100\b", 120)
    before = _calls(h)
    h.send(f"spawn fsclient.o {RIGHTS_ALL} {_arg(REMAP, target, extra=dom | portal << 8)}\n")
    h.expect(rf"fsclient: remapped domain {dom} portal {portal} to {target}.fs: success")
    remapped_at = h.pos
    m = h.expect(r"fsclient: loop done, (\d+) errors, (\d+) of (\d+) text files stored compressed", 300)
    check(m.group(1) == "0", f"{m.group(1)} errors: data lost in the switch")
    last_progress = h.out.rfind("fsclient: loop 400")
    check(remapped_at < last_progress, "the remap came after the application had finished")
    h.expect(r"fsclient: done, 0 failed")
    after = _calls(h)
    check(after[target] - before.get(target, 0) > 200,
          f"{target} served too few calls after the switch: {before} -> {after}")
    _alive(h)
    return int(m.group(2)), int(m.group(3))


def test_upgrade_to_cachefs_while_running(h):
    """Fig. 2: the application moves to the improved service, nothing lost."""
    packed, texts = _switch_while_running(h, "cachefs", {"ramdisk.o": "user", "simplefs.o": "user",
                                                          "cachefs.o": "kernel", "compress.o": "user"})
    check(packed == 0, f"{packed} text files compressed without compress")


def test_compress_stacked_while_running(h):
    """Fig. 3: the application's portal now leads to compress, which calls
    simplefs below it: files written before stay readable, files written
    after are stored compressed."""
    packed, texts = _switch_while_running(h, "compress", {"ramdisk.o": "kernel",
                                                          "simplefs.o": "kernel",
                                                          "cachefs.o": "user", "compress.o": "user"})
    check(0 < packed < texts, f"{packed} of {texts} text files compressed")


# --- disk images of kfs.py on the ATA disk ------------------------------------------------

def _kfs(*args):
    p = subprocess.run([sys.executable, KFS, *args], capture_output=True, text=True)
    check(p.returncode == 0, f"kfs.py {' '.join(args)}: {p.stderr}{p.stdout}")
    return p.stdout


def _image(h, name, host_text=None):
    path = os.path.join(h.build, f"test-fs-{name}.img")
    if os.path.exists(path):
        os.remove(path)
    _kfs("mkfs", path, "4M")
    if host_text is not None:
        src = path + ".txt"
        with open(src, "wb") as f:
            f.write(host_text)
        _kfs("put", path, src, "host.txt")
    return path


def _boot_disk(h, image, ata, fs):
    h.boot(modules=_modules(h), extra=["-drive", f"file={image},format=raw,if=ide,index=0"])
    _load(h, "ata.o", ata)
    _load(h, f"{fs}.o", "kernel" if ata == "user" else "user")
    _load(h, "compress.o", ata)


def test_disk_image_survives_reboot(h):
    content = text(5, 30000) + bytes(range(256)) * 8
    image = _image(h, "persist", content)
    _boot_disk(h, image, "kernel", "simplefs")
    out = _client(h, SUM, "simplefs", "ata")
    fnv = 2166136261
    for b in content:
        fnv = ((fnv ^ b) * 16777619) & 0xFFFFFFFF
    check(f"host.txt size {len(content)} fnv {fnv:08x}" in out, f"kea read kfs.py's file wrong:\n{out}")
    _client(h, WRITE, "simplefs", "ata")
    h.send("shutdown\n")
    check(h.wait_exit(60) == 0, "QEMU did not power off cleanly")

    # The host reads what kea wrote.
    check("ok" in _kfs("check", image) and "warning" not in _kfs("check", image),
          "kfs.py check does not pass what kea wrote")
    out = image + ".out"
    _kfs("get", image, "kea/a.bin", out)
    with open(out, "rb") as f:
        check(f.read() == bytes(pat(11, i) for i in range(150000)), "kea/a.bin differs on the host")
    _kfs("get", image, "kea/z.txt", out, "-z")
    with open(out, "rb") as f:
        check(f.read() == text(12, 50000), "kea/z.txt (compressed) differs on the host")
    # Byte for byte what kfs.py (the host's zlib) stores for the same file.
    _kfs("get", image, "kea/z.txt", out)
    with open(out, "rb") as f:
        raw = f.read()
    want = bytearray(len(raw))
    for off, piece in container(text(12, 50000)):
        want[off:off + len(piece)] = piece
    check(raw == bytes(want), "kea's container of kea/z.txt differs from kfs.py's for the same text")
    stored = int(_kfs("stat", image, "kea/z.txt").split()[3])
    check(stored * 512 < 50000 // 4, f"kea/z.txt takes {stored} blocks")

    # A second boot, the other placements and cachefs: all still there.
    _reboot(h)
    _boot_disk(h, image, "user", "cachefs")
    out = _client(h, VERIFY, "cachefs", "ata")
    check("persist verified" in out, out)
    _alive(h)


def _damaged(h, kind, fs, ata):
    image = _image(h, f"bad-{kind}")
    src = image + ".data"
    with open(src, "wb") as f:
        f.write(bytes(pat(1, i) for i in range(3000)))
    _kfs("put", image, src, "f")
    _kfs("damage", image, kind, *(["f"] if kind not in ("magic", "loop") else []))
    _boot_disk(h, image, ata, fs)
    out = _client(h, CORRUPT, fs, "ata")
    check("fsclient: mount: bad object file" in out and "fsclient: list: bad object file" in out,
          f"{kind}: not refused:\n{out}")
    check(re.search(rf"{fs}: ata: (corrupt file system|no kea file system)", h.out),
          f"{kind}: the service said nothing on the console")
    _alive(h)
    _reboot(h)


def test_damaged_images_refused(h):
    for kind, fs, ata in (("magic", "simplefs", "kernel"), ("pointer", "cachefs", "user"),
                          ("bitmap", "simplefs", "user"), ("loop", "cachefs", "kernel")):
        _damaged(h, kind, fs, ata)
