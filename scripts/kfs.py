#!/usr/bin/env python3
"""kfs.py: make and inspect disk images of kea's file system (simplefs and
cachefs, services/fs/fsformat.h; docs/fs-format.md), on the host.

    kfs.py mkfs IMG SIZE [--inodes N]   a new image of SIZE bytes (512, 64K, 4M...)
    kfs.py ls IMG [PATH]                entries: name, size (a '/' ends directories)
    kfs.py put IMG HOSTFILE PATH [-z]   copy a host file in (-z: stored compressed,
                                        the container of the compress service)
    kfs.py get IMG PATH HOSTFILE [-z]   copy a file out (-z: decompress a container)
    kfs.py mkdir IMG PATH | rm IMG PATH
    kfs.py stat IMG PATH | df IMG
    kfs.py check IMG                    the services' mount check and more: exit 0 when
                                        the services would mount it (warnings are
                                        printed), 1 when it is damaged
    kfs.py damage IMG KIND [PATH]       break an image on purpose, for tests and
                                        demos: magic, checksum, pointer, bitmap,
                                        twice, entry, type, loop (PATH: a file, for
                                        pointer/bitmap/twice/entry/type)

Python standard library only.  Errors are one line on stderr and exit 1.
"""
import argparse
import os
import struct
import sys

BSIZE = 512
MAGIC = 0x3153464B            # "KFS1"
VERSION = 1
NDIRECT = 11
NINDIRECT = BSIZE // 4
MAXBLOCKS = NDIRECT + NINDIRECT + NINDIRECT * NINDIRECT
MAX_FILE = MAXBLOCKS * BSIZE
INODE_SIZE = 64
IPB = BSIZE // INODE_SIZE
DIRENT_SIZE = 64
BPB = BSIZE * 8
ROOT = 1
NAME_MAX = 59
MAX_INODES = 65536
MIN_INODES = 8
SUMMED = 44
T_FREE, T_FILE, T_DIR = 0, 1, 2

SUPER = struct.Struct("<13I")          # 11 geometry words, checksum, epoch
INODE = struct.Struct("<HHII11III")    # type, unused, size, gen, direct[11], ind, dind
DIRENT = struct.Struct("<I60s")

# The compress service's container (services/compress/compress.c).
CZ_MAGIC = (0x7A61656B, 0x31737A6C)
CZ_HDR = struct.Struct("<8I")
CZ_CHUNK = 4096
CZ_MAXCHUNKS = 2048
CZ_TABLE = 32
CZ_DATA = 4608
CZ_RAW = 4096
CZ_PACKED = 3584


class FsError(Exception):
    pass


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


# --- LZSS (services/compress/lzss.h) ---------------------------------------

def lzss_encode(data, cap):
    """The compressed bytes, or None if they would take more than cap."""
    n = len(data)
    out = bytearray()
    chains = {}
    flagpos, items, i = 0, 8, 0
    while i < n:
        if items == 8:
            flagpos = len(out)
            out.append(0)
            items = 0
        best, dist = 0, 0
        maxlen = min(273, n - i)
        if maxlen >= 3:
            for cand in reversed(chains.get(data[i:i + 3], [])[-64:]):
                length = 0
                while length < maxlen and data[cand + length] == data[i + length]:
                    length += 1
                if length > best:
                    best, dist = length, i - cand
                    if length == maxlen:
                        break
        step = 1
        if best >= 3:
            code = best - 3
            v = (dist - 1) | (min(code, 15) << 12)
            out += bytes((v & 0xFF, v >> 8))
            if code >= 15:
                out.append(code - 15)
            out[flagpos] |= 1 << items
            step = best
        else:
            out.append(data[i])
        for k in range(i, i + step):
            if k + 3 <= n:
                chains.setdefault(data[k:k + 3], []).append(k)
        i += step
        items += 1
        if len(out) > cap:
            return None
    return bytes(out)


