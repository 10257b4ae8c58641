#!/usr/bin/env python3
"""idctrace.py KERNEL MODULE...: where the instructions of one IDC go.

Runs the benchmark program (tests/apps/bench.c) as `make bench` does, but
with QEMU single-stepping and logging every instruction executed
(-singlestep -d exec,nochain), until the benchmark has printed its
thread_id() row.  Then it takes one iteration of the null user -> user round
trip (two entries into the fast path: the call and the return) and one of
thread_id() (one entry: a kernel-placed call), and prints each as the runs
of consecutive instructions in one place: a kernel function (from the
kernel's symbols), a function of the runtime rt.o (loaded at 0x400000 in
every domain), or the application's own code.  The counts include the
benchmark loop's 2 instructions.  docs/performance.md quotes the result.
The log is large (about 1 GB) and is deleted at the end."""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RT_BASE = 0x400000


def symbols(path, base=0):
    out = subprocess.run(["nm", "-n", path], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            syms.append((int(f[0], 16) + base, f[2]))
    return syms


def run(kernel, modules, log):
    env = dict(os.environ, QEMU_EXTRA=f"-icount shift=0 -singlestep -d exec,nochain -D {log}")
    p = subprocess.Popen([os.path.join(ROOT, "scripts/run-qemu.sh"), kernel, *modules], cwd=ROOT,
                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []
    done = threading.Event()

    def reader():
        for line in p.stdout:
            out.append(line.decode(errors="replace"))
            if b"BENCH thread_id_user_kernel" in line:
                done.set()
        done.set()
    threading.Thread(target=reader, daemon=True).start()
    time.sleep(0.5)
    p.stdin.write(b"spawn --rights all bench.o\n")
    p.stdin.flush()
    done.wait(900)
    try:
        p.stdin.write(b"shutdown\n")
        p.stdin.flush()
    except BrokenPipeError:
        pass
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()
    text = "".join(out)
    rows = dict(re.findall(r"^BENCH (\S+) (\d+)", text, re.M))
    if "thread_id_user_kernel" not in rows:
        sys.exit("idctrace: the benchmark did not get to its thread_id row:\n" + text[-2000:])
    return {k: int(v) for k, v in rows.items()}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    kernel, modules = sys.argv[1], sys.argv[2:]
    ksyms = symbols(kernel)
    rtsyms = symbols(os.path.join(os.path.dirname(kernel), "rt.o"), RT_BASE)
    rt = os.path.join(os.path.dirname(kernel), "rt.o")
    text = re.search(r"^\s*\d+\s+\.text\s+([0-9a-f]+)", subprocess.run(
        ["objdump", "-h", rt], capture_output=True, text=True, check=True).stdout, re.M)
    rt_end = RT_BASE + int(text.group(1), 16)   # its text comes first in every domain
    fast = dict((n, a) for a, n in ksyms)["idc_fast_entry"]

    def where(pc):
        if pc >= 0xc0000000:
            table, side = ksyms, "kernel"
        elif RT_BASE <= pc < rt_end:
            table, side = rtsyms, "rt.o"
        else:
            return "application"
        i = bisect.bisect_right([a for a, _ in table], pc) - 1
        return f"{side} {table[i][1]}" if i >= 0 else side

    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "exec.log")
        rows = run(kernel, modules, log)
        pcs = []
        rx = re.compile(r"\[[0-9a-f]+/([0-9a-f]+)/")
        with open(log) as f:
            for line in f:
                m = rx.search(line)
                if m:
                    pcs.append(int(m.group(1), 16))
    entries = [i for i, pc in enumerate(pcs) if pc == fast]

    def cycle(step, value):
        """The first iteration, among 4 equal ones in a row, of `step`
        fast-path entries whose length is the row's value plus the loop."""
        for i in range(len(entries) - 5 * step):
            n = entries[i + step] - entries[i]
            if value <= n <= value + 8 and all(
                    entries[i + (k + 1) * step] - entries[i + k * step] == n for k in range(4)):
                return entries[i + step], entries[i + 2 * step]
        sys.exit(f"idctrace: no steady iteration of {value} instructions found")

    for title, step, key in (("null IDC round trip, user -> user", 2, "null_idc_user_user"),
                             ("thread_id(), user -> kernel-placed", 1, "thread_id_user_kernel")):
        start, end = cycle(step, rows[key])
        runs = []
        for pc in pcs[start:end]:
            w = where(pc)
            if runs and runs[-1][0] == w:
                runs[-1][1] += 1
            else:
                runs.append([w, 1])
        print(f"{title}: {end - start} instructions ({rows[key]} in `make bench`, "
              f"which subtracts the loop), from the fast path's entry on")
        for w, n in runs:
            print(f"  {n:5d}  {w}")
        totals = collections.Counter()
        for w, n in runs:
            totals[w.split()[0]] += n
        print("  by place: " + ", ".join(f"{k} {v}" for k, v in totals.most_common()))
        print()


if __name__ == "__main__":
    main()
