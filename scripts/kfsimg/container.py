"""The compress service's container (services/compress/compress.c): how
`put -z` stores a file and `get -z` reads one back.  Each chunk is a zlib
stream (RFC 1950) at level 6, made and read with Python's zlib: the same
library, and the same bytes, as the Debian zlib objects inside the service.
"""
import struct
import zlib

from .image import FsError

# The compress service's container (services/compress/compress.c).
CZ_MAGIC = (0x7A61656B, 0x31626C7A)       # "keaz", "zlb1"
CZ_OLDMAGIC1 = 0x31737A6C                 # "lzs1": kea's former LZSS chunks
CZ_VERSION = 2
CZ_LEVEL = 6
CZ_HDR = struct.Struct("<8I")
CZ_CHUNK = 4096
CZ_MAXCHUNKS = 2048
CZ_TABLE = 32
CZ_DATA = 4608
CZ_RAW = 4096
CZ_PACKED = 3584


def chunk_encode(data, cap=CZ_PACKED):
    """A chunk as the service stores it: its zlib stream, or None if that
    would take more than cap bytes (the chunk is then stored raw)."""
    packed = zlib.compress(data, CZ_LEVEL)
    return packed if len(packed) <= cap else None


def chunk_decode(data, want=CZ_CHUNK):
    """The data of one stored chunk: exactly one whole zlib stream of want
    bytes, or FsError."""
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, want + 1)
    except zlib.error as e:
        raise FsError(f"compressed chunk does not decompress ({e})") from None
    if d.unconsumed_tail or len(out) > want:
        raise FsError("compressed chunk decompresses to more than a chunk")
    if not d.eof:
        raise FsError("compressed chunk runs short")
    if d.unused_data or len(out) != want:
        raise FsError("compressed chunk has the wrong length or bytes left over")
    return out


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
        packed = chunk_encode(chunk)
        if packed is None:
            entry, stored = CZ_RAW, chunk
        else:
            entry, stored = len(packed), packed
        struct.pack_into("<H", table, 2 * i, entry)
        pieces.append((CZ_DATA + i * CZ_CHUNK, stored))
    head = CZ_HDR.pack(CZ_MAGIC[0], CZ_MAGIC[1], CZ_VERSION, len(content), CZ_CHUNK, CZ_MAXCHUNKS, 0, 0)
    return [(0, head), (CZ_TABLE, bytes(table))] + pieces


def uncontainer(raw):
    if len(raw) < CZ_HDR.size:
        raise FsError("not a compressed file (too short)")
    m0, m1, version, size, chunk, maxchunks, _, _ = CZ_HDR.unpack_from(raw, 0)
    if (m0, m1) == (CZ_MAGIC[0], CZ_OLDMAGIC1):
        raise FsError("an LZSS container of an older kea (chunks are zlib streams now)")
    if (m0, m1) != CZ_MAGIC:
        raise FsError("not a compressed file (no container header)")
    if version != CZ_VERSION or chunk != CZ_CHUNK or maxchunks != CZ_MAXCHUNKS or size > CZ_MAXCHUNKS * CZ_CHUNK:
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
            out += chunk_decode(slot[:entry])
        else:
            raise FsError(f"bad chunk table entry {entry}")
    return bytes(out[:size])
