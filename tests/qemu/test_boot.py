"""Issue 2: boot, console, memory, boot modules, exceptions, power-off."""
import os, re, subprocess
from kea import check, ROOT, TestFailure, default_modules

HELLO = os.path.join(ROOT, "tests/data/hello.txt")
QEMU_FAULT = 3          # isa-debug-exit code 1 -> QEMU status 3
QEMU_PANIC = 5          # code 2 -> 5


def test_boot_to_prompt_and_power_off(h):
    h.boot(modules=[])
    check(re.search(r"^kea kernel booting$", h.out, re.M), "no boot banner")
    check("kea: ready" in h.out, "no ready line")
    out = h.cmd("help")
    for c in ("help", "echo", "mem", "mods", "cat", "uptime", "fault", "shutdown"):
        check(re.search(rf"^\s+{c}\b", out, re.M), f"help does not list {c}")
    h.send("shutdown\n")
    h.expect("kea: power off")
    check(h.wait_exit() == 0, "QEMU did not exit 0 after shutdown")


def test_every_module_of_make_run_is_taken(h):
    """make run hands the kernel every module it builds; none is dropped
    (the table once held 64 and the 65th went silently)."""
    mods = default_modules("build")
    h.boot()
    m = re.search(r"boot modules: (\d+)", h.out)
    check(m and int(m.group(1)) == len(mods), f"boot modules: {m and m.group(1)} of {len(mods)}")
    check("ignoring the rest" not in h.out, "the kernel dropped boot modules")


def test_memory_totals_follow_ram_size(h):
    totals = {}
    for mem in (64, 256):
        h.boot(modules=[], mem=mem)
        m = re.search(r"memory: (\d+) KiB free \((\d+) KiB below 1 MiB, (\d+) KiB below 16 MiB\)", h.out)
        check(m, "no memory report at boot")
        free, low, dma = map(int, m.groups())
        # All RAM but the first page, the BIOS hole, the kernel image (< 4 MiB).
        check(mem * 1024 - 4096 < free < mem * 1024, f"-m {mem}: {free} KiB free")
        check(600 <= low < 640, f"{low} KiB below 1 MiB")
        check(10000 < dma < 16 * 1024, f"{dma} KiB below 16 MiB")
        out = h.cmd("mem")
        m2 = re.search(r"(\d+) KiB total, (\d+) KiB free, (\d+) pages in use", out)
        check(m2 and int(m2.group(1)) == free, f"mem disagrees with the boot report: {out}")
        totals[mem] = free
        h.restart()
    check(totals[256] - totals[64] == 192 * 1024, f"totals do not scale with RAM: {totals}")


def test_boot_modules_listed_and_readable(h):
    kernel = os.path.join(h.build, "kernel.elf")
    h.boot(modules=[HELLO + " greeting=yes two", kernel])
    size = os.path.getsize(HELLO)
    check(re.search(r"boot modules: 2", h.out), "module count")
    check(re.search(rf"hello\.txt\s+{size} bytes at [0-9a-f]{{8}}  args: greeting=yes two", h.out),
          "hello.txt with size and args not listed at boot")
    check(re.search(rf"kernel\.elf\s+{os.path.getsize(kernel)} bytes", h.out), "kernel.elf not listed")
    out = h.cmd("mods")
    check("hello.txt" in out and "kernel.elf" in out, "mods does not list both")
    out = h.cmd("cat hello.txt")
    check(out == open(HELLO).read(), f"cat printed {out!r}")
    out = h.cmd("cat nosuch.txt")
    check("no boot module named 'nosuch.txt'" in out, "missing module not reported")


FAULTS = {
    "pf":  (14, "page fault", r"page fault address 00000010 \(page not present, read, kernel mode\)"),
    "pfw": (14, "page fault", r"page fault address f8001000 \(page not present, write, kernel mode\)"),
    "de":  (0, "divide error", None),
    "ud":  (6, "invalid opcode", None),
    "gp":  (13, "general protection", r"error code 0x1238"),
    "bp":  (3, "breakpoint", None),
}


