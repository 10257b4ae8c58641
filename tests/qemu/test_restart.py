"""Issue 10: restart of failed services (kernel/restart.c, docs/reliability.md).
A user-placed service that faults is replaced by a fresh instance of the same
object in the same placement through migration's machinery: its portal keeps
its id, the faulting call ends with "callee faulted", the next call reaches the
new instance.  The restart policy (limit, window) marks a service that keeps
failing as failed (callers get "dead") until an operator's `restart`; a
service with state hooks restarts from its last checkpoint."""
import os, re
from kea import check
import shellboot

RESTARTED = r"restart: (\S+) restarted in (the kernel|\S+) \((.*?)\)(, from its checkpoint)?: restart (\d+)"
SMASH = "x" * 64                                    # past svc_distro's 16-byte stack buffer


def _boot(h, cmdline=""):
    shellboot.boot_shell(h, cmdline=cmdline, modules=[os.path.join(h.build, p) for p in
                                     ("rt.o", "shell.o", "svc/svc_distro.o", "svc/svc_migr.o")])


def _load(h, module, name):
    out = h.cmd(f"load {module} user as {name}")
    m = re.search(rf"loaded {name} from {module} in a user domain \(domain (\d+)\)", out)
    check(m, f"load {module}:\n{out}")
    return int(m.group(1))


def _state(h, name):
    """(domain serving, inits, calls) of an svctest service."""
    out = h.cmd(f"call {name}.svctest where")
    w = re.search(r": status 0 \(ok\); words (\d+) ", out)
    out2 = h.cmd(f"call {name}.svctest state")
    s = re.search(r": status 0 \(ok\); words \d+ (\d+) (\d+)", out2)
    check(w and s, f"{name} does not answer:\n{out}\n{out2}")
    return int(w.group(1)), int(s.group(1)), int(s.group(2))


def _portal_id(h, name):
    m = re.search(rf"^\s*(\d+)\s+{re.escape(name)}\s", h.cmd("portals"), re.M)
    check(m, f"no portal {name}")
    return int(m.group(1))


def _smash(h, name, want=RESTARTED):
    """A stack smash the service's canary catches: it panics inside the call.
    The restarter reports on the console when it is done, after the prompt
    perhaps: wait for its line (`want`), from where the call began."""
    start = len(h.out)
    out = h.cmd(f"call {name}.svctest smash {SMASH}")
    check("status -6 (callee faulted)" in out, f"the smash did not fault:\n{out}")
    return _wait_for(h, start, want, "the smash")


def _wait_for(h, start, want, what):
    """The match of `want` in what the console said from `start`, waiting
    for it at most 3 s (the restarter reports when it is done, after the
    prompt perhaps)."""
    for _ in range(30):
        m = re.search(want, h.out[start:])
        if m:
            return m
        h.cmd("sleep 100")
    check(False, f"{what}: no /{want}/:\n{h.out[start:]}")


def _wait_restart(h, start, what):
    """The restart line after `start`: its groups are RESTARTED's."""
    return _wait_for(h, start, RESTARTED, what)


def _out_after_restart(h, start, what="the call"):
    """What the console said from `start` up to a restart line."""
    _wait_restart(h, start, what)
    return h.out[start:]


def _alive(h):
    check(re.search(r"pages in use", h.cmd("mem")), "the kernel no longer answers")
    check("kernel exception" not in h.out and "kernel panic" not in h.out, "the kernel faulted")


