#!/usr/bin/env python3
"""Host test of scripts/idlgen.py itself (the generated code is tested by
test_idl.c): bad .idl files are rejected with "file:line: message" and write
nothing; interface ids change exactly when the signature does; the example
in docs/interfaces.md generates code that compiles.

Prints one "PASS: idl/<group>" or "FAIL: idl/<group>: <why>" per group and
exits 1 if any failed.  Runs from any directory.
"""
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "host"))
from groups import Groups  # noqa: E402
IDLGEN = os.path.join(ROOT, "scripts", "idlgen.py")

spec = importlib.util.spec_from_file_location("idlgen", IDLGEN)
idlgen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(idlgen)



group = Groups("idl")


def run_gen(*args):
    return subprocess.run([sys.executable, IDLGEN, *args], capture_output=True, text=True)


# ---------------------------------------------------------------------------
# Bad inputs: (what, text, line of the error, a phrase the message must hold)

BAD = [
    ("too many in words", """interface t {
    proc f(in u32 a, in u32 b2,
           in i32 c,
           in bool d);
}""", 4, "too many in words"),
    ("too many out words", """interface t {
    proc f(out u32 a, out handle h, out bool c, in u32 x,
           out i32 d);
}""", 3, "too many out words"),
    ("two in-buffers", """interface t {
    proc f(in buf a,
           in str s);
}""", 3, "second in-buffer"),
    ("two out-buffers", """interface t {
    proc f(out buf a, in u32 x,
           out buf c);
}""", 3, "second out-buffer"),
    ("unknown type", """interface t {
    proc f(in u32 a);
    proc g(in u64 a);
}""", 3, "unknown type 'u64'"),
    ("duplicate procedure", """interface t {
    proc f();
    # a comment between
    proc f(in u32 a);
}""", 4, "duplicate procedure 'f' (first declared at line 2)"),
    ("missing semicolon", """interface t {
    proc f()
    proc g();
}""", 2, "expected ';'"),
    ("missing parenthesis", """interface t {
    proc f(in u32 a;
}""", 2, "expected ')'"),
    ("missing direction", """interface t {
    proc f(u32 a);
}""", 2, "direction"),
    ("out str", """interface t {
    proc f(out str s);
}""", 2, "out str"),
    ("duplicate parameter", """interface t {
    proc f(in u32 a, out u32 a);
}""", 2, "duplicate parameter 'a'"),
    ("generated name collision", """interface t {
    proc f(out buf data, in u32 data_len);
}""", 2, "data_len"),
    ("reserved parameter", """interface t {
    proc f(in u32 b);
}""", 2, "reserved"),
    ("C keyword", """interface t {
    proc int();
}""", 2, "C keyword"),
    ("upper case name", """interface t {
    proc Read();
}""", 2, "lower-case"),
    ("reserved procedure", """interface t {
    proc dispatch();
}""", 2, "reserved"),
    ("no procedures", """# empty
interface t {
}""", 2, "no procedures"),
    ("two interfaces", """interface t { proc f(); }
interface u { proc g(); }""", 2, "one interface per file"),
    ("bad character", """interface t {
    proc f(in u32 a) @;
}""", 2, "unexpected character '@'"),
    ("unexpected end", """interface t {
    proc f(in u32 a""", 2, "end of file"),
    ("no interface", """proc f();""", 1, "expected 'interface'"),
    ("dispatcher local", """interface t {
    proc f(in u32 arg,
           out u32 call);
}""", 3, "reserved"),
    ("ABI function", """interface portal {
    proc invoke();
}""", 2, "portal_invoke"),
    ("reserved interface", """interface idc { proc f(); }""", 1, "reserved"),
    ("unknown result", """interface t {
    proc f(in u32 a)
        -> u64;
}""", 3, "unknown result 'u64'"),
    ("default result written", """interface t {
    proc f() -> status;
}""", 2, "'-> status' is the default"),
    ("missing result", """interface t {
    proc f(out buf d) -> ;
}""", 2, "expected a result after '->'"),
    ("result before the parameters", """interface t {
    proc f -> bytes (out buf d);
}""", 2, "expected '('"),
    ("half an arrow", """interface t {
    proc f() - bytes;
}""", 2, "unexpected character '-'"),
]

