#!/usr/bin/env python3
"""Spindle's benchmarks: prints `bench NAME VALUE UNIT` lines.

Boot time is measured from starting QEMU to the kernel's banner line on the
serial port (the median of several boots), for QEMU -kernel and for GRUB.
Then user/bench.c (system call, pthread create+join, fork+wait, futex and
condvar round trips, mutex costs with 1/2/4 threads, CPU speed-up, futex
wake-to-run latency) runs on Spindle through tools/run-elf (4 CPUs) and
natively on this host; the native figure follows as a second column,
labelled "# native". It is a reference, not a
ratio to quote: Spindle runs under QEMU's software emulation.
"""
import os
import statistics
import subprocess
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


def run_bench(argv, env=None):
    """{name: (value, unit)} from a run of user/bench; exits on failure."""
    r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    figures = {}
    for line in r.stdout.splitlines():
        words = line.split()
        if len(words) == 4 and words[0] == "bench":
            figures[words[1]] = (words[2], words[3])
    if r.returncode != 0 or not figures:
        sys.exit(f"bench: {' '.join(argv)} failed (status {r.returncode}):\n"
                 f"{r.stdout}{r.stderr}")
    return figures


def user_benchmarks():
    prog = os.path.join(qemu.ROOT, BUILD, "user", "bench")
    env = dict(os.environ, SMP="4", BOOT="kernel", BUILD=BUILD)
    spindle = run_bench([os.path.join(qemu.TOOLS, "run-elf"), prog], env)
    native = run_bench([prog])
    print("# user/bench: Spindle (QEMU TCG, 4 CPUs), then the same binary native on this host")
    for name, (value, unit) in spindle.items():
        ref = native.get(name)
        note = f"   # native {ref[0]} {ref[1]}" if ref else "   # native: no figure"
        print(f"bench {name} {value} {unit}{note}")


def main():
    print(f"bench boot_to_banner_qemu_kernel {boot_to_banner('kernel'):.3f} s")
    print(f"bench boot_to_banner_grub_iso {boot_to_banner('iso'):.3f} s")
    user_benchmarks()


if __name__ == "__main__":
    main()
