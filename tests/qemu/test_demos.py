"""Issue 5: every scripted demo runs through `make demo NAME=...` (the same
script as `run demo-NAME.kea` by hand) and its transcript shows what the
demo is about.  Figures are checked for presence, never for speed.

docs/demos.md stays true: the transcript it shows for a demo is what the
demo prints (figures aside), and each portal graph in docs/demos/ is what a
live capture at the demo's "# graph" line gives (scripts/graph.py --demo)."""
import glob, os, re, subprocess, sys
from kea import check, ROOT, default_modules

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import importlib.util
_spec = importlib.util.spec_from_file_location("graph", os.path.join(ROOT, "scripts", "graph.py"))
graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graph)
DEMOS_MD = os.path.join(ROOT, "docs", "demos.md")


def _pattern(line):
    """A transcript line as a regex: numbers (figures, ids, 1,234-style
    figures, 8-digit hex addresses) may differ, and so may the spaces that align columns around
    them and the plural of the word after a number ("1 caller", "2 callers")."""
    num = lambda p: re.fullmatch(r"\d+(?:,\d{3})*", p)
    parts = [p for p in re.split(r"(\b[0-9a-f]{8}\b|\d+(?:,\d{3})*|\s+)", line.rstrip()) if p]
    rx = []
    for i, p in enumerate(parts):
        if re.fullmatch(r"[0-9a-f]{8}", p) and not p.isdigit():
            rx.append(r"[0-9a-f]{8}")
        elif num(p):
            rx.append(r"\d+(?:,\d{3})*")
        elif p.isspace():
            rx.append(r"\s+")
        elif i >= 2 and parts[i - 1].isspace() and num(parts[i - 2]) and re.match(r"[a-z]+", p):
            word = re.match(r"[a-z]+", p).group(0)
            rx.append(re.escape(word.removesuffix("s")) + "s?" + re.escape(p[len(word):]))
        else:
            rx.append(re.escape(p))
    return re.compile("".join(rx))


def check_transcript(name, out, anywhere=None):
    """Every line docs/demos.md shows for demo NAME appears in the live
    output, in order; a line with "..." stands for lines left out.  Lines
    matching `anywhere` (a background program's progress, whose place among
    the script's lines depends on the machine's speed) must appear, but
    anywhere."""
    m = re.search(rf"```\n(kea> run demo-{name}\.kea\n.*?)```", open(DEMOS_MD).read(), re.S)
    check(m, f"docs/demos.md has no transcript of demo {name}")
    live = [l.rstrip() for l in out.splitlines()]
    at = 0
    for line in m.group(1).splitlines():
        if "..." in line:
            continue
        rx = _pattern(line)
        if anywhere and re.match(anywhere, line):
            check(any(rx.fullmatch(l) for l in live), f"docs/demos.md shows a line demo {name} "
                  f"does not print:\n  {line}")
            continue
        k = next((i for i in range(at, len(live)) if rx.fullmatch(live[i])), None)
        check(k is not None, f"docs/demos.md shows a line demo {name} does not print (in this order):\n"
                             f"  {line}\nthe demo printed, from there on:\n" + "\n".join(live[at:at + 15]))
        at = k + 1


