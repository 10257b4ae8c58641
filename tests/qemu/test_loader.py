"""Issue 4: service objects placed in the kernel or in user domains by the
monitor's `load`, side by side; unloading; errors for bad objects; objects
built the way a distribution builds them; the build's loadability check.

The test service is tests/svc/svctest.c, built twice: svc_plain.o (like the
kernel's own code) and svc_distro.o (-O2 -fPIC -fstack-protector-strong).
Instances are named pk/pu (plain, kernel/user) and dk/du (distro); the user
program tests/svc/svcclient.c calls them (docs in its header)."""
import os, re
from kea import check

MEM = r"(\d+) pages in use, heap (\d+) bytes in (\d+) blocks"
SVC = ["svc_plain.o", "svc_distro.o", "svcclient.o", "svc_failinit.o", "svc_initfault.o",
       "svc_importer.o", "bad_unresolved.o", "bad_notelf.o", "bad_truncated.o", "bad_machine.o",
       "bad_reloc.o", "bad_desc_magic.o", "bad_desc_nifaces.o", "bad_desc_name_outside.o",
       "bad_desc_name_unterminated.o", "bad_desc_dispatch.o", "bad_desc_contract.o",
       "bad_desc_none.o"]


def _boot(h):
    """The runtime and the objects of tests/svc (built by svc.mk)."""
    h.boot(modules=[os.path.join(h.build, "rt.o")] + [os.path.join(h.build, "svc", m) for m in SVC])


def _mem(h):
    m = re.search(MEM, h.cmd("mem"))
    check(m, "no mem line")
    return m.groups()


def _alive(h):
    check(re.search(r"up \d", h.cmd("uptime")), "the kernel no longer answers")
    check("kernel exception" not in h.out and "kernel panic" not in h.out, "the kernel faulted")


def _load(h, line):
    """Load a service; returns its domain id."""
    out = h.cmd(line)
    m = re.search(r"loaded (\S+) from \S+ in (the kernel|a user domain) \(domain (\d+)\)", out)
    check(m, f"`{line}` failed:\n{out}")
    return int(m.group(3))


def _warm_up(h):
    """The first call from a user-placed init into the kernel gives the console
    thread its cached IDC buffer: do it before taking memory counters."""
    _load(h, "load svc_plain.o user as warm")
    h.cmd("unload warm")


def test_same_object_in_both_placements_side_by_side(h):
    _boot(h)
    doms = {}
    for name, mod, where in (("pk", "svc_plain.o", "kernel"), ("pu", "svc_plain.o", "user"),
                             ("dk", "svc_distro.o", "kernel"), ("du", "svc_distro.o", "user")):
        doms[name] = _load(h, f"load {mod} {where} as {name}")
    check(doms["pk"] == 0 and doms["dk"] == 0, f"kernel placements not in domain 0: {doms}")
    check(len({doms["pu"], doms["du"], 0}) == 3, f"user placements share a domain: {doms}")
    # Constructors and init ran in the placement (init prints its domain).
    inits = [int(d) for d in re.findall(r"svctest: init in domain (\d+)", h.out)]
    check(sorted(inits) == sorted(doms.values()), f"init ran in domains {inits}, want {doms}")

    out = h.cmd("services")
    for name, d in doms.items():
        where = "kernel" if d == 0 else "user"
        check(re.search(rf"^\s+{name}\s+{where}\s+\S+\({d}\)\s+svctest\s+\d+\s+0$", out, re.M),
              f"services does not list {name} in {where} domain {d}:\n{out}")

    h.send("spawn svcclient.o 0 1\n")
    m = h.expect(r"svcclient: done, (\d+) failed")
    for name, d in doms.items():
        w = re.search(rf"svcclient: {name} where=(\d+) status=0", h.out)
        check(w and int(w.group(1)) == d, f"{name} reports domain {w and w.group(1)}, placed in {d}")
    fails = re.findall(r"^FAIL: svc/.*$", h.out, re.M)
    check(m.group(1) == "0" and not fails, "\n".join(fails) or "client failures")
    check(len(re.findall(r"^PASS: svc/", h.out, re.M)) == 16, "not every check ran")

    out = h.cmd("services")
    for name in doms:
        check(re.search(rf"^\s+{name}\s.*\s6$", out, re.M), f"{name} does not count 6 calls:\n{out}")
    for name, d in doms.items():
        out = h.cmd(f"unload {name}")
        check(f"unloaded {name}" in out and f"fini in domain {d} after 6 calls" in out,
              f"unload {name}:\n{out}")
    check(not re.search(r"^\s+(pu|du)\s", h.cmd("domains"), re.M), "a service domain outlived its unload")
    _alive(h)


