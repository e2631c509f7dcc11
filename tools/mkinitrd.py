#!/usr/bin/env python3
"""Build the initrd: a cpio archive in the "newc" format, as Linux's.

usage: mkinitrd.py OUT.cpio PROGRAM... [SRC=DEST...]

Each PROGRAM goes in as bin/<its file name>, mode 0755. Each SRC=DEST
pair puts the file SRC at DEST (0755 if SRC is executable, else 0644).
ELF files go in without their debugging sections (`objcopy
--strip-debug`; the symbol table stays): GDB reads the build's own copies
(build/user/NAME), and a fifth of the bytes boots faster, above all
through GRUB, which reads the initrd from the CD with BIOS calls.
Every directory on the way gets an entry of its own. `cpio -t < OUT.cpio`
lists the result; kernel/fs/initrd.c reads it in place.

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

Other tools import it: archive() makes an archive from (path, data, mode)
triples, read() gives back the files of one (tools/run-elf adds a program
to the build's initrd that way).
"""
import os
import stat
import subprocess
import sys
import tempfile

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


def archive(files):
    """files: a list of (archive path, data, mode); a later entry for the
    same path replaces an earlier one. Returns the archive's bytes, with an
    entry for every directory on the way."""
    by_name, dirs = {}, set()
    for dest, data, mode in files:
        by_name[dest] = (mode, data)
        parent = os.path.dirname(dest)
        while parent:
            dirs.add(parent)
            parent = os.path.dirname(parent)
    out = []
    for name in sorted(dirs):  # a parent sorts before its children
        out.append(entry(len(out) + 1, name, stat.S_IFDIR | 0o755))
    for name, (mode, data) in sorted(by_name.items()):
        out.append(entry(len(out) + 1, name, mode, data))
    out.append(entry(0, TRAILER, 0))
    return b"".join(out)


def read(path):
    """The regular files of an existing newc archive, as archive() takes
    them: [(archive path, data, mode)]. Directories are left out (archive()
    makes them again); so are other kinds of entry, which build() never
    writes."""
    with open(path, "rb") as f:
        blob = f.read()
    files, pos = [], 0
    while True:
        header = blob[pos:pos + 110]
        if len(header) < 110 or header[:6] != MAGIC:
            sys.exit(f"mkinitrd: {path}: not a newc archive at byte {pos}")
        fields = [int(header[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = fields[1], fields[6], fields[11]
        name_end = pos + 110 + namesize
        name = blob[pos + 110:name_end - 1].decode()
        data_start = name_end + (-name_end % 4)
        data = blob[data_start:data_start + size]
        pos = data_start + size + (-size % 4)
        if name == TRAILER:
            return files
        if stat.S_ISREG(mode):
            files.append((name, data, mode))


def without_debug_info(src, data):
    """data (the file src) without its .debug_* sections, if it is ELF."""
    if not data.startswith(b"\x7fELF"):
        return data
    with tempfile.TemporaryDirectory(prefix="mkinitrd.") as tmp:
        out = os.path.join(tmp, "stripped")
        objcopy = os.environ.get("OBJCOPY") or "objcopy"
        r = subprocess.run([objcopy, "--strip-debug", src, out],
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"mkinitrd: {objcopy} --strip-debug {src}: {r.stderr.strip()}")
        with open(out, "rb") as f:
            return f.read()


def build(out_path, items):
    files = []
    for item in items:
        src, dest, mode = parse_item(item)
        try:
            with open(src, "rb") as f:
                files.append((dest, without_debug_info(src, f.read()), mode))
        except OSError as e:
            sys.exit(f"mkinitrd: {src}: {e.strerror}")
    with open(out_path, "wb") as f:
        f.write(archive(files))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build(sys.argv[1], sys.argv[2:])