def test_fault_restarts_user_service(h):
    """A fault inside the service: the call gets "callee faulted", the
    service is restarted in a fresh domain (its init runs again), the portal
    id is the same, and `services` shows the restart and its reason."""
    _boot(h)
    dom = _load(h, "svc_distro.o", "du")
    pid = _portal_id(h, "du.svctest")
    d0, inits0, _ = _state(h, "du")
    check(d0 == dom and inits0 == 1, f"before: domain {d0}, inits {inits0}")
    m = _smash(h, "du")
    check(m.group(1) == "du" and "exited inside a call" in m.group(3) and m.group(5) == "1",
          f"restart line: {m.group(0)}")
    d1, inits1, calls1 = _state(h, "du")
    check(d1 != dom and inits1 == 1 and calls1 == 2,
          f"after: domain {d1} (was {dom}), inits {inits1}, calls {calls1}: not a fresh instance")
    check(_portal_id(h, "du.svctest") == pid, "the portal id changed")
    out = h.cmd("services")
    check(re.search(r"state running, 1 restart, last failure: exited inside a call", out), out)
    # A second fault, a second restart.
    m = _smash(h, "du")
    check(m.group(5) == "2", m.group(0))
    check(_state(h, "du")[1:] == (1, 2), "not a fresh instance after the second restart")
    check("unloaded du" in h.cmd("unload du"), "du does not unload")
    _alive(h)


def test_restart_limit_marks_failed(h):
    """More failures within the window than the policy allows: the service is
    marked failed, its callers get "dead"; `restart` brings it back."""
    _boot(h)
    _load(h, "svc_distro.o", "du")
    out = h.cmd("policy du max=2 window=60000")
    check("policy du: max=2 window=60000" in out, out)
    for _ in range(2):
        _smash(h, "du")
    _smash(h, "du", r"restart: du failed 3 times within 60000 ms \(limit 2\): marked failed")
    out = h.cmd("call du.svctest where")
    check("status -2 " in out, f"a failed service answered:\n{out}")
    check("state failed, 2 restarts" in h.cmd("services"), "services does not show it failed")
    out = h.cmd("restart du")
    check(re.search(r"restart: du restarted in du \(restart command\): restart 3", out), out)
    check(_state(h, "du")[1] == 1, "not answering after the operator's restart")
    check("policy nosuch: max=5" in h.cmd("policy nosuch"), "the default row is not shown")
    check("not KEY=NUMBER" in h.cmd("policy du max"), "a bad policy was accepted")
    check("no service named 'nosuch'" in h.cmd("restart nosuch"), "restart of nothing")
    _alive(h)


def test_restart_from_checkpoint(h):
    """A service with state hooks restarts from its last checkpoint: taken on
    request, and by the policy after every N calls."""
    _boot(h)
    _load(h, "svc_migr.o", "sm")
    for _ in range(4):
        _state(h, "sm")                             # two calls each
    out = h.cmd("checkpoint sm")
    check(re.search(r"checkpoint: sm: 12 bytes", out), out)
    check("state running, 0 restarts, 1 checkpoint, last failure: -" in h.cmd("services"),
          "services does not count the checkpoint")
    _, _, calls = _state(h, "sm")                   # the checkpoint holds 9
    out = h.cmd("restart sm")
    check(re.search(r"restart: sm restarted in sm \(restart command\), from its checkpoint", out), out)
    _, _, after = _state(h, "sm")
    check(after == 8 + 2, f"{after} calls after the restart: want the checkpoint's 8 + 2")
    # Checkpoints by policy: every 3 calls.
    check("ckcalls=3" in h.cmd("policy sm ckcalls=3"), "policy not set")
    for _ in range(3):
        _state(h, "sm")
    h.cmd("sleep 200")
    _, _, before = _state(h, "sm")
    out = h.cmd("restart sm")
    check("from its checkpoint" in out, out)
    _, _, after = _state(h, "sm")
    check(before - 6 <= after - 2 <= before, f"{after} calls after the restart, {before} before it: "
          "the policy's checkpoint is not recent")
    m = re.search(r"state running, 2 restarts, (\d+) checkpoints", h.cmd("services"))
    check(m and int(m.group(1)) >= 3, "services does not count the policy's checkpoints")
    _alive(h)


