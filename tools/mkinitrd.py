#!/usr/bin/env python3
"""Build the initrd: a cpio archive in the "newc" format (as Linux's).

usage: mkinitrd.py OUT.cpio PROGRAM... [SRC=DEST...]

Each PROGRAM goes in as bin/<its file name>, mode 0755; each SRC=DEST pair
puts the file SRC at DEST. `cpio -t < OUT.cpio` lists the result.

A newc entry is a 110-byte ASCII header ("070701" and 13 eight-digit hex
fields), the NUL-terminated name padded to 4 bytes, then the data padded
to 4 bytes; an entry named TRAILER!!! ends the archive.
"""
import os
import sys

S_IFDIR, S_IFREG = 0o040000, 0o100000


def entry(name, data, mode, ino):
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_bytes), 0]
    out = b"070701" + "".join(f"{v:08x}" for v in fields).encode() + name_bytes
    out += b"\0" * (-len(out) % 4)
    return out + data + b"\0" * (-len(data) % 4)


def build(out_path, items):
    files, dirs = [], set()
    for item in items:
        src, _, dest = item.partition("=")
        dest = (dest or "bin/" + os.path.basename(src)).lstrip("/")
        with open(src, "rb") as f:
            data = f.read()
        mode = S_IFREG | (0o755 if dest.startswith("bin/") else 0o644)
        files.append((dest, data, mode))
        parts = dest.split("/")[:-1]
        for i in range(len(parts)):
            dirs.add("/".join(parts[: i + 1]))
    archive = b""
    ino = 1
    for d in sorted(dirs):
        archive += entry(d, b"", S_IFDIR | 0o755, ino)
        ino += 1
    for dest, data, mode in sorted(files):
        archive += entry(dest, data, mode, ino)
        ino += 1
    archive += entry("TRAILER!!!", b"", 0, 0)
    with open(out_path, "wb") as f:
        f.write(archive)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build(sys.argv[1], sys.argv[2:])
