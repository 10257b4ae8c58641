"""Issue 4: GDB stops in a relocated service, in each placement.

scripts/debug.sh runs QEMU with its gdbstub and GDB in batch mode; the
kernel monitor runs the commands of a boot module named `autorun` (the
console is a pty nobody types on).  A breakpoint is set on the test
service's init before any service is loaded; kea-symbols.py adds each
object's symbols when the loader's hook fires, so GDB must stop in
svctest_init at its first line, in the kernel and in a user domain, for
svc_plain.o and for svc_distro.o (-O2 -fPIC -fstack-protector-strong), and
`next` must step to the following source line."""
import os, random, re, shutil, subprocess
from kea import check, ROOT

AUTORUN = """\
load svc_plain.o kernel as gk
load svc_plain.o user as gu
unload gk
unload gu
load svc_distro.o kernel as dk
load svc_distro.o user as du
unload dk
unload du
shutdown
"""

STOP = """\
continue
echo @@stop\\n
print/x $pc
print $kea_domain()
info symbol $pc
next
"""

# The four stops: object, placement.
EXPECT = [("svc_plain.o", "kernel"), ("svc_plain.o", "user"),
          ("svc_distro.o", "kernel"), ("svc_distro.o", "user")]


def _source_lines():
    """Line of svctest_init's first statement, and of the one after it."""
    src = open(os.path.join(ROOT, "tests/svc/svctest.c")).read().splitlines()
    start = next(i for i, l in enumerate(src) if l.startswith("static int svctest_init(void)"))
    first = next(i for i in range(start, len(src)) if "inits++;" in src[i])
    return first + 1, first + 2


def test_breakpoint_in_service_before_load_both_placements(h):
    port = random.randint(20000, 40000)
    work = os.path.join(h.build, f"gdbtest-{port}")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "autorun"), "w") as f:
        f.write(AUTORUN)
    cmds = os.path.join(work, "cmds.gdb")
    with open(cmds, "w") as f:
        f.write("break svctest_init\ncontinue\n" + STOP * len(EXPECT) + "continue\n")
    modules = [os.path.join(h.build, m) for m in ("rt.o", "svc/svc_plain.o", "svc/svc_distro.o")]
    env = dict(os.environ, GDB_PORT=str(port), GDB_BATCH=f"-x {cmds}")
    try:
        p = subprocess.run(["scripts/debug.sh", os.path.join(h.build, "kernel.elf"), *modules,
                            os.path.join(work, "autorun")], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = p.stdout + p.stderr
    tail = out[-3000:]
    check("Breakpoint 1, kmain" in out, f"GDB did not reach kmain:\n{tail}")
    check("Breakpoint 2 (svctest_init) pending." in out, f"the breakpoint was not left pending:\n{tail}")

    first, second = _source_lines()
    blocks = out.split("@@stop\n")
    check(len(blocks) == len(EXPECT) + 1, f"{len(blocks) - 1} stops, want {len(EXPECT)}:\n{tail}")
    for i, (obj, where) in enumerate(EXPECT):
        before, block = blocks[i], blocks[i + 1]
        hit = re.findall(r"Breakpoint 2(?:\.\d)?, svctest_init \(\) at tests/svc/svctest\.c:(\d+)", before)
        check(hit and int(hit[-1]) == first, f"stop {i}: not at svctest.c:{first}:\n{before[-800:]}")
        pc = int(re.search(r"^\$\d+ = (0x[0-9a-f]+)", block, re.M).group(1), 16)
        dom = int(re.search(r"^\$\d+ = (\d+)$", block, re.M).group(1))
        check((pc >= 0xc0000000) == (where == "kernel"), f"stop {i}: pc {pc:#x} not in the {where}")
        check((dom == 0) == (where == "kernel"), f"stop {i}: in domain {dom}, want the {where}")
        check(re.search(rf"svctest_init in section \.text of \S*/{re.escape(obj)}", block),
              f"stop {i}: not in {obj}'s symbols:\n{block}")
        check(re.search(rf"^{second}\t", block, re.M), f"stop {i}: `next` did not reach line {second}:\n{block}")
    # Unloading drops an object's symbols at once, not at the next load: the
    # last two unloads are followed by none.
    for obj in ("svc_plain", "svc_distro"):
        check(re.search(rf"kea-symbols: removed {obj}\.o at 0xc", out) and
              re.search(rf"kea-symbols: removed {obj}\.o at 0x4", out), f"stale {obj} symbols kept:\n{tail}")
    check(re.search(r"exited normally", out), f"the session did not end with the shutdown:\n{tail}")