# Accepted: names that are only reserved in some places.
GOOD = [
    """interface portal { proc bind(in str name, out u32 local); proc self(); }""",
    """interface t { proc f(in u32 arg, in u32 call, in u32 srv, out u32 x); }""",
    """interface t { proc f(in str s, out buf data, out u32 a, out i32 b2, out bool c); }""",
]


def test_errors():
    with tempfile.TemporaryDirectory() as tmp:
        for what, text, line, phrase in BAD:
            path = os.path.join(tmp, "bad.idl")
            with open(path, "w") as f:
                f.write(text)
            out = os.path.join(tmp, "out")
            p = run_gen("-o", out, path)
            msg = p.stderr.strip()
            assert p.returncode == 1, f"{what}: exit status {p.returncode}, stderr {msg!r}"
            assert msg.startswith(f"{path}:{line}: "), f"{what}: expected {path}:{line}: ..., got {msg!r}"
            assert phrase in msg, f"{what}: {phrase!r} not in {msg!r}"
            assert "\n" not in msg, f"{what}: more than one line: {msg!r}"
            assert not os.path.exists(out), f"{what}: output written despite the error"
        for text in GOOD:
            path = os.path.join(tmp, "good.idl")
            with open(path, "w") as f:
                f.write(text)
            p = run_gen("-o", tmp, path)
            assert p.returncode == 0, f"refused {text!r}: {p.stderr.strip()}"
        p = run_gen(os.path.join(tmp, "nonexistent.idl"))
        assert p.returncode == 1 and "nonexistent.idl: cannot read" in p.stderr, p.stderr


# ---------------------------------------------------------------------------
# Interface ids

BASE = """# a block device
interface blk {
    proc read(in u32 blockno, out buf data);
    proc write(in u32 blockno, in buf data, out u32 written);
    proc info(out u32 nblocks, out bool ro);
}
"""

# Same signature, written differently: comments, layout, parameter names.
SAME = [
    """interface blk{proc read(in u32 n,out buf d);proc write(in u32 n,in buf d,out u32 w);
    proc info(out u32 count, out bool readonly);}""",
    BASE.replace("# a block device", "# another comment\n\n# and more") + "# trailing\n",
]

# Each changes the signature in one way.
DIFFERENT = {
    "type":           BASE.replace("in u32 blockno, out buf", "in i32 blockno, out buf"),
    "word type":      BASE.replace("out bool ro", "out u32 ro"),
    "handle":         BASE.replace("out u32 nblocks", "out handle nblocks"),
    "buffer type":    BASE.replace("in buf data", "in str data"),
    "direction":      BASE.replace("out u32 written", "in u32 written"),
    "param order":    BASE.replace("in u32 blockno, in buf data", "in buf data, in u32 blockno"),
    "out order":      BASE.replace("out u32 nblocks, out bool ro", "out bool ro, out u32 nblocks"),
    "proc order":     BASE.replace("""    proc read(in u32 blockno, out buf data);
    proc write(in u32 blockno, in buf data, out u32 written);""",
                                   """    proc write(in u32 blockno, in buf data, out u32 written);
    proc read(in u32 blockno, out buf data);"""),
    "proc name":      BASE.replace("proc info", "proc stat"),
    "interface name": BASE.replace("interface blk", "interface blk2"),
    "added proc":     BASE.replace("}\n", "    proc sync();\n}\n"),
    "removed param":  BASE.replace(", out u32 written", ""),
}


