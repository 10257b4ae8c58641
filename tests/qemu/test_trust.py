"""Issue 9: the kernel's trust boundary.  Each test attacks from a domain
spawned with no rights and checks the refusal, or that the kernel and the
other domains survive intact."""
import re
from kea import check


def _no_kernel_fault(h):
    check("kernel exception" not in h.out and "panic" not in h.out, "the kernel faulted")


def _run_group(h, prog, done, timeout=120):
    m = h.expect(done + r", (\d+) failed", timeout)
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    check(not fails and m.group(1) == "0", "\n".join(fails) or "failures reported")
    _no_kernel_fault(h)


def _trap_attacks(h, cmdline):
    h.boot(cmdline=cmdline)
    h.send("spawn srv_f.o\n")
    h.expect("f.echo ready")
    h.send("spawn trapattack.o\n")
    _run_group(h, "trapattack", "trapattack: done")
    check(re.search(r"up \d", h.cmd("uptime")), "kernel no longer answers")
    return len(re.findall(r"PASS: trap/", h.out))


def test_trap_entry_attacks_sysenter_and_int80(h):
    """TF + sysenter, hostile EFLAGS and data segments on both entries."""
    n = _trap_attacks(h, "console=monitor")
    check("portal_invoke through sysenter" in h.out, "sysenter not in use")
    check(n == 20, f"{n} of 20 checks ran")


def test_trap_entry_attacks_sysenter_fast_path_off(h):
    """The same attacks on the general sysenter path alone (fastpath=off)."""
    n = _trap_attacks(h, "console=monitor fastpath=off")
    check("portal_invoke through sysenter, fast path off" in h.out, "fastpath=off not honoured")
    check(n == 20, f"{n} of 20 checks ran")


def test_trap_entry_attacks_int80_only(h):
    n = _trap_attacks(h, "console=monitor idc=int")
    check(n == 10, f"{n} of 10 checks ran")


def _fuzz(h, cmdline, traps, seed):
    h.boot(cmdline=cmdline)
    h.send("spawn srv_f.o\n")
    h.expect("f.echo ready")
    h.send(f"spawn trapfuzz.o 0 {traps} {seed}\n")
    m = h.expect(r"trapfuzz: done, (\d+) traps, seed \d+, (\d+) failed", 300)
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    check(not fails and m.group(2) == "0", "\n".join(fails) or "failures reported")
    check(int(m.group(1)) == traps, "not every trap ran")
    _no_kernel_fault(h)
    check(re.search(r"up \d", h.cmd("uptime")), "kernel no longer answers")
    return re.search(r"trapfuzz: statuses: .*", h.out).group(0)


def test_trap_fuzzer_short_run(h):
    """100,000 seeded random traps (make fuzz-traps runs 10 million)."""
    stats = _fuzz(h, "console=monitor", 100000, 20261205)
    check("ok " in stats and "no such portal" in stats and "not permitted" in stats,
          "the fuzzer did not reach the services: " + stats)


def test_trap_fuzzer_is_reproducible_int80(h):
    """The same seed gives the same statuses (over int 0x80 only)."""
    first = _fuzz(h, "console=monitor idc=int", 20000, 7)
    h.restart()
    second = _fuzz(h, "console=monitor idc=int", 20000, 7)
    check(first == second, f"seed 7 gave\n{first}\nthen\n{second}")


def test_grants_need_consent_and_names_have_owners(h):
    """portal.grant into another table needs the right or consent, is
    limited, and dies with its granter; names of other domains and of
    services are refused; the loader takes a squatted service name back."""
    h.boot()
    h.send("spawn srv_f.o\n")
    h.expect("f.echo ready")
    h.send("spawn squatter.o\n")
    h.expect("squatter: squatted")
    out = h.cmd("load clock.o user")
    check("revoking clock.policy, created by domain squatter" in h.out, "squatted name not reclaimed:\n" + out)
    check(re.search(r"loaded clock from clock.o", out), "the service did not load:\n" + out)
    h.send("spawn grantvictim.o\n")
    _run_group(h, "squatter", "squatter: done")
    h.expect("grantvictim: filled")
    out = h.cmd("destroy squatter")
    check("destroyed squatter" in out, out)
    _run_group(h, "grantvictim", "grantvictim: done")
    check(len(re.findall(r"PASS: trust/", h.out)) == 16, "not every check ran")


def test_memory_quota_stops_a_hog(h):
    """A rightless domain cannot take all memory: its quota stops it with
    'out of memory', `domains` shows the quota, others still load."""
    h.boot()
    h.send("spawn memhog.o\n")
    h.expect("memhog: holding", 120)
    check(re.search(r"kea: domain memhog is out of memory: it holds its quota of \d+ pages", h.out),
          "no out-of-memory report")
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    check(not fails and len(re.findall(r"PASS: trust/hog", h.out)) == 3, "\n".join(fails) or "checks missing")
    out = h.cmd("domains")
    check(re.search(r"memhog\s+\d+\s+\d+\s", out) and "quota" in out, "quota not shown:\n" + out)
    h.send("spawn hello.o\n")
    h.expect(r"hello", 60)
    h.send(f"spawn quotatest.o 15\n")
    _run_group(h, "quotatest", "quotatest: done")


def test_out_of_memory_is_reported_as_such(h):
    """Four hogs exhaust memory between them (a quarter each); the shell's
    spawn then says 'out of memory', not 'not a program object', and the
    kernel survives."""
    h.boot(cmdline="")
    h.send("spawn memhog.o\n" * 4)          # their reports interleave with the echo
    for i in range(4):
        h.expect("memhog: holding", 120)
    h.cmd("sleep 100")
    out = h.cmd("spawn hello.o")
    check("out of memory" in out, "spawn did not say out of memory:\n" + out)
    check("object" not in out, "spawn blamed the object:\n" + out)
    out = h.cmd("kill memhog")
    out = h.cmd("spawn hello.o")
    check("out of memory" not in out, "memory not back after destroy:\n" + out)
    _no_kernel_fault(h)


def test_one_file_service_per_disk(h):
    """A file service claims its disk: a second one (cachefs) is refused
    while simplefs holds it, a rightless client can neither claim the disk
    nor release simplefs's claim; simplefs's hand-over (fs.release) lets
    cachefs take the disk."""
    h.boot(cmdline="")
    for svc in ("ramdisk", "simplefs", "cachefs"):
        out = h.cmd(f"load {svc}.o user")
        check(f"loaded {svc}" in out, out)
    out = h.cmd("call simplefs.fs format ramdisk 64")
    check("status 0" in out, "format failed:\n" + out)
    h.send("spawn claimattack.o\n")
    _run_group(h, "claimattack", "claimattack: done", timeout=60)
    check("cachefs: ramdisk: the device is in use by simplefs" in h.out, "refusal not reported")
    check(len(re.findall(r"PASS: trust/", h.out)) == 5, "not every check ran")
    out = h.cmd("call simplefs.fs release")
    check("status 0" in out, "release failed:\n" + out)
    out = h.cmd("call cachefs.fs statfs")
    check("status 0" in out, "cachefs did not take the disk over:\n" + out)


def test_thread_table_not_filled(h):
    """A rightless domain gets at most a quarter of the thread table; others
    still start threads."""
    h.boot()
    h.send("spawn threadhog.o\n")
    h.expect("threadhog: done")
    check("PASS: trust/thread-table-not-filled" in h.out, "no refusal at a quarter of the table")
    h.send("spawn hello.o\n")
    h.expect(r"hello", 60)
    _no_kernel_fault(h)