KINDS = {"null": "page fault", "wild": "page fault", "div": "divide error", "ud": "invalid opcode",
         "stack": "page fault", "garbage": "bad reply 0x7ead0bad from si.svctest proc 0"}


def test_inject_each_kind(h):
    """`inject SERVICE KIND` arms one fault at the next call, in the service's
    placement: each kind ends that call with "callee faulted" and restarts
    the service, which then answers -- garbage too, a status outside the
    procedure's reply contract, which never reaches the caller; refusals
    say why."""
    _boot(h)
    _load(h, "svc_migr.o", "si")
    h.cmd("load svc_migr.o kernel as sk")
    check("max=7" in h.cmd("policy si max=7 window=1"), "policy")
    n = 0
    for kind, trap in KINDS.items():
        out = h.cmd(f"inject si {kind}")
        check(f"inject: {kind} armed in si" in out, out)
        start = len(h.out)
        out = h.cmd("call si.svctest where")
        check("status -6 (callee faulted)" in out, f"{kind}: the call did not fault:\n{out}")
        n += 1
        m = _wait_restart(h, start, kind)
        check(m and trap in m.group(3) and int(m.group(5)) == n, f"{kind}: no restart for a {trap}:\n"
              + h.out[start:])
        check(_state(h, "si")[1] == 1, f"{kind}: si does not answer after its restart")
    check(not re.search(r"svctest\.where: status 2125269933", h.out), "the garbage reached the caller")
    check("is not a kind of fault" in h.cmd("inject si bogus"), "a bogus kind was accepted")
    check("cannot be contained there" in h.cmd("inject sk stack"), "a kernel stack overflow was armed")
    h.cmd("policy si deadline=0")
    check("its policy has no deadline" in h.cmd("inject si loop"), "an endless loop was armed")
    check(f"state running, {n} restarts" in h.cmd("services"), "services does not count the restarts")
    _alive(h)


def _answer(h, name, proc, status):
    """`call NAME.svctest PROC STATUS`: the service answers with STATUS as its
    own.  Returns the call's status and what the console said meanwhile."""
    start = len(h.out)
    out = h.cmd(f"call {name}.svctest {proc} {status}")
    m = re.search(rf"svctest\.{proc}: status (-?\d+) ", out)
    check(m, f"{proc} {status}: no status:\n{out}")
    return int(m.group(1)), start


def _reply_contract_user(h):
    _load(h, "svc_migr.o", "rc")
    check("max=7" in h.cmd("policy rc max=7 window=1"), "policy")
    for proc, status in (("answer", 0), ("answer", -9), ("answer", -17), ("answer_bytes", 4096),
                         ("answer_bytes", 1), ("answer_bytes", -1)):
        got, start = _answer(h, "rc", proc, status)
        check(got == status, f"{proc} {status} within the contract came back as {got}")
        check("bad reply" not in h.out[start:], f"{proc} {status} taken for a bad reply")
    n = 0
    for proc, status, number in (("answer", 5, 9), ("answer", -18, 9), ("answer", -1000, 9),
                                 ("answer_bytes", 4097, 10), ("answer_bytes", 0x7ead0bad, 10)):
        got, start = _answer(h, "rc", proc, status)
        check(got == -6, f"{proc} {status} outside the contract came back as {got}, not callee faulted")
        n += 1
        m = _wait_restart(h, start, f"{proc} {status}")
        want = f"bad reply {status & 0xffffffff:#x} from rc.svctest proc {number}"
        check(m.group(1) == "rc" and m.group(3) == want and int(m.group(5)) == n,
              f"{proc} {status}: restart line {m.group(0)!r}, want reason {want!r}")
        check(re.search(rf"kea: bad reply in domain rc \(thread \d+\): status {status & 0xffffffff:#x} from "
                        rf"rc\.svctest proc {number} is outside its contract", h.out[start:]),
              f"{proc} {status}: not reported:\n{h.out[start:]}")
        check(_state(h, "rc")[1] == 1, f"{proc} {status}: rc does not answer after its restart")
    check(f"state running, {n} restarts" in h.cmd("services"), "services does not count them")


