#!/usr/bin/env python3
"""idlgen — kea's interface compiler (language reference: docs/interfaces.md).

An .idl file declares one interface: a name and numbered procedures with
typed, directed parameters.  From it this script generates, into OUTDIR:

    <base>_client.h/.c   one stub per procedure: fills a struct idc_args and
                         calls portal_invoke(); callers hold a kea_binding_t
                         and never see portal ids or argument words
    <base>_server.h/.c   an ops table (one function pointer per procedure)
                         and <iface>_dispatch(), the idc_handler_t that
                         validates a struct idc_call, unpacks it, calls the
                         op and packs the results

where <base> is the .idl file's name without the extension.  The ABI the code
targets is include/kea/idc.h.

    idlgen.py [-o OUTDIR] FILE.idl    generate the four files (default: .)
    idlgen.py --id FILE.idl           print "0x<id> <name> <signature>"

Errors are reported as "FILE:LINE: message" on stderr with exit status 1;
no output file is written unless the whole interface is valid.

Python 3 standard library only.
"""
import argparse
import os
import re
import sys
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------
# The ABI's limits (include/kea/idc.h), restated so the generator can refuse
# an interface the transport cannot carry instead of emitting code that fails
# at run time.

WORDS = 3                   # argument words in, result words out (w[0..2])
MAX_PROCS = 0x8000          # IDC_PP_PROC() keeps 15 bits of procedure number

# Word types: IDL name -> C type.  Each travels in one 32-bit word.
WORD_TYPES = {
    "u32": "uint32_t",
    "i32": "int32_t",
    "bool": "bool",
    "handle": "kea_handle_t",
}
BUFFER_TYPES = ("buf", "str")
ALL_TYPES = tuple(WORD_TYPES) + BUFFER_TYPES

# Names the generated C code uses itself, in the scope of parameters.  Every
# parameter is a parameter of the stub (beside `b`, the locals `args`, `ret`)
# and of the op (beside `self`); out parameters are also locals of the
# dispatcher (beside `srv`, `call`, `arg`).  Type and function names the
# code uses must not be shadowed either.
RESERVED_PARAMS = {
    "b", "self", "args", "ret",
    "bool", "true", "false", "size_t", "uint32_t", "int32_t", "kea_handle_t",
    "kea_binding_t", "portal_invoke", "memchr", "strlen", "offsetof",
}
RESERVED_OUT_PARAMS = {"srv", "call", "arg"}
# Procedure names that would collide with <iface>_dispatch, <iface>_proc_names.
RESERVED_PROCS = {"dispatch", "proc_names"}
# Interface names whose <IFACE>_* and <iface>_* names belong to the IDC ABI
# and runtime (IDC_PP, IDC_PROC_SHIFT, kea_bind, ...).
RESERVED_IFACES = {"kea", "idc"}
# Functions of the ABI a stub <iface>_<proc> must not redefine.
RESERVED_FUNCS = {"portal_invoke"}

