#!/usr/bin/env python3
"""Build a GRUB rescue ISO that boots a kernel with a given command line.

usage: mkiso.py KERNEL INITRD CMDLINE OUT.iso

boot/grub.cfg is the template; its @CMDLINE@ becomes CMDLINE. The initrd
goes in as /boot/initrd.cpio, loaded by GRUB as a multiboot2 module. The
kernel goes in without its debugging sections, which GRUB would read from
the CD with BIOS calls for nothing (GDB reads the build's own copy).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import mkinitrd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_iso(kernel, initrd, cmdline, out):
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "boot", "grub"))
        with open(kernel, "rb") as f:
            stripped = mkinitrd.without_debug_info(kernel, f.read())
        with open(os.path.join(tree, "boot", "kernel.elf"), "wb") as f:
            f.write(stripped)
        shutil.copy(initrd, os.path.join(tree, "boot", "initrd.cpio"))
        with open(os.path.join(ROOT, "boot", "grub.cfg")) as f:
            cfg = f.read().replace("@CMDLINE@", cmdline)
        with open(os.path.join(tree, "boot", "grub", "grub.cfg"), "w") as f:
            f.write(cfg)
        r = subprocess.run(["grub-mkrescue", "-o", out, tree],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stdout)
            sys.exit(f"mkiso: grub-mkrescue failed ({r.returncode})")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    make_iso(*sys.argv[1:])
