"""Issue 5: the VM service with a pluggable page-selection policy
(services/vm, its policies in services/vm/policy) and the paper's
Fig. 4: two applications paged by one VM service, the MRU policy installed
for one of them only by a domain-rooted remap of the policy portal.

The workloads (services/vm/apps) print one line per round with the VM
service's counters for their own domain; vm_seq without an argument runs
its rounds when asked (its workload portal), on its own thread.
tests/vm has the administrator's tool (vm_admin: remaps, counters,
rounds of a served vm_seq: what the shell's remap and call commands do),
the bad-input checks (vm_bad) and vm_user, the VM service run as a program
so that it can hold the domains right in a user domain.

What is asserted of the counts is what the algorithms guarantee for a
cyclic scan of N = 20 pages in F = 16 frames, P = 8 passes a round: clock
evicts in load order, so every access faults (P * N per round); MRU keeps
F - 1 pages for good, so each pass faults on at most N - F + 1 pages."""
import os, re, time
import kea
from kea import check

MODULES = ("rt.o", "services/ramdisk.o", "services/vm.o", "services/clock.o", "services/mru.o",
           "vm/vm_seq.o", "vm/vm_rand.o", "vm/vm_admin.o", "vm/vm_bad.o", "vm/vm_user.o")
F, N, P = 16, 20, 8                          # vm_seq's defaults
CLOCK_ROUND = P * N                          # clock: every access of the scan faults
MRU_ROUND_MAX = N + (P - 1) * (N - F + 1)    # MRU: the first pass, then N - F + 1 a pass
RIGHTS_ALL, RIGHTS_REMAP = 15, 2
ROUND = r"vm_seq {}: round (\d+) under (\S+): faults (\d+) reads (\d+) writes (\d+)"
# vm_seq's argument (services/vm/apps/vm_seq.c): 0 serves rounds on request;
# these run R rounds by themselves (mode 1), installing MRU for round 2 (2).
PLAIN = lambda rounds: 0x10000000 | rounds << 24
SELF_MRU = 0x23000000


def _boot(h, vm="user", ramdisk=True, policies=("clock", "mru"), where="user"):
    """Boot with what the VM tests need (the kernel monitor as console),
    load the swap device and the policies (`where`: in user domains or the
    kernel), start the VM service (vm: in a user domain, the kernel, or
    not)."""
    h.boot(modules=[os.path.join(h.build, m) for m in MODULES])
    place = "the kernel" if where == "kernel" else "a user domain"
    for module in (["ramdisk.o"] if ramdisk else []) + [f"{p}.o" for p in policies]:
        out = h.cmd(f"load {module} {where}")
        check(re.search(rf"loaded \S+ from {re.escape(module)} in {place}", out), out)
    if vm == "user":
        h.send(f"spawn vm_user.o {RIGHTS_ALL}\n")
        h.expect("svcmain: service vm ready")
    elif vm == "kernel":
        out = h.cmd("load vm.o kernel")
        check("loaded vm from vm.o in the kernel (domain 0): vm.pager vm.vmctl" in out, out)


def _spawn(h, module, rights=0, arg=0):
    """Spawn a program; its domain's name and id.  Other programs may be
    printing meanwhile, even into the echo of the command: wait for the
    monitor's answer alone."""
    h.send(f"spawn {module} {rights} {arg:#x}\n")
    m = h.expect(rf"spawned (\S+) as domain (\d+)\n|spawn: .*\n")
    check(m.group(1), f"spawn {module} failed: {m.group(0)}")
    return m.group(1), int(m.group(2))


def _wait(h, pattern, since=0, timeout=120):
    """Wait until a line matching pattern is in the output after offset
    `since`, wherever (programs running side by side finish in either
    order).  The whole line: a number may still be arriving."""
    rx = re.compile(pattern + r".*\n")
    deadline = time.time() + timeout
    with h.cond:
        while not rx.search(h.out, since):
            left = deadline - time.time()
            if h.eof or left <= 0:
                raise kea.TestFailure(f"expected /{pattern}/ but "
                                      f"{'QEMU exited' if h.eof else f'timed out after {timeout}s'}")
            h.cond.wait(min(left, 1.0))
    return rx.search(h.out, since)


def _rounds(h, name):
    """{round: (policy, faults, reads, writes)} that vm_seq `name` printed."""
    return {int(m.group(1)): (m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(5)))
            for m in re.finditer(ROUND.format(re.escape(name)), h.out)}


