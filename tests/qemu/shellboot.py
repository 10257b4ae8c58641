"""Booting kea into the shell (shell/), for tests/qemu/test_shell.py,
test_trace.py and scripts/graph.py.

The kernel starts the boot module shell.o as its console when the command
line does not say console=monitor (kernel/main.c); the shell's banner, then
its prompt, say it is ready."""
import kea

BANNER = r"kea shell in domain (\d+): type 'help' for the commands"


def boot_shell(h, extra=(), modules=None, cmdline=""):
    """Boot h (a kea.Harness) into the shell and wait for its first prompt;
    the shell's domain id is h.shell_domain.  cmdline: kernel command-line
    words (not console=monitor), e.g. "fastpath=off"."""
    h.boot(modules=modules, extra=extra, wait_prompt=False, cmdline=cmdline)
    m = h.expect(BANNER, kea.BOOT_TIMEOUT)
    h.shell_domain = int(m.group(1))
    h.expect_prompt()
    return h
