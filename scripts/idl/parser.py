"""The IDL language (docs/interfaces.md): the ABI's limits, the model of
an interface, the lexer and the parser.  parse_file() returns an Interface
or raises IdlError.
"""
import re
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

# What a procedure's status may be on success (its result contract,
# docs/interfaces.md): by default 0 (`status`); `-> bytes` a byte count of
# one call's buffers, 0..IDC_BUF_MAX; `-> u32` any value 0..2^31-1.  An
# error is always a negative KEA_E* code.  The kernel checks a service's
# replies against it for procedures 0..CONTRACT_PROCS-1 (one bit each in
# a 32-bit mask of the service descriptor); later ones may return any
# value >= 0.
RESULTS = ("status", "bytes", "u32")
CONTRACT_PROCS = 32
BUF_MAX = 4096              # IDC_BUF_MAX: the largest `bytes` result

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
    # 'idempotent proc': calling it twice has the effect of calling it once,
    # so the client stub calls again when the service failed during the call
    # and was restarted (docs/reliability.md).  Not part of the signature:
    # it changes what a client does, not the wire format.
    idempotent: bool = False
    # '-> bytes' / '-> u32': what the status may be on success (RESULTS);
    # "status" (0) unless declared.  Not part of the signature either: the
    # wire format is the same, only what the kernel accepts back differs.
    result: str = "status"

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

    def result_mask(self, result):
        """Bit p set for each procedure p < CONTRACT_PROCS whose result
        contract is `result` (the masks of the service descriptor)."""
        m = 0
        for p in self.procs:
            if p.number < CONTRACT_PROCS and p.result == result:
                m |= 1 << p.number
        return m

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

TOKEN_RE = re.compile(r"[ \t\r\f\v]+|\n|#[^\n]*|[A-Za-z0-9_]+|->|[{}(),;]")


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
#   proc   := ['idempotent'] 'proc' NAME '(' [param (',' param)*] ')' ['->' RESULT] ';'
#   param  := ('in' | 'out') TYPE NAME
#   TYPE   := 'u32' | 'i32' | 'bool' | 'handle' | 'buf' | 'str'
#   RESULT := 'bytes' | 'u32'

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
        while self.peek().text in ("proc", "idempotent"):
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
        idempotent = self.peek().text == "idempotent"
        if idempotent:
            self.next()
        kw = self.expect("proc", "after 'idempotent'" if idempotent else "")
        name = self.name("procedure")
        if name.text in RESERVED_PROCS:
            raise self.error(name.line, f"procedure name '{name.text}' is reserved "
                             f"(<interface>_{name.text} is generated)")
        if f"{self.iface_name}_{name.text}" in RESERVED_FUNCS:
            raise self.error(name.line, f"procedure '{name.text}' would define "
                             f"{self.iface_name}_{name.text}(), a function of the IDC ABI")
        proc = Proc(name.text, number, name.line, self.doc_before(kw.line), idempotent=idempotent)
        self.expect("(", "after the procedure name")
        if self.peek().text != ")":
            while True:
                proc.params.append(self.parse_param())
                if self.peek().text != ",":
                    break
                self.next()
        self.expect(")", "after the parameters")
        if self.peek().text == "->":
            self.next()
            proc.result = self.parse_result(proc)
        self.expect(";", "after the procedure declaration")
        self.check_proc(proc)
        return proc

    def parse_result(self, proc):
        tok = self.next()
        if tok.text in ("bytes", "u32"):
            return tok.text
        if tok.text == "status":
            raise self.error(tok.line, f"procedure '{proc.name}': '-> status' is the default: "
                             "leave it out")
        if not tok.text or tok.text in "{}(),;" or tok.text == "->":
            raise self.error(tok.line, f"procedure '{proc.name}': expected a result after '->' "
                             f"(bytes or u32), found {tok.describe()}")
        raise self.error(tok.line, f"procedure '{proc.name}': unknown result '{tok.text}' "
                         "(bytes: a byte count up to 4096; u32: any value >= 0; "
                         "without '->' the status is 0 or an error)")

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