def _chosen(h, dom):
    """How many pages clock and mru have chosen for domain dom (vm_admin)."""
    since = len(h.out)
    _spawn(h, "vm_admin.o", RIGHTS_ALL, 0x30000 | dom)
    m = _wait(h, rf"vm_admin: domain {dom}: clock chose (\d+) pages, mru chose (\d+)", since)
    return int(m.group(1)), int(m.group(2))


def _admin(h, op, dom, what):
    since = len(h.out)
    _spawn(h, "vm_admin.o", RIGHTS_ALL, (op << 16) | dom)
    _wait(h, rf"vm_admin: {what}: ok", since)


def _serve(h):
    """A vm_seq serving rounds on request (what the shell spawns)."""
    since = len(h.out)
    name, dom = _spawn(h, "vm_seq.o")
    _wait(h, rf"vm_seq {name}: ready", since)
    return name, dom


def _round(h, dom):
    """Run a round of the served vm_seq in domain dom (on its own thread)."""
    _admin(h, 5, dom, rf"round of domain {dom}")


def _finish(h, name, dom):
    _admin(h, 6, dom, rf"finish domain {dom}")
    _wait(h, rf"vm_seq {name}: done")


def _no_kernel_fault(h):
    check("*** kernel" not in h.out, "the kernel faulted")
    check(re.search(r"up \d", h.cmd("uptime")), "the kernel no longer answers")


def _check_clock_rounds(rounds, which, name):
    for r in which:
        check(rounds.get(r, (None,))[0] == "clock" and rounds[r][1] == CLOCK_ROUND,
              f"{name} round {r}: want {CLOCK_ROUND} faults under clock, got {rounds.get(r)}")


def _fig4(h, vm, where="user"):
    """B scans under clock, is given MRU by a rooted remap, scans again,
    and A runs its whole scan while B's remap is in force: only B gains."""
    _boot(h, vm, where=where)
    b, bid = _serve(h)
    _round(h, bid)
    _admin(h, 1, bid, rf"remap --rooted {bid} clock.policy mru")
    _round(h, bid)
    a, aid = _spawn(h, "vm_seq.o", 0, PLAIN(2))             # B's remap in force
    _wait(h, rf"vm_seq {a}: done, data ok")
    _admin(h, 2, bid, rf"unremap --rooted {bid} clock.policy")
    _round(h, bid)
    _finish(h, b, bid)
    check(f"vm_seq {b}: done, data ok" in h.out, "B's data corrupted")

    ra, rb = _rounds(h, a), _rounds(h, b)
    _check_clock_rounds(ra, (1, 2), f"A ({a})")
    _check_clock_rounds(rb, (1, 3), f"B ({b})")
    mru = rb.get(2)
    check(mru and mru[0] == "mru" and mru[1] <= MRU_ROUND_MAX and 2 * mru[1] < CLOCK_ROUND,
          f"B round 2: want at most {MRU_ROUND_MAX} faults under mru, got {mru}")
    check(mru[2] < rb[1][2], f"B's swap reads did not drop under MRU: {rb}")
    # Which policy chose: every fault with the budget full asks once.
    clock_a, mru_a = _chosen(h, aid)
    clock_b, mru_b = _chosen(h, bid)
    check(mru_a == 0 and clock_a == 2 * CLOCK_ROUND - F,
          f"A's choices: clock {clock_a}, mru {mru_a}; want {2 * CLOCK_ROUND - F}, 0")
    check(mru_b == mru[1] and clock_b == rb[1][1] + rb[3][1] - F,
          f"B's choices: clock {clock_b}, mru {mru_b}; rounds {rb}")
    # Each page is written back once per generation (pass 0 of each round
    # dirties it); clean pages swap holds are never written again.
    for name, rounds in ((a, ra), (b, rb)):
        m = re.search(rf"vm_seq {name}: total: faults \d+ reads \d+ writes (\d+)", h.out)
        check(m and int(m.group(1)) <= len(rounds) * N, f"{name} wrote too much: {m and m.group(0)}")
    _no_kernel_fault(h)


def test_fig4_rooted_mru_for_b_only_vm_in_user_domain(h):
    _fig4(h, "user")


def test_fig4_rooted_mru_for_b_only_vm_in_kernel(h):
    _fig4(h, "kernel")


def test_fig4_rooted_mru_for_b_only_policies_and_disk_in_kernel(h):
    _fig4(h, "user", where="kernel")


