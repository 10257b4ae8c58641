"""Harness for tests that boot kea in QEMU and talk to its serial console.

A Harness boots on demand (boot()), collects everything the kernel prints in
a background thread, and lets a test wait for patterns with generous
timeouts: nothing here sleeps in place of waiting for output.
"""
import os, re, signal, subprocess, threading, time

BOOT_TIMEOUT = 90      # a loaded 2-core machine can be slow; QEMU is TCG
CMD_TIMEOUT = 60
PROMPT = "kea> "
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class TestFailure(Exception):
    pass


def default_modules(build):
    """The boot modules `make run` uses, as listed by the Makefile."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "print-modules"],
                         cwd=ROOT, capture_output=True, text=True)
    return out.stdout.split()


def echo_pattern(line):
    """The shell's echo of a typed line, into which output from elsewhere
    (a program running meanwhile) may have come between two characters:
    whole lines, each perhaps followed by the shell reprinting its prompt
    and what was typed so far (shell/line.c, K_REPRINT).  Each such gap is
    matched atomically, so a search that fails stays linear."""
    rx = []
    for i, ch in enumerate(line):
        rx.append(re.escape(ch))
        if i + 1 < len(line):
            rx.append(r"(?>[^\n]*\n(?:" + re.escape(PROMPT + line[:i + 1]) + r")?)*?")
    return "".join(rx) + r"\n"


class Harness:
    def __init__(self, build, name="test"):
        self.build = os.path.join(ROOT, build) if not os.path.isabs(build) else build
        self.name = name
        self.proc = None
        self.reader = None
        self.out = ""
        self.cond = threading.Condition()
        self.eof = False
        self.pos = 0          # where the next expect() starts looking

    # -- starting and stopping -------------------------------------------
    def boot(self, modules=None, extra=(), mem=128, kernel=None, wait_prompt=True, iso=None,
             cmdline="console=monitor"):
        """Boot kea.  The kernel command line defaults to the kernel monitor
        as console (tests of the kernel itself); cmdline="" boots into the
        shell domain when shell.o is among the modules."""
        if modules is None:
            modules = default_modules(self.build)
        cmd = ["qemu-system-i386", "-m", str(mem), "-display", "none", "-serial", "stdio",
               "-monitor", "none", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", *extra]
        if iso:
            cmd += ["-cdrom", iso]
        else:
            cmd += ["-kernel", kernel or os.path.join(self.build, "kernel.elf")]
            if modules:
                cmd += ["-initrd", ",".join(modules)]
            if cmdline:
                cmd += ["-append", cmdline]
        self.cmdline = cmd
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._reader, daemon=True)
        self.reader.start()
        if wait_prompt:
            self.expect_prompt(BOOT_TIMEOUT)
        return self

    def _reader(self):
        """Collects output with CR LF folded to LF; a CR at the end of a read
        is held back, since its LF may come with the next read."""
        fd = self.proc.stdout.fileno()
        pending = b""
        while True:
            data = os.read(fd, 4096)
            with self.cond:
                if not data:
                    self.out += pending.decode("utf-8", errors="replace")
                    self.eof = True
                    self.cond.notify_all()
                    return
                data = pending + data
                pending = b"\r" if data.endswith(b"\r") else b""
                if pending:
                    data = data[:-1]
                self.out += data.decode("utf-8", errors="replace").replace("\r\n", "\n")
                self.cond.notify_all()

    def restart(self):
        """Stop this QEMU and forget its output, to boot() again."""
        self.close()
        self.__init__(self.build, self.name)

    def close(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc:
            self.proc.wait()
        # The reader must be gone before restart() reuses this object: its
        # last act (end of output) would otherwise mark the next boot ended.
        if getattr(self, "reader", None):
            self.reader.join(timeout=30)

    # -- talking -----------------------------------------------------------
    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def close_input(self):
        self.proc.stdin.close()

    def expect(self, pattern, timeout=CMD_TIMEOUT):
        """Wait for regex `pattern` in the output after the last match."""
        rx = re.compile(pattern, re.M)
        deadline = time.time() + timeout
        with self.cond:
            while True:
                m = rx.search(self.out, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.time()
                if self.eof or left <= 0:
                    why = "QEMU exited" if self.eof else f"timed out after {timeout}s"
                    raise TestFailure(f"expected /{pattern}/ but {why}")
                self.cond.wait(min(left, 1.0))

    def expect_prompt(self, timeout=CMD_TIMEOUT):
        return self.expect(re.escape(PROMPT), timeout)

    def cmd(self, line, timeout=CMD_TIMEOUT, prompt=True):
        """Type a command; return what it printed before the next prompt."""
        self.send(line + "\n")
        self.expect(echo_pattern(line.strip()), timeout)        # the echo of the line
        start = self.pos
        if not prompt:
            return None
        self.expect_prompt(timeout)
        return self.out[start:self.pos - len(PROMPT)]

    def wait_exit(self, timeout=CMD_TIMEOUT):
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"QEMU did not exit within {timeout}s")
        with self.cond:                      # let the reader drain the pipe
            self.cond.wait_for(lambda: self.eof, timeout=10)
        return status

    def transcript_tail(self, lines=40):
        tail = self.out.splitlines()[-lines:]
        return "  | " + "\n  | ".join(tail) if tail else "  | (no output)"


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)
