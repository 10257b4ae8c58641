#!/usr/bin/env python3
"""Run every kea test and print one line per test, then 'N passed, N failed'.

Host tests are executables printing 'PASS: name' / 'FAIL: name: why' lines
(an executable that fails without saying which test counts as one failure).
QEMU tests are Python files under tests/qemu whose test_* functions take a
harness (tests/qemu/kea.py); they run two at a time, since each QEMU is one
busy thread and the machine has two cores.
"""
import argparse, concurrent.futures, importlib.util, io, os, subprocess, sys, time, traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu"))
import kea  # noqa: E402

HOST_TIMEOUT = 900


def run_host(exe):
    """Returns a list of (ok, line)."""
    results = []
    try:
        p = subprocess.run([exe], capture_output=True, text=True, timeout=HOST_TIMEOUT)
        out, code = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        code = "timeout"
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
    tests = []
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
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
    except Exception as e:  # a failed expectation or a harness error
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
        for ok, line in run_host(exe):
            report(ok, line)

    tests = [(n, f) for n, f in load_qemu_tests(args.qemu) if not args.only or args.only in n]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_qemu_test, n, f, args.build) for n, f in tests]
        for fut in futures:
            report(*fut.result())

    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
