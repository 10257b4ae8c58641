"""The compress service's container (services/compress/compress.c) and
its LZSS (services/compress/lzss.h): how `put -z` stores a file and `get -z`
reads one back.
"""
import struct

from .image import FsError

# The compress service's container (services/compress/compress.c).
CZ_MAGIC = (0x7A61656B, 0x31737A6C)
CZ_HDR = struct.Struct("<8I")
CZ_CHUNK = 4096
CZ_MAXCHUNKS = 2048
CZ_TABLE = 32
CZ_DATA = 4608
CZ_RAW = 4096
CZ_PACKED = 3584


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