def iface_id(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "blk.idl")
        with open(path, "w") as f:
            f.write(text)
        return idlgen.parse_file(path).iface_id()


def fnv1a(data):
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) % 2**32
    return h


def test_ids():
    base = iface_id(BASE)
    for i, text in enumerate(SAME):
        assert iface_id(text) == base, f"equivalent text #{i} changed the id"
    ids = {"base": base}
    for what, text in DIFFERENT.items():
        assert text != BASE, f"test bug: {what} did not change the text"
        got = iface_id(text)
        clash = [k for k, v in ids.items() if v == got]
        assert not clash, f"changing the {what} gives the id of {clash[0]} (0x{got:08x})"
        ids[what] = got

    # The CLI's --id, the documented hash, and the generated header agree.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "blk.idl")
        with open(path, "w") as f:
            f.write(BASE)
        p = run_gen("--id", path)
        assert p.returncode == 0, p.stderr
        hexid, name, sig = p.stdout.strip().split(" ", 2)
        assert name == "blk" and int(hexid, 16) == base, p.stdout
        assert sig == "blk;read(in u32,out buf);write(in u32,in buf,out u32);info(out u32,out bool)", sig
        assert fnv1a(sig.encode()) == base, "the id is not FNV-1a of the signature"
        p = run_gen("-o", tmp, path)
        assert p.returncode == 0, p.stderr
        for half in ("client", "server"):
            with open(os.path.join(tmp, f"blk_{half}.h")) as f:
                m = re.search(r"#define BLK_IFACE_ID\s+0x([0-9a-f]{8})u", f.read())
            assert m and int(m.group(1), 16) == base, f"blk_{half}.h has another id"


# ---------------------------------------------------------------------------
# The reference's example is real: it generates, and the result compiles
# (client and server together, as an interposer would include them).

def test_doc_example():
    with open(os.path.join(ROOT, "docs", "interfaces.md")) as f:
        doc = f.read()
    m = re.search(r"```idl\n(.*?)```", doc, re.S)
    assert m, "no ```idl block in docs/interfaces.md"
    iface = re.search(r"interface\s+(\w+)", m.group(1)).group(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{iface}.idl")
        with open(path, "w") as f:
            f.write(m.group(1))
        p = run_gen("-o", tmp, path)
        assert p.returncode == 0, p.stderr
        main_c = os.path.join(tmp, "both.c")
        with open(main_c, "w") as f:
            f.write(f'#include "{iface}_client.h"\n#include "{iface}_server.h"\n')
        for src in (f"{iface}_client.c", f"{iface}_server.c", "both.c"):
            p = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                                "-I", os.path.join(ROOT, "include"), "-I", tmp,
                                os.path.join(tmp, src)], capture_output=True, text=True)
            assert p.returncode == 0, f"{src}: {p.stderr.strip()}"
        # Every prototype the reference shows is one the generator emitted.
        with open(os.path.join(tmp, f"{iface}_client.h")) as f:
            client_h = " ".join(f.read().split())
        with open(os.path.join(tmp, f"{iface}_server.h")) as f:
            server_h = " ".join(f.read().split())
        shown = re.search(r"```c\n(.*?)```", doc, re.S)
        assert shown, "no ```c block in docs/interfaces.md"
        for decl in re.findall(r"^\s*(int [^;]*;)", shown.group(1), re.M | re.S):
            flat = " ".join(decl.split()).replace("( ", "(")
            assert flat in client_h or flat in server_h, f"docs show {flat!r}, not generated"


# ---------------------------------------------------------------------------
# 'idempotent proc': the stub calls again after the callee failed
# (docs/reliability.md); the id and the wire format do not change.

IDEM = """interface idm {
    idempotent proc read(in u32 first, out buf data);
    proc write(in u32 first, in buf data);
    idempotent proc sync();
}"""