def lzss_decode(data, want):
    out = bytearray()
    i = 0
    while len(out) < want:
        if i >= len(data):
            raise FsError("compressed chunk runs short")
        flags = data[i]
        i += 1
        for k in range(8):
            if len(out) >= want:
                break
            if not flags & (1 << k):
                if i >= len(data):
                    raise FsError("compressed chunk runs short")
                out.append(data[i])
                i += 1
                continue
            if len(data) - i < 2:
                raise FsError("compressed chunk runs short")
            v = data[i] | data[i + 1] << 8
            i += 2
            dist, length = (v & 0xFFF) + 1, (v >> 12) + 3
            if v >> 12 == 15:
                if i >= len(data):
                    raise FsError("compressed chunk runs short")
                length += data[i]
                i += 1
            if dist > len(out) or length > want - len(out):
                raise FsError("compressed chunk points outside its data")
            for _ in range(length):
                out.append(out[-dist])
    if i != len(data):
        raise FsError("compressed chunk has bytes left over")
    return bytes(out)


# --- the image ---------------------------------------------------------------

class Inode:
    def __init__(self, raw):
        f = INODE.unpack(raw)
        self.type, self.unused, self.size, self.gen = f[0:4]
        self.direct = list(f[4:4 + NDIRECT])
        self.indirect, self.dindirect = f[4 + NDIRECT], f[5 + NDIRECT]

    def pack(self):
        return INODE.pack(self.type, self.unused, self.size, self.gen, *self.direct,
                          self.indirect, self.dindirect)


def layout(nblocks, ninodes):
    bmap_blocks = (nblocks + BPB - 1) // BPB
    inode_start = 1 + bmap_blocks
    inode_blocks = ninodes // IPB
    return dict(magic=MAGIC, version=VERSION, block_size=BSIZE, nblocks=nblocks, ninodes=ninodes,
                bmap_start=1, bmap_blocks=bmap_blocks, inode_start=inode_start,
                inode_blocks=inode_blocks, data_start=inode_start + inode_blocks, root=ROOT)


FIELDS = ["magic", "version", "block_size", "nblocks", "ninodes", "bmap_start", "bmap_blocks",
          "inode_start", "inode_blocks", "data_start", "root"]