def test_reply_contract(h):
    """A service's status is checked by the kernel against the procedure's
    reply contract (svctest.idl: `answer` returns 0 or an error, `answer_bytes`
    a byte count up to 4096): within it the caller gets it as it is; outside
    it -- a positive status from a status-only procedure, a count over 4096,
    a negative status that is no KEA_E* code -- the caller of this procedure,
    which is not idempotent, gets "callee faulted" and the service is
    restarted (user placement) or demoted (kernel placement)."""
    _boot(h)
    _reply_contract_user(h)
    # Kernel-placed: the bad reply demotes the service to a user domain.
    h.cmd("load svc_migr.o kernel as rk")
    got, start = _answer(h, "rk", "answer", 3)
    check(got == -6, f"kernel-placed answer 3 came back as {got}, not callee faulted")
    _wait_restart(h, start, "kernel-placed answer 3")
    out = h.out[start:]
    check("kea: bad reply in kernel-placed service rk (thread" in out and
          "restart: rk demoted from the kernel to a user domain" in out, f"not demoted:\n{out}")
    check(_state(h, "rk")[0] != 0, "rk does not serve from a user domain")
    got, _ = _answer(h, "rk", "answer", -9)
    check(got == -9, f"rk, demoted, answers -9 with {got}")
    _alive(h)


def test_reply_contract_general_path(h):
    """The same checks of a user-placed service's replies with the assembly
    fast path off (fastpath=off): the general C path alone checks them."""
    _boot(h, cmdline="fastpath=off")
    check("fast path off" in h.out, "fastpath=off not honoured")
    _reply_contract_user(h)
    _alive(h)


def test_deadline_ends_a_looping_call(h):
    """A call looping in a user-placed service past the service's deadline is
    aborted (the caller gets "timed out") and the service restarted; a looping
    service is unloaded once its deadline has ended the call inside it."""
    _boot(h)
    _load(h, "svc_migr.o", "hs")
    check("deadline=400" in h.cmd("policy hs deadline=400"), "policy")
    h.cmd("inject hs loop")
    start = len(h.out)
    h.cmd("call hs.svctest where &")
    for _ in range(40):
        if re.search(RESTARTED, h.out[start:]) and "timed out" in h.out[start:]:
            break
        h.cmd("sleep 100")
    out = h.out[start:]
    check(re.search(r"past its 400 ms deadline in hs", out), f"no deadline:\n{out}")
    check(re.search(r"hs\.svctest\.where: status -17 \(", out), f"the caller did not time out:\n{out}")
    m = re.search(RESTARTED, out)
    check(m and "deadline 400 ms passed" in m.group(3), f"no restart:\n{out}")
    check(_state(h, "hs")[1] == 1, "hs does not answer after the restart")
    # Unload of a service with a thread looping inside: refused at first,
    # done with --force once the deadline has ended the call.
    check("deadline=1500" in h.cmd("policy hs deadline=1500"), "policy")
    h.cmd("inject hs loop")
    h.cmd("call hs.svctest where &")
    h.cmd("sleep 100")
    check("is in use" in h.cmd("unload hs"), "unload was not refused while a thread loops inside")
    out = h.cmd("unload hs --force", timeout=30)
    check("unloaded hs" in out, f"the looping service was not unloaded:\n{out}")
    check(not re.search(r"^\s+hs\s", h.cmd("services"), re.M), "hs still listed")
    _alive(h)