def test_fig4_rooted_mru_for_b_only_everything_in_kernel(h):
    # The VM service and both policies share the kernel domain: the remap
    # still applies, since it exempts only calls from its replacement's own
    # object (mru.o), not from every kernel-placed service.
    _fig4(h, "kernel", where="kernel")


def test_application_installs_mru_for_itself_beside_another(h):
    """B remaps its own policy portal (the paper's "letting it install its
    own policy module") while A scans beside it with the default."""
    _boot(h, "kernel")
    a, _ = _spawn(h, "vm_seq.o", 0, PLAIN(3))
    b, _ = _spawn(h, "vm_seq.o", RIGHTS_REMAP, SELF_MRU)
    _wait(h, rf"vm_seq {a}: done, data ok")
    _wait(h, rf"vm_seq {b}: done, data ok")
    check(f"vm_seq {b}: MRU installed for this domain (rooted remap clock.policy -> mru.policy): ok"
          in h.out, "B could not install MRU")
    ra, rb = _rounds(h, a), _rounds(h, b)
    _check_clock_rounds(ra, (1, 2, 3), f"A ({a})")
    _check_clock_rounds(rb, (1, 3), f"B ({b})")
    check(rb.get(2, (None,))[0] == "mru" and rb[2][1] <= MRU_ROUND_MAX,
          f"B round 2: want at most {MRU_ROUND_MAX} faults under mru, got {rb.get(2)}")
    m = re.search(rf"vm_seq {a}: total: faults \d+ reads \d+ writes (\d+)", h.out)
    check(m and int(m.group(1)) == 3 * N, f"A under clock: want {3 * N} writes, got {m and m.group(0)}")
    _no_kernel_fault(h)


def test_random_access_data_survives_paging_under_both_policies(h):
    """vm_rand rewrites and checks random pages, under clock and, in a
    second domain, under MRU (installed by itself)."""
    _boot(h, "user")
    plain, _ = _spawn(h, "vm_rand.o")
    _wait(h, rf"vm_rand {plain}: done")
    mru, _ = _spawn(h, "vm_rand.o", RIGHTS_REMAP, 0x10000000)     # mode 1: MRU for itself
    _wait(h, rf"vm_rand {mru}: done")
    for name, policy in ((plain, "clock"), (mru, "mru")):
        check(f"vm_rand {name}: done, data ok" in h.out, f"{name}: data corrupted")
        m = re.search(rf"vm_rand {name}: (\d+) accesses \((\d+) rewrites\) to (\d+) pages in (\d+) "
                      rf"frames under (\S+): faults (\d+) reads (\d+) writes (\d+)", h.out)
        check(m, f"{name}: no counts")
        rewrites, pages, policy_seen, faults, reads, writes = (
            int(m.group(2)), int(m.group(3)), m.group(5), int(m.group(6)), int(m.group(7)),
            int(m.group(8)))
        check(policy_seen == policy, f"{name} ran under {policy_seen}, not {policy}")
        # Every page is touched; only rewritten pages become dirty.
        check(faults >= pages and reads <= faults and 0 < writes <= rewrites,
              f"{name}: implausible counts {m.group(0)}")
    _no_kernel_fault(h)


def test_policy_switched_back_at_runtime_and_policy_unloaded(h):
    """The rooted remap undone: B is back to clock.  Then the policy is
    unloaded under a running application: the VM service says so, evicts
    the oldest page instead, and the data survives."""
    _boot(h, "kernel")
    b, bid = _serve(h)
    _round(h, bid)
    _admin(h, 1, bid, rf"remap --rooted {bid} clock.policy mru")
    _round(h, bid)
    _admin(h, 2, bid, rf"unremap --rooted {bid} clock.policy")
    _round(h, bid)
    out = h.cmd("unload clock")
    check("unloaded clock" in out, out)
    _round(h, bid)
    _finish(h, b, bid)
    rb = _rounds(h, b)
    _check_clock_rounds(rb, (1, 3), f"B ({b})")
    check([rb.get(r, (None,))[0] for r in (2, 4)] == ["mru", "none"], f"B's rounds: {rb}")
    check(re.search(rf"vm: page selection through clock.policy failed for domain {b}: .*; "
                    rf"evicting the oldest page instead", h.out), "no word of the failing policy")
    check(f"vm_seq {b}: done, data ok" in h.out, "data corrupted after the policy went")
    _no_kernel_fault(h)


