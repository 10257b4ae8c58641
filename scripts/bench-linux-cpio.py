#!/usr/bin/env python3
"""bench-linux-cpio.py OUT INIT: an initramfs (newc cpio) holding INIT as
/init and nothing else, for the Linux baseline of `make bench-linux`.
Written here rather than with cpio(1) so that no further tool is needed
and the archive does not depend on the build machine's users or times."""
import sys


def entry(name, mode, data=b"", ino=1):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join(f"{v:08x}" for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def main():
    out, init = sys.argv[1], sys.argv[2]
    with open(init, "rb") as f:
        data = f.read()
    archive = entry("init", 0o100755, data, 1) + entry("TRAILER!!!", 0, b"", 0)
    archive += b"\0" * (-len(archive) % 512)
    with open(out, "wb") as f:
        f.write(archive)


if __name__ == "__main__":
    main()
