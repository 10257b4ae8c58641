"""The tools around kea: the GRUB ISO boots; make debug's script (GDB reaches
kmain, the console's pty and a free gdbstub port are named); make run's
script (a kernel command line, a killed QEMU is a failure); a second make
after a clean build has nothing to do."""
import os, random, re, subprocess
from kea import check, ROOT


def test_grub_iso_boots_with_modules(h):
    iso = os.path.join(h.build, "test-grub.iso")
    hello = os.path.join(ROOT, "tests/data/hello.txt")
    p = subprocess.run(["scripts/mkiso.sh", iso, os.path.join(h.build, "kernel.elf"), hello],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"mkiso failed: {p.stdout}{p.stderr}")
    h.boot(iso=iso)
    check("boot loader: GRUB" in h.out, "not booted by GRUB")
    check("hello.txt" in h.out, "GRUB did not pass the module")
    check(h.cmd("cat hello.txt") == open(hello).read(), "module contents differ under GRUB")
    h.send("shutdown\n")
    h.expect("kea: power off")
    check(h.wait_exit() == 0, "QEMU did not exit 0")


def test_gdb_reaches_kmain(h):
    """make debug's script: GDB reaches kmain; the line it prints names the
    console's pty and the gdbstub port, which is a free one when 1234 is
    taken (held here, as by another `make debug`)."""
    import socket
    held = socket.socket()
    try:
        held.bind(("127.0.0.1", 1234))
        held.listen(1)
    except OSError:
        pass                    # taken already: the same case
    env = dict(os.environ, GDB_BATCH="-ex continue -ex 'info registers eip' -ex 'print/x magic' -ex bt")
    env.pop("GDB_PORT", None)
    try:
        p = subprocess.run(["scripts/debug.sh", os.path.join(h.build, "kernel.elf")], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    finally:
        held.close()
    out = p.stdout + p.stderr
    m = re.search(r"^debug: QEMU halted, gdbstub on 127\.0\.0\.1:(\d+); kea console on (\S+) ", out, re.M)
    check(m, f"no debug line:\n{out[-1500:]}")
    check(m.group(1) != "1234", "debug.sh used port 1234, which was taken")
    check(re.fullmatch(r"/dev/pts/\d+", m.group(2)), f"the console's pty is not named: {m.group(2)}")
    check("Breakpoint 1, kmain" in out, f"kmain breakpoint not hit:\n{out[-1500:]}")
    check("0x2badb002" in out, f"kmain's magic argument not visible:\n{out[-1500:]}")


def test_second_make_does_nothing(h):
    """After a clean build, a second `make` has nothing to do: no
    intermediate file is deleted at the end of the first and rebuilt by the
    second.  A build of its own in a scratch directory, since the tree's
    build/ has already been built more than once."""
    import shutil
    build = os.path.relpath(os.path.join(h.build, "make-twice"), ROOT)
    shutil.rmtree(os.path.join(ROOT, build), ignore_errors=True)
    # A make of its own, not a sub-make of `make test` (its jobserver, level)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    try:
        p = subprocess.run(["make", "-j2", "--no-print-directory", f"BUILD={build}", "all"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=900)
        check(p.returncode == 0, f"the first build failed:\n{(p.stdout + p.stderr)[-2000:]}")
        p = subprocess.run(["make", "--no-print-directory", f"BUILD={build}", "all"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=900)
        check(p.returncode == 0 and p.stdout.strip() == "make: Nothing to be done for 'all'.",
              f"the second make did something:\n{(p.stdout + p.stderr)[-2000:]}")
    finally:
        shutil.rmtree(os.path.join(ROOT, build), ignore_errors=True)


def test_killed_qemu_is_not_success(h):
    """`kill` of QEMU under `make run` (run-qemu.sh): QEMU itself exits 0 on
    SIGTERM, but the run did not end in a power-off, so the status is
    128+15 with the reason on stderr."""
    import signal, time
    from kea import default_modules
    p = subprocess.Popen(["scripts/run-qemu.sh", os.path.join(h.build, "kernel.elf"),
                          *default_modules(h.build)], cwd=ROOT, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        qemu, end = None, time.time() + 60
        while qemu is None and time.time() < end:       # QEMU, in the script's session
            for d in filter(str.isdigit, os.listdir("/proc")):
                try:
                    st = open(f"/proc/{d}/stat").read()
                except OSError:
                    continue
                rest = st[st.rindex(")") + 2:].split()
                if st[st.index("(") + 1:st.rindex(")")].startswith("qemu-system") and \
                        int(rest[3]) == p.pid:
                    qemu = int(d)
            time.sleep(0.2)
        check(qemu, "no QEMU started by run-qemu.sh")
        os.kill(qemu, signal.SIGTERM)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    err = err.decode(errors="replace")
    check(p.returncode == 143, f"run-qemu.sh exited {p.returncode} after QEMU was killed:\n{err}")
    check("kea: QEMU was stopped by signal 15 (status 143)" in err, f"no reason given:\n{err}")


def test_make_run_takes_a_kernel_command_line(h):
    """KEA_CMDLINE=console=monitor make run (run-qemu.sh): the kernel's
    monitor is the console instead of the shell, as the README says."""
    from kea import default_modules
    kernel = os.path.join(h.build, "kernel.elf")
    runs = {}
    for cmdline in ("console=monitor", None):
        env = dict(os.environ)
        env.pop("KEA_CMDLINE", None)
        if cmdline:
            env["KEA_CMDLINE"] = cmdline
        p = subprocess.run(["scripts/run-qemu.sh", kernel, *default_modules(h.build)], cwd=ROOT, env=env,
                           input=b"help\nshutdown\n", capture_output=True, timeout=120)
        check(p.returncode == 0, f"run-qemu.sh ({cmdline}) exited {p.returncode}: {p.stderr.decode()}")
        runs[cmdline] = p.stdout.decode(errors="replace")
    check("rawkeys" in runs["console=monitor"] and "kea shell in domain" not in runs["console=monitor"],
          f"not the monitor with console=monitor:\n{runs['console=monitor'][-800:]}")
    check("kea shell in domain" in runs[None], f"not the shell by default:\n{runs[None][-800:]}")


def test_readme_transcript_is_what_make_run_shows(h):
    """The README's "What you see" transcript: the same commands typed at a
    booted shell print those lines, in order (numbers may differ; a line
    with "..." stands for lines left out; the command line names the
    kernel by the path QEMU was given)."""
    from test_demos import _pattern
    readme = open(os.path.join(ROOT, "README.md")).read()
    block = re.search(r"\n((?:    .*\n)*?    kea kernel booting\n(?:    .*\n)+)", readme).group(1)
    want = [l[4:] for l in block.splitlines()]
    h.boot(cmdline="")
    for line in want:
        if line.startswith("kea> "):
            h.cmd(line[5:])
    live = [l.rstrip() for l in h.out.splitlines()]
    at = 0
    for line in want:
        if "..." in line or line.startswith("kea> ") or line.startswith("command line: "):
            continue
        rx = _pattern(line)
        k = next((i for i in range(at, len(live)) if rx.fullmatch(live[i])), None)
        check(k is not None, f"README.md shows a line make run does not print (in this order):\n  {line}\n"
                             "printed from there on:\n" + "\n".join(live[at:at + 12]))
        at = k + 1