def test_unload_revokes_portals_callers_get_edead(h):
    """Bound callers get -KEA_EDEAD once the service is unloaded, or its
    domain destroyed."""
    _boot(h)
    _load(h, "load svc_plain.o kernel as pk")
    _load(h, "load svc_plain.o user as pu")
    h.send("spawn svcclient.o 0 3\n")
    h.expect("svcclient: bound")
    mark = len(h.out)
    check("unloaded pk" in h.cmd("unload pk"), "unload pk")
    h.pos = mark                            # the client may answer before the prompt
    h.expect(r"svcclient: pk gone status=-2 \(")
    # Destroying a user placement's domain takes the service with it.
    mark = len(h.out)
    check("destroyed pu" in h.cmd("destroy pu"), "destroy pu")
    h.pos = mark
    h.expect(r"svcclient: pu gone status=-2 \(")
    h.expect(r"svcclient: done")
    h.cmd("sleep 50")
    check(h.cmd("services").count("\n") == 1, "a service outlived its domain")
    check("no service named 'pu'" in h.cmd("unload pu"), "pu still unloadable")
    _alive(h)


def test_unload_refused_while_a_thread_is_inside(h):
    _boot(h)
    for name, where, mode in (("pk", "kernel", 4), ("pu", "user", 5)):
        _load(h, f"load svc_plain.o {where} as {name}")
        h.send(f"spawn svcclient.o 0 {mode}\n")
        h.expect(f"svcclient: holding {name}")
        h.cmd("sleep 200")                       # now asleep inside the service
        out = h.cmd(f"unload {name}")
        check(re.search(rf"unload: {name} is in use: thread \d+ \(svcclient, of domain svcclient\) "
                        r"is inside it \(in use", out), f"unload {name} while inside:\n{out}")
        check(re.search(rf"^\s+{name}\s", h.cmd("services"), re.M), f"{name} gone after a refusal")
        # --force: no new calls get in, the one inside finishes, then it goes.
        mark = len(h.out)
        out = h.cmd(f"unload {name} --force", timeout=30)
        check(f"unloaded {name}" in out, f"unload {name} --force:\n{out}")
        h.pos = mark                        # the client may have finished before the prompt
        h.expect("svcclient: done")
        tail = h.out[mark:]
        # The call inside ended with its own status 0 (a service unloaded
        # under it would have ended it with an error, or the kernel), and
        # only then did the service go: fini counts it.  (Which of the
        # client's line and the unload's is printed first is up to the
        # scheduler: the client may be preempted on its way out.)
        check(re.search(rf"svcclient: {name} hold status=0\n", tail) and
              re.search(rf"svctest: fini in domain \d+ after 1 calls\n(.|\n)*unloaded {name}", tail),
              "the call inside did not finish before the service went")
        check(re.search(rf"svcclient: {name} then status=-2 ", tail), "the next call did not fail")
        h.cmd("destroy svcclient")
    _alive(h)


def test_unload_refused_while_another_object_imports_from_it(h):
    _boot(h)
    out = h.cmd("load svc_importer.o kernel")
    check("undefined symbol 'svctest_dispatch'" in out, f"importer loaded alone:\n{out}")
    _load(h, "load svc_plain.o kernel as pk")
    _load(h, "load svc_importer.o kernel")
    out = h.cmd("unload pk")
    check("pk is in use: svc_importer.o in kernel imports from it" in out, out)
    check("unloaded importer" in h.cmd("unload importer"), "unload importer")
    check("unloaded pk" in h.cmd("unload pk"), "unload pk after its importer")
    # A user placement has its own domain: nothing of pk to import there.
    _load(h, "load svc_plain.o kernel as pk")
    out = h.cmd("load svc_importer.o user")
    check("undefined symbol 'svctest_dispatch'" in out, out)
    _alive(h)


def test_load_unload_1000_cycles_return_memory(h):
    _boot(h)
    _warm_up(h)
    for where in ("kernel", "user"):
        before = _mem(h)
        for i in range(1000):
            out = h.cmd(f"load svc_distro.o {where} as cyc")
            check("loaded cyc" in out, f"cycle {i}: {out}")
            out = h.cmd("unload cyc")
            check("unloaded cyc" in out, f"cycle {i}: {out}")
        h.cmd("sleep 50")
        after = _mem(h)
        check(before == after, f"{where}: pages/heap bytes/blocks {before} before, {after} after")
    check(not re.search(r"^\s+cyc\s", h.cmd("services"), re.M), "cyc still listed")
    _alive(h)


