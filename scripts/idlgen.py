#!/usr/bin/env python3
"""idlgen — kea's interface compiler (language reference: docs/interfaces.md).

An .idl file declares one interface: a name and numbered procedures with
typed, directed parameters.  From it this script generates, into OUTDIR:

    <base>_client.h/.c   one stub per procedure: fills a struct idc_args and
                         calls portal_invoke(); callers hold a kea_binding_t
                         and never see portal ids or argument words
    <base>_server.h/.c   an ops table (one function pointer per procedure)
                         and <iface>_dispatch(), the idc_handler_t that
                         validates a struct idc_call, unpacks it, calls the
                         op and packs the results

where <base> is the .idl file's name without the extension.  The ABI the code
targets is include/kea/idc.h.

    idlgen.py [-o OUTDIR] FILE.idl    generate the four files (default: .)
    idlgen.py --id FILE.idl           print "0x<id> <name> <signature>"

Errors are reported as "FILE:LINE: message" on stderr with exit status 1;
no output file is written unless the whole interface is valid.

Python 3 standard library only.
"""
import argparse
import os
import re
import sys

# The compiler itself is the package scripts/idl/, beside this script.
# Every name of it is imported here, so that this file, loaded as a module
# (tests/host/idl/test_idlgen.py does), has the names it always had.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from idl.parser import *  # noqa: E402,F401,F403
from idl.cgen import *  # noqa: E402,F401,F403


# ---------------------------------------------------------------------------
# Driver

def write_atomically(path, text):
    """Replace `path` whole, so an interrupted run cannot leave a truncated
    file that make would consider up to date."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="kea interface compiler (docs/interfaces.md)")
    ap.add_argument("idl", help="the .idl file")
    ap.add_argument("-o", "--outdir", default=".", help="where to write <base>_{client,server}.{h,c}")
    ap.add_argument("--id", action="store_true", help="print the interface id and signature only")
    args = ap.parse_args(argv)

    try:
        iface = parse_file(args.idl)
    except IdlError as e:
        print(e, file=sys.stderr)
        return 1
    if args.id:
        print(f"0x{iface.iface_id():08x} {iface.name} {iface.signature()}")
        return 0

    base = os.path.basename(args.idl)
    base = base[:-4] if base.endswith(".idl") else base
    if not re.match(r"[A-Za-z_][A-Za-z0-9_]*\Z", base):
        print(f"{args.idl}: file name must be a C identifier plus '.idl' "
              "(it names the generated files and their include guards)", file=sys.stderr)
        return 1
    files = generate(iface, base, args.idl)
    os.makedirs(args.outdir, exist_ok=True)
    for name, lines in files.items():
        write_atomically(os.path.join(args.outdir, name), "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
