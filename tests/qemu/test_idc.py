"""Issue 3: domains, portals, IDC and the three kinds of remapping, checked by
user-level test programs (tests/apps/idctest.c, unpriv.c) in their own
domains.  Each group reports PASS:/FAIL: lines; a group passes when it
reports no failure and finishes."""
import re
from kea import check

RIGHTS_ALL = 15


def _group(h, n, timeout=120, cmdline="console=monitor"):
    h.boot(cmdline=cmdline)
    h.send(f"spawn idctest.o {RIGHTS_ALL} {n}\n")
    m = h.expect(r"idctest: done, (\d+) failed", timeout)
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    passes = re.findall(r"^PASS: idc/", h.out, re.M)
    check(not fails and m.group(1) == "0", "\n".join(fails) or "failures reported")
    check(passes, "no checks ran")
    check("kernel exception" not in h.out and "panic" not in h.out, "the kernel faulted")
    return h


def test_basic_calls_and_buffers(h):
    _group(h, 1)
    check("fast path on" in h.out, "the fast path is not on by default")
    check("idctest: fast path on" in h.out, "idctest did not see the fast path on")


def _with_fast_path_off(n, timeout):
    def test(h):
        _group(h, n, timeout, cmdline="console=monitor fastpath=off")
        check("portal_invoke through sysenter, fast path off" in h.out, "fastpath=off not honoured")
        if n == 1:
            check("idctest: fast path off" in h.out, "idctest did not see the fast path off")
    test.__doc__ = f"""Group {n} of the IDC suite on the general C path alone (fastpath=off):
    both paths stay tested."""
    return test


# The whole IDC suite again with the assembly fast path switched off.
for _n, _timeout in ((1, 120), (2, 120), (3, 300), (4, 120), (5, 120), (6, 120), (7, 120)):
    globals()[f"test_group_{_n}_with_fast_path_off"] = _with_fast_path_off(_n, _timeout)


def test_remap_per_domain_interposer_global_rooted(h):
    _group(h, 2)


def test_concurrent_invocation_while_remapping(h):
    _group(h, 3, timeout=300)


def test_destroy_domain_held_portals(h):
    _group(h, 4)
    out = h.cmd("domains")
    check(not re.search(r"\bsrv_h\b", out), "destroyed domain still listed")


def test_bad_input_returns_errors(h):
    _group(h, 5)
    # The callee fault is reported, the kernel lives on.
    check(re.search(r"kea: page fault in domain srv_f .*address 00000000", h.out), "fault not reported")
    check("uptime" not in h.cmd("uptime") or True, "")
    check(re.search(r"up \d", h.cmd("uptime")), "kernel no longer answers")


def test_memory_map_share_copy(h):
    _group(h, 6)


def test_revoking_a_target_undoes_its_remaps(h):
    _group(h, 7)


def test_int80_fallback(h):
    h.boot(cmdline="console=monitor idc=int")
    check("portal_invoke through int 0x80" in h.out, "idc=int not honoured")
    h.send(f"spawn idctest.o {RIGHTS_ALL} 1\n")
    h.expect(r"idctest: done, 0 failed", 120)
    check(not re.findall(r"^FAIL: .*$", h.out, re.M), "failures over int 0x80")


def test_authority(h):
    h.boot()
    h.send("spawn srv_f.o\nspawn srv_g.o\nspawn unpriv.o\n")
    h.expect("unpriv: done")
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    check(not fails, "\n".join(fails))
    check(len(re.findall(r"PASS: idc/unpriv", h.out)) == 12, "not every authority check ran")


def test_domain_destroy_frees_everything(h):
    h.boot()
    before = re.search(r"(\d+) pages in use, heap (\d+) bytes", h.cmd("mem")).groups()
    for _ in range(3):
        h.cmd("spawn srv_f.o")
        h.expect("f.echo ready")          # its main thread now sleeps in the kernel
        out = h.cmd("destroy srv_f")
        check("destroyed srv_f" in out, out)
    h.cmd("sleep 50")
    after = re.search(r"(\d+) pages in use, heap (\d+) bytes", h.cmd("mem")).groups()
    check(before == after, f"memory before {before}, after {after}")


def test_irq_delivered_to_user_driver(h):
    """irq.ioports + irq.attach: the RTC's interrupts reach a user-level
    driver through a kernel-to-user portal invocation."""
    h.boot()
    h.send(f"spawn rtcdrv.o {RIGHTS_ALL}\n")
    h.expect(r"rtcdrv: done", 120)
    fails = re.findall(r"^FAIL: .*$", h.out, re.M)
    check(not fails, "\n".join(fails))
    check(len(re.findall(r"PASS: irq/", h.out)) == 7, "not every irq check ran")


def test_constructors_run_in_the_domain(h):
    h.boot()
    h.send("spawn ctor.o\n")
    # early (priority 200) runs before the default-priority one.
    h.expect(r"ctor: constructed 21\b")


def test_sys_service(h):
    h.boot()
    h.send(f"spawn systest.o {RIGHTS_ALL}\n")
    h.expect(r"systest: done, (\d+) failed", 120)
    fails = re.findall(r"FAIL: .*$", h.out, re.M)
    check(not fails, "\n".join(fails))
    check(len(re.findall(r"PASS: sys/", h.out)) == 12, "not every sys check ran")


def test_demand_paging_through_a_user_pager(h):
    h.boot()
    h.send(f"spawn pgsrv.o {RIGHTS_ALL}\n")
    h.expect(r"pgsrv: (\d+) faults served", 120)
    check(re.search(r"PASS: pgsrv/register \(0\)", h.out), "pager registration")
    check("PASS: pgsrv/register-wrong-interface" in h.out, "wrong interface accepted")
    check("PASS: pgsrv/unregister (0)" in h.out and "PASS: pgsrv/unregister-twice" in h.out,
          "pager not removed")
    check("PASS: pgapp/demand-paged (16 of 16)" in h.out, "pages not demand-paged correctly")
    check(re.search(r"pager of domain pgapp failed for 60064000", h.out), "refused fault not reported")
    check(re.search(r"thread \d+ ended by the fault", h.out), "faulting thread not ended")
    check("FAIL: pgapp" not in h.out, "refused page was readable")


def test_spawned_program_gets_its_arguments(h):
    h.boot()
    h.send("spawn args.o 0 42 and some words\n")
    h.expect(r"args: n=42 text='42 and some words'")
    h.send("spawn args.o 0 words only\n")
    h.expect(r"args: n=0 text='words only'")
    h.send("spawn args.o\n")
    h.expect(r"args: n=0 text=''")
