#!/usr/bin/env python3
"""Capture the live portal graph of a running kea and render it.

    scripts/graph.py [-o OUT.svg] [--build DIR] [COMMAND...]

Boots kea into the shell in QEMU, types each COMMAND (e.g. "run remaps.kea",
or "spawn srv_f.o"), then `graph` and `shutdown`, cuts the DOT text out of
the console output (from the line "digraph kea {" to the line "}"), writes
it next to OUT (OUT with .dot) and renders OUT with `dot -Tsvg`.  Build
first (`make`); graphviz comes with `make deps`."""
import argparse, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import kea, shellboot  # noqa: E402

DOT_RE = re.compile(r"^digraph kea \{\n.*?^\}\n", re.M | re.S)


def capture(build, commands):
    """The DOT text `graph` prints after running commands."""
    h = kea.Harness(build, "graph")
    try:
        shellboot.boot_shell(h)
        for c in commands:                  # their output, for the user to see
            sys.stderr.write(f"kea> {c}\n{h.cmd(c, timeout=300)}")
        out = h.cmd("graph")
        h.send("shutdown\n")
        h.wait_exit()
    finally:
        h.close()
    m = DOT_RE.search(out)
    if not m:
        raise SystemExit("graph.py: no DOT graph in the output of `graph`:\n" + out)
    return m.group(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "build", "graph.svg"))
    ap.add_argument("--build", default="build")
    ap.add_argument("commands", nargs="*", help="shell commands to run before `graph`")
    args = ap.parse_args()
    dot = capture(args.build, args.commands)
    base = os.path.splitext(args.output)[0]
    with open(base + ".dot", "w") as f:
        f.write(dot)
    subprocess.run(["dot", "-Tsvg", "-o", args.output, base + ".dot"], check=True)
    print(f"graph.py: {base}.dot, {args.output}")


if __name__ == "__main__":
    main()
