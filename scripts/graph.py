#!/usr/bin/env python3
"""Capture the live portal graph of a running kea and render it.

    scripts/graph.py [-o OUT.svg] [--build DIR] [COMMAND...]
    scripts/graph.py --demo NAME [-o OUT.svg] [--build DIR]

Boots kea into the shell in QEMU, types each COMMAND (e.g. "run remaps.kea",
or "spawn srv_f.o"), then `graph` and `shutdown`, cuts the DOT text out of
the console output (from the line "digraph kea {" to the line "}"), writes
it next to OUT (OUT with .dot) and renders OUT with `dot -Tsvg`.  Build
first (`make`); graphviz comes with `make deps`.

--demo NAME types the commands of modules/demo-NAME.kea up to its line
"# graph" (all of them without one): the graph of docs/demos.md, written
to docs/demos/NAME.svg and .dot by default.  tests/qemu/test_demos.py
captures each one the same way and compares it with the committed .dot."""
import argparse, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import kea, shellboot  # noqa: E402

DOT_RE = re.compile(r"^digraph kea \{\n.*?^\}\n", re.M | re.S)


def capture(build, commands, quiet=False):
    """The DOT text `graph` prints after running commands."""
    h = kea.Harness(build, "graph")
    try:
        shellboot.boot_shell(h)
        for c in commands:                  # their output, for the user to see
            out = h.cmd(c, timeout=300)
            if not quiet:
                sys.stderr.write(f"kea> {c}\n{out}")
        out = h.cmd("graph")
        h.send("shutdown\n")
        h.wait_exit()
    finally:
        h.close()
    m = DOT_RE.search(out)
    if not m:
        raise SystemExit("graph.py: no DOT graph in the output of `graph`:\n" + out)
    return m.group(0)


def demo_commands(name):
    """The commands of demo NAME's script up to its "# graph" line."""
    commands = []
    with open(os.path.join(ROOT, "modules", f"demo-{name}.kea")) as f:
        for line in f:
            line = line.strip()
            if line == "# graph" or line.startswith("# graph:"):
                break
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=None)
    ap.add_argument("--build", default="build")
    ap.add_argument("--demo", help="type the commands of modules/demo-NAME.kea up to '# graph'")
    ap.add_argument("commands", nargs="*", help="shell commands to run before `graph`")
    args = ap.parse_args()
    if args.demo and args.commands:
        ap.error("--demo takes no COMMANDs")
    if not args.output:
        args.output = os.path.join(ROOT, "docs", "demos", f"{args.demo}.svg") if args.demo else \
            os.path.join(ROOT, "build", "graph.svg")
    dot = capture(args.build, demo_commands(args.demo) if args.demo else args.commands)
    base = os.path.splitext(args.output)[0]
    with open(base + ".dot", "w") as f:
        f.write(dot)
    subprocess.run(["dot", "-Tsvg", "-o", args.output, base + ".dot"], check=True)
    print(f"graph.py: {base}.dot, {args.output}")


if __name__ == "__main__":
    main()
