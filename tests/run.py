#!/usr/bin/env python3
"""Run every kea test and print one line per test, then 'N passed, N failed'.

Host tests are executables printing 'PASS: name' / 'FAIL: name: why' lines
(an executable that fails without saying which test counts as one failure).
QEMU tests are Python files under tests/qemu whose test_* functions take a
harness (tests/qemu/kea.py); they run two at a time, since each QEMU is one
busy thread and the machine has two cores.

Host tests start through scripts/run32, which runs the 32-bit ones through
qemu-i386 where the host cannot run them.  Nothing a test does stops the
run: a test that cannot start, or a test file that cannot be loaded, is one
failure, and the closing line is always printed.
"""
import argparse, concurrent.futures, importlib.util, io, os, subprocess, sys, time, traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu"))
import kea  # noqa: E402

HOST_TIMEOUT = 900
RUN32 = os.path.join(kea.ROOT, "scripts", "run32")


def run_host(exe):
    """Returns a list of (ok, line)."""
    results = []
    try:
        p = subprocess.run([RUN32, exe], capture_output=True, text=True, timeout=HOST_TIMEOUT,
                           errors="replace")
        out, code = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        code = "timeout"
    except OSError as e:        # run32 itself could not start
        return [(False, f"FAIL: {os.path.basename(exe)}: cannot start: {e}")]
    for line in out.splitlines():
        if line.startswith("PASS: "):
            results.append((True, line))
        elif line.startswith("FAIL: "):
            results.append((False, line))
    if code != 0 and not any(not ok for ok, _ in results):
        tail = "\n".join(out.splitlines()[-15:])
        results.append((False, f"FAIL: {os.path.basename(exe)}: exited with {code}\n{tail}"))
    return results


def load_qemu_tests(paths):
    """Returns (name, function) pairs; a file that cannot be loaded becomes
    one test that fails with the reason."""
    tests = []
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
        except BaseException:   # also SystemExit from a bad test file
            why = traceback.format_exc()
            def cannot_load(h, why=why):
                raise kea.TestFailure(f"cannot load the test file:\n{why}")
            tests.append((f"{name}/load", cannot_load))
            continue
        for attr in sorted(dir(mod)):
            if attr.startswith("test_") and callable(getattr(mod, attr)):
                tests.append((f"{name}/{attr[5:]}", getattr(mod, attr)))
    return tests


def run_qemu_test(name, fn, build):
    t0 = time.time()
    h = kea.Harness(build, name)
    try:
        fn(h)
        return True, f"PASS: qemu/{name} ({time.time() - t0:.1f}s)"
    except (Exception, SystemExit) as e:  # a failed expectation, a harness error, sys.exit
        detail = str(e) if isinstance(e, kea.TestFailure) else traceback.format_exc()
        return False, f"FAIL: qemu/{name}: {detail}\n{h.transcript_tail()}"
    finally:
        h.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--host", nargs="*", default=[])
    ap.add_argument("--qemu", nargs="*", default=[])
    ap.add_argument("--only", default=None, help="run only tests whose name contains this")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    passed = failed = 0

    def report(ok, line):
        nonlocal passed, failed
        print(line, flush=True)
        if ok: passed += 1
        else: failed += 1

    for exe in args.host:
        if args.only and args.only not in exe:
            continue
        try:
            results = run_host(exe)
        except Exception:       # a runner bug must not hide the other tests
            results = [(False, f"FAIL: {os.path.basename(exe)}: {traceback.format_exc()}")]
        for ok, line in results:
            report(ok, line)

    tests = [(n, f) for n, f in load_qemu_tests(args.qemu) if not args.only or args.only in n]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_qemu_test, n, f, args.build) for n, f in tests]
        for (name, _), fut in zip(tests, futures):
            try:
                report(*fut.result())
            except BaseException:
                report(False, f"FAIL: qemu/{name}: {traceback.format_exc()}")

    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
