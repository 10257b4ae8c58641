"""`make bench` runs: every benchmark reports a figure (never judged: the
figures are measured, not asserted)."""
import os, re, subprocess
from kea import check, ROOT, default_modules

ROWS = ("plain function call", "null IDC round trip, user -> user domain", "thread_id()",
        "IDC with 4 KiB in and out", "10,000 rooted remaps", "kernel -> kernel-placed service",
        "remap + unremap", "migration downtime, ATA driver kernel -> user",
        "migration downtime, 4 MiB RAM disk kernel -> user", "migration downtime, simplefs user -> kernel",
        "ATA block read (1 sector), driver migrated to a user domain")


def test_bench_reports_every_figure(h):
    p = subprocess.run(["scripts/bench.sh", os.path.join(ROOT, "build", "kernel.elf"),
                        *default_modules("build")], cwd=ROOT, env=dict(os.environ, BENCH_DOC="0"),
                       capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    check(p.returncode == 0, f"bench failed:\n{(p.stdout + p.stderr)[-1500:]}")
    for row in ROWS:
        check(re.search(rf"^\| [^|]*{re.escape(row)}[^|]*\| \d+ \|$", p.stdout, re.M),
              f"no figure for '{row}':\n{p.stdout}")