BAD = [
    ("bad_unresolved.o", "bad_unresolved.o: undefined symbol 'kea_no_such_function'"),
    ("bad_notelf.o", "bad_notelf.o: truncated: 40 bytes, an ELF32 header needs 52"),
    ("bad_truncated.o", "bad_truncated.o: section headers at 0x"),
    ("bad_machine.o", "bad_machine.o: e_machine 62 is not i386 (3)"),
    ("bad_reloc.o", "bad_reloc.o: unsupported relocation type R_386_SIZE32 (38)"),
    ("bad_desc_magic.o", "bad_desc_magic.o: service descriptor: bad magic 0x12345678"),
    ("bad_desc_nifaces.o", "bad_desc_nifaces.o: service descriptor: 9 interfaces (at most 8)"),
    ("bad_desc_name_outside.o",
     "bad_desc_name_outside.o: service descriptor: name (0x1000) does not point into the object"),
    ("bad_desc_name_unterminated.o",
     "bad_desc_name_unterminated.o: service descriptor: name is not NUL-terminated within 4096 bytes"),
    ("bad_desc_dispatch.o", "bad_desc_dispatch.o: service descriptor: bad's dispatch (0x"),
    ("bad_desc_contract.o", "bad_desc_contract.o: service descriptor: bad's result contract gives "
     "procedures 0x2 two results (status and bytes)"),
    ("bad_desc_none.o", "bad_desc_none.o: not a service: it defines no kea_service descriptor"),
    ("svc_failinit.o", "svc_failinit.o: init failed: out of memory"),
]


def test_bad_objects_refused_with_nothing_left(h):
    _boot(h)
    _warm_up(h)
    before = _mem(h)
    mark = len(h.out)
    for where in ("kernel", "user"):
        for mod, msg in BAD:
            out = h.cmd(f"load {mod} {where}")
            check("load: " + msg in out, f"load {mod} {where}: want '{msg}', got:\n{out}")
            after = _mem(h)
            check(after == before, f"load {mod} {where} leaked: {before} before, {after} after")
    # init ran for svc_failinit (and its failure undid everything): no fini.
    check(len(re.findall(r"svctest: init in domain", h.out)) == 3, "init did not run for svc_failinit")
    check("svctest: fini" not in h.out[mark:], "fini ran after a failed init")
    doms = re.findall(r"^\s+\d+ (\S+)", h.cmd("domains"), re.M)
    check(doms == ["kernel"], f"domains left: {doms}")
    check(h.cmd("services").count("\n") == 1, "a service was registered")
    _alive(h)


def test_init_fault_in_user_placement(h):
    _boot(h)
    _warm_up(h)
    before = _mem(h)
    out = h.cmd("load svc_initfault.o user")
    check(re.search(r"kea: page fault in domain svctest .*address 00000000", out), out)
    check("load: svc_initfault.o: init faulted: callee faulted" in out, out)
    check(_mem(h) == before, "the failed load leaked")
    _alive(h)


def test_stack_smash_in_user_service_detected(h):
    """The distro build's canary catches the overflow before the function
    returns, in the service's domain: the runtime's __stack_chk_fail panics
    (docs/services.md).  The kernel and the service live on: other clients
    are served, and it unloads cleanly."""
    _boot(h)
    _load(h, "load svc_distro.o user as du")
    _load(h, "load svc_plain.o user as pu")
    h.send("spawn svcclient.o 0 2\n")
    h.expect("panic: stack smashing detected")
    # The panic ends the call, not the client's thread: it gets "callee
    # faulted" and goes on calling the same service.
    h.expect(r"svcclient: du smash status=-6 ")
    h.expect(r"svcclient: du after smash where=\d+ status=0")
    h.send("sleep 500\n")                   # whatever the smashing client prints meanwhile
    h.expect_prompt()
    h.send("spawn svcclient.o 0 1\n")
    m = h.expect(r"svcclient: done, (\d+) failed")
    check(m.group(1) == "0", "the services misbehave after the smash")
    check(re.search(r"svcclient: du where=\d+ status=0", h.out), "du no longer answers")
    check("unloaded du" in h.cmd("unload du"), "du does not unload")
    _alive(h)
