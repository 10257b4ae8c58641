"""The tracing interposer (services/trace) through the shell's `trace`:
calls to a traced service are forwarded unchanged and logged, in either
placement of the tracer; `trace off` restores the direct path."""
import re

from kea import check
import shellboot
from test_shell import spawn_server, who


def _log_lines(h):
    return re.findall(r"^\s+(\d+) (\S+)\s+(\S+)\s+(-?\d+)\s+(\d+)$", h.cmd("trace"), re.M)


def _trace_echo(h, where):
    shellboot.boot_shell(h)
    me = h.shell_domain
    f = spawn_server(h, "srv_f.o", "f.echo")
    a = spawn_server(h, "probe_a.o", "a.probe")
    if where == "kernel":
        check("loaded trace from trace.o in the kernel" in h.cmd("load trace.o kernel"), "load")
        out = h.cmd("trace on f")
    else:                                   # `trace on` loads the tracer itself
        out = h.cmd("trace on f")
        check("trace: loaded the tracer from trace.o in a user domain" in out, out)
    check("tracing f: f.echo" in out, out)
    check(re.search(r"^\s+\d+ f\.echo .* \* system-wide -> trace:f\.echo$", h.cmd("portals"), re.M),
          "the twin is not in front of f.echo")
    # calls go through unchanged: words, in- and out-buffers, errors
    check("words 42 0 0" in h.cmd("call f.echo ping 41"), "ping through the tracer")
    check('out 6 bytes: "hello"' in h.cmd("call f.echo copy hello"), "copy through the tracer")
    check(who(h.cmd("call a.probe who_via")) == f, "who through the tracer")
    check("status -6 (" in h.cmd("call f.echo crash"), "a callee fault through the tracer")
    log = _log_lines(h)
    want = [(f"shell({me})", "f.echo.ping", "0"), (f"shell({me})", "f.echo.copy", "0"),
            (f"probe_a({a})", "f.echo.who", "0"), (f"shell({me})", "f.echo.crash", "-6")]
    check([(c, p, s) for _, c, p, s, _ in log] == want, f"log {log}, want {want}")
    check([int(seq) for seq, *_ in log] == [1, 2, 3, 4], f"sequence numbers {log}")
    check(all(int(t) > 0 for *_, t in log), f"durations {log}")
    check("stopped tracing f (1 portal)" in h.cmd("trace off f"), "trace off")
    check("* system-wide" not in h.cmd("portals"), "a remap left after trace off")
    check("words 43 0 0" in h.cmd("call f.echo ping 42"), "ping after trace off")
    check(len(_log_lines(h)) == 4, "calls logged after trace off")
    check("trace: log cleared" in h.cmd("trace clear"), "clear")
    check("(no calls logged)" in h.cmd("trace"), "log after clear")
    check("unloaded trace" in h.cmd("unload trace"), "unload the tracer")
    check("words 2 0 0" in h.cmd("call f.echo ping 1"), "f after the tracer is gone")


def test_trace_in_a_user_domain(h):
    _trace_echo(h, "user")


def test_trace_in_the_kernel(h):
    _trace_echo(h, "kernel")


def test_trace_bad_input(h):
    shellboot.boot_shell(h)
    check("trace: no tracer is loaded" in h.cmd("trace"), "log without a tracer")
    check("trace: no service named 'nosuch'" in h.cmd("trace on nosuch"), "unknown service")
    spawn_server(h, "srv_f.o", "f.echo")
    spawn_server(h, "srv_g.o", "g.echo")
    h.cmd("remap --all f.echo g")
    out = h.cmd("trace on f")
    check("trace: f.echo is remapped system-wide to g.echo; unremap it first" in out, out)
    h.cmd("unremap --all f.echo")
    check("tracing f: f.echo" in h.cmd("trace on f"), "trace on")
    check("trace: f is traced already" in h.cmd("trace on f"), "twice")
    check("trace: the tracer does not trace itself" in h.cmd("trace on trace"), "itself")
    check("trace: g is not traced" in h.cmd("trace off g"), "off, not traced")
    check("usage: trace" in h.cmd("trace sideways f"), "bad subcommand")
    check("stopped tracing f" in h.cmd("trace off f"), "trace off")