def test_kill_after_deadline_of_a_looping_call(h):
    """A program whose call loops in a user-placed service: neither it nor
    the service can be killed while its thread is inside (either would lose
    an activation); the deadline ends the call (the program gets "timed
    out"), after which both kills work."""
    shellboot.boot_shell(h, modules=[os.path.join(h.build, p) for p in
                                     ("rt.o", "shell.o", "svc/svc_migr.o", "svc/svcclient.o")])
    dom = _load(h, "svc_migr.o", "pu")
    check("deadline=1500" in h.cmd("policy pu deadline=1500"), "policy")
    h.cmd("inject pu loop")
    start = len(h.out)
    h.send("spawn svcclient.o 6\n")
    h.expect(r"svcclient: calling pu")
    h.cmd("sleep 200")
    client = int(re.search(r"domain (\d+)", h.out[start:]).group(1))
    check("is busy" in h.cmd(f"kill {dom}"), "the looping service was killed with a thread inside")
    check("is busy" in h.cmd(f"kill {client}"), "the caller was killed while its thread is inside pu")
    h.expect(r"svcclient: pu where status=-17 \(timed out\)", timeout=20)
    out = _out_after_restart(h, start)
    check(re.search(r"past its 1500 ms deadline in pu", out), f"no deadline:\n{out}")
    check(re.search(rf"killed \S+ \(domain {client}\)", h.cmd(f"kill {client}")), "the caller not killed")
    new = _state(h, "pu")[0]
    check(new != dom, "pu was not restarted in a new domain")
    check(re.search(rf"killed \S+ \(domain {new}\)", h.cmd(f"kill {new}")), "pu's domain not killed")
    _alive(h)


def test_kernel_placed_fault_demotes(h):
    """A fault in a kernel-placed service's code is unwound to the IDC
    boundary (the caller gets "callee faulted") and the service is demoted:
    restarted in a user domain.  Its next fault is contained by the hardware."""
    _boot(h)
    h.cmd("load svc_migr.o kernel as ks")
    check("max=7" in h.cmd("policy ks max=7 window=1"), "policy")
    check("at most 7" in h.cmd("policy ks max=100"), "a limit past the remembered failures")
    for kind in ("null", "div", "ud", "wild"):
        if not re.search(r"words 0 ", h.cmd("call ks.svctest where")):
            check("migrated ks" in h.cmd("migrate ks kernel"), f"{kind}: ks did not move back")
        h.cmd(f"inject ks {kind}")
        start = len(h.out)
        out = h.cmd("call ks.svctest where")
        check("status -6 (callee faulted)" in out, f"{kind}: the call did not fault:\n{out}")
        out = _out_after_restart(h, start, kind)
        check(re.search(r"in kernel-placed service ks \(thread \d+\): call unwound", out) and
              "restart: ks demoted from the kernel to a user domain" in out and
              re.search(r"restart: ks restarted in ks ", out), f"{kind}: not demoted:\n{out}")
        check(_state(h, "ks")[0] != 0, f"{kind}: ks does not serve from a user domain")
    _alive(h)


def test_kernel_placed_loop_ends_at_deadline(h):
    """An endless loop in a kernel-placed service's call is seen by the timer
    (its code runs with interrupts on) and ended at the service's deadline:
    the caller gets "timed out" and the service is demoted.  Also when the
    loop spends nearly all its time in the environment: in malloc/free or a
    base-service call (which run with interrupts off: the tick is taken
    between them), in memcpy (interrupts on, kernel code)."""
    _boot(h)
    h.cmd("load svc_migr.o kernel as kl")
    check("max=7" in h.cmd("policy kl max=7 window=1 deadline=300"), "policy")
    for how in (0, 1, 2, 3):
        if not re.search(r"words 0 ", h.cmd("call kl.svctest where")):
            check("migrated kl" in h.cmd("migrate kl kernel"), f"spin {how}: kl did not move back")
        start = len(h.out)
        out = h.cmd(f"call kl.svctest spin {how}", timeout=30)
        check("status -17 (timed out)" in out, f"spin {how}: the call did not time out:\n{out}")
        out = _out_after_restart(h, start)
        check(re.search(r"deadline 300 ms passed at eip [0-9a-f]{8} in kernel-placed service kl "
                        r"\(thread \d+\): call unwound to its IDC boundary, caller gets timed out", out)
              and "restart: kl demoted from the kernel to a user domain" in out,
              f"spin {how}: not demoted:\n{out}")
        check(_state(h, "kl")[0] != 0, f"spin {how}: kl does not serve from a user domain")
    # In a user domain now: the same loop ends at the same deadline.
    start = len(h.out)
    out = h.cmd("call kl.svctest spin 2", timeout=30)
    check("status -17 (timed out)" in out, f"user spin: the call did not time out:\n{out}")
    check(re.search(r"past its 300 ms deadline in kl", _out_after_restart(h, start)), "no user deadline")
    _alive(h)


