#!/usr/bin/env python3
"""make fuzz-traps: the long run of the trap-boundary fuzzer
(tests/apps/trapfuzz.c).  Boots kea in QEMU, starts the echo service f
(a user-domain target), spawns trapfuzz with no rights for TRAPS traps
from SEED, and reports traps per second (host wall clock between the
fuzzer's start and done lines, QEMU TCG).  Fails if the kernel faulted or
the fuzzer reported a failure.  The same seed and build repeat the run."""
import argparse, os, re, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "qemu"))
import kea  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--traps", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cmdline", default="console=monitor")
    a = ap.parse_args()

    h = kea.Harness(a.build, "fuzz-traps")
    try:
        h.boot(cmdline=a.cmdline)
        h.send("spawn srv_f.o\n")
        h.expect("f.echo ready")
        h.send(f"spawn trapfuzz.o 0 {a.traps} {a.seed}\n")
        h.expect(r"trapfuzz: start.*\n")
        t0 = time.time()
        last = t0
        while True:
            m = h.expect(r"trapfuzz: (\d+) traps\n|trapfuzz: done, .*\n", timeout=3600)
            now = time.time()
            if m.group(0).startswith("trapfuzz: done"):
                break
            print(f"  {int(m.group(1)):>10} traps, {now - t0:7.1f} s", flush=True)
            last = now
        elapsed = time.time() - t0
        done = re.search(r"trapfuzz: done, (\d+) traps, seed (\d+), (\d+) failed", h.out)
        stats = re.search(r"trapfuzz: statuses: .*", h.out)
        print(stats.group(0) if stats else "(no statuses)")
        fails = re.findall(r"^FAIL: .*$", h.out, re.M)
        faulted = "kernel exception" in h.out or "panic" in h.out
        traps = int(done.group(1))
        print(f"fuzz-traps: {traps} traps, seed {a.seed}, {elapsed:.1f} s, "
              f"{traps / elapsed:.0f} traps/s, {done.group(3)} failed"
              f"{', KERNEL FAULTED' if faulted else ', no kernel fault'}")
        for f in fails[:10]:
            print(f)
        ok = not fails and done.group(3) == "0" and not faulted
        if not ok:
            print(h.transcript_tail(40))
        sys.exit(0 if ok else 1)
    except kea.TestFailure as e:
        print(f"fuzz-traps: {e}\n{h.transcript_tail(40)}")
        sys.exit(1)
    finally:
        h.close()


if __name__ == "__main__":
    main()
