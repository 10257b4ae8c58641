"""Checking a kea file system image as the services' mount does (and
more), and damaging one on purpose for tests and demos.
"""
import struct

from .image import (BPB, BSIZE, DIRENT, DIRENT_SIZE, FsError, INODE_SIZE, IPB, Inode,
                    ROOT, SUMMED, T_DIR, T_FREE, fnv1a)


# --- the check -------------------------------------------------------------------

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