def test_kernel_placed_fault_in_environment_demotes(h):
    """A bad pointer handed by a kernel-placed service to the environment
    faults in kernel code, but where no kernel state is half updated: in
    memcpy (pure, interrupts on), or while printf, puts, kea_bind and strdup
    read or write the service's arguments, which they do before (after)
    their part with interrupts off.  The call is unwound and the service demoted,
    not the kernel halted.  In a user domain the same calls are ordinary
    faults."""
    _boot(h)
    h.cmd("load svc_migr.o kernel as kc")
    check("max=7" in h.cmd("policy kc max=7 window=1"), "policy")
    for how in (0, 1, 2, 3, 4):
        if not re.search(r"words 0 ", h.cmd("call kc.svctest where")):
            check("migrated kc" in h.cmd("migrate kc kernel"), f"badcopy {how}: kc did not move back")
        start = len(h.out)
        out = h.cmd(f"call kc.svctest badcopy {how}")
        check("status -6 (callee faulted)" in out, f"badcopy {how} did not fault:\n{out}")
        out = _out_after_restart(h, start, f"badcopy {how}")
        check(re.search(r"page fault at eip [0-9a-f]{8}, address 000000(10|14) in kernel-placed service kc",
                        out) and "restart: kc demoted from the kernel to a user domain" in out,
              f"badcopy {how}: not demoted:\n{out}")
    start = len(h.out)
    check("status -6 (callee faulted)" in h.cmd("call kc.svctest badcopy 1"), "no fault in user")
    check(re.search(RESTARTED, _out_after_restart(h, start)), "no restart in user")
    check(_state(h, "kc")[0] != 0, "kc does not serve")
    _alive(h)


def test_kernel_placed_panic_demotes(h):
    """A kernel-placed service that panics, aborts or fails an assertion has
    failed, not the kernel: its call is unwound and it is demoted, as the
    same calls end a user-placed instance's domain."""
    _boot(h)
    h.cmd("load svc_migr.o kernel as kp")
    check("max=7" in h.cmd("policy kp max=7 window=1"), "policy")
    for how, why in ((0, "panic: svctest: told to die"), (1, "panic: abort() called"),
                     (2, "assertion failed: how != 2")):
        if not re.search(r"words 0 ", h.cmd("call kp.svctest where")):
            check("migrated kp" in h.cmd("migrate kp kernel"), f"die {how}: kp did not move back")
        start = len(h.out)
        out = h.cmd(f"call kp.svctest die {how}")
        check("status -6 (callee faulted)" in out, f"die {how}: the call did not fail:\n{out}")
        out = _out_after_restart(h, start)
        check(why in out and "in kernel-placed service kp" in out and
              "restart: kp demoted from the kernel to a user domain" in out, f"die {how}:\n{out}")
    start = len(h.out)
    check("status -6 (callee faulted)" in h.cmd("call kp.svctest die 1"), "no failure in user")
    check(re.search(RESTARTED, _out_after_restart(h, start)), "no restart in user")
    _alive(h)


RSLOAD = (r"rsload: (\d+) faults injected, (\d+) restarts, (\d+) writes acknowledged, (\d+) errors, "
          r"(\d+) lost")


