"""The shell (shell/, docs/shell.md), driven through the console in QEMU.

Every test boots into the shell and checks what commands print: listings
against what the test itself started, remaps by who answers a call, line
editing by the line that ran and by what a terminal would show."""
import os, re, signal, subprocess, time

from kea import PROMPT, ROOT, check, default_modules
import shellboot


def boot(h):
    return shellboot.boot_shell(h)


def spawn_server(h, module, portal):
    """Spawn a server and wait for its portal; its domain id.  The server's
    'ready' line comes asynchronously, so wait for it too, before typing
    more (it could land in the middle of the echo of the next command)."""
    start = h.pos
    out = h.cmd(f"spawn {module}")
    m = re.search(r"spawned \S+ as domain (\d+)", out)
    check(m, f"spawn {module}: {out}")
    ready = f"{portal} ready"
    if ready not in h.out[start:]:
        h.expect(re.escape(ready))
    check(f"wait: {portal} is there" in h.cmd(f"wait {portal}"), f"no {portal}")
    return int(m.group(1))


def who(out):
    """The first result word of a `call` line."""
    m = re.search(r": status 0 \(ok\); words (\d+) ", out)
    check(m, f"call failed: {out}")
    return int(m.group(1))


def screen(text):
    """The lines a terminal shows for text: a backspace moves left, a CR to
    the start of the line, printing overwrites; bells and ESC sequences
    (only ^L and clear send any) show nothing."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text).replace("\a", "")
    lines, cur, col = [], [], 0
    for ch in text:
        if ch == "\n":
            lines.append("".join(cur).rstrip())
            cur, col = [], 0
        elif ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(0, col - 1)
        else:
            if col < len(cur):
                cur[col] = ch
            else:
                cur.append(ch)
            col += 1
    lines.append("".join(cur).rstrip())
    return lines


def typed(h, keys, result):
    """Send raw keys ending a line; wait for the command's output `result`
    (a regex) and the next prompt.  The screen lines from the prompt the
    keys were typed at to the output."""
    start = h.pos
    h.send(keys)
    h.expect(result)
    h.expect_prompt()
    return screen(PROMPT + h.out[start:h.pos])


ALL_COMMANDS = ("help services domains threads portals load unload migrate remap unremap call run graph "
                "bench spawn kill wait trace mem idc mods cat echo sleep history clear shutdown").split()


def test_help_and_bad_input(h):
    boot(h)
    out = h.cmd("help")
    for c in ALL_COMMANDS:
        check(re.search(rf"^  {c}\s", out, re.M), f"help does not list {c}:\n{out}")
    out = h.cmd("help remap")
    check("remap --rooted ROOT PORTAL SERVICE" in out and "interface" in out, out)
    bad = {
        "help nosuch": "help: no command 'nosuch'",
        "frobnicate now": "error: unknown command 'frobnicate' (type 'help' for the list)",
        "kill": "usage: kill DOMAIN",
        "kill a b": "usage: kill DOMAIN",
        "mem extra": "usage: mem",
        "remap kernel": "usage: remap DOMAIN|--all|--rooted ROOT PORTAL SERVICE",
        "unremap --rooted kernel": "usage: unremap",
        "remap --bogus a b": "remap: unknown option '--bogus'",
        "portals nosuch": "portals: no domain named 'nosuch'",
        "kill nosuch": "kill: no domain named 'nosuch'",
        "kill kernel": "kill: kernel is the kernel",
        "kill shell": "kill: shell is the shell itself",
        "cat nosuch.txt": "cat: no boot module named 'nosuch.txt'",
        "cat rt.o": "cat: rt.o is not text",
        "spawn nosuch.o": "spawn: no boot module named 'nosuch.o'",
        "spawn --rights xyz hello.o": "spawn: --rights takes",
        "load nosuch.o": "load: no boot module named 'nosuch.o'",
        "load trace.o sideways": "usage: load MODULE [kernel|user] [as NAME]",
        "unload nosuch": "unload: no service named 'nosuch'",
        "unload trace --now": "usage: unload NAME [--force]",
        "remap --all nosuch.echo kernel": "remap: no portal named 'nosuch.echo'",
        "remap --all kernel.console nosvc": "remap: no service named 'nosvc'",
        "remap kernel kernel.console kernel.sys":
            "remap: refused: kernel.console (interface console) and kernel.sys (interface sys) "
            "are not the same interface",
        "remap --all kernel kernel.sys": "remap: 'kernel' is a service; name one of its portals",
        "call kernel.sys nosuchproc": "call: kernel.sys has no procedure 'nosuchproc'",
        "wait nosuch.x 100": "wait: no portal nosuch.x after 100 ms",
        "sleep soon": "sleep: MS must be a number",
        'echo "unterminated': "error: unterminated \" quote",
        "echo " + " ".join(["w"] * 40): "error: too many words (at most 32)",
        "trace off nosuch": "trace: no tracer is loaded",
        "run nosuch.kea": "run: no boot module named 'nosuch.kea'",
        "graph --fancy": "usage: graph [--base]",
    }
    for line, want in bad.items():
        out = h.cmd(line)
        check(want in out, f"{line!r}: expected {want!r}, got:\n{out}")
        check(len(out.strip().splitlines()) <= 2, f"{line!r}: not a short error:\n{out}")
    # a line too long for the editor: it stops echoing, refuses the line
    h.send("echo " + "x" * 300 + "\n")
    h.expect(r"\nerror: line too long \(at most 255 characters\)\n")
    h.expect_prompt()
    check(h.cmd("echo still here").strip() == "still here", "the shell no longer answers")
    check("kernel exception" not in h.out and "panic" not in h.out, "the kernel faulted")


def test_line_editing(h):
    boot(h)
    # left arrows, insert, CR as Enter (a terminal)
    s = typed(h, "echo helo\x1b[D\x1b[Dl\r", r"\nhello\n")
    check("kea> echo hello" in s, s)
    # home (^A), delete (ESC[3~), end (^E)
    s = typed(h, "xecho abc\x01\x1b[3~\x05d\n", r"\nabcd\n")
    check("kea> echo abcd" in s, s)
    # home and end as ESC[H / ESC[F, ESC O H / ESC O F, ESC[1~ / ESC[4~
    typed(h, "cho 12\x1b[He\x1b[F3\n", r"\n123\n")
    typed(h, "cho 45\x1bOHe\x1bOF6\n", r"\n456\n")
    typed(h, "cho 78\x1b[1~e\x1b[4~9\n", r"\n789\n")
    # backspace as DEL and as ^H, ^D deletes under the cursor
    typed(h, "echo abX\x7fc\n", r"\nabc\n")
    typed(h, "echo deX\x08f\n", r"\ndef\n")
    typed(h, "echo ghXi\x1b[D\x1b[D\x04\n", r"\nghi\n")
    # ^U kills the line, ^W the word before the cursor, ^K to the end
    typed(h, "garbage\x15echo clean\n", r"\nclean\n")
    typed(h, "echo one two\x17three\n", r"\none three\n")
    typed(h, "echo keep drop\x1b[D\x1b[D\x1b[D\x1b[D\x0b\n", r"\nkeep\n")
    # ^B/^F and word moves (ESC b, ESC f, ESC[1;5D)
    typed(h, "echo b d\x02c \x06\x06\n", r"\nb c d\n")
    typed(h, "echo x z\x1bby \x1bf!\n", r"\nx y z!\n")
    typed(h, "echo 2 3\x1b[1;5D\x1b[1;5D1 \n", r"\n1 2 3\n")
    # ^C abandons the line
    start = h.pos
    h.send("echo never\x03")
    h.expect(r"\^C\n")
    h.expect_prompt()
    check("never\n" not in h.out[start:].replace("echo never", ""), "^C ran the line")
    # CR LF counts once: no empty command between
    s = typed(h, "echo crlf\r\necho next\n", r"\nnext\n")
    check(s[s.index("kea> echo crlf") + 1:s.index("kea> echo crlf") + 3] == ["crlf", "kea> echo next"], s)
    # a non-ASCII byte and unknown control characters are ignored
    typed(h, "echo \xc3ok\x07\x1b[5~\n", r"\nok\n")
    # the screen is right after the edits: a typed line and its correction
    s = typed(h, "echo wrong\x17\x17\x17echo right\n", r"\nright\n")
    check("kea> echo right" in s, s)


def test_history(h):
    boot(h)
    h.cmd("echo first")
    h.cmd("echo second")
    typed(h, "\x1b[A\n", r"\nsecond\n")              # up: the last line (not stored twice)
    typed(h, "\x1b[A\x1b[A\x1b[A\n", r"\nfirst\n")   # up past the oldest: it stays there
    typed(h, "\x10\x10\x0e\n", r"\nfirst\n")          # ^P ^P ^N: first, second, first
    # a line being typed survives a walk through the history
    typed(h, "echo draft\x1b[A\x1b[A\x1b[B\x1b[B\n", r"\ndraft\n")
    # a history line edited runs as edited; the history keeps the original
    typed(h, "\x1b[A\x1b[A\x1b[A" + "\x7f" * 6 + "beta\n", r"\nbeta\n")
    out = h.cmd("history")
    lines = [l.split(None, 1)[1] for l in out.strip().splitlines()]
    check(lines == ["echo first", "echo second", "echo first", "echo draft", "echo beta",
                    "history"], out)


def test_tab_completion(h):
    boot(h)
    # a command
    s = typed(h, "hel\t\n", r"list the commands")
    check("kea> help" in s, s)
    # ambiguous: the candidates are listed, the line stays
    start = h.pos
    h.send("s\t")
    h.expect(r"services\s+shutdown\s+sleep\s+spawn\s*\n")
    h.send("\x15echo listed\n")
    h.expect(r"\nlisted\n")
    h.expect_prompt()
    check("kea> s" in screen(PROMPT + h.out[start:h.pos]), screen(PROMPT + h.out[start:h.pos]))
    # a common prefix is completed: "sh" -> "shutdown" is unique, "ser" -> "services"
    typed(h, "ser\t\n", r"loaded services|no services loaded")
    # domain names, after spawning one
    spawn_server(h, "srv_f.o", "f.echo")
    typed(h, "portals srv\t\n", r"portal table of srv_f \(domain \d+\)")
    # boot module names
    typed(h, "cat failin\t\n", r"echo first")
    # portal names and procedure names of the portal's interface
    typed(h, "call f.e\tpi\t41\n", r"f\.echo\.ping: status 0 \(ok\); words 42 ")
    # service names (from the registered portals), in the SERVICE position
    s = typed(h, "remap --all f.echo ker\t\n", r"remap: service 'kernel' has no 'echo' interface")
    check("kea> remap --all f.echo kernel" in s, s)
    # options and literals
    typed(h, "graph --b\t\n", r"kernel\.console")
    # nothing to complete: a bell, the line unchanged
    start = h.pos
    h.send("portals zz\t")
    h.expect("\a")
    h.send("\x15\n")
    h.expect_prompt()


def test_listings(h):
    boot(h)
    me = h.shell_domain
    f = spawn_server(h, "srv_f.o", "f.echo")
    out = h.cmd("domains")
    check(re.search(rf"^\s+0 kernel\s+.* rgdi \(kernel\)$", out, re.M), out)
    check(re.search(rf"^\s+{me} shell\s+\d+\s+\d+\s+1\s+\d+\s+\d+ rgdi$", out, re.M), out)  # pages quota threads
    check(re.search(rf"^\s+{f} srv_f\s+\d+\s+\d+\s+1\s+\d+\s+\d+ ----$", out, re.M), out)
    out = h.cmd("threads")
    # the shell's thread is inside the sys service while it lists: depth 2
    check(re.search(rf"^\s+\d+ shell\s+running\s+shell\({me}\)\s+2 kernel\(0\)$", out, re.M), out)
    check(re.search(rf"^\s+\d+ srv_f\s+sleeping\s+srv_f\({f}\)\s+2 kernel\(0\)$", out, re.M), out)
    out = h.cmd("portals")
    check(re.search(rf"^\s+\d+ f\.echo\s+srv_f\({f}\)\s+echo\s+\d+\s+\d+", out, re.M), out)
    check(re.search(r"^\s+6 kernel\.sys\s+kernel\(0\)\s+sys\s", out, re.M), out)
    out = h.cmd(f"portals {f}")
    check(f"portal table of srv_f (domain {f}):" in out, out)
    check(re.search(r"^\s+7 f\.echo\s+echo\s+f\s+srv_f", out, re.M), out)
    out = h.cmd("mods")
    for m in ("rt.o", "shell.o", "trace.o", "remaps.kea", "failing.kea"):
        check(re.search(rf"^\s+{re.escape(m)}\s+\d+ bytes$", out, re.M), f"mods lacks {m}:\n{out}")
    check(re.search(r"^memory: \d+ KiB free, \d+ pages in use, kernel heap \d+ bytes$",
                    h.cmd("mem"), re.M), "mem")
    out = h.cmd("cat failing.kea")
    check(out.splitlines()[1:] == ["echo first", "nosuchcommand", "echo third"], out)
    check("(no services loaded" in h.cmd("services"), "services before any load")
    # a thread three activations deep: the shell's, in the service, in the kernel
    out = h.cmd("load svc_plain.o user as pu")
    m = re.search(r"loaded pu from svc_plain\.o in a user domain \(domain (\d+)\); interfaces: svctest", out)
    check(m, out)
    pu = int(m.group(1))
    out = h.cmd("services")
    check(re.search(rf"^\s+pu\s+user\s+pu\({pu}\)\s+\d+\s+0\s+0\s+-\s+svctest$", out, re.M), out)
    check("running on thread" in h.cmd("call pu.svctest hold 3000 &"), "background call")
    for _ in range(100):
        out = h.cmd("threads")
        if re.search(rf"^\s+\d+ shell\s+sleeping\s+shell\({me}\)\s+3 kernel\(0\)$", out, re.M):
            break
    else:
        check(False, f"no thread of the shell three activations deep:\n{out}")
    h.expect(r"\[background\] pu\.svctest\.hold: status 0 \(ok\)")
    check(re.search(rf"^\s+pu\s+user\s+pu\({pu}\)\s+\d+\s+1\s+0\s+-\s+svctest$", h.cmd("services"), re.M),
          "the call was not counted")


def test_remaps_per_domain_system_wide_rooted(h):
    boot(h)
    out = h.cmd("run remaps.kea", timeout=120)
    ids = dict(re.findall(r"spawned (srv_f|srv_g|probe_a) as domain (\d+)", out))
    f, g = ids["srv_f"], ids["srv_g"]
    answers = re.findall(r"who\w*: status 0 \(ok\); words (\d+) ", out)
    check(answers == [f, g, f, g, g, g, f],
          f"who answered (f={f}, g={g}): {answers}\n{out}")
    check("== remaps: done ==" in out and "failed" not in out, out)
    # what `portals` marks for each kind of remap
    out = h.cmd("remap probe_a f.echo g")
    check(re.search(r"remapped probe_a's f\.echo \(local \d+\) to g\.echo", out), out)
    check(re.search(r"^\s+7 g\.echo .* \* per-domain \(was f\.echo\)$", h.cmd("portals probe_a"), re.M),
          "per-domain remap not marked")
    check("remapped f.echo to g.echo system-wide" in h.cmd("remap --all f.echo g"), "remap --all")
    check(re.search(r"^\s+\d+ f\.echo .* \* system-wide -> g\.echo$", h.cmd("portals"), re.M),
          "system-wide remap not marked")
    check("for threads rooted in srv_f" in h.cmd("remap --rooted srv_f f.echo g"), "remap --rooted")
    out = h.cmd("portals srv_f")
    check(re.search(r"^\s+\d+ f\.echo .* \* rooted here -> g\.echo$", out, re.M), out)
    check(re.search(r"^\s+srv_f\(\d+\)\s+f\.echo\s+-> g\.echo$", out, re.M), out)
    # bad remaps
    bad = {
        "remap --all g.echo g": "remap: refused: a portal cannot be remapped to itself",
        "remap --all a.probe f": "remap: service 'f' has no 'probe' interface (no portal f.probe)",
        "remap srv_g a.probe f.echo": "remap: srv_g holds no portal to a.probe",
        "remap probe_a f.echo a.probe": "are not the same interface",
        "unremap --all f.echo kernel": "unremap: service 'kernel' has no 'echo' interface",
        "unremap --all f.echo f": "unremap: f.echo is remapped to g.echo, not f.echo",
        "unremap srv_g f.echo": "unremap: srv_g's f.echo is not remapped",
        "unremap --rooted shell f.echo": "unremap: f.echo is not remapped for threads rooted in shell",
    }
    for line, want in bad.items():
        out = h.cmd(line)
        check(want in out, f"{line!r}: expected {want!r}, got:\n{out}")
    # chains are refused: g is remapped system-wide, nothing may be remapped to it
    check("restored f.echo system-wide" in h.cmd("unremap --all f.echo g"), "unremap --all")
    h.cmd("remap --all g.echo f")
    check("g.echo is itself remapped system-wide" in h.cmd("remap --all f.echo g"), "chain")
    check("restored g.echo system-wide" in h.cmd("unremap --all g.echo"), "unremap g")
    check("not remapped system-wide" in h.cmd("unremap --all g.echo"), "unremap twice")
    check("restored probe_a's f.echo" in h.cmd("unremap probe_a f.echo g"), "unremap per-domain")
    check("restored f.echo for threads rooted in srv_f" in h.cmd("unremap --rooted srv_f f.echo"),
          "unremap rooted")
    check(who(h.cmd("call a.probe who_via")) == int(f), "not restored")


def _dot(h):
    out = h.cmd("graph")
    m = re.search(r"^digraph kea \{\n.*?^\}\n", out, re.M | re.S)
    check(m, f"no DOT in:\n{out}")
    dot = m.group(0)
    p = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
    check(p.returncode == 0 and "<svg" in p.stdout, f"dot refused the graph: {p.stderr}\n{dot}")
    return dot


def test_graph_is_valid_dot_with_remaps_styled(h):
    boot(h)
    h.cmd("run remaps.kea", timeout=120)
    dot = _dot(h)
    ports = dict((n, i) for i, n in re.findall(r"p(\d+) \[label=\"([\w.:]+)\"", dot))
    doms = dict((n, i) for i, n in re.findall(r"d(\d+) \[label=\"(\w+)\"", dot))
    check(re.search(rf"d{doms['probe_a']} -> p{ports['f.echo']} \[label=\"7\"\]", dot), dot)
    check(f"d{doms['probe_a']} -> p{ports['kernel.console']}" not in dot, "base entries shown")
    check(f"d{doms['probe_a']} -> p{ports['kernel.console']}" in _graph_base(h), "--base")
    h.cmd("remap probe_a f.echo g")
    h.cmd("remap --all g.echo f")
    h.cmd("remap --rooted shell f.echo g")
    dot = _dot(h)
    pa, fe, ge = doms["probe_a"], ports["f.echo"], ports["g.echo"]
    check(re.search(rf"d{pa} -> p{ge} \[label=\"7 \(remapped\)\", color=red", dot), dot)
    check(re.search(rf"d{pa} -> p{fe} \[label=\"7 \(hidden\)\", color=red, fontcolor=red, style=dotted", dot), dot)
    check(re.search(rf"p{ge} -> p{fe} \[label=\"system-wide\", color=blue", dot), dot)
    check(re.search(rf"p{fe} -> p{ge} \[label=\"rooted at shell\", color=darkgreen", dot), dot)
    check(re.search(rf"subgraph cluster_d{pa} \{{\n\s+label=\"probe_a \(domain {pa}\)\"", dot), dot)


def _graph_base(h):
    return h.cmd("graph --base")


def test_graph_script_renders_svg(h):
    """scripts/graph.py boots its own QEMU, captures `graph`, renders SVG."""
    out_svg = os.path.join(h.build, "test-graph", "graph.svg")
    os.makedirs(os.path.dirname(out_svg), exist_ok=True)
    p = subprocess.run(["python3", os.path.join(ROOT, "scripts", "graph.py"), "-o", out_svg,
                        "--build", h.build, "spawn srv_f.o", "wait f.echo"],
                       capture_output=True, text=True, timeout=600, cwd=ROOT)
    check(p.returncode == 0, f"graph.py failed:\n{p.stdout}\n{p.stderr}")
    with open(out_svg) as f:
        svg = f.read()
    check("<svg" in svg and "f.echo" in svg and "srv_f (domain" in svg, svg[:500])
    with open(out_svg[:-4] + ".dot") as f:
        check(f.read().startswith("digraph kea {"), "the .dot beside it")


def test_run_scripts(h):
    boot(h)
    out = h.cmd("run failing.kea")
    check(out.splitlines() == [
        "first", "+ nosuchcommand",
        "error: unknown command 'nosuchcommand' (type 'help' for the list)",
        "run: failing.kea:3: 'nosuchcommand' failed; stopping"], out)
    out = h.cmd("run --keep-going failing.kea")
    check("third" in out and "run: failing.kea: 1 of 3 commands failed" in out, out)
    check("run: rt.o is not a text script" in h.cmd("run rt.o"), "binary script")
    check("usage: run [--keep-going] SCRIPT" in h.cmd("run --keep-going"), "run without script")
    check("unknown option '--fast'" in h.cmd("run --fast failing.kea"), "bad option")


def test_load_unload_in_use(h):
    boot(h)
    out = h.cmd("load trace.o kernel as tk")
    check("loaded tk from trace.o in the kernel (domain 0); interfaces: trace" in out, out)
    out = h.cmd("load trace.o as tu")
    m = re.search(r"loaded tu from trace\.o in a user domain \(domain (\d+)\)", out)
    check(m, out)
    out = h.cmd("load trace.o user as tu")
    check(out == "load: a service named 'tu' is loaded\n", f"name taken, said once: {out!r}")
    out = h.cmd("services")
    check(re.search(r"^\s+tk\s+kernel\s+kernel\(0\)\s", out, re.M), out)
    check(re.search(rf"^\s+tu\s+user\s+tu\({m.group(1)}\)\s", out, re.M), out)
    check("unloaded tk" in h.cmd("unload tk"), "unload tk")
    check("unloaded tu" in h.cmd("unload tu"), "unload tu")
    check("(no services loaded" in h.cmd("services"), "services left")
    check(not re.search(r"^\s+\d+ tu\s", h.cmd("domains"), re.M), "tu's domain left")
    # in use: a thread of the shell sleeps inside pu
    h.cmd("load svc_plain.o user as pu")
    h.cmd("call pu.svctest hold 2500 &")
    for _ in range(100):
        if re.search(r"^\s+\d+ shell\s+sleeping\s+shell\(\d+\)\s+3 ", h.cmd("threads"), re.M):
            break
    out = h.cmd("unload pu")
    check(re.search(r"unload: pu is in use: thread \d+ \(shell, of domain shell\) is inside it", out), out)
    check("unload: its portals are held by shell; 'unload pu --force' revokes" in out, out)
    check(out.count("is in use") == 1, f"the refusal said twice:\n{out}")
    check(re.search(r"^\s+pu\s+user\s", h.cmd("services"), re.M), "pu gone after a refusal")
    out = h.cmd("unload pu --force", timeout=60)
    check("unloaded pu" in out, out)
    if "[background]" not in out:
        h.expect(r"\[background\] pu\.svctest\.hold")
    out = h.cmd("call pu.svctest where")
    check("call: pu.svctest is revoked" in out or "no portal named 'pu.svctest'" in out, out)


def test_spawn_kill_bench(h):
    boot(h)
    out = h.cmd("spawn --wait hello.o")
    m = re.search(r"hello \(domain (\d+)\) exited with status 7", out)
    check(m and f"hello from domain {m.group(1)}" in out, out)
    out = h.cmd("spawn --wait args.o 5 and words")
    check("args: n=5 text='5 and words'" in out and re.search(r"args \(domain \d+\) exited with status 5", out),
          out)
    check(not re.search(r"^\s+\d+ hello\s", h.cmd("domains"), re.M), "hello's domain left")
    f = spawn_server(h, "srv_f.o", "f.echo")
    check(f"killed srv_f (domain {f})" in h.cmd("kill srv_f"), "kill")
    check(not re.search(r"^\s+\d+ srv_f\s", h.cmd("domains"), re.M), "srv_f left")
    out = h.cmd("call f.echo who")
    check("no portal named 'f.echo'" in out or "f.echo is revoked" in out, f"f.echo still answers: {out}")
    # bench leaves the system as it found it (its servers and their remaps
    # go, the kernel heap comes back), so it can run again
    heap = lambda: int(re.search(r"kernel heap (\d+) bytes", h.cmd("mem")).group(1))
    doms = lambda: re.findall(r"^\s+\d+ (\S+)", h.cmd("domains"), re.M)
    before_doms, before_heap = doms(), heap()
    for run in (1, 2):
        out = h.cmd("bench", timeout=600)
        check(re.search(r"^BENCH function_call \d+$", out, re.M), out)
        check(re.search(r"^BENCH null_idc_user_user \d+$", out, re.M), out)
        check(re.search(r"^bench \(domain \d+\) exited with status 0$", out, re.M), out)
        check("taken" not in out, f"bench {run} found what the last one left:\n{out}")
        check(re.search(r"^bench: destroyed srv_f \(domain \d+\), which it started$", out, re.M) and
              re.search(r"^bench: destroyed srv_g \(domain \d+\), which it started$", out, re.M), out)
        check(doms() == before_doms, f"bench {run} left domains: {doms()} (before: {before_doms})")
        check("rooted remaps" not in h.cmd("portals"), f"bench {run} left a rooted remap")
        check(heap() == before_heap, f"bench {run}: kernel heap {heap()} bytes, {before_heap} before")


def test_shutdown(h):
    boot(h)
    h.send("shutdown\n")
    h.expect("shutting down")
    check(h.wait_exit() == 0, "QEMU did not power off cleanly")


def test_ctrl_c_reaches_the_shell_under_make_run(h):
    """On a terminal (a pseudo-terminal here, as `make run` on a real one),
    ^C goes to the shell, which abandons the line, rather than killing QEMU;
    ^] x, the way out the README gives, leaves QEMU at once."""
    import pty, select
    modules = default_modules(h.build)
    pid, fd = pty.fork()
    if pid == 0:        # the child: its terminal is the pty, as under make run
        os.chdir(ROOT)
        os.execv("scripts/run-qemu.sh", ["scripts/run-qemu.sh", os.path.join(h.build, "kernel.elf"),
                                         *modules])
    seen = b""

    def read_until(what, timeout=90):
        nonlocal seen
        end = time.time() + timeout
        while what not in seen.replace(b"\r", b""):   # the kernel sends CR LF, the pty adds a CR
            left = end - time.time()
            check(left > 0, f"expected {what!r} on the terminal; it shows:\n{seen[-80:]!r}\n"
                            f"{seen.decode(errors='replace')[-1500:]}")
            r, _, _ = select.select([fd], [], [], min(left, 1.0))
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:     # EIO: the other side closed
                    data = b""
                check(data, f"the terminal closed while waiting for {what!r}:\n"
                            f"{seen.decode(errors='replace')[-1500:]}")
                seen += data
    try:
        read_until(b"kea> ")
        os.write(fd, b"echo not this\x03")
        read_until(b"echo not this^C\n")
        read_until(b"kea> ")
        mark = len(seen)
        os.write(fd, b"echo after\r")
        read_until(b"\nafter\nkea> ")
        check(b"not this" not in seen[mark:], "the abandoned line ran")
        check(os.waitpid(pid, os.WNOHANG) == (0, 0), "QEMU ended on ^C")
        os.write(fd, b"\x1dx")
        end = time.time() + 30
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            check(time.time() < end, "^] x did not end QEMU")
            try:
                os.read(fd, 4096)
            except OSError:
                pass
            time.sleep(0.1)
        pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def test_nothing_hangs_or_stops_the_shell(h):
    """Waits are bounded like sleep, and calls that would end or freeze the
    shell itself are refused, saying why; the shell answers after each."""
    boot(h)
    me = h.shell_domain
    refusals = {
        "wait f.echo -1": "wait: MS must be a number of milliseconds from 0 to 3600000 (an hour), not '-1'",
        "wait f.echo 3600001": "wait: MS must be a number of milliseconds from 0 to 3600000",
        "wait f.echo 99999999999999999999": "wait: MS must be a number of milliseconds",
        "wait f.echo 12ms": "wait: MS must be a number of milliseconds",
        "sleep -1": "sleep: MS must be a number of milliseconds",
        "sleep 3600001": "sleep: MS must be a number of milliseconds",
        "call kernel.thread exit 3": "call: refused: thread.exit would end the shell's own thread",
        "call kernel.thread 2 3": "call: refused: thread.exit would end the shell's own thread",
        "call kernel.thread exit 3 &": "call: refused: thread.exit would end the shell's own thread",
        "call kernel.thread sleep 4294967295": "call: refused: thread.sleep 4294967295 would stop the shell",
        f"call kernel.domain destroy {me}": f"call: refused: domain.destroy {me} would destroy the shell's own",
        "call kernel.thread sem_down 1": "call: refused: thread.sem_down may wait for ever",
    }
    for line, want in refusals.items():
        out = h.cmd(line, timeout=20)
        check(out.startswith(want) and len(out.splitlines()) == 1, f"{line!r}: expected {want!r}, got:\n{out}")
        check(h.cmd("echo alive", timeout=20) == "alive\n", f"the shell is gone after {line!r}")
    check("wait: no portal f.echo after 0 ms" in h.cmd("wait f.echo 0"), "wait 0")
    check(h.cmd("call kernel.thread sleep 10") .startswith("kernel.thread.sleep: status 0 (ok)"), "sleep 10")


def test_trace_on_kernel_is_refused_up_front(h):
    """The base services cannot be traced: refused with the reason, before
    the tracer is loaded or anything remapped (so nothing to roll back)."""
    boot(h)
    out = h.cmd("trace on kernel")
    check(out.startswith("trace: refused: kernel.* are the base services") and "rights" in out and
          "lacks" not in out, out)
    check("(no services loaded" in h.cmd("services"), "the tracer was loaded anyway")
    check("system-wide" not in h.cmd("portals"), "something stayed remapped")
    check("no tracer is loaded" in h.cmd("trace"), "a trace log exists")


def test_async_output_redraws_the_prompt(h):
    """Output that lands after the prompt while a line is half typed (a
    background call's result) is followed by the prompt and that line,
    which the user then finishes."""
    boot(h)
    h.cmd("load svc_plain.o as pu")
    h.cmd("call pu.svctest hold 1000 &")
    start = h.pos
    h.send("echo par")
    h.expect(r"\[background\] pu\.svctest\.hold: status 0 \(ok\)[^\n]*\n")
    h.expect(re.escape(PROMPT + "echo par"))
    h.send("tial\n")
    h.expect(r"\npartial\n")
    h.expect_prompt()
    lines = screen(h.out[start:h.pos])
    check(lines[-3:] == ["kea> echo partial", "partial", "kea>"] or
          lines[-3:] == ["kea> echo partial", "partial", "kea> "], f"the screen shows:\n{lines}")
    check(h.cmd("echo still") == "still\n", "the shell after the redraw")


def _echo_procs():
    """How many procedures tests/apps/echo.idl declares (the shell names the count)."""
    return len(re.findall(r"^\s*proc ", open(os.path.join(ROOT, "tests", "apps", "echo.idl")).read(), re.M))


def test_numbers_and_errors_said_once(h):
    """Numbers are read whole or refused (never clamped, never taken for
    text); a failed call shows no result words; each error is one line,
    said once, not cut; the kernel's name is reserved; a portal remapped to
    itself is refused in every form."""
    boot(h)
    spawn_server(h, "srv_f.o", "f.echo")
    long_name = "a" * 100
    cases = {
        "call f.echo ping 99999999999999999999":
            "call: argument 1, '99999999999999999999': out of range (a 32-bit word: 0..4294967295, "
            "or -2147483648..-1)",
        "call f.echo ping 4294967296": "call: argument 1, '4294967296': out of range",
        "call f.echo ping 0xZZ": "call: argument 1, '0xZZ': not a number",
        "call f.echo ping abc": "call: argument 1, 'abc': not a number",
        "call f.echo ping -": "call: argument 1, '-': not a number",
        "call f.echo ping": "call: ping takes 1 argument, not 0: ping(in u32,out u32)",
        "call f.echo ping 1 2": "call: ping takes 1 argument, not 2",
        "call f.echo 99": "call: f.echo has no procedure 99 (it has %d" % _echo_procs(),
        "call f.echo crash": "f.echo.crash: status -6 (callee faulted)",
        "unload nosuch": "unload: no service named 'nosuch'",
        f"load ramdisk.o user as {long_name}":
            "load: a service name has at most 23 characters ('aaaaaaaaaaaa...' has 100)",
        "load ramdisk.o user as a.b":
            "load: 'a.b' is not a service name (letters, digits, '_', '-'; at most 23)",
        "load ramdisk.o user as kernel": "load: 'kernel' is the kernel's name (load it as another name)",
        "load ramdisk.o kernel as kernel": "load: 'kernel' is the kernel's name (load it as another name)",
        "remap shell kernel.console kernel": "remap: refused: a portal cannot be remapped to itself",
        "remap --rooted shell kernel.console kernel": "remap: refused: a portal cannot be remapped to itself",
        "remap --all kernel.console kernel": "remap: refused: a portal cannot be remapped to itself",
        "spawn --rights 99999999999 hello.o": "spawn: --rights takes",
        "portals 99999999999999999999": "portals: no domain named '99999999999999999999'",
    }
    for line, want in cases.items():
        out = h.cmd(line)
        lines = [l for l in out.splitlines() if not l.startswith("kea: ")]   # the kernel's fault report
        check(len(lines) == 1 and lines[0].startswith(want),
              f"{line!r}: expected one line {want!r}..., got:\n{out}")
        check("words" not in out, f"{line!r}: result words after an error:\n{out}")
    check(h.cmd("call f.echo ping -5") == "f.echo.ping: status 0 (ok); words 4294967292 0 0\n", "ping -5")
    check(h.cmd("call f.echo ping 0x29") == "f.echo.ping: status 0 (ok); words 42 0 0\n", "ping 0x29")
    check("(no services loaded" in h.cmd("services"), "a refused load left a service")
    check(not re.search(r"^\s+\d+ shell .*\*", h.cmd("portals shell"), re.M), "a remap to itself stayed")


def test_ctrl_c_ends_a_program_the_shell_waits_for(h):
    """spawn --wait on a program that never ends (a server) does not hang
    the shell: ^C kills it, as a foreground job; what was typed meanwhile
    is kept and runs next, in order.  bench too, and cleans up after; ^C
    ends a long sleep or wait."""
    boot(h)
    h.send("spawn --wait hello.o\necho after hello\n")          # typed ahead, nothing lost
    h.expect(r"hello \(domain \d+\) exited with status 7\n")
    h.expect(r"kea> echo after hello\nafter hello\n")
    h.expect_prompt()
    h.send("spawn --wait srv_f.o\necho queued\n")
    h.expect(r"f\.echo ready\n")
    h.send("\x03")
    h.expect(r"srv_f \(domain \d+\) killed by \^C\n")
    h.expect(r"kea> echo queued\nqueued\n")
    h.expect_prompt()
    check(not re.search(r"^\s+\d+ srv_f\s", h.cmd("domains"), re.M), "srv_f left after ^C")
    h.send("bench\n")
    h.expect(r"BENCH function_call \d+\n", timeout=300)
    h.send("\x03")
    h.expect(r"bench \(domain \d+\) killed by \^C\n", timeout=300)
    h.expect_prompt(timeout=300)
    check(re.findall(r"^\s+\d+ (\S+)", h.cmd("domains"), re.M) == ["kernel", "shell"],
          "bench's domains left after ^C")
    for line, said in (("sleep 3600000", r"sleep: stopped by \^C\n"),
                       ("wait nosuch.x 3600000", r"wait: stopped by \^C after \d+ ms; no portal nosuch\.x\n")):
        h.send(line + "\n")
        h.expect(re.escape(line) + "\n")
        h.send("\x03")
        h.expect(said, timeout=30)
        h.expect_prompt()
    check(h.cmd("echo fine") == "fine\n", "the shell after ^C")