def _demo(name, timeout=600):
    """What `make demo NAME=name` runs; called directly because two tests
    running `make` at once in one build tree would race (make test has
    already built everything)."""
    kernel = os.path.join(ROOT, "build", "kernel.elf")
    p = subprocess.run(["scripts/demo.sh", kernel, *default_modules("build")], cwd=ROOT,
                       env=dict(os.environ, DEMO=name), capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    out = (p.stdout + p.stderr).replace("\r\n", "\n")
    check(p.returncode == 0, f"demo {name} exited {p.returncode}:\n{out[-2000:]}")
    check(f"run demo-{name}.kea" in out and "kea: power off" in out, f"demo did not run:\n{out[-2000:]}")
    check("failed; stopping" not in out and "kernel exception" not in out and "panic" not in out,
          f"demo failed:\n{out[-2000:]}")
    return out


def test_demo_list(h):
    p = subprocess.run(["scripts/demo.sh", os.path.join(ROOT, "build", "kernel.elf")], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    check(p.returncode == 0, p.stdout + p.stderr)
    for name in ("placement", "upgrade", "compress", "rooted", "migrate", "restart"):
        check(re.search(rf"^\s+{name}\s+\S", p.stdout, re.M), f"{name} not listed:\n{p.stdout}")


def test_demo_placement(h):
    out = _demo("placement")
    check(re.search(r"loaded rd_k from ramdisk\.o in the kernel", out), "no kernel placement")
    check(re.search(r"loaded rd_u from ramdisk\.o in a user domain", out), "no user placement")
    k = re.search(r"rd_k \(in the kernel\): info +(\d+), read 4 KiB +(\d+)", out)
    u = re.search(r"rd_u \(in a user domain\): info +(\d+), read 4 KiB +(\d+)", out)
    check(k and u, "timings missing")
    check(re.search(r"unloaded rd_u\n", out) and re.search(r"unloaded rd_k\n", out), "not unloaded")
    check(re.search(r"^placebench \(domain \d+\) exited with status 0$", out, re.M),
          "the shell did not wait for placebench")
    check_transcript("placement", out)


def test_demo_upgrade(h):
    out = _demo("upgrade")
    before, after = out.split("+ remap fsapp simplefs.fs cachefs", 1)
    check(re.search(r"fsapp: round 1: .*1 of 1 files read back intact", before), "no rounds before the remap")
    check(re.search(r"^ +7 cachefs\.fs .*per-domain \(was simplefs\.fs\)", after, re.M),
          "the remap is not shown in the portal table")
    check(re.search(r"fsapp: round 8: wrote round-8\.txt, 8 of 8 files read back intact", after),
          "rounds after the remap lost data")
    check("fsapp: done, every file intact" in after, "application did not finish intact")
    calls = re.search(r"^ +cachefs +user +cachefs\(\d+\) +\d+ +(\d+) +\d+ +\S+ +fs", after, re.M)
    check(calls and int(calls.group(1)) > 0, "cachefs served no calls")
    check_transcript("upgrade", out)


def test_demo_compress(h):
    out = _demo("compress")
    before, after = out.split("+ remap compapp simplefs.fs compress", 1)
    plain = [int(b) for b in re.findall(r"report-[123]\.txt: 8192 bytes, stored in (\d+) blocks, read back identical", before)]
    packed = [int(b) for b in re.findall(r"report-[456]\.txt: 8192 bytes, stored in (\d+) blocks, read back identical", after)]
    check(len(plain) == 3 and len(packed) == 3, "reports missing")
    check(max(packed) < min(plain), f"compressed reports are not smaller: {plain} then {packed}")
    check("compapp: done, every report intact" in after, "reports not intact")
    check_transcript("compress", out)


def test_demo_rooted(h):
    out = _demo("rooted")
    rounds = re.findall(r"vm_seq (vm_seq2?): round (\d) under (\w+): faults (\d+) reads (\d+) writes (\d+)", out)
    got = {(app, int(r)): (pol, int(f)) for app, r, pol, f, _, _ in rounds}
    b, a = "vm_seq", "vm_seq2"
    check(got.get((b, 1), ("",))[0] == "clock" and got.get((a, 1), ("",))[0] == "clock", f"round 1: {got}")
    check(got.get((b, 2), ("",))[0] == "mru", f"B not under MRU after the rooted remap: {got}")
    check(got.get((a, 2), ("",))[0] == "clock", f"A affected by B's remap: {got}")
    check(got[(b, 2)][1] < got[(a, 2)][1], f"MRU did not reduce B's faults: {got}")
    check(got.get((b, 3), ("",))[0] == "clock", f"B not back on clock after unremap: {got}")
    check(out.count("done, data ok") == 2, "an application's data was corrupted")
    check_transcript("rooted", out)


def _canonical(dot):
    """DOT lines with node ids (d3, p13) replaced by their labels: which
    number a portal or domain gets can depend on which of two programs
    started at once registers first; what is connected to what cannot."""
    labels = dict(re.findall(r"^\s*([dp]\d+) \[label=\"([^\"]*)\"", dot, re.M))
    ids = lambda l: re.sub(r"\b([dp]\d+)\b", lambda m: f"<{labels.get(m.group(1), m.group(1))}>", l)
    return sorted(ids(l).strip() for l in dot.splitlines() if l.strip())


def test_demo_graphs_match_docs(h):
    """Each committed docs/demos/NAME.dot is the live graph at the demo's
    "# graph" line, and its .svg is drawn from it (every edge is there)."""
    dots = sorted(glob.glob(os.path.join(ROOT, "docs", "demos", "*.dot")))
    check(dots, "no graphs in docs/demos")
    for path in dots:
        name = os.path.splitext(os.path.basename(path))[0]
        check(os.path.exists(os.path.join(ROOT, "modules", f"demo-{name}.kea")), f"{path}: no demo {name}")
        committed = open(path).read()
        live = graph.capture(os.path.relpath(h.build, ROOT), graph.demo_commands(name), quiet=True)
        want, got = _canonical(committed), _canonical(live)
        check(want == got, f"{path} is stale (regenerate: scripts/graph.py --demo {name}):\n"
                           f"  only committed: {sorted(set(want) - set(got))}\n"
                           f"  only live: {sorted(set(got) - set(want))}")
        svg = open(os.path.splitext(path)[0] + ".svg").read()
        for a, b in re.findall(r"^\s*(\w+) -> (\w+) ", committed, re.M):
            check(f"<title>{a}&#45;&gt;{b}</title>" in svg, f"{name}.svg lacks the edge {a} -> {b} of {name}.dot")


def test_demo_migrate(h):
    out = _demo("migrate")
    moves = re.findall(r"migrated ata: (kernel|user) -> (kernel|user)[^:]*: held (\d+) callers?, "
                       r"drained in \d+ ms, state (\d+) bytes, downtime [\d,]+ cycles", out)
    check([(a, b) for a, b, _, _ in moves] == [("kernel", "user"), ("user", "kernel")],
          f"the driver did not move kernel -> user -> kernel: {moves}")
    costs = re.findall(r"migcopy: ata in (the kernel|a user domain): (\d+) instructions per sector read", out)
    check([w for w, _ in costs] == ["the kernel", "a user domain", "the kernel"], f"costs: {costs}")
    check(re.search(r"^ +ata +user +ata\(\d+\) +\d+ +\d+ +1 +\d+ +block,atastat", out, re.M),
          "services does not show the driver in its domain after one move")
    check(re.search(r'd\d+ \[label="ata", shape=ellipse\]', out), "the graph has no domain for ata")
    check("migcopy: done, every copy intact" in out, "the copies were not intact")
    check_transcript("migrate", out, anywhere=r"migcopy: \d+ files copied")


def test_demo_restart(h):
    """Faults strike the ATA driver under a file copy: five in a user domain
    (each followed by a restart), a fault and a loop in the kernel (the
    driver demoted each time); the copy finds every file intact."""
    out = _demo("restart")
    restarts = re.findall(r"restart: ata restarted in ata \(([^)]*)\): restart (\d+)", out)
    check([int(n) for _, n in restarts] == [1, 2, 3, 4, 5, 6, 7], f"restarts: {restarts}")
    check("deadline 200 ms passed" in restarts[4][0], f"the loop was not ended by its deadline: {restarts}")
    check("deadline 200 ms passed" in restarts[6][0], f"the kernel loop was not ended: {restarts}")
    check(len(re.findall(r"in kernel-placed service ata \(thread \d+\): call unwound to its IDC "
                         r"boundary", out)) == 2
          and out.count("restart: ata demoted from the kernel to a user domain") == 2, "no demotions")
    check("migcopy: done, every copy intact" in out, "the copy saw the faults")
    check_transcript("restart", out, anywhere=r"migcopy: \d+ files copied")