def _disk(h, name):
    path = os.path.join(h.build, f"test-restart-{name}.img")
    with open(path, "wb") as f:
        f.truncate(4 * 1024 * 1024)
    return ["-drive", f"file={path},format=raw,if=ide,index=0"]


def _driver_under_load(h, faults, where, extra=""):
    shellboot.boot_shell(h, extra=_disk(h, where), modules=[
        os.path.join(h.build, p) for p in
        ("rt.o", "shell.o", "services/ata.o", "services/simplefs.o", "demoapps/rsload.o")])
    check("loaded ata" in h.cmd(f"load ata.o {where}"), "ata does not load")
    check("loaded simplefs" in h.cmd("load simplefs.o kernel"), "simplefs does not load")
    check("deadline=100" in h.cmd("policy ata max=7 window=1 deadline=100"), "policy")
    start = len(h.out)
    h.cmd(f"spawn --wait --rights all rsload.o {faults}{extra}", timeout=600)
    out = h.out[start:]
    m = re.search(RSLOAD, out)
    check(m, f"rsload did not finish:\n{out[-3000:]}")
    injected, restarts, writes, errors, lost = map(int, m.groups())
    print(f"rsload ({where}): {injected} faults injected, {restarts} restarts, {writes} writes "
          f"acknowledged, {errors} errors, {lost} lost")
    check(restarts >= faults and injected == restarts, f"{injected} faults, {restarts} restarts")
    check(errors == 0 and lost == 0, f"{errors} errors, {lost} lost:\n" +
          "\n".join(re.findall(r"rsload: round.*", out)[:10]))
    check(writes > 0, "nothing written")
    faults_seen = len(re.findall(r"kea: .* in (?:domain ata|kernel-placed service ata)|past its \d+ ms "
                                 r"deadline in ata", out))
    check(faults_seen == injected, f"{faults_seen} faults reported for {injected} injected")
    garbage = len(re.findall(r"kea: bad reply in (?:domain ata|kernel-placed service ata) ", out))
    print(f"rsload ({where}): {garbage} of the faults were garbage replies, taken for faults")
    check(garbage > 0, "no garbage reply among the faults")
    _alive(h)
    return out


def test_1000_faults_in_user_placed_driver(h):
    """1,000 faults of random kinds (null, wild, div, ud, garbage, stack,
    loop) injected into the user-placed ATA driver while an application
    writes and reads checksummed files through simplefs on its disk: each is
    followed by a restart, the block stubs retry the calls the driver failed
    in (a garbage reply included), and no acknowledged write is lost."""
    _driver_under_load(h, 1000, "user")


def test_100_faults_in_kernel_placed_driver(h):
    """100 faults of the kinds the kernel contains (null, wild, div, ud,
    loop, garbage) in the kernel-placed ATA driver under the same load: each
    is unwound, the driver demoted to a user domain (and moved back for the
    next one); the kernel survives and the workload completes."""
    out = _driver_under_load(h, 100, "kernel", " kernel")
    check(len(re.findall(r"restart: ata demoted from the kernel to a user domain", out)) == 100,
          "not every fault demoted the driver")


def test_kernel_placed_stack_protector_failure_demotes(h):
    """A stack smash in a kernel-placed service (the distro build's canary)
    no longer halts the kernel: the call is unwound, the service demoted."""
    _boot(h)
    out = h.cmd("load svc_distro.o kernel as dk")
    check("loaded dk from svc_distro.o in the kernel" in out, out)
    start = len(h.out)
    out = h.cmd(f"call dk.svctest smash {SMASH}")
    check("status -6 (callee faulted)" in out, f"the smash did not fault:\n{out}")
    out = _out_after_restart(h, start, "the smash")
    check("stack protector failure in kernel-placed service dk" in out and
          "restart: dk demoted from the kernel to a user domain" in out, f"not demoted:\n{out}")
    check(_state(h, "dk")[0] != 0, "dk does not serve from a user domain")
    _alive(h)