C_KEYWORDS = set("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local asm typeof
""".split())

NAME_RE = re.compile(r"[a-z][a-z0-9_]*\Z")


class IdlError(Exception):
    """A user error in the .idl file; str() is the full "file:line: msg"."""

    def __init__(self, path, line, msg):
        super().__init__(f"{path}:{line}: {msg}" if line else f"{path}: {msg}")


# ---------------------------------------------------------------------------
# Model

@dataclass
class Param:
    direction: str          # "in" or "out"
    type: str               # one of ALL_TYPES
    name: str
    line: int

    @property
    def is_word(self):
        return self.type in WORD_TYPES

    @property
    def ctype(self):
        return WORD_TYPES[self.type]


@dataclass
class Proc:
    name: str
    number: int
    line: int
    doc: list
    params: list = field(default_factory=list)

    def select(self, direction, word):
        return [p for p in self.params if p.direction == direction and p.is_word == word]

    @property
    def in_words(self):
        return self.select("in", True)

    @property
    def out_words(self):
        return self.select("out", True)

    @property
    def in_buf(self):
        bufs = self.select("in", False)
        return bufs[0] if bufs else None

    @property
    def out_buf(self):
        bufs = self.select("out", False)
        return bufs[0] if bufs else None


@dataclass
class Interface:
    name: str
    line: int
    doc: list
    procs: list = field(default_factory=list)

    def signature(self):
        """The normalized signature the interface id hashes: the interface
        name, then each procedure's name and its parameters' directions and
        types in declaration order.  Parameter names and comments are left
        out: renaming a parameter changes neither the wire format nor the
        meaning of a call, so it must not make two interfaces incompatible."""
        procs = ";".join(
            p.name + "(" + ",".join(f"{a.direction} {a.type}" for a in p.params) + ")"
            for p in self.procs)
        return f"{self.name};{procs}"

    def iface_id(self):
        """32-bit FNV-1a of the signature.  The kernel refuses to remap a
        portal to one whose id differs, so equal ids mean "same procedures,
        same numbering, same argument layout".  0 is never produced: it is
        left free to mean "untyped portal"."""
        h = 0x811C9DC5
        for byte in self.signature().encode("utf-8"):
            h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
        return h or 1


# ---------------------------------------------------------------------------
# Lexer: identifiers (words), the punctuation { } ( ) , ; and `#` comments.

TOKEN_RE = re.compile(r"[ \t\r\f\v]+|\n|#[^\n]*|[A-Za-z0-9_]+|[{}(),;]")


@dataclass
class Token:
    text: str               # "" at end of file
    line: int

    def describe(self):
        return f"'{self.text}'" if self.text else "end of file"


def tokenize(path, text):
    """Returns (tokens, comments) where comments maps a line number to the
    text of a comment that is the only thing on its line (doc comments)."""
    tokens, comments = [], {}
    line, pos, line_has_token = 1, 0, False
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise IdlError(path, line, f"unexpected character {text[pos]!r}")
        s = m.group()
        pos = m.end()
        if s == "\n":
            line, line_has_token = line + 1, False
        elif s[0] == "#":
            if not line_has_token:
                comments[line] = s[1:].strip()
        elif not s[0].isspace():
            tokens.append(Token(s, line))
            line_has_token = True
    tokens.append(Token("", line))
    return tokens, comments


# ---------------------------------------------------------------------------
# Parser
#
#   file   := 'interface' NAME '{' proc* '}'
#   proc   := 'proc' NAME '(' [param (',' param)*] ')' ';'
#   param  := ('in' | 'out') TYPE NAME
#   TYPE   := 'u32' | 'i32' | 'bool' | 'handle' | 'buf' | 'str'

class Parser:
    def __init__(self, path, text):
        self.path = path
        self.tokens, self.comments = tokenize(path, text)
        self.pos = 0
        self.last_line = 0      # line of the last token consumed
        self.iface_name = None

    def error(self, line, msg):
        return IdlError(self.path, line, msg)

    def peek(self):
        return self.tokens[self.pos]

    def next(self):
        tok = self.tokens[self.pos]
        if tok.text:
            self.pos += 1
            self.last_line = tok.line
        return tok

    def expect(self, text, context):
        # A missing token belongs after the previous one: report that line
        # (a forgotten ';' at the end of line 2 is not an error of line 3).
        line = self.last_line
        tok = self.next()
        if tok.text != text:
            raise self.error(line or tok.line, f"expected '{text}' {context}, "
                             f"found {tok.describe()}")
        return tok

    def name(self, what):
        tok = self.next()
        if not tok.text or tok.text in "{}(),;":
            raise self.error(tok.line, f"expected {what} name, found {tok.describe()}")
        if not NAME_RE.match(tok.text):
            raise self.error(tok.line, f"bad {what} name '{tok.text}': names are lower-case "
                             "letters, digits and '_', starting with a letter")
        if tok.text in C_KEYWORDS:
            raise self.error(tok.line, f"{what} name '{tok.text}' is a C keyword")
        return tok

    def doc_before(self, line):
        """The run of whole-line comments directly above `line`."""
        doc, k = [], line - 1
        while k in self.comments:
            doc.insert(0, self.comments[k])
            k -= 1
        return doc

    def parse(self):
        start = self.expect("interface", "at the start of the file")
        name = self.name("interface")
        if name.text in RESERVED_IFACES:
            raise self.error(name.line, f"interface name '{name.text}' is reserved "
                             "(its symbols would collide with the IDC runtime's)")
        iface = Interface(name.text, name.line, self.doc_before(start.line))
        self.iface_name = iface.name
        self.expect("{", "after the interface name")
        seen = {}
        while self.peek().text == "proc":
            proc = self.parse_proc(len(iface.procs))
            if proc.name in seen:
                raise self.error(proc.line, f"duplicate procedure '{proc.name}' "
                                 f"(first declared at line {seen[proc.name]})")
            seen[proc.name] = proc.line
            if len(iface.procs) == MAX_PROCS:
                raise self.error(proc.line, f"too many procedures (at most {MAX_PROCS})")
            iface.procs.append(proc)
        tok = self.next()
        if tok.text != "}":
            raise self.error(tok.line, f"expected 'proc' or '}}', found {tok.describe()}")
        tok = self.next()
        if tok.text:
            raise self.error(tok.line, f"expected end of file after the interface "
                             f"(one interface per file), found {tok.describe()}")
        if not iface.procs:
            raise self.error(iface.line, f"interface '{iface.name}' has no procedures")
        return iface

    def parse_proc(self, number):
        kw = self.expect("proc", "")
        name = self.name("procedure")
        if name.text in RESERVED_PROCS:
            raise self.error(name.line, f"procedure name '{name.text}' is reserved "
                             f"(<interface>_{name.text} is generated)")
        if f"{self.iface_name}_{name.text}" in RESERVED_FUNCS:
            raise self.error(name.line, f"procedure '{name.text}' would define "
                             f"{self.iface_name}_{name.text}(), a function of the IDC ABI")
        proc = Proc(name.text, number, name.line, self.doc_before(kw.line))
        self.expect("(", "after the procedure name")
        if self.peek().text != ")":
            while True:
                proc.params.append(self.parse_param())
                if self.peek().text != ",":
                    break
                self.next()
        self.expect(")", "after the parameters")
        self.expect(";", "after the procedure declaration")
        self.check_proc(proc)
        return proc

    def parse_param(self):
        tok = self.next()
        if tok.text not in ("in", "out"):
            raise self.error(tok.line, "expected a parameter direction 'in' or 'out', "
                             f"found {tok.describe()}")
        ty = self.next()
        if ty.text not in ALL_TYPES:
            if not ty.text or ty.text in "{}(),;":
                raise self.error(ty.line, f"expected a parameter type, found {ty.describe()}")
            raise self.error(ty.line, f"unknown type '{ty.text}' "
                             f"(types: {', '.join(ALL_TYPES)})")
        name = self.name("parameter")
        if tok.text == "out" and ty.text == "str":
            raise self.error(ty.line, f"'out str {name.text}' is not supported: "
                             "use 'out buf' (the callee's bytes need not be a string)")
        return Param(tok.text, ty.text, name.text, name.line)

    def check_proc(self, proc):
        """Enforces what one portal invocation can carry, and that the C
        names the parameters produce are distinct and usable."""
        counts = {}
        bufs = {}
        names = {}      # C identifier -> the parameter that introduces it
        for p in proc.params:
            where = f"procedure '{proc.name}'"
            if p.is_word:
                key = (p.direction, "word")
                counts[key] = counts.get(key, 0) + 1
                if counts[key] > WORDS:
                    raise self.error(p.line, f"{where}: too many {p.direction} words "
                                     f"(at most {WORDS}: they travel in w[0..2]); "
                                     f"pass more data in a buffer")
            else:
                first = bufs.get(p.direction)
                if first:
                    raise self.error(p.line, f"{where}: a second {p.direction}-buffer "
                                     f"'{p.name}' (at most one per procedure; "
                                     f"'{first.direction} {first.type} {first.name}' is the first)")
                bufs[p.direction] = p
            if p.name in RESERVED_PARAMS or (p.direction == "out" and
                                             p.name in RESERVED_OUT_PARAMS):
                raise self.error(p.line, f"{where}: parameter name '{p.name}' is "
                                 "reserved (the generated code uses it)")
            for ident in c_idents(p):
                other = names.get(ident)
                if other:
                    why = (f"duplicate parameter '{p.name}'" if other.name == p.name
                           else f"parameter '{p.name}' and parameter '{other.name}' "
                                f"both generate the C name '{ident}'")
                    raise self.error(p.line, f"{where}: {why}")
                names[ident] = p


def c_idents(p):
    """The C identifiers a parameter becomes in stubs, ops and dispatch."""
    if p.is_word:
        return [p.name]
    if p.direction == "in":
        return [p.name, p.name + "_len"]        # buf: length; str: strlen()
    return [p.name, p.name + "_cap", p.name + "_len"]


def parse_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise IdlError(path, 0, f"cannot read: {e}")
    return Parser(path, text).parse()


# ---------------------------------------------------------------------------
# C generation helpers

def c_comment(lines, indent=""):
    """A block comment from doc lines ('*/' defused)."""
    lines = [l.replace("*/", "* /") for l in lines]
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{indent}/* {lines[0]} */"]
    return ([f"{indent}/* {lines[0]}"] + [f"{indent} * {l}".rstrip() for l in lines[1:]]
            + [f"{indent} */"])


def c_params(proc):
    """The procedure's parameters as C declarations (stub and op alike)."""
    out = []
    for p in proc.params:
        if p.is_word:
            out.append(f"{p.ctype} {p.name}" if p.direction == "in" else f"{p.ctype} *{p.name}")
        elif p.direction == "out":
            out += [f"void *{p.name}", f"size_t {p.name}_cap", f"size_t *{p.name}_len"]
        elif p.type == "str":
            out.append(f"const char *{p.name}")
        else:
            out += [f"const void *{p.name}", f"size_t {p.name}_len"]
    return out


def to_word(p, expr):
    """C expression turning a value of p's type into a uint32_t word."""
    return f"(uint32_t){expr}" if p.type in ("i32", "bool") else expr


def from_word(p, expr):
    """C expression turning a uint32_t word into p's type."""
    if p.type == "i32":
        return f"(int32_t){expr}"
    if p.type == "bool":
        return f"{expr} != 0"
    return expr


def wrap_call(head, args, indent="", end="", width=80):
    """`head(arg, arg, ...)end`, broken after commas when it gets too long."""
    text = f"{head}({', '.join(args)}){end}"
    if len(indent) + len(text) <= width:
        return [indent + text]
    lines, cur = [], f"{indent}{head}("
    cont = " " * len(cur)
    for i, a in enumerate(args):
        piece = a + (", " if i < len(args) - 1 else ")" + end)
        if cur != cont and not cur.endswith("(") and len(cur) + len(piece.rstrip()) > width:
            lines.append(cur.rstrip())
            cur = cont
        cur += piece
    lines.append(cur)
    return lines


class Names:
    """The C spellings derived from one interface."""

    def __init__(self, iface, base, source):
        self.i = iface.name
        self.I = iface.name.upper()
        self.base = base
        self.source = source

    def proc_macro(self, proc):
        return f"{self.I}_PROC_{proc.name.upper()}"


def banner(n):
    source = n.source.replace("*/", "* /")
    return [f"/* Generated by scripts/idlgen.py from {source}: do not edit. */"]


def common_block(iface, n):
    """Definitions both headers need, guarded so that a domain which is both a
    client and a server of the interface (an interposer) can include both."""
    guard = f"KEA_GEN_{n.I}_IFACE"
    out = [f"#ifndef {guard}", f"#define {guard}", ""]
    if iface.doc:
        out += c_comment(iface.doc) + [""]
    # The signature is the interface name and "proc(dir type,...)" per
    # procedure, ';'-separated; shown one procedure per line.
    sig = iface.signature().split(";")
    out += ["/* Interface id: FNV-1a of the signature"]
    out += [f" *   {part};" for part in sig[:-1]] + [f" *   {sig[-1]}"]
    out += [
        " * Portals can only be remapped between equal ids. */",
        f"#define {n.I}_IFACE_NAME \"{iface.name}\"",
        f"#define {n.I}_IFACE_ID   0x{iface.iface_id():08x}u",
        f"#define {n.I}_NPROCS     {len(iface.procs)}",
        "",
        "/* Procedure numbers: the proc field of IDC_PP() and struct idc_call. */",
    ]
    width = max(len(n.proc_macro(p)) for p in iface.procs)
    out += [f"#define {n.proc_macro(p):<{width}} {p.number}" for p in iface.procs]
    out += [
        "",
        "/* Procedure names by number, for tracing.  Static (and so one copy per",
        " * file that uses it) rather than extern: the client and server halves",
        " * must each link without the other. */",
        f"static const char *const {n.i}_proc_names[{n.I}_NPROCS] = {{",
    ]
    out += [f"    \"{p.name}\"," for p in iface.procs]
    out += ["};", "", f"#endif /* {guard} */"]
    return out


# ---------------------------------------------------------------------------
# Client

def client_header(iface, n):
    guard = f"KEA_GEN_{n.base.upper()}_CLIENT_H"
    out = banner(n) + [
        f"#ifndef {guard}", f"#define {guard}", "",
        "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>",
        "#include <kea/binding.h>",
        "#include <kea/idc.h>         /* the KEA_E* codes the stubs return */", "",
    ]
    out += common_block(iface, n)
    out += [
        "",
        f"/* Bind *b to the \"{iface.name}\" interface of the named service (a macro,",
        " * so that it cannot collide with a procedure's stub). */",
        f"#define {n.I}_BIND(service, b) \\",
        f"    kea_bind((service), {n.I}_IFACE_NAME, {n.I}_IFACE_ID, (b))",
        "",
        "/* The stubs return the callee's status (>= 0) or a negative error: a",
        " * KEA_E* code from the IDC path or the service's own.  Out parameters",
        " * are written only on success, and may be NULL when not wanted.",
        " * Buffers carry at most IDC_BUF_MAX bytes (a str with its NUL); an out",
        " * buffer's capacity is clamped to that. */",
    ]
    for proc in iface.procs:
        out.append("")
        out += c_comment(proc.doc)
        out += wrap_call(f"int {n.i}_{proc.name}", ["const kea_binding_t *b"] + c_params(proc),
                         end=";")
    out += ["", f"#endif /* {guard} */"]
    return out


def client_stub(proc, n):
    out = wrap_call(f"int {n.i}_{proc.name}", ["const kea_binding_t *b"] + c_params(proc))
    out += [
        "{",
        f"    if (b->iface_id != {n.I}_IFACE_ID)",
        "        return -KEA_EIFACE;     /* a binding to another interface */",
    ]
    inb, outb = proc.in_buf, proc.out_buf
    # Refuse what the kernel would refuse, without trapping.
    if inb and inb.type == "str":
        out += [
            f"    if ({inb.name} == NULL)",
            "        return -KEA_EINVAL;",
            f"    size_t {inb.name}_len = strlen({inb.name}) + 1;    /* sent with its NUL */",
            f"    if ({inb.name}_len > IDC_BUF_MAX)",
            "        return -KEA_E2BIG;",
        ]
    elif inb:
        out += [
            f"    if ({inb.name} == NULL && {inb.name}_len != 0)",
            "        return -KEA_EINVAL;",
            f"    if ({inb.name}_len > IDC_BUF_MAX)",
            "        return -KEA_E2BIG;",
        ]
    if outb:
        out += [
            f"    if ({outb.name} == NULL && {outb.name}_cap != 0)",
            "        return -KEA_EINVAL;",
        ]
    words = [to_word(p, p.name) for p in proc.in_words] or ["0"]
    out += ["", "    struct idc_args args = {", f"        .w = {{ {', '.join(words)} }},"]
    if inb:
        out += [f"        .in = {inb.name},", f"        .in_len = (uint32_t){inb.name}_len,"]
    if outb:
        # A larger caller buffer is fine: the callee can fill IDC_BUF_MAX at most.
        out += [f"        .out = {outb.name},",
                f"        .out_cap = {outb.name}_cap < IDC_BUF_MAX ? "
                f"(uint32_t){outb.name}_cap : IDC_BUF_MAX,"]
    out += ["    };"]
    invoke = f"portal_invoke(IDC_PP(b->portal, {n.proc_macro(proc)}), &args)"
    if not proc.out_words and not outb:
        return out + [f"    return {invoke};", "}"]
    out += [f"    int ret = {invoke};", "    if (ret < 0)", "        return ret;"]
    if outb:
        out += [f"    if ({outb.name}_len != NULL)",
                f"        *{outb.name}_len = args.out_len;"]
    for i, p in enumerate(proc.out_words):
        out += [f"    if ({p.name} != NULL)",
                f"        *{p.name} = {from_word(p, f'args.w[{i}]')};"]
    return out + ["    return ret;", "}"]


def client_source(iface, n):
    out = banner(n) + [
        "#include <string.h>", f"#include \"{n.base}_client.h\"",
    ]
    for proc in iface.procs:
        out += [""] + client_stub(proc, n)
    return out


# ---------------------------------------------------------------------------
# Server

def server_header(iface, n):
    guard = f"KEA_GEN_{n.base.upper()}_SERVER_H"
    out = banner(n) + [
        f"#ifndef {guard}", f"#define {guard}", "",
        "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>",
        "#include <kea/binding.h>", "#include <kea/idc.h>", "",
    ]
    out += common_block(iface, n)
    out += [
        "",
        f"/* An implementation of \"{iface.name}\": one function per procedure, called",
        " * with the server's self pointer.  An op returns a status: >= 0 is passed",
        " * to the caller as the call's result, < 0 is an error (a KEA_E* code or",
        " * the service's own), in which case its out parameters are discarded.",
        " * Out words start at 0.  An out buffer's op gets the caller's capacity",
        " * (<= IDC_BUF_MAX) and sets *NAME_len to the bytes written; claiming more",
        " * than the capacity fails the call with -KEA_E2BIG.  An in str is",
        " * NUL-terminated; an in buf is NULL when its length is 0.  A NULL entry",
        " * makes its procedure fail with -KEA_EBADPROC. */",
        f"struct {n.i}_ops {{",
    ]
    for proc in iface.procs:
        out += c_comment(proc.doc, "    ")
        out += wrap_call(f"    int (*{proc.name})", ["void *self"] + c_params(proc), end=";")
    out += [
        "};",
        "",
        f"/* The argument of {n.i}_dispatch: the ops and the object they serve. */",
        f"struct {n.i}_server {{",
        f"    const struct {n.i}_ops *ops;",
        "    void *self;",
        "};",
        "",
        f"/* The portal handler (an idc_handler_t; arg is a struct {n.i}_server *).",
        " * Returns -KEA_EBADPROC for an unknown or unimplemented procedure and",
        " * -KEA_EINVAL for an in str without a NUL within in_len; otherwise the",
        " * op's status, with out words in call->w and call->out_len set. */",
        f"int {n.i}_dispatch(void *arg, struct idc_call *call);",
        "",
        f"#endif /* {guard} */",
    ]
    return out


def server_case(proc, n):
    op = f"srv->ops->{proc.name}"
    out = [f"    case {n.proc_macro(proc)}: {{",
           f"        if ({op} == NULL)",
           "            return -KEA_EBADPROC;"]
    args = ["srv->self"]
    in_word = iter(range(WORDS))        # in words fill w[0..2] in order
    for p in proc.params:
        if p.is_word and p.direction == "in":
            args.append(from_word(p, f"call->w[{next(in_word)}]"))
        elif p.is_word:
            out.append(f"        {p.ctype} {p.name} = 0;")
            args.append(f"&{p.name}")
        elif p.direction == "out":
            out.append(f"        size_t {p.name}_len = 0;")
            args += ["call->out", "call->out_cap", f"&{p.name}_len"]
        elif p.type == "str":
            # The kernel copied in_len bytes; a string must end inside them.
            out += ["        if (call->in_len == 0 || "
                    "memchr(call->in, '\\0', call->in_len) == NULL)",
                    "            return -KEA_EINVAL;"]
            args.append("call->in")
        else:
            args += ["call->in", "call->in_len"]
    outb = proc.out_buf
    if not proc.out_words and not outb:
        out += wrap_call(f"        return {op}", args, end=";")
        return out + ["    }"]
    out += wrap_call(f"        int ret = {op}", args, end=";")
    out += ["        if (ret < 0)", "            return ret;"]
    if outb:
        out += [f"        if ({outb.name}_len > call->out_cap)",
                "            return -KEA_E2BIG;      /* never report bytes past out_cap */",
                f"        call->out_len = (uint32_t){outb.name}_len;"]
    for i, p in enumerate(proc.out_words):
        out.append(f"        call->w[{i}] = {to_word(p, p.name)};")
    return out + ["        return ret;", "    }"]


def server_source(iface, n):
    out = banner(n) + [
        "#include <string.h>", f"#include \"{n.base}_server.h\"", "",
        f"int {n.i}_dispatch(void *arg, struct idc_call *call)",
        "{",
        f"    const struct {n.i}_server *srv = arg;",
        "",
        "    call->out_len = 0;          /* set only by a successful out-buffer op */",
        "    switch (call->proc) {",
    ]
    for proc in iface.procs:
        out += server_case(proc, n)
    out += ["    default:", "        return -KEA_EBADPROC;", "    }", "}"]
    return out


# ---------------------------------------------------------------------------
# Driver

def generate(iface, base, source):
    n = Names(iface, base, source)
    return {
        f"{base}_client.h": client_header(iface, n),
        f"{base}_client.c": client_source(iface, n),
        f"{base}_server.h": server_header(iface, n),
        f"{base}_server.c": server_source(iface, n),
    }


def write_atomically(path, text):
    """Replace `path` whole, so an interrupted run cannot leave a truncated
    file that make would consider up to date."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="kea interface compiler (docs/interfaces.md)")
    ap.add_argument("idl", help="the .idl file")
    ap.add_argument("-o", "--outdir", default=".", help="where to write <base>_{client,server}.{h,c}")
    ap.add_argument("--id", action="store_true", help="print the interface id and signature only")
    args = ap.parse_args(argv)

    try:
        iface = parse_file(args.idl)
    except IdlError as e:
        print(e, file=sys.stderr)
        return 1
    if args.id:
        print(f"0x{iface.iface_id():08x} {iface.name} {iface.signature()}")
        return 0

    base = os.path.basename(args.idl)
    base = base[:-4] if base.endswith(".idl") else base
    if not re.match(r"[A-Za-z_][A-Za-z0-9_]*\Z", base):
        print(f"{args.idl}: file name must be a C identifier plus '.idl' "
              "(it names the generated files and their include guards)", file=sys.stderr)
        return 1
    files = generate(iface, base, args.idl)
    os.makedirs(args.outdir, exist_ok=True)
    for name, lines in files.items():
        write_atomically(os.path.join(args.outdir, name), "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