def test_idempotent():
    assert iface_id(IDEM) == iface_id(IDEM.replace("idempotent ", "")), "idempotent changed the id"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "idm.idl")
        with open(path, "w") as f:
            f.write(IDEM)
        p = run_gen("-o", tmp, path)
        assert p.returncode == 0, p.stderr
        with open(os.path.join(tmp, "idm_client.c")) as f:
            src = f.read()
        stubs = {m.group(1): m.group(0) for m in re.finditer(r"\nint idm_(\w+)\(.*?\n}", src, re.S)}
        assert set(stubs) == {"read", "write", "sync"}, stubs.keys()
        for name in ("read", "sync"):
            assert "-KEA_ECALLEEFAULT" in stubs[name] and "for (int idc_try" in stubs[name], \
                f"idm_{name} does not call again"
        assert "idc_try" not in stubs["write"], "idm_write calls again though not idempotent"
        p = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                            "-I", os.path.join(ROOT, "include"), "-I", tmp,
                            os.path.join(tmp, "idm_client.c")], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bad.idl")
        with open(path, "w") as f:
            f.write("interface bad {\n    idempotent read();\n}")
        p = run_gen("-o", tmp, path)
        assert p.returncode == 1 and "bad.idl:2:" in p.stderr and "'idempotent'" in p.stderr, p.stderr


# ---------------------------------------------------------------------------
# Result contracts ('-> bytes', '-> u32'; docs/interfaces.md): not part of
# the id; the masks the kernel gets through the service descriptor.

RES = "interface res {\n" + "".join(
    f"    proc p{i}(in u32 x){' -> bytes' if i % 3 == 1 else ' -> u32' if i % 3 == 2 else ''};\n"
    for i in range(34)) + "}\n"


def test_results():
    plain = re.sub(r" -> \w+", "", RES)
    assert plain != RES and iface_id(RES) == iface_id(plain), "a result contract changed the id"
    status = sum(1 << i for i in range(32) if i % 3 == 0)
    bytes_ = sum(1 << i for i in range(32) if i % 3 == 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "res.idl")
        with open(path, "w") as f:
            f.write(RES)
        p = run_gen("-o", tmp, path)
        assert p.returncode == 0, p.stderr
        iface = idlgen.parse_file(path)
        assert [q.result for q in iface.procs[:4]] == ["status", "bytes", "u32", "status"]
        # Procedures 32 and 33 are past the masks: any value >= 0 is theirs.
        assert iface.result_mask("status") == status and iface.result_mask("bytes") == bytes_
        # The masks are in both headers, and the descriptor entry the server
        # header makes is a struct kea_service_iface carrying them.
        main_c = os.path.join(tmp, "desc.c")
        with open(main_c, "w") as f:
            f.write(f"""#include <kea/service.h>
#include "res_client.h"
#include "res_server.h"
_Static_assert(RES_RET_STATUS == {status:#x}u, "status mask");
_Static_assert(RES_RET_BYTES == {bytes_:#x}u, "bytes mask");
static struct res_server srv;
const struct kea_service_iface ifaces[] = {{ RES_SERVICE_IFACE(res_dispatch, &srv) }};
_Static_assert(sizeof ifaces == sizeof(struct kea_service_iface), "one entry");
""")
        p = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                            "-I", os.path.join(ROOT, "include"), "-I", tmp, main_c],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    # Every interface of the tree: block's read and write return byte
    # counts, and nothing else of it may return more than 0.
    path = os.path.join(ROOT, "services", "block", "block.idl")
    blk = idlgen.parse_file(path)
    assert {q.name: q.result for q in blk.procs} == {
        "info": "status", "read": "bytes", "write": "bytes", "sync": "status",
        "claim": "status", "release": "status"}, [(q.name, q.result) for q in blk.procs]


group("gen-errors", test_errors)
group("gen-ids", test_ids)
group("gen-doc-example", test_doc_example)
group("gen-idempotent", test_idempotent)
group("gen-results", test_results)
group.exit()
