"""A kea file system image (services/fs/fsformat.h, docs/fs-format.md):
the format's constants, the superblock, inodes, block maps, file data and
directories, and mkfs.  Every problem is an FsError.
"""
import struct

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


class FsError(Exception):
    pass


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


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
