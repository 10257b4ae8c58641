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
import sys

# The format and the work are the package scripts/kfsimg/, beside this
# script.  Every name of it is imported here, so that this file, loaded as a
# module (tests/host/kfs/test_kfs.py does), has the names it always had.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from kfsimg.image import *  # noqa: E402,F401,F403
from kfsimg.check import *  # noqa: E402,F401,F403
from kfsimg.container import *  # noqa: E402,F401,F403


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