def _fault(h, kind):
    vec, name, extra = FAULTS[kind]
    h.boot(modules=[])
    h.send(f"fault {kind}\n")
    m = h.expect(rf"\*\*\* kernel exception {vec} \({name}\), error code (0|0x[0-9a-f]+), "
                 rf"at eip [0-9a-f]{{8}} <cmd_fault>")
    if extra:
        h.pos = m.start()          # the detail may be on the line just matched
        h.expect(extra)
    h.expect(r"eax=[0-9a-f]{8} ebx=[0-9a-f]{8}")
    h.expect(r"eip=[0-9a-f]{8} eflags=[0-9a-f]{8} cs=0008")
    h.expect(r"cr0=[0-9a-f]{8} cr2=[0-9a-f]{8} cr3=[0-9a-f]{8}")
    h.expect(r"backtrace:")
    h.expect(r"#\d+\s+[0-9a-f]{8} cmd_fault\+0x[0-9a-f]+")
    h.expect(r"#\d+\s+[0-9a-f]{8} monitor_run\+0x[0-9a-f]+")
    h.expect(r"#\d+\s+[0-9a-f]{8} (console_thread|kthread_start)\+0x[0-9a-f]+")
    h.expect("kea: halted after fatal exception")
    check(h.wait_exit() == QEMU_FAULT, "wrong exit status after a fault")


def test_exception_page_fault_read(h): _fault(h, "pf")
def test_exception_page_fault_write(h): _fault(h, "pfw")
def test_exception_divide_error(h): _fault(h, "de")
def test_exception_invalid_opcode(h): _fault(h, "ud")
def test_exception_general_protection(h): _fault(h, "gp")
def test_exception_breakpoint(h): _fault(h, "bp")


def test_panic_and_assert(h):
    h.boot(modules=[])
    h.send("fault panic\n")
    h.expect(r"\*\*\* kernel panic: requested from the monitor")
    h.expect(r"backtrace:\n.*\n\s+#\d+\s+[0-9a-f]{8} cmd_fault\+")
    h.expect("kea: halted after panic")
    check(h.wait_exit() == QEMU_PANIC, "wrong exit status after panic")
    h.restart()
    h.boot(modules=[])
    h.send("fault assert\n")
    h.expect(r"\*\*\* kernel panic: kernel/monitor\.c:\d+: cmd_fault: assertion failed: one == 2")
    check(h.wait_exit() == QEMU_PANIC, "wrong exit status after a failed assert")


def test_line_discipline(h):
    h.boot(modules=[])
    # Backspace and DEL erase, ^U kills the line, CR LF counts as one newline.
    h.send("ecxo\x7f\x7f\bcho one\n")
    h.expect(r"\none\nkea> ")
    h.send("garbage\x15echo two\r\n")
    h.expect(r"\ntwo\nkea> ")
    h.send("echo three\r")
    h.expect(r"\nthree\nkea> ")
    # An empty line after CR LF would print a second prompt: there must be none.
    out = h.cmd("echo four")
    check(out == "four\n", f"got {out!r}")
    check(h.out.count("kea> ") == 5, "CR LF produced an extra line")
    # Too long for the monitor: refused, and the console still works.
    out = h.cmd("echo " + "x" * 400)
    check("line too long" in out, "overlong line accepted")
    out = h.cmd("echo still alive")
    check(out == "still alive\n", f"got {out!r}")
    # Raw mode passes bytes unchanged: an escape sequence and a DEL.
    h.send("rawkeys 4\n")
    h.expect("rawkeys: reading 4 bytes\n")
    h.send("\x1b[A\x7f")
    h.expect(r"1b 5b 41 7f\nkea> ")
    out = h.cmd("nosuchcmd a b")
    check("unknown command 'nosuchcmd'" in out, "unknown command not reported")
    out = h.cmd("cat")
    check("usage: cat MODULE" in out, "missing argument not reported")


def test_timer_ticks(h):
    h.boot(modules=[])
    first = None
    for _ in range(2000):          # bounded: each round trip is a real command
        t = int(re.search(r"\((\d+) ticks", h.cmd("uptime")).group(1))
        first = t if first is None else first
        if t > first + 5:
            return
    raise TestFailure("the timer does not tick")


def test_piped_session_through_make_run_script(h):
    """printf 'help\\nshutdown\\n' | run-qemu.sh: input that arrives before the
    kernel is up is not lost, and QEMU exits by itself."""
    kernel = os.path.join(h.build, "kernel.elf")
    p = subprocess.run(["scripts/run-qemu.sh", kernel], cwd=ROOT, input=b"help\nmods\nshutdown\n",
                       capture_output=True, timeout=120)
    out = p.stdout.decode(errors="replace")
    check(p.returncode == 0, f"exit status {p.returncode}: {out[-500:]}")
    check("kea> help" in out and "power off" in out.split("kea> shutdown")[-1], out[-800:])


def test_multiboot_header_accepted_by_grub(h):
    kernel = os.path.join(h.build, "kernel.elf")
    p = subprocess.run(["grub-file", "--is-x86-multiboot", kernel])
    check(p.returncode == 0, "grub-file rejects the kernel")
