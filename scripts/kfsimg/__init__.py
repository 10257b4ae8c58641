"""The host side of kea's file system (docs/fs-format.md), behind
scripts/kfs.py: image.py reads and writes the on-disk format
(services/fs/fsformat.h), check.py checks an image as a mount does and
damages one on purpose, container.py is the compress service's container
(zlib chunks).  Python standard library only.
"""