def test_bad_input_and_fault_beyond_the_paged_area(h):
    """vm_bad's checks; its touch beyond the paged area ends it with the
    kernel's message.  Then, destroyed while still attached, its domain id
    goes to the next program, which the VM service pages afresh."""
    _boot(h, "user")
    name, first = _spawn(h, "vm_bad.o", RIGHTS_ALL, 1)
    m = h.expect(r"vm_bad: done, (\d+) failed")
    h.expect(r"kea: page fault in domain vm_bad \(thread \d+\): eip [0-9a-f]+, address 70000000 \(read\)")
    h.expect(r"kea: thread \d+ ended by the fault")
    failed_first = m.group(1)
    check("destroyed" in h.cmd(f"destroy {name}"), "destroy failed")
    name, second = _spawn(h, "vm_bad.o", 0, 2)
    m = h.expect(r"vm_bad: done, (\d+) failed")
    fails = re.findall(r"FAIL: vm/.*", h.out)      # a line may follow a prompt
    check(not fails and failed_first == "0" and m.group(1) == "0",
          "\n".join(fails) or "failures reported")
    check(len(re.findall(r"PASS: vm/", h.out)) == 19 + 7, "not every check ran")
    for msg in ("vm: attach domain 63: no such domain", "vm: attach domain 0: the kernel is not paged",
                "frames (1..256)", "vm: no swap device: nodisk.block",
                "vm: no page-selection policy: nopolicy.policy"):
        check(msg in h.out, f"no clear message: {msg}")
    check(second == first and f"vm: domain {second} is not the vm_bad paged before, which has gone"
          in h.out, f"the stale attachment of domain {first} was not recognised")
    _no_kernel_fault(h)


def test_missing_swap_device_and_vm_in_a_user_domain(h):
    """No swap device: attach fails with a message.  Once the device is
    there, the VM service loaded in a user domain of its own pages: its
    descriptor asks for the domains right, and the loader holds it."""
    _boot(h, vm="none", ramdisk=False, policies=("clock",))
    out = h.cmd("load vm.o")
    check("loaded vm from vm.o in a user domain" in out, out)
    h.send(f"spawn vm_bad.o {RIGHTS_ALL} 3\n")
    h.expect(r"vm_bad: done, 0 failed")
    check("vm: no swap device: ramdisk.block: no such name" in h.out, "no word of the missing device")
    out = h.cmd("load ramdisk.o")
    check("loaded ramdisk from ramdisk.o" in out, out)
    name, _ = _spawn(h, "vm_seq.o", 0, PLAIN(1))
    h.expect(rf"vm_seq {name}: done, data ok")
    _no_kernel_fault(h)


def test_full_swap_fails_the_fault_and_detach_reclaims_it(h):
    """300 pages do not fit the 1 MiB RAM disk (256 pages) and 16 frames:
    the fault that needs a 257th swap slot fails and ends the thread.
    Detaching the dead application, gone or not, frees its swap."""
    _boot(h, "kernel", policies=("clock",))
    name, dom = _spawn(h, "vm_seq.o", 0, PLAIN(1) | 0x112c10)   # 300 pages, one pass
    h.expect(rf"vm: swap device ramdisk is full \(256 pages\): cannot evict [0-9a-f]+ of domain {name}")
    h.expect(rf"kea: pager of domain {name} failed for 60110000: out of memory")
    h.expect(r"kea: thread \d+ ended by the fault")
    check("destroyed" in h.cmd(f"destroy {name}"), "could not destroy the dead application")
    _admin(h, 4, dom, f"detach domain {dom}")
    again, _ = _spawn(h, "vm_seq.o", 0, PLAIN(1))
    h.expect(rf"vm_seq {again}: done, data ok")
    check("vm: swap device ramdisk is full" not in h.out[h.out.index(f"detach domain {dom}"):],
          "the swap space was not reclaimed")
    _no_kernel_fault(h)


def test_kernel_placed_vm_leaks_nothing(h):
    """Applications paged and detached, then destroyed: the kernel heap and
    the pages in use come back to the same numbers each time."""
    _boot(h, "kernel", policies=("clock",))
    seen = []
    for prog, arg in (("vm_seq", PLAIN(1)), ("vm_rand", 0), ("vm_seq", PLAIN(1))):
        since = len(h.out)
        name, _ = _spawn(h, f"{prog}.o", 0, arg)
        _wait(h, rf"{prog} {name}: done, data ok", since)
        check("destroyed" in h.cmd(f"destroy {name}"), "destroy failed")
        seen.append(re.search(r"(\d+) pages in use, heap (\d+) bytes", h.cmd("mem")).groups())
    check(seen[0] == seen[1] == seen[2], f"memory after each run: {seen}")
