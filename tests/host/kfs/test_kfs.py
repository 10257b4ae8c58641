#!/usr/bin/env python3
"""Host test of scripts/kfs.py, and of kfs.py and the file services' C code
agreeing on the disk format: images made by one are read, changed and
checked by the other.  The C side is fshost (tests/host/kfs/fshost.c: the
services' own i386 objects), given as the first argument.

Prints one "PASS: kfs/<name>" or "FAIL: kfs/<name>: <why>" per check and
exits 1 if any failed.
"""
import importlib.util
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "host"))
from groups import Groups  # noqa: E402
KFS = os.path.join(ROOT, "scripts", "kfs.py")
FSHOST = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "host", "fshost")
RUN32 = os.path.join(ROOT, "scripts", "run32")     # fshost is i386: see scripts/run32

spec = importlib.util.spec_from_file_location("kfs", KFS)
kfs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kfs)

tmp = tempfile.mkdtemp(prefix="kfs-test-")


group = Groups("kfs")


def run(*args):
    return subprocess.run([sys.executable, KFS, *args], capture_output=True, text=True)


def ok(*args):
    p = run(*args)
    assert p.returncode == 0, f"kfs.py {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}"
    return p.stdout


def c(img, svc, *args):
    return subprocess.run([RUN32, FSHOST, img, svc, *args], capture_output=True, text=True)


def c_ok(img, svc, *args):
    p = c(img, svc, *args)
    assert p.returncode == 0, f"fshost {svc} {' '.join(args)}: exit {p.returncode}: " \
                              f"{(p.stderr + p.stdout).strip()}"
    return p.stdout


def path(name):
    return os.path.join(tmp, name)


