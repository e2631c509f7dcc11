#!/usr/bin/env python3
"""Build the initrd: a cpio archive in the "newc" format, as Linux's.

usage: mkinitrd.py OUT.cpio PROGRAM... [SRC=DEST...]

Each PROGRAM goes in as bin/<its file name>, mode 0755. Each SRC=DEST
pair puts the file SRC at DEST (0755 if SRC is executable, else 0644).
Every directory on the way gets an entry of its own. `cpio -t < OUT.cpio`
lists the result; kernel/dev/initrd.c reads it in place.

A newc entry is

    "070701"                      the magic
    13 fields, 8 hex digits each  ino mode uid gid nlink mtime filesize
                                  devmajor devminor rdevmajor rdevminor
                                  namesize (with its NUL) check (0)
    name, NUL                     padded with NULs to a multiple of 4
    data                          padded with NULs to a multiple of 4

(the 110-byte header and the name together are padded, so the data
starts 4-aligned), and an entry named TRAILER!!! ends the archive.
Timestamps and owners are 0, so the same inputs give the same bytes.
"""
import os
import stat
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def entry(ino, name, mode, data=b""):
    """One newc entry: header, padded name, padded data."""
    name_bytes = name.encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_bytes), 0]
    header = MAGIC + "".join(f"{v:08x}" for v in fields).encode()
    return pad4(header + name_bytes) + pad4(data)


def parse_item(item):
    """'PROGRAM' or 'SRC=DEST' -> (source path, archive path, mode)."""
    src, eq, dest = item.partition("=")
    if not eq:
        return src, "bin/" + os.path.basename(src), stat.S_IFREG | 0o755
    dest = os.path.normpath(dest).lstrip("/")
    if dest in ("", ".") or dest.startswith(".."):
        sys.exit(f"mkinitrd: bad destination in '{item}'")
    executable = os.access(src, os.X_OK)
    return src, dest, stat.S_IFREG | (0o755 if executable else 0o644)


def build(out_path, items):
    files, dirs = {}, set()
    for item in items:
        src, dest, mode = parse_item(item)
        try:
            with open(src, "rb") as f:
                files[dest] = (mode, f.read())
        except OSError as e:
            sys.exit(f"mkinitrd: {src}: {e.strerror}")
        parent = os.path.dirname(dest)
        while parent:
            dirs.add(parent)
            parent = os.path.dirname(parent)

    archive = []
    for name in sorted(dirs):  # a parent sorts before its children
        archive.append(entry(len(archive) + 1, name, stat.S_IFDIR | 0o755))
    for name, (mode, data) in sorted(files.items()):
        archive.append(entry(len(archive) + 1, name, mode, data))
    archive.append(entry(0, TRAILER, 0))
    with open(out_path, "wb") as f:
        f.write(b"".join(archive))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build(sys.argv[1], sys.argv[2:])
