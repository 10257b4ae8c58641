#!/usr/bin/env python3
"""Host test: the compress service links Debian's zlib objects unmodified.

Every member of /usr/lib32/libz.a that services/services.mk links into
the service (ZLIB_MEMBERS there) is read straight from the archive (`ar
p`), and each of its code and read-only data sections (.text*, .rodata*)
must be found, byte for byte, in the same-named section of the service
object that kea loads ($(BUILD)/services/compress.o), except the 4-byte
fields its relocations patch: `ld -r` rewrites an addend when it moves the
section a relocation points into, and the loader fills the fields in at
load time anyway.  Sections may not overlap: each member's code is there,
whole, once.  Only the PIC helpers (__x86.get_pc_thunk.*), of which every
member carries a copy, are kept once (by `ld -r --force-group-allocation`);
that copy must equal each member's.

    test_zlib_objects.py SERVICE_OBJECT MEMBER...

Prints one PASS/FAIL line per member and exits 1 if any failed.
"""
import struct
import subprocess
import sys

ARCHIVE = "/usr/lib32/libz.a"
SHT_PROGBITS, SHT_REL = 1, 9
SHF_WRITE, SHF_ALLOC = 1, 2


class Elf:
    """The sections of an ELF32 little-endian relocatable object."""

    def __init__(self, data, name):
        if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1 or struct.unpack_from("<H", data, 16)[0] != 1:
            raise ValueError(f"{name}: not an ELF32 LSB relocatable object")
        shoff, = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
        heads = [struct.unpack_from("<10I", data, shoff + i * shentsize) for i in range(shnum)]
        strtab = heads[shstrndx]
        names = data[strtab[4]:strtab[4] + strtab[5]]
        self.data = data
        self.sections = []
        for h in heads:
            nm = names[h[0]:names.index(b"\0", h[0])].decode()
            self.sections.append({"name": nm, "type": h[1], "flags": h[2], "offset": h[4], "size": h[5],
                                  "info": h[7], "align": max(h[8], 1)})

    def content(self, s):
        return self.data[s["offset"]:s["offset"] + s["size"]]

    def reloc_offsets(self, index):
        """Offsets in section `index` that relocations patch (4 bytes each)."""
        out = set()
        for s in self.sections:
            if s["type"] == SHT_REL and s["info"] == index:
                for k in range(s["size"] // 8):
                    off, = struct.unpack_from("<I", self.data, s["offset"] + 8 * k)
                    out.add(off)
        return out

    def named(self, name):
        return [s for s in self.sections if s["name"] == name]


def code_sections(elf):
    """(index, section) of the code and read-only data: .text*, .rodata*."""
    for i, s in enumerate(elf.sections):
        if (s["type"] == SHT_PROGBITS and s["flags"] & SHF_ALLOC and not s["flags"] & SHF_WRITE
                and (s["name"].startswith(".text") or s["name"].startswith(".rodata"))):
            yield i, s


def find_masked(hay, needle, mask, align):
    """Offsets (multiples of align) where needle sits in hay, bytes in mask
    (relocated fields) not compared."""
    # Look for the longest stretch without relocations first, then check
    # the whole section at each place it is found.
    best, start, run = (0, 0), 0, 0
    for i in range(len(needle) + 1):
        if i == len(needle) or i in mask:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = i + 1
    a, b = best
    found = []
    if b - a == 0:                      # every byte relocated: any aligned place fits
        return [o for o in range(0, len(hay) - len(needle) + 1, align)]
    pos = hay.find(needle[a:b])
    while pos >= 0:
        o = pos - a
        if o >= 0 and o % align == 0 and o + len(needle) <= len(hay):
            if all(hay[o + i] == needle[i] for i in range(len(needle)) if i not in mask):
                found.append(o)
        pos = hay.find(needle[a:b], pos + 1)
    return found


def main():
    target_path, members = sys.argv[1], sys.argv[2:]
    with open(target_path, "rb") as f:
        target = Elf(f.read(), target_path)
    taken = {}                          # output section name -> [(start, end, member)]
    failed = False
    for m in members:
        problems, nsec, nbytes = [], 0, 0
        data = subprocess.run(["ar", "p", ARCHIVE, m + ".o"], capture_output=True, check=True).stdout
        elf = Elf(data, m + ".o")
        for i, s in code_sections(elf):
            if s["size"] == 0:
                continue
            needle = elf.content(s)
            mask = set()
            for off in elf.reloc_offsets(i):
                mask.update(range(off, off + 4))
            outs = target.named(s["name"])
            if len(outs) != 1:
                problems.append(f"{s['name']}: {len(outs)} sections of that name in {target_path}")
                continue
            hay = target.content(outs[0])
            if s["name"].startswith(".text.__x86.get_pc_thunk."):
                if hay != needle:
                    problems.append(f"{s['name']} differs from the copy kept")
                continue
            used = taken.setdefault(s["name"], [])
            places = [o for o in find_masked(hay, needle, mask, s["align"])
                      if not any(o < e and o + len(needle) > b for b, e, _ in used)]
            if not places:
                problems.append(f"{s['name']} ({len(needle)} bytes, {len(mask) // 4} relocated fields) "
                                f"not found unmodified in {target_path}")
                continue
            used.append((places[0], places[0] + len(needle), m))
            nsec += 1
            nbytes += len(needle)
        if nsec == 0 and not problems:
            problems.append("no code or read-only data found in the member")
        if problems:
            failed = True
            print(f"FAIL: zlib/unmodified-{m}: " + "; ".join(problems))
        else:
            print(f"PASS: zlib/unmodified-{m} ({nsec} sections, {nbytes} bytes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
