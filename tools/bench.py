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
import re
import statistics
import subprocess
import sys
import time

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


def tick_rate(smp="2", seconds=5):
    """Timer ticks a second on every CPU: the monitor's `cpus` (ticks per
    CPU) and `uptime`, typed twice `seconds` apart. Under load, fewer than
    HZ (100): interrupts that fall due while the host has the vCPU
    descheduled merge (the kernel counts them as lost_ticks)."""
    s = dict(qemu.settings({}), smp=smp, boot="kernel", cmdline="monitor", build=BUILD)
    proc = subprocess.Popen(qemu.qemu_argv(s), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    out = b""

    def until(text, since=0, limit=60):
        nonlocal out
        end = time.monotonic() + limit
        while text not in out[since:]:
            if time.monotonic() > end or proc.poll() is not None:
                proc.kill()
                sys.exit(f"bench: the monitor did not answer:\n{out.decode(errors='replace')}")
            out += proc.stdout.read() or b""
            time.sleep(0.01)

    def sample():
        start = len(out)
        proc.stdin.write(b"cpus\ruptime\r")
        proc.stdin.flush()
        until(b" s\r\n", start)
        text = out[start:].decode(errors="replace")
        ticks = [int(m) for m in re.findall(r"^ *\d+ +\d+ +\d+ +\d+ +\d+ +(\d+)\r?$", text, re.M)]
        up = float(re.search(r"up (\d+\.\d+) s", text).group(1))
        return ticks, up

    until(b"spindle> ")
    ticks0, up0 = sample()
    time.sleep(seconds)
    ticks1, up1 = sample()
    proc.stdin.write(b"poweroff\r")
    proc.stdin.flush()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    return [(b - a) / (up1 - up0) for a, b in zip(ticks0, ticks1)]


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
    for cpu, rate in enumerate(tick_rate()):
        print(f"bench tick_rate_cpu{cpu} {rate:.1f} Hz   # HZ is 100; less on a loaded host")
    user_benchmarks()


if __name__ == "__main__":
    main()
