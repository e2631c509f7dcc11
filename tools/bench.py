#!/usr/bin/env python3
"""Spindle's benchmarks: prints `bench NAME VALUE UNIT` lines.

Boot time is measured from starting QEMU to the kernel's banner line on the
serial port (the median of several boots), for QEMU -kernel and for GRUB.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
BANNER = "command line '"
RUNS = 5


def boot_to_banner(boot):
    s = dict(qemu.settings({}), smp="1", boot=boot, build=BUILD)
    times = []
    for _ in range(RUNS):
        b = qemu.boot(s, 30, until=BANNER)
        if BANNER not in b.output:
            sys.exit(f"bench: BOOT={boot} never printed its banner: {b.why()}\n{b.output}")
        times.append(b.seconds)
    return statistics.median(times)


def main():
    print(f"bench boot_to_banner_qemu_kernel {boot_to_banner('kernel'):.3f} s")
    print(f"bench boot_to_banner_grub_iso {boot_to_banner('iso'):.3f} s")


if __name__ == "__main__":
    main()