def hostfile(name, content):
    with open(path(name), "wb") as f:
        f.write(content)
    return path(name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def text(n, seed=0):
    words = [b"kea ", b"portal ", b"domain ", b"remap ", b"file ", b"block ", b"service "]
    r = random.Random(seed)
    out = bytearray()
    while len(out) < n:
        out += r.choice(words)
    return bytes(out[:n])


def noise(n, seed=0):
    return random.Random(seed).randbytes(n)


def fresh(name="t.img", size="1M", *extra):
    img = path(name)
    if os.path.exists(img):
        os.remove(img)
    ok("mkfs", img, size, *extra)
    return img


# --- kfs.py alone ----------------------------------------------------------------

def t_mkfs():
    img = fresh("m.img", "64K", "--inodes", "16")
    assert os.path.getsize(img) == 65536
    assert "ok" in ok("check", img)
    assert ok("df", img).split() == ["blocks", str(128 - 1 - 1 - 2), "free", "124", "inodes", "14"]
    assert run("mkfs", path("bad.img"), "1000").returncode == 1, "a size not of whole blocks"
    assert run("mkfs", path("bad.img"), "1K", "--inodes", "64").returncode == 1, "too small"


def t_round_trip():
    img = fresh()
    sizes = {"empty": 0, "one": 1, "block": 512, "odd": 5000, "indirect": 70000, "dindirect": 300000}
    for name, n in sizes.items():
        ok("put", img, hostfile(name, noise(n, n)), name)
    ok("mkdir", img, "sub")
    ok("mkdir", img, "sub/deeper")
    ok("put", img, hostfile("nested", b"nested\n"), "sub/deeper/n.txt")
    listing = dict(line.rsplit(" ", 1) for line in ok("ls", img).splitlines())
    assert listing == {**{k: str(v) for k, v in sizes.items()}, "sub/": "64"}, listing
    for name, n in sizes.items():
        ok("get", img, name, path("out"))
        assert read("out") == noise(n, n), f"{name} differs"
    ok("get", img, "/sub//deeper/n.txt", path("out"))
    assert read("out") == b"nested\n"
    st = ok("stat", img, "dindirect").split()
    # 586 data blocks, the indirect block, the double-indirect one and 4 below it
    assert st[:4] == ["size", "300000", "blocks", str(586 + 1 + 1 + 4)], st
    assert "ok" in ok("check", img)


def t_remove_frees():
    img = fresh()
    before = ok("df", img)
    ok("mkdir", img, "d")
    ok("put", img, hostfile("big", noise(200000, 1)), "d/big")
    assert run("rm", img, "d").returncode == 1, "removed a directory that is not empty"
    ok("rm", img, "d/big")
    ok("rm", img, "d")
    after = ok("df", img).split()
    assert after[3] == str(int(before.split()[3]) - 1), (before, after)   # the root's block stays
    assert run("get", img, "d/big", path("x")).returncode == 1
    assert "ok" in ok("check", img)


def t_errors():
    img = fresh()
    ok("put", img, hostfile("a", b"a"), "a")
    for args, what in [(("put", img, path("a"), "a"), "exists"),
                       (("put", img, path("a"), "nodir/a"), "no parent"),
                       (("put", img, path("a"), "a/b"), "under a file"),
                       (("put", img, path("a"), "x" * 60), "name too long"),
                       (("put", img, path("a"), ".."), "bad name"),
                       (("get", img, "nosuch", path("x")), "missing"),
                       (("ls", path("a")), "not an image")]:
        p = run(*args)
        assert p.returncode == 1 and p.stderr.startswith("kfs.py: "), f"{what}: {p.returncode} {p.stderr}"
    ok("put", img, path("a"), "x" * 59)


def t_full_disk():
    img = fresh("f.img", "64K", "--inodes", "16")
    before = open(img, "rb").read()
    p = run("put", img, hostfile("huge", noise(100000)), "huge")
    assert p.returncode == 1 and "full" in p.stderr, p.stderr
    assert open(img, "rb").read() == before, "a failed put changed the image"
    ok("put", img, hostfile("fits", noise(40000)), "fits")
    assert "ok" in ok("check", img)


def t_zlib_chunks():
    import zlib
    cases = [b"a", b"abc" * 1365 + b"x", bytes([7]) * 4096, text(4096), bytes(range(256)) * 16]
    for data in cases:
        packed = kfs.chunk_encode(data, 4096 + 64)
        assert packed == zlib.compress(data, 6), data[:16]
        assert kfs.chunk_decode(packed, len(data)) == data, data[:16]
    assert kfs.chunk_encode(noise(4096)) is None, "random data compressed"
    good = zlib.compress(text(4096), 6)
    for bad, want in [(b"\x01\x00\x00", 10), (good[:-1], 4096), (good + b"x", 4096),
                      (good, 4095), (good, 4097), (good[:2] + bytes([good[2] ^ 0xff]) + good[3:], 4096)]:
        try:
            kfs.chunk_decode(bad, want)
            raise AssertionError(f"decoded {bad[:8]!r}... as {want} bytes")
        except kfs.FsError:
            pass


def t_c_and_kfs_make_the_same_container():
    """The service's Debian zlib objects and the host's zlib (Python's)
    compress each chunk to the same bytes: the raw containers are equal."""
    img = fresh("same.img", "2M")
    data = text(32768, 8) + noise(8192, 3) + bytes(8192) + text(7000, 9)
    ok("put", img, hostfile("k", data), "k", "-z")
    c_ok(img, "compress", "put", hostfile("k", data), "c")
    ok("get", img, "k", path("k.raw"))
    ok("get", img, "c", path("c.raw"))
    assert read("k.raw") == read("c.raw"), "kfs.py's container differs from the service's"
    raw = read("c.raw")
    assert raw[4:8] == b"zlb1", raw[:8]
    entries = [int.from_bytes(raw[32 + 2 * i:34 + 2 * i], "little") for i in range(13)]
    assert 0 in entries and 4096 in entries and any(0 < e < 4096 for e in entries), entries


def t_compressed_files():
    img = fresh("z.img", "2M")
    data = text(150000, 3)
    ok("put", img, hostfile("t", data), "t", "-z")
    ok("get", img, "t", path("out"), "-z")
    assert read("out") == data
    stored = int(ok("stat", img, "t").split()[3])
    assert stored * 512 < len(data) / 3, f"{stored} blocks for {len(data)} bytes"
    assert run("get", img, "t", path("out")).returncode == 0      # raw: the container
    assert read("out")[:4] == b"keaz"
    ok("put", img, hostfile("plain", b"plain"), "plain")
    assert run("get", img, "plain", path("out"), "-z").returncode == 1


# --- check finds damage --------------------------------------------------------------

DAMAGE = ["magic", "checksum", "pointer", "bitmap", "twice", "entry", "type", "loop"]


def damaged(kind):
    img = fresh(f"d-{kind}.img")
    ok("put", img, hostfile("f", noise(3000, 9)), "f")
    ok("mkdir", img, "d")
    args = ["damage", img, kind] + (["f"] if kind not in ("magic", "checksum", "loop") else [])
    ok(*args)
    return img


def t_check_detects():
    for kind in DAMAGE:
        img = damaged(kind)
        p = run("check", img)
        assert p.returncode == 1 and "error:" in p.stdout, f"{kind}: {p.returncode} {p.stdout}"


def t_check_warns_leaks():
    img = fresh()
    ok("put", img, hostfile("f", noise(3000, 9)), "f")
    im = kfs.Image(img)
    im.set_bit(im.sb["nblocks"] - 1, True)          # what an interrupted operation leaves
    im.save()
    p = run("check", img)
    assert p.returncode == 0 and "warning: 1 blocks in use" in p.stdout, p.stdout


# --- kfs.py and the C code agree -------------------------------------------------------

def t_c_reads_kfs_image():
    img = fresh("x.img", "2M")
    files = {"a": noise(10, 1), "b": noise(70000, 2), "sub/c": text(300000, 3)}
    ok("mkdir", img, "sub")
    for name, data in files.items():
        ok("put", img, hostfile("in", data), name)
    ok("put", img, hostfile("in", text(20000, 4)), "sub/z", "-z")
    for svc in ("simplefs", "cachefs"):
        assert "ok" in c_ok(img, svc, "check")
        for name, data in files.items():
            c_ok(img, svc, "get", name, path("out"))
            assert read("out") == data, f"{svc} read {name} wrong"
        entries = dict(line.split() for line in c_ok(img, svc, "ls", "sub").splitlines())
        assert set(entries) == {"c", "z"} and entries["c"] == "300000", entries
    c_ok(img, "compress", "get", "sub/z", path("out"))
    assert read("out") == text(20000, 4), "compress read kfs.py's container wrong"
    lines = c_ok(img, "compress", "ls", "sub").split()
    assert lines[lines.index("z") + 1] == "20000", lines


def t_kfs_reads_c_image():
    img = path("y.img")
    with open(img, "wb") as f:
        f.write(bytes(2 << 20))
    c_ok(img, "simplefs", "format")
    assert "ok" in ok("check", img)
    c_ok(img, "simplefs", "mkdir", "d")
    c_ok(img, "cachefs", "put", hostfile("in1", noise(200000, 5)), "d/r")
    c_ok(img, "simplefs", "put", hostfile("in2", text(5000, 6)), "t")
    c_ok(img, "compress", "put", hostfile("in3", text(100000, 7)), "d/z")
    c_ok(img, "cachefs", "mv", "t", "d/t2")
    c_ok(img, "simplefs", "put", hostfile("in4", b"gone"), "gone")
    c_ok(img, "simplefs", "rm", "gone")
    assert "ok" in ok("check", img)
    assert "warning" not in ok("check", img)
    ok("get", img, "d/r", path("out"))
    assert read("out") == noise(200000, 5)
    ok("get", img, "d/t2", path("out"))
    assert read("out") == text(5000, 6)
    ok("get", img, "d/z", path("out"), "-z")
    assert read("out") == text(100000, 7), "kfs.py read the C container wrong"
    assert ok("ls", img).split() == ["d/", str(3 * 64)], ok("ls", img)
    assert run("get", img, "gone", path("out")).returncode == 1
    c_free = c_ok(img, "simplefs", "statfs").split()
    k_free = ok("df", img).split()
    assert c_free == k_free, (c_free, k_free)


def t_c_refuses_damage():
    for kind in DAMAGE:
        img = damaged(kind)
        for svc in ("simplefs", "cachefs"):
            p = c(img, svc, "ls")
            assert p.returncode == 1 and "bad object" in p.stderr, \
                f"{svc} on {kind}: exit {p.returncode}: {p.stderr.strip()} {p.stdout.strip()}"


def t_c_full_disk():
    img = fresh("cf.img", "64K", "--inodes", "16")
    p = c(img, "simplefs", "put", hostfile("huge", noise(100000)), "huge")
    assert p.returncode == 1 and "out of memory" in p.stderr, p.stderr
    assert "ok" in ok("check", img)


for name, fn in list(globals().items()):
    if name.startswith("t_") and callable(fn):
        group(name[2:].replace("_", "-"), fn)
group.exit()