class Image:
    def __init__(self, path, check_super=True):
        self.path = path
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        if len(self.data) < BSIZE or len(self.data) % BSIZE:
            raise FsError(f"{path}: {len(self.data)} bytes, not a whole number of 512-byte blocks")
        self.dev_blocks = len(self.data) // BSIZE
        words = SUPER.unpack_from(self.data, 0)
        self.sb = dict(zip(FIELDS, words[:11]))
        self.checksum, self.epoch = words[11], words[12]
        self.hint = 0
        if check_super:
            problem = self.super_problem()
            if problem:
                raise FsError(f"{path}: {problem}")

    def super_problem(self):
        s = self.sb
        if s["magic"] != MAGIC:
            return f"no kea file system here (magic {s['magic']:#x})"
        if s["version"] != VERSION:
            return f"version {s['version']} (this tool reads {VERSION})"
        if self.checksum != fnv1a(self.data[:SUMMED]):
            return f"superblock checksum {self.checksum:#x}, computed {fnv1a(self.data[:SUMMED]):#x}"
        if s["block_size"] != BSIZE:
            return f"block size {s['block_size']}"
        if s["nblocks"] > self.dev_blocks:
            return f"{s['nblocks']} blocks in an image of {self.dev_blocks}"
        n = s["ninodes"]
        if n < MIN_INODES or n > MAX_INODES or n % IPB:
            return f"{n} inodes"
        if layout(s["nblocks"], n) != s or s["data_start"] >= s["nblocks"]:
            return "inconsistent layout"
        return None

    def save(self):
        with open(self.path, "r+b") as f:
            f.write(self.data)

    # blocks and bits
    def block(self, b):
        return self.data[b * BSIZE:(b + 1) * BSIZE]

    def put_block(self, b, content):
        assert len(content) == BSIZE
        self.data[b * BSIZE:(b + 1) * BSIZE] = content

    def bit(self, b):
        off = self.sb["bmap_start"] * BSIZE + b // 8
        return self.data[off] >> (b % 8) & 1

    def set_bit(self, b, on):
        off = self.sb["bmap_start"] * BSIZE + b // 8
        if on:
            self.data[off] |= 1 << (b % 8)
        else:
            self.data[off] &= ~(1 << (b % 8)) & 0xFF

    def valid_ptr(self, b):
        return self.sb["data_start"] <= b < self.sb["nblocks"]

    def ptr(self, b, what):
        if not self.valid_ptr(b):
            raise FsError(f"{what} points to block {b}, outside the data area")
        return b

    def balloc(self):
        s = self.sb
        span = s["nblocks"] - s["data_start"]
        for k in range(span):
            b = s["data_start"] + (self.hint + k) % span
            if not self.bit(b):
                self.set_bit(b, True)
                self.hint = b - s["data_start"] + 1
                self.put_block(b, bytes(BSIZE))
                return b
        raise FsError("the disk is full")

    def bfree(self, b):
        self.set_bit(b, False)

    # inodes
    def inode(self, i):
        if not 0 < i < self.sb["ninodes"]:
            raise FsError(f"inode number {i} out of range")
        off = self.sb["inode_start"] * BSIZE + i * INODE_SIZE
        ino = Inode(self.data[off:off + INODE_SIZE])
        if ino.type > T_DIR:
            raise FsError(f"inode {i} has type {ino.type}")
        if ino.size > MAX_FILE:
            raise FsError(f"inode {i} has size {ino.size}")
        if ino.type == T_DIR and ino.size % DIRENT_SIZE:
            raise FsError(f"directory {i} has size {ino.size}")
        return ino

    def put_inode(self, i, ino):
        off = self.sb["inode_start"] * BSIZE + i * INODE_SIZE
        self.data[off:off + INODE_SIZE] = ino.pack()

    def ialloc(self, typ):
        for i in range(1, self.sb["ninodes"]):
            off = self.sb["inode_start"] * BSIZE + i * INODE_SIZE
            old = Inode(self.data[off:off + INODE_SIZE])
            if old.type == T_FREE:
                ino = Inode(bytes(INODE_SIZE))
                ino.type, ino.gen = typ, (old.gen + 1) & 0xFFFFFFFF
                self.put_inode(i, ino)
                return i, ino
        raise FsError("no free inode")

    # block maps
    def bmap(self, inum, ino, fbn, alloc=False):
        """The block of file block fbn (0: a hole); with alloc, fill holes."""
        what = f"inode {inum}"
        if fbn < NDIRECT:
            if not ino.direct[fbn]:
                if not alloc:
                    return 0
                ino.direct[fbn] = self.balloc()
            return self.ptr(ino.direct[fbn], what)
        fbn -= NDIRECT
        if fbn < NINDIRECT:
            attr, levels = "indirect", 1
        else:
            fbn -= NINDIRECT
            if fbn >= NINDIRECT * NINDIRECT:
                raise FsError("file too large")
            attr, levels = "dindirect", 2
        cur = getattr(ino, attr)
        if not cur:
            if not alloc:
                return 0
            cur = self.balloc()
            setattr(ino, attr, cur)
        self.ptr(cur, what)
        for level in range(levels, 0, -1):
            idx = fbn >> (7 * (level - 1)) & (NINDIRECT - 1)
            off = cur * BSIZE + idx * 4
            nxt = struct.unpack_from("<I", self.data, off)[0]
            if not nxt:
                if not alloc:
                    return 0
                nxt = self.balloc()
                struct.pack_into("<I", self.data, off, nxt)
            cur = self.ptr(nxt, what)
        return cur

    def tree(self, inum, b, level, fbn, visit):
        """visit(block, level, fbn) for b and everything under it."""
        self.ptr(b, f"inode {inum}")
        visit(b, level, fbn)
        if level:
            span = 1 if level == 1 else NINDIRECT
            for k, nxt in enumerate(struct.unpack_from("<128I", self.data, b * BSIZE)):
                if nxt:
                    self.tree(inum, nxt, level - 1, fbn + k * span, visit)

    def blocks(self, inum, ino, visit):
        for k, b in enumerate(ino.direct):
            if b:
                self.tree(inum, b, 0, k, visit)
        if ino.indirect:
            self.tree(inum, ino.indirect, 1, NDIRECT, visit)
        if ino.dindirect:
            self.tree(inum, ino.dindirect, 2, NDIRECT + NINDIRECT, visit)

    def free_all(self, inum, ino):
        self.blocks(inum, ino, lambda b, level, fbn: self.bfree(b))
        ino.direct = [0] * NDIRECT
        ino.indirect = ino.dindirect = 0

    # file data
    def read(self, inum, ino, off=0, n=None):
        end = ino.size if n is None else min(ino.size, off + n)
        out = bytearray()
        pos = off
        while pos < end:
            b = self.bmap(inum, ino, pos // BSIZE)
            k = min(end - pos, BSIZE - pos % BSIZE)
            out += self.block(b)[pos % BSIZE:pos % BSIZE + k] if b else bytes(k)
            pos += k
        return bytes(out)

    def write(self, inum, ino, off, content):
        if off + len(content) > MAX_FILE:
            raise FsError("file too large")
        pos = 0
        while pos < len(content):
            at = off + pos
            b = self.bmap(inum, ino, at // BSIZE, alloc=True)
            k = min(len(content) - pos, BSIZE - at % BSIZE)
            start = b * BSIZE + at % BSIZE
            self.data[start:start + k] = content[pos:pos + k]
            pos += k
        ino.size = max(ino.size, off + len(content))
        self.put_inode(inum, ino)

    # directories
    def entries(self, dinum, dino):
        """(slot, inum, name) of every used entry."""
        out = []
        raw = self.read(dinum, dino)
        for slot in range(len(raw) // DIRENT_SIZE):
            inum, name = DIRENT.unpack_from(raw, slot * DIRENT_SIZE)
            if not inum:
                continue
            if inum >= self.sb["ninodes"] or inum == ROOT:
                raise FsError(f"directory {dinum} names inode {inum}")
            text = name.split(b"\0", 1)[0]
            if name[NAME_MAX] or not valid_name(text):
                raise FsError(f"directory {dinum} has a bad name at entry {slot}")
            out.append((slot, inum, text.decode("utf-8", "replace")))
        return out

    def lookup(self, path, parent=False):
        """The inode of path; with parent, (directory inode, last name)."""
        parts = [p for p in path.split("/") if p]
        for p in parts:
            if not valid_name(p.encode()):
                raise FsError(f"bad name '{p}'")
        if parent and not parts:
            raise FsError("the root has no name")
        cur = ROOT
        for k, p in enumerate(parts):
            if parent and k == len(parts) - 1:
                return cur, p
            ino = self.inode(cur)
            if ino.type != T_DIR:
                raise FsError(f"'{p}': not in a directory")
            found = [i for _, i, n in self.entries(cur, ino) if n == p]
            if not found:
                raise FsError(f"no such file: {path}")
            cur = found[0]
        return cur

    def add_entry(self, dinum, name, inum):
        dino = self.inode(dinum)
        slots = len(self.read(dinum, dino)) // DIRENT_SIZE
        used = {s for s, _, _ in self.entries(dinum, dino)}
        slot = next((s for s in range(slots) if s not in used), slots)
        self.write(dinum, dino, slot * DIRENT_SIZE, DIRENT.pack(inum, name.encode()))

    def create(self, path, typ):
        dinum, name = self.lookup(path, parent=True)
        dino = self.inode(dinum)
        if dino.type != T_DIR:
            raise FsError(f"{path}: parent is not a directory")
        if any(n == name for _, _, n in self.entries(dinum, dino)):
            raise FsError(f"{path} exists")
        inum, ino = self.ialloc(typ)
        self.add_entry(dinum, name, inum)
        return inum, ino

    def remove(self, path):
        dinum, name = self.lookup(path, parent=True)
        dino = self.inode(dinum)
        found = [(s, i) for s, i, n in self.entries(dinum, dino) if n == name]
        if not found:
            raise FsError(f"no such file: {path}")
        slot, inum = found[0]
        ino = self.inode(inum)
        if ino.type == T_DIR and self.entries(inum, ino):
            raise FsError(f"{path}: directory not empty")
        self.write(dinum, dino, slot * DIRENT_SIZE, bytes(DIRENT_SIZE))
        self.free_all(inum, ino)
        ino.type, ino.size = T_FREE, 0
        self.put_inode(inum, ino)


def valid_name(name):
    return 0 < len(name) <= NAME_MAX and name not in (b".", b"..") and b"/" not in name \
        and b"\0" not in name


def mkfs(path, size, ninodes=0):
    nblocks = size // BSIZE
    if not ninodes:
        ninodes = nblocks // 16
    ninodes = min(max((ninodes + IPB - 1) // IPB * IPB, MIN_INODES), MAX_INODES)
    s = layout(nblocks, ninodes)
    if s["data_start"] + 1 > nblocks:
        raise FsError(f"{nblocks} blocks are too few for {ninodes} inodes")
    data = bytearray(nblocks * BSIZE)
    head = struct.pack("<11I", *[s[f] for f in FIELDS])
    data[0:SUPER.size] = head + struct.pack("<II", fnv1a(head), 1)
    for b in range(s["data_start"]):
        data[BSIZE + b // 8] |= 1 << (b % 8)
    root = Inode(bytes(INODE_SIZE))
    root.type, root.gen = T_DIR, 1
    off = s["inode_start"] * BSIZE + ROOT * INODE_SIZE
    data[off:off + INODE_SIZE] = root.pack()
    with open(path, "wb") as f:
        f.write(data)


def check(img):
    """(errors, warnings): the services' mount check (first error only, as
    they stop there) plus what only a full check finds."""
    problem = img.super_problem()
    if problem:
        return [problem], []
    s = img.sb
    errors, warnings = [], []
    for b in range(s["bmap_blocks"] * BPB):
        if b < s["data_start"] and not img.bit(b):
            return [f"metadata block {b} is free in the bitmap"], []
        if b >= s["nblocks"] and img.bit(b):
            return [f"the bitmap has block {b} in use, past the end"], []
    ref, seen, past_eof = set(), {ROOT}, [0]
    queue = [ROOT]
    try:
        while queue:
            inum = queue.pop(0)
            ino = img.inode(inum)
            if ino.type == T_FREE:
                raise FsError(f"a directory entry names free inode {inum}")
            if inum == ROOT and ino.type != T_DIR:
                raise FsError("the root is not a directory")

            def visit(b, level, fbn, inum=inum, ino=ino):
                if b in ref:
                    raise FsError(f"block {b} is used twice (again by inode {inum})")
                if not img.bit(b):
                    raise FsError(f"block {b} of inode {inum} is free in the bitmap")
                ref.add(b)
                if level == 0 and fbn * BSIZE >= ino.size:
                    past_eof[0] += 1
            img.blocks(inum, ino, visit)
            if ino.type == T_DIR:
                names = set()
                for _, child, name in img.entries(inum, ino):
                    if child in seen:
                        raise FsError(f"inode {child} has two names (again '{name}' in {inum})")
                    if name in names:
                        warnings.append(f"directory {inum} has '{name}' twice (the first is used)")
                    names.add(name)
                    seen.add(child)
                    queue.append(child)
    except FsError as e:
        return [str(e)], []
    leaked = [b for b in range(s["data_start"], s["nblocks"]) if img.bit(b) and b not in ref]
    orphans = [i for i in range(1, s["ninodes"]) if i not in seen and
               Inode(img.data[s["inode_start"] * BSIZE + i * INODE_SIZE:][:INODE_SIZE]).type != T_FREE]
    if leaked:
        warnings.append(f"{len(leaked)} blocks in use that nothing reaches: "
                        + " ".join(map(str, leaked[:10])) + (" ..." if len(leaked) > 10 else ""))
    if orphans:
        warnings.append(f"{len(orphans)} inodes in use that no directory names: "
                        + " ".join(map(str, orphans[:10])))
    if past_eof[0]:
        warnings.append(f"{past_eof[0]} blocks past the end of their file")
    return errors, warnings


# --- the compress service's container ------------------------------------------

def container(content):
    """(offset, bytes) pieces of the container holding content."""
    n = (len(content) + CZ_CHUNK - 1) // CZ_CHUNK
    if n > CZ_MAXCHUNKS:
        raise FsError("too large for a compressed file")
    table = bytearray(2 * n)
    pieces = []
    for i in range(n):
        chunk = content[i * CZ_CHUNK:(i + 1) * CZ_CHUNK].ljust(CZ_CHUNK, b"\0")
        if not any(chunk):
            continue
        packed = lzss_encode(chunk, CZ_PACKED)
        if packed is None:
            entry, stored = CZ_RAW, chunk
        else:
            entry, stored = len(packed), packed
        struct.pack_into("<H", table, 2 * i, entry)
        pieces.append((CZ_DATA + i * CZ_CHUNK, stored))
    head = CZ_HDR.pack(CZ_MAGIC[0], CZ_MAGIC[1], 1, len(content), CZ_CHUNK, CZ_MAXCHUNKS, 0, 0)
    return [(0, head), (CZ_TABLE, bytes(table))] + pieces


def uncontainer(raw):
    if len(raw) < CZ_HDR.size:
        raise FsError("not a compressed file (too short)")
    m0, m1, version, size, chunk, maxchunks, _, _ = CZ_HDR.unpack_from(raw, 0)
    if (m0, m1) != CZ_MAGIC:
        raise FsError("not a compressed file (no container header)")
    if version != 1 or chunk != CZ_CHUNK or maxchunks != CZ_MAXCHUNKS or size > CZ_MAXCHUNKS * CZ_CHUNK:
        raise FsError("bad container header")
    out = bytearray()
    for i in range((size + CZ_CHUNK - 1) // CZ_CHUNK):
        off = CZ_TABLE + 2 * i
        entry = struct.unpack_from("<H", raw, off)[0] if off + 2 <= len(raw) else 0
        slot = raw[CZ_DATA + i * CZ_CHUNK:CZ_DATA + i * CZ_CHUNK + CZ_CHUNK]
        if entry == 0:
            out += bytes(CZ_CHUNK)
        elif entry == CZ_RAW:
            out += slot.ljust(CZ_CHUNK, b"\0")
        elif entry <= CZ_PACKED:
            out += lzss_decode(slot[:entry], CZ_CHUNK)
        else:
            raise FsError(f"bad chunk table entry {entry}")
    return bytes(out[:size])


# --- damage ------------------------------------------------------------------------

def damage(img, kind, path):
    s = img.sb

    def file_inode():
        if not path:
            raise FsError(f"damage {kind} needs the PATH of a file with data")
        inum = img.lookup(path)
        ino = img.inode(inum)
        if not ino.direct[0]:
            raise FsError(f"{path} has no first block")
        return inum, ino

    def resum():
        head = bytes(img.data[:SUMMED])
        struct.pack_into("<I", img.data, SUMMED, fnv1a(head))

    if kind == "magic":
        img.data[0] ^= 0xFF
    elif kind == "checksum":
        struct.pack_into("<I", img.data, 16, s["ninodes"] + IPB)
    elif kind == "pointer":
        inum, ino = file_inode()
        ino.direct[0] = s["nblocks"] + 100
        img.put_inode(inum, ino)
    elif kind == "bitmap":
        inum, ino = file_inode()
        img.set_bit(ino.direct[0], False)
    elif kind == "twice":
        inum, ino = file_inode()
        ino.direct[1] = ino.direct[0]
        img.put_inode(inum, ino)
    elif kind == "entry":
        if not path:
            raise FsError("damage entry needs the PATH of an entry")
        free = [i for i in range(2, s["ninodes"]) if
                Inode(img.data[s["inode_start"] * BSIZE + i * INODE_SIZE:][:INODE_SIZE]).type == T_FREE]
        dinum, name = img.lookup(path or "", parent=True)
        dino = img.inode(dinum)
        slot = [sl for sl, _, n in img.entries(dinum, dino) if n == name][0]
        img.write(dinum, dino, slot * DIRENT_SIZE, DIRENT.pack(free[0], name.encode()))
    elif kind == "type":
        inum, ino = file_inode()
        ino.type = 9
        img.put_inode(inum, ino)
    elif kind == "loop":
        inum, sub = img.create("loop", T_DIR)
        img.write(inum, sub, 0, DIRENT.pack(ROOT, b"up"))
    else:
        raise FsError(f"no damage called '{kind}'")
    if kind not in ("magic", "checksum"):
        resum()


# --- commands ------------------------------------------------------------------------

def parse_size(text):
    mult = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    t = text.strip().lower()
    n = int(t[:-1]) * mult[t[-1]] if t and t[-1] in mult else int(t)
    if n <= 0 or n % BSIZE:
        raise FsError(f"size {text}: not a positive multiple of 512")
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kfs.py", description="kea file system images")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("mkfs")
    p.add_argument("img"), p.add_argument("size"), p.add_argument("--inodes", type=int, default=0)
    p = sub.add_parser("ls")
    p.add_argument("img"), p.add_argument("path", nargs="?", default="")
    p = sub.add_parser("put")
    p.add_argument("img"), p.add_argument("hostfile"), p.add_argument("path")
    p.add_argument("-z", action="store_true", help="store compressed")
    p = sub.add_parser("get")
    p.add_argument("img"), p.add_argument("path"), p.add_argument("hostfile")
    p.add_argument("-z", action="store_true", help="decompress")
    for name in ("mkdir", "rm", "stat"):
        p = sub.add_parser(name)
        p.add_argument("img"), p.add_argument("path")
    p = sub.add_parser("df")
    p.add_argument("img")
    p = sub.add_parser("check")
    p.add_argument("img")
    p = sub.add_parser("damage")
    p.add_argument("img"), p.add_argument("kind"), p.add_argument("path", nargs="?")
    a = ap.parse_args(argv)

    try:
        if a.cmd == "mkfs":
            mkfs(a.img, parse_size(a.size), a.inodes)
            return 0
        if a.cmd == "check":
            img = Image(a.img, check_super=False)
            errors, warnings = check(img)
            for w in warnings:
                print(f"warning: {w}")
            for e in errors:
                print(f"error: {e}")
            if not errors:
                print(f"{a.img}: ok")
            return 1 if errors else 0
        if a.cmd == "damage":
            img = Image(a.img)
            damage(img, a.kind, a.path)
            img.save()
            return 0
        img = Image(a.img)
        if a.cmd == "ls":
            inum = img.lookup(a.path)
            ino = img.inode(inum)
            if ino.type != T_DIR:
                raise FsError(f"{a.path}: not a directory")
            for _, child, name in img.entries(inum, ino):
                c = img.inode(child)
                print(f"{name}{'/' if c.type == T_DIR else ''} {c.size}")
        elif a.cmd == "put":
            with open(a.hostfile, "rb") as f:
                content = f.read()
            pieces = container(content) if a.z else [(0, content)]
            inum, ino = img.create(a.path, T_FILE)
            for off, piece in pieces:
                img.write(inum, ino, off, piece)
            img.save()
        elif a.cmd == "get":
            inum = img.lookup(a.path)
            ino = img.inode(inum)
            if ino.type != T_FILE:
                raise FsError(f"{a.path}: not a file")
            content = img.read(inum, ino)
            if a.z:
                content = uncontainer(content)
            with open(a.hostfile, "wb") as f:
                f.write(content)
        elif a.cmd == "mkdir":
            img.create(a.path, T_DIR)
            img.save()
        elif a.cmd == "rm":
            img.remove(a.path)
            img.save()
        elif a.cmd == "stat":
            inum = img.lookup(a.path)
            ino = img.inode(inum)
            n = []
            img.blocks(inum, ino, lambda b, level, fbn: n.append(b))
            print(f"size {ino.size} blocks {len(n)} dir {int(ino.type == T_DIR)} inode {inum}")
        elif a.cmd == "df":
            s = img.sb
            free = sum(1 for b in range(s["data_start"], s["nblocks"]) if not img.bit(b))
            ifree = sum(1 for i in range(1, s["ninodes"]) if img.inode(i).type == T_FREE)
            print(f"blocks {s['nblocks'] - s['data_start']} free {free} inodes {ifree}")
        return 0
    except (FsError, OSError) as e:
        print(f"kfs.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
