"""Issue 14, the parts that change how things are done for speed, tested
both ways where a boot option keeps the old way: the runtime's text shared
between user domains (rt=private gives each domain its own relocated copy),
and each still runs the IDC suite.  (Speed itself is measured by make bench,
never asserted.)"""
import os, re, subprocess
from kea import check, ROOT

RIGHTS_ALL = 15
MEM = r"(\d+) pages in use"


def _pages(h):
    m = re.search(MEM, h.cmd("mem"))
    check(m, "no mem line")
    return int(m.group(1))


def _domain_cost(h):
    """Pages a second echo-service domain adds (the first may warm caches)."""
    h.send("spawn srv_f.o\n")
    h.expect("f.echo ready")
    before = _pages(h)
    h.send("spawn srv_g.o\n")
    h.expect("g.echo ready")
    return _pages(h) - before


def _runtime_shared_pages():
    """Pages of rt.o's text and rodata regions, as the loader lays them out:
    allocated sections, executable -> text, else read-only -> rodata, each
    aligned, each region rounded up to whole pages."""
    out = subprocess.run(["readelf", "-SW", os.path.join(ROOT, "build", "rt.o")],
                         capture_output=True, text=True, check=True).stdout
    size = {"text": 0, "rodata": 0}
    for m in re.finditer(r"\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)\s+\d+\s+\d+\s+(\d+)$",
                         out, re.M):
        name, typ, sz, flags, align = m.group(1), m.group(2), int(m.group(3), 16), m.group(4), int(m.group(5))
        if "A" not in flags or typ == "NOBITS" or "W" in flags or "T" in flags:
            continue
        region = "text" if "X" in flags else "rodata"
        a = max(align, 1)
        size[region] = (size[region] + a - 1) // a * a + sz
    return sum((v + 4095) // 4096 for v in size.values())


def test_runtime_text_shared_between_domains(h):
    h.boot()
    shared = _domain_cost(h)
    check("cannot be shared" not in h.out, h.out[-1500:])
    h.restart()
    h.boot(cmdline="console=monitor rt=private")
    private = _domain_cost(h)
    pages = _runtime_shared_pages()
    check(pages > 0, "rt.o has no text?")
    check(private - shared >= pages,
          f"a domain costs {shared} pages with the runtime shared, {private} with it private: "
          f"sharing should save at least rt.o's {pages} text and rodata pages")


def test_idc_suite_with_a_private_runtime(h):
    for group in (1, 2):                 # each group on a fresh boot, as test_idc runs them
        h.restart()
        h.boot(cmdline="console=monitor rt=private")
        h.send(f"spawn idctest.o {RIGHTS_ALL} {group}\n")
        m = h.expect(r"idctest: done, (\d+) failed", 120)
        check(m.group(1) == "0", "\n".join(re.findall(r"^FAIL: .*$", h.out, re.M)) or "failures")
