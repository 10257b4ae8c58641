#!/usr/bin/env python3
"""Host test of scripts/run32 (how 32-bit host programs are started) and of
tests/run.py going on past tests that cannot start.

run32 is what makes `make test` pass on an x86-64 host that cannot run
32-bit programs.  On a host that can, its emulated way would go untested,
so these checks force it (KEA_RUN32=qemu) and check that qemu-i386 really
ran the program (it reports its guest machine, i686, where a native run on
an x86-64 kernel sees x86_64), that arguments and exit status pass through,
and that a whole 32-bit test suite passes emulated.

Usage: test_run32.py PROBE32 SUITE32 — probe32 (probe32.c) and a 32-bit host
test executable (test_idl32).  Prints PASS:/FAIL: lines, exits 1 if any failed.
"""
import os, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "host"))
from groups import Groups  # noqa: E402
RUN32 = os.path.join(ROOT, "scripts", "run32")
PROBE, SUITE = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="kea-run32-")


check = Groups("run32")


def run32(mode, *argv):
    env = dict(os.environ)
    env.pop("KEA_RUN32", None)
    if mode is not None:
        env["KEA_RUN32"] = mode
    return subprocess.run([RUN32, *argv], capture_output=True, text=True, env=env, timeout=300)


def probe(mode, status=0, *args):
    p = run32(mode, PROBE, str(status), *args)
    fields = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        fields.setdefault(k, []).append(v)
    return p, fields


def forced_qemu():
    p, f = probe("qemu", 7, "two words", "", "x")
    assert p.returncode == 7, f"exit status {p.returncode} (want 7): {p.stderr.strip()}"
    assert f.get("machine") == ["i686"], f"not emulated: machine {f.get('machine')}"
    assert f.get("pointer") == ["4"], f"pointer size {f.get('pointer')}"
    assert f.get("arg") == ["[two words]", "[]", "[x]"], f"arguments {f.get('arg')}"


def auto():
    p, f = probe(None, 3, "a b")
    assert p.returncode == 3, f"exit status {p.returncode}: {p.stderr.strip()}"
    assert f.get("pointer") == ["4"] and f.get("arg") == ["[a b]"], p.stdout
    # native mode runs exactly when auto did not need the emulator
    n, nf = probe("native", 0)
    if f["machine"] == ["i686"]:
        assert n.returncode == 127 and "Exec format error" in n.stderr, \
            f"native mode on a host that needed emulation: {n.returncode} {n.stderr.strip()}"
    else:
        assert n.returncode == 0 and nf.get("machine") == f["machine"], \
            f"native mode: {n.returncode} {n.stdout} {n.stderr.strip()}"


def suite_emulated():
    p = run32("qemu", SUITE)
    passes = [l for l in p.stdout.splitlines() if l.startswith("PASS: ")]
    fails = [l for l in p.stdout.splitlines() if l.startswith("FAIL: ")]
    assert p.returncode == 0 and passes and not fails, \
        f"{os.path.basename(SUITE)} under qemu-i386: exit {p.returncode}, {len(passes)} passed, " \
        f"failures: {fails} {p.stderr.strip()}"


def not_i386_as_is():
    script = os.path.join(tmp, "script.sh")
    with open(script, "w") as f:
        f.write('#!/bin/sh\necho "script ran with $#: $1"\nexit 5\n')
    os.chmod(script, 0o755)
    p = run32("qemu", script, "one arg")
    assert p.returncode == 5 and p.stdout == "script ran with 1: one arg\n", \
        f"a shell script under KEA_RUN32=qemu: {p.returncode} {p.stdout!r} {p.stderr!r}"


def errors():
    p = run32("emulate", PROBE, "0")
    assert p.returncode == 127 and "KEA_RUN32=emulate: not one of auto, native, qemu" in p.stderr, \
        f"bad mode: {p.returncode} {p.stderr!r}"
    missing = os.path.join(tmp, "no-such-program")
    p = run32(None, missing)
    assert p.returncode == 127 and p.stderr.startswith(f"run32: {missing}: No such file"), \
        f"missing program: {p.returncode} {p.stderr!r}"
    # no qemu-i386 on the PATH: a clear reason, not a traceback
    env = dict(os.environ, KEA_RUN32="qemu", PATH=os.path.join(tmp, "empty"))
    p = subprocess.run([sys.executable, RUN32, PROBE, "0"], capture_output=True, text=True, env=env)
    assert p.returncode == 127 and "qemu-i386 is missing (`make deps` installs Debian's qemu-user)" in p.stderr, \
        f"without qemu-i386: {p.returncode} {p.stderr!r}"
    junk = os.path.join(tmp, "junk")
    with open(junk, "wb") as f:
        f.write(b"\x7fELF\x02garbage, not a program")
    os.chmod(junk, 0o755)
    p = run32(None, junk)
    assert p.returncode == 127 and "Exec format error" in p.stderr, \
        f"a file that is no program: {p.returncode} {p.stderr!r}"


def runner_goes_on():
    """tests/run.py given tests that cannot start (no such file, not a
    program, a QEMU test file that does not load) and one good test: each
    bad one is one failure, the good one passes, the closing line prints."""
    good = os.path.join(tmp, "good")
    with open(good, "w") as f:
        f.write("#!/bin/sh\necho 'PASS: good/one'\n")
    os.chmod(good, 0o755)
    junk = os.path.join(tmp, "junk-test")
    with open(junk, "wb") as f:
        f.write(b"\x7fELF\x01\x01\x01" + bytes(9) + b"\x02\x00\x03\x00" + bytes(40))
    os.chmod(junk, 0o755)
    broken = os.path.join(tmp, "test_broken.py")
    with open(broken, "w") as f:
        f.write("import no_such_module_kea\n")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "run.py"), "--host",
                        os.path.join(tmp, "missing-test"), junk, good, "--qemu", broken],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    lines = p.stdout.splitlines()
    assert "Traceback" not in p.stderr, f"run.py died: {p.stderr}"
    assert lines and lines[-1] == "1 passed, 3 failed", f"closing line: {lines[-1:]}\n{p.stdout}"
    assert p.returncode == 1, f"exit status {p.returncode}"
    assert any(l.startswith("FAIL: missing-test: exited with 127") for l in lines), p.stdout
    assert any(l.startswith("FAIL: junk-test: exited with ") for l in lines), p.stdout
    assert "PASS: good/one" in lines, p.stdout
    assert any(l.startswith("FAIL: qemu/test_broken/load: cannot load") for l in lines), p.stdout


check("forced-qemu", forced_qemu)
check("auto-and-native", auto)
check("suite-emulated", suite_emulated)
check("not-i386-as-is", not_i386_as_is)
check("errors", errors)
check("runner-goes-on", runner_goes_on)
check.exit()
