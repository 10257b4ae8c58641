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
MEM = r"(\d+) pages in use, kernel heap (\d+) bytes"


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
    check(re.search(why, out) and not re.search(r"^migrated ", out, re.M), f"{line}: want /{why}/:\n{out}")
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
    graph = h.cmd("graph")
    check(re.search(r'"rd_k \(domain \d+\)"', graph) and "rd_k.block" in graph,
          f"graph does not show rd_k in its domain:\n{graph}")
    _blktest(h, "rd_k", VERIFY, seed)
    _migrate(h, "rd_k", "kernel")
    check(_where(h, "rd_k") == ("kernel", 2), "services does not show the move back")
    graph = h.cmd("graph")
    check(not re.search(r'"rd_k \(domain \d+\)"', graph) and "rd_k.block" in graph,
          f"graph still shows rd_k's domain:\n{graph}")
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


ROUNDS = int(os.environ.get("KEA_MIGRATE_ROUNDS", "1000"))


def _home(h):
    """Both services back in the kernel, where the memory is counted."""
    for name in ("ata_k", "rd_k"):
        if _where(h, name)[0] == "user":
            _migrate(h, name, "kernel")


def test_under_load_1000_migrations(h):
    """Clients write and read checksummed blocks on the ATA disk and the
    RAM disk while migload moves the ATA driver ROUNDS times (the RAM disk
    every tenth round): every acknowledged write reads back, the driver
    counted exactly the sectors the client moved, and the memory totals
    after are those before."""
    _boot(h, disk="load", extra=("apps/migload.o",))
    _load(h, "ata.o", "kernel", "ata_k")
    _load(h, "ramdisk.o", "kernel", "rd_k")
    # One migration round trip and a short run first: what stays allocated
    # after a first use (the shell's buffers, slots) is in the baseline.
    h.cmd("spawn --wait --rights all migload.o 2 ata_k rd_k", timeout=120)
    _home(h)
    before = _mem(h)
    start = len(h.out)
    h.cmd(f"spawn --wait --rights all migload.o {ROUNDS} ata_k rd_k", timeout=900)
    h.pos = start
    m = h.expect(r"migload: done, (\d+) failed", 60)
    out = h.out[start:]
    fails = re.findall(r"FAIL: migload/.*", out)
    check(int(m.group(1)) == 0 and not fails, "migload failed:\n" + "\n".join(fails))
    mv = re.search(r"migload: (\d+) migrations, (\d+) callers held", out)
    check(mv and int(mv.group(1)) == ROUNDS + (ROUNDS + 9) // 10, f"migrations: {mv and mv.group(0)}")
    ata = re.search(r"migload: ata_k: wrote (\d+) blocks, read (\d+) blocks", out)
    cnt = re.search(r"migload: ata_k counted (\d+) sectors read, (\d+) written, (\d+) interrupts", out)
    check(ata and cnt and int(ata.group(1)) > 0, "no ATA figures")
    check(cnt.group(1) == ata.group(2) and cnt.group(2) == ata.group(1),
          f"the driver counted {cnt.group(1)} read / {cnt.group(2)} written, the client "
          f"{ata.group(2)} / {ata.group(1)}")
    check(int(cnt.group(3)) >= int(cnt.group(1)) + int(cnt.group(2)), "sectors without interrupts")
    rd = re.search(r"migload: rd_k: wrote (\d+) blocks, read (\d+) blocks", out)
    check(rd and int(rd.group(1)) > 0, "no RAM disk figures")
    _home(h)
    after = _mem(h)
    check(before == after, f"memory before the migrations {before}, after {after}")
    # The RAM disk counted every block of both runs (its counters moved too).
    first = re.findall(r"migload: rd_k: wrote (\d+) blocks, read (\d+) blocks", h.out)
    out = h.cmd("unload rd_k")
    c = re.search(r"ramdisk: (\d+) blocks read, (\d+) written", out)
    check(c and int(c.group(2)) == sum(int(w) for w, _ in first) and
          int(c.group(1)) == sum(int(r) for _, r in first),
          f"RAM disk counted {c and c.groups()}, clients {first}")
    _alive(h)


def _serves(h, name, dom):
    out = h.cmd(f"call {name}.svctest where")
    m = re.search(r": status 0 \(ok\); words (\d+) ", out)
    check(m and (int(m.group(1)) == 0) == (dom == 0),
          f"{name} does not serve from {'the kernel' if dom == 0 else 'its domain'}:\n{out}")


def _refusals(h):
    _refused(h, "migrate nosuch user", r"no service named 'nosuch'")
    _refused(h, "migrate sm kernel", r"sm is in the kernel already")
    _refused(h, "migrate sp user", r"sp has state but no state_export/state_import")
    _serves(h, "sp", 0)
    out = h.cmd("spawn --wait --rights none migload.o once sm user")
    check(re.search(r"migrate: the caller \(domain migload\) lacks the domains right", out) and
          "migload: once: not permitted" in out, out)
    _serves(h, "sm", 0)
    # A caller inside for 3 s: a 300 ms drain gives up and names it.
    h.cmd("call sm.svctest hold 3000 &")
    h.cmd("sleep 300")                              # until its thread is inside
    _refused(h, "migrate sm user --timeout 300",
             r"drain: thread \d+ \(.*\) is still inside sm after \d+ ms")
    h.expect(r"hold.*status 0", 30)
    _serves(h, "sm", 0)
    _refused(h, "migrate sm user --fail-alloc", r"load: out of memory.*allocation failure forced")
    _serves(h, "sm", 0)
    _refused(h, "migrate sb user", r"import: sb's state_import failed")
    _serves(h, "sb", 0)
    _refused(h, "migrate sf user", r"init: .*init faulted")
    _serves(h, "sf", 0)


def test_refusals_and_rollbacks(h):
    """Each refusal and each failed step says why, and the service goes on
    serving from where it was."""
    _boot(h, extra=("svc/svc_plain.o", "svc/svc_migr.o", "svc/svc_migr_badimport.o",
                    "svc/svc_migr_initfault.o", "apps/migload.o"))
    _load(h, "svc_migr.o", "kernel", "sm")
    _load(h, "svc_plain.o", "kernel", "sp")
    _load(h, "svc_migr_badimport.o", "kernel", "sb")
    _load(h, "svc_migr_initfault.o", "kernel", "sf")
    # Twice: the first round's first uses (buffers, a thread's stacks)
    # stay allocated; the second must leave memory exactly as it found it.
    _refusals(h)
    before = _mem(h)
    _refusals(h)
    after = _mem(h)
    check(before == after, f"memory before the refusals {before}, after {after}")
    # And then it does move, with its state (the calls it counted).
    out = h.cmd("call sm.svctest state")
    calls = int(re.search(r"words \d+ \d+ (\d+)", out).group(1))
    _migrate(h, "sm", "user")
    _serves(h, "sm", 1)
    out = h.cmd("call sm.svctest state")
    check(int(re.search(r"words \d+ \d+ (\d+)", out).group(1)) == calls + 2,
          f"the call count did not move with sm:\n{out}")
    _migrate(h, "sm", "kernel")
    _serves(h, "sm", 0)
    _alive(h)


def _who(h, portal):
    out = h.cmd(f"call {portal} where")
    m = re.search(r": status 0 \(ok\); words (\d+) ", out)
    check(m, f"call {portal}: {out}")
    return int(m.group(1))


def test_remaps_and_an_interposer_follow_the_move(h):
    """A system-wide, a per-domain and a domain-rooted remap lead to m, and
    the tracer is interposed in front of m: after each move all four are
    in force and lead to m where it is now."""
    _boot(h, extra=("svc/svc_migr.o", "services/trace.o"))
    _load(h, "svc_migr.o", "kernel", "m")
    for x in ("x1", "x2", "x3"):
        _load(h, "svc_migr.o", "user", x)
    mine = {x: _who(h, f"{x}.svctest") for x in ("x1", "x2", "x3")}
    check(all(mine.values()), f"x1..x3 not in user domains: {mine}")
    h.cmd("remap --all x1.svctest m")
    h.cmd("remap shell x2.svctest m")
    h.cmd("remap --rooted shell x3.svctest m")
    for x in ("x1", "x2", "x3"):
        check(_who(h, f"{x}.svctest") == 0, f"{x}'s remap to m (in the kernel) is not in force")
    out = h.cmd("trace on m")
    check("tracing m: m.svctest" in out, out)
    before = h.cmd("portals")
    for to in ("user", "kernel", "user"):
        _migrate(h, "m", to)
        dom = _where(h, "m")[0]
        want = 0 if dom == "kernel" else _who(h, "m.svctest")
        check((want == 0) == (to == "kernel"), f"m answers from domain {want} after moving to {to}")
        for x in ("x1", "x2", "x3"):
            check(_who(h, f"{x}.svctest") == want, f"{x}'s remap does not lead to m in the {to}")
        check(h.cmd("portals").count("* ") >= before.count("* "), "a remap was lost")
    log = h.cmd("trace")
    n = len(re.findall(r"m\.svctest\.where\s+0", log))
    check(n >= 3, f"the tracer missed calls:\n{log}")
    # The tracer moves too, its twins (in front of m) and its log with it.
    for to in ("kernel", "user"):
        _migrate(h, "trace", to)
        # (a call through x1's system-wide remap reaches m itself: remaps
        # do not chain, so only the direct call meets the tracer's twin)
        check(_who(h, "m.svctest") == _who(h, "x1.svctest"), "m answers differently")
        log = h.cmd("trace")
        check(len(re.findall(r"m\.svctest\.where\s+0", log)) == n + 1,
              f"the tracer in the {to} lost its log or missed the call:\n{log}")
        n += 1
    check("stopped tracing m" in h.cmd("trace off m"), "trace off")
    _alive(h)


FS_SVC = {"simplefs": 0, "cachefs": 1, "compress": 2}
FS_EXERCISE, FS_WRITE, FS_VERIFY = 1, 3, 4


def _fsclient(h, mode, svc):
    start = len(h.out)
    h.cmd(f"spawn --wait --rights all fsclient.o {mode | FS_SVC[svc] << 8}", timeout=300)
    h.pos = start
    m = h.expect(r"fsclient: done, (\d+) failed", 60)
    fails = re.findall(r"^FAIL: .*$", h.out[start:], re.M)
    check(m.group(1) == "0" and not fails, f"fsclient mode {mode} on {svc}:\n" + "\n".join(fails))


def test_file_services_migrate_with_their_mounts(h):
    """simplefs, cachefs and compress (stacked on simplefs) on the RAM disk:
    files written before each move read back after it, through the moved
    service, and the RAM disk under them moves too."""
    _boot(h, extra=("services/simplefs.o", "services/cachefs.o", "services/compress.o",
                    "apps/fsclient.o"))
    _load(h, "ramdisk.o", "kernel", "ramdisk")
    for svc in ("simplefs", "cachefs", "compress"):
        _load(h, f"{svc}.o", "kernel", svc)
    for svc in ("simplefs", "cachefs"):
        _fsclient(h, FS_EXERCISE, svc)              # formats the RAM disk through svc
        _fsclient(h, FS_WRITE, svc)
        m = _migrate(h, svc, "user")
        check(int(m.group(6)) > 0, f"{svc}: no state moved")
        _fsclient(h, FS_VERIFY, svc)
        _fsclient(h, FS_EXERCISE, svc)              # everything again, in the user placement
        _fsclient(h, FS_WRITE, svc)
        _migrate(h, svc, "kernel")
        _fsclient(h, FS_VERIFY, svc)
    # the RAM disk under them, with cachefs's files
    _migrate(h, "ramdisk", "user")
    _fsclient(h, FS_VERIFY, "cachefs")
    _migrate(h, "ramdisk", "kernel")
    _fsclient(h, FS_VERIFY, "simplefs")
    # compress (over simplefs): its state is the service below and its
    # statistics, which its fini reports at the end.
    _fsclient(h, FS_EXERCISE, "compress")
    first = int(re.findall(r"fsclient: (\d+) bytes of text stored", h.out)[-1])
    _migrate(h, "compress", "user")
    _fsclient(h, FS_EXERCISE, "compress")
    _migrate(h, "compress", "kernel")
    out = h.cmd("unload compress")
    m = re.search(r"compress: (\d+) bytes of chunks stored in (\d+)", out)
    check(m and int(m.group(1)) >= 2 * first, f"compress's statistics did not move:\n{out}")
    _alive(h)


def _selections(h, policy, dom):
    out = h.cmd(f"call {policy}.policy stats {dom}")
    m = re.search(r": status 0 \(ok\); words (\d+) ", out)
    check(m, f"{policy} stats: {out}")
    return int(m.group(1))


def test_page_policies_migrate_with_their_state(h):
    """The VM service pages vm_seq with clock, and with MRU for one round
    (a rooted remap): both policies move both ways keeping each domain's
    count of selections, and the VM service's calls reach them where they
    are (a later run under clock faults as clock must)."""
    _boot(h, extra=("services/vm.o", "services/clock.o", "services/mru.o", "vm/vm_seq.o"))
    _load(h, "ramdisk.o", "kernel", "ramdisk")
    _load(h, "clock.o", "kernel", "clock")
    _load(h, "mru.o", "kernel", "mru")
    _load(h, "vm.o", "kernel", "vm")
    out = h.cmd(f"spawn --wait --rights all vm_seq.o {0x23000000}", timeout=300)
    m = re.search(r"vm_seq \(domain (\d+)\) exited with status 0", out)
    check(m and "under mru" in out and "under clock" in out, f"vm_seq:\n{out}")
    dom = int(m.group(1))
    counts = {p: _selections(h, p, dom) for p in ("clock", "mru")}
    check(all(counts.values()), f"a policy made no selection: {counts}")
    for to in ("user", "kernel"):
        for p in ("clock", "mru"):
            _migrate(h, p, to)
            check(_selections(h, p, dom) == counts[p], f"{p} lost its counts moving to {to}")
        if to == "user":
            out = h.cmd(f"spawn --wait --rights all vm_seq.o {0x11000000}", timeout=300)
            r = re.search(r"round 1 under clock: faults (\d+)", out)
            check(r and int(r.group(1)) == 8 * 20, f"paging with clock in a user domain:\n{out}")
    _alive(h)


GDB_AUTORUN = """\
load svc_migr.o kernel as pk
spawn svcclient.o 0 1
sleep 1000
spawn migload.o 15 once pk user
sleep 1000
spawn svcclient.o 0 1
sleep 1000
shutdown
"""

GDB_STOP = """\
continue
echo @@stop\\n
print/x $pc
print $kea_domain()
info symbol $pc
"""


def test_gdb_breakpoint_follows_the_move(h):
    """A breakpoint set in the service before it is loaded is hit in the
    kernel before the migration and in the service's new domain after it
    (scripts/gdb finds the new instance's symbols when it is placed)."""
    import random, shutil, subprocess
    from kea import ROOT
    src = open(os.path.join(ROOT, "tests/svc/svctest.c")).read().splitlines()
    start = next(i for i, l in enumerate(src) if l.startswith("static int where(void *self"))
    line = next(i for i in range(start, len(src)) if "calls++;" in src[i]) + 1
    port = random.randint(20000, 40000)
    work = os.path.join(h.build, f"gdbmig-{port}")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "autorun"), "w") as f:
        f.write(GDB_AUTORUN)
    cmds = os.path.join(work, "cmds.gdb")
    with open(cmds, "w") as f:
        f.write(f"break svctest.c:{line}\ncontinue\n" + GDB_STOP * 2 + "delete\ncontinue\n")
    modules = [os.path.join(h.build, m) for m in
               ("rt.o", "svc/svc_migr.o", "svc/svcclient.o", "apps/migload.o")]
    env = dict(os.environ, GDB_PORT=str(port), GDB_BATCH=f"-x {cmds}")
    try:
        p = subprocess.run(["scripts/debug.sh", os.path.join(h.build, "kernel.elf"), *modules,
                            os.path.join(work, "autorun")], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
        console = open(os.path.join(h.build, "debug-console.log"), errors="replace").read()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = p.stdout + p.stderr
    tail = out[-3000:]
    check("migload: once: success" in console,
          f"the migration did not happen:\n{console[-1500:]}")
    blocks = out.split("@@stop\n")
    check(len(blocks) == 3, f"{len(blocks) - 1} stops, want 2:\n{tail}")
    for i, where in enumerate(("kernel", "user")):
        before, block = blocks[i], blocks[i + 1]
        check(re.search(rf"Breakpoint 2(?:\.\d)?, where \(.*\) at tests/svc/svctest\.c:{line}", before),
              f"stop {i}: not at svctest.c:{line}:\n{before[-800:]}")
        pc = int(re.search(r"^\$\d+ = (0x[0-9a-f]+)", block, re.M).group(1), 16)
        dom = int(re.search(r"^\$\d+ = (\d+)$", block, re.M).group(1))
        # (in the kernel placement the CPU is in the caller's address space)
        check((pc >= 0xc0000000) == (where == "kernel") and (where == "kernel" or dom != 0),
              f"stop {i}: pc {pc:#x} in domain {dom}, want the {where}:\n{block}")
        check(re.search(r"where in section \.text of \S*/svc_migr\.o", block),
              f"stop {i}: not in svc_migr.o's symbols:\n{block}")


def test_vm_service_migrates_while_paging(h):
    """The VM service moves back and forth while vm_seq runs rounds paged
    by it: its frame tables and swap maps move with it (every word the
    program wrote reads back, through the swap device), and every round
    under clock faults exactly as clock must (every access of the cyclic
    scan: passes * pages)."""
    _boot(h, extra=("services/vm.o", "services/clock.o", "vm/vm_seq.o", "apps/migload.o"))
    _load(h, "ramdisk.o", "kernel", "ramdisk")
    _load(h, "clock.o", "kernel", "clock")
    _load(h, "vm.o", "kernel", "vm")
    # migload moves the VM service 6 times, 60 ms apart, from a program:
    # commands typed meanwhile would be garbled by vm_seq's output.
    start = len(h.out)
    check("spawned" in h.cmd("spawn --rights all migload.o flip vm 6 60"), "migload")
    # 15 rounds of 15 passes over 20 pages in 16 frames
    h.cmd(f"spawn --wait --rights all vm_seq.o {0x1ff01410}", timeout=300)
    h.pos = start
    m = h.expect(r"migload: flip done, (\d+) moved", 120)
    out = h.out[start:]
    check(m.group(1) == "6", f"moved {m.group(1)} times, want 6")
    first, last = out.find("round 1 under"), out.find("round 15 under")
    check(first >= 0 and last >= 0, f"vm_seq did not run its rounds:\n{out[-2000:]}")
    during = [f.start() for f in re.finditer(r"migload: flip \d+: now in", out)
              if first < f.start() < last]
    check(len(during) >= 3, f"only {len(during)} moves while vm_seq ran:\n{out[-3000:]}")
    check(re.search(r"vm_seq \S+: done, data ok", out), f"data lost across the moves:\n{out[-2000:]}")
    rounds = re.findall(r"round (\d+) under (\w+): faults (\d+)", out)
    check(len(rounds) == 15 and all(p == "clock" and int(f) == 15 * 20 for _, p, f in rounds),
          f"rounds: {rounds}")
    check(_where(h, "vm") == ("kernel", 6), "vm not back in the kernel after 6 moves")
    _alive(h)
