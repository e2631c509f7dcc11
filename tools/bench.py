#!/usr/bin/env python3
"""Spindle's benchmarks, side by side with Linux in the same emulator.

Prints `bench NAME VALUE UNIT` lines, VALUE being Spindle's figure, and
after it, as a comment, the same figure from Linux and from this host:

    bench getpid 205 ns   # linux 428 ns, ratio 0.48; native 1773 ns

  linux   Debian's Linux kernel (tools/linux_kernel.py fetches it), booted
          in the same QEMU as Spindle: the same machine, CPU model,
          accelerator, -smp and memory (one qemu.qemu_argv builds both
          command lines). Its initramfs holds only user/bench, as /init.
  ratio   Spindle / Linux. For a time below 1 means Spindle is faster;
          for a rate (MiB/s, x) above 1 does.
  native  the same binary run directly on this host: information only,
          not emulated.

A line appears only for a figure Spindle measured; its Linux or native
part only when that run measured it too.

What is measured, in order:
  - boot to the kernel banner (Spindle) and to the first user line (both
    kernels), with QEMU -kernel and (Spindle) through GRUB: medians of
    several boots of `bench boot`, which prints one line and ends;
  - the timer tick rate each CPU sees (Spindle's monitor);
  - user/bench on both kernels at -smp 2, and its contended counter again
    at -smp 4 (`bench counter`); then natively.

Exits non-zero if a run failed or printed no figure (after printing what
the others measured). The whole takes about 5 minutes on 2 host cores.

`tools/bench.py --tracing-cost [ROUNDS [PART]] [--pin]` instead runs
user/bench (or only its PART: counter, alive, handoff) on Spindle ROUNDS
times (default 3) with the scheduler trace on, as always, and as many
times with `notrace` on the command line, in pairs, and prints what
tracing costs each figure, in per cent (docs/bench.md). --pin keeps each
of QEMU's vCPU threads on a host core of its own.
"""
import os
import re
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_kernel  # noqa: E402
import mkinitrd  # noqa: E402
import mkiso  # noqa: E402
import qemu  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
SMP = "2"          # the main runs: the "4 threads on 2 CPUs"
MORE_SMP = "4"     # the contended counter again, on more CPUs
BENCH = os.path.join(qemu.ROOT, BUILD, "user", "bench")

BANNER = "command line '"          # Spindle's banner line
FIRST_LINE = "# user/bench on "     # user/bench's first line, on both kernels
SPINDLE_BOOTS, LINUX_BOOTS = 5, 3   # boots behind each boot-time median

# quiet: the kernel's messages would interleave with bench's lines.
# panic=-1 with QEMU's -no-reboot: if init died anyway, QEMU ends rather
# than hangs. threads-max: Linux's default scales with memory (about 4,000
# threads in 512 MiB), and bench parks 10,000: a limit, not a cost.
LINUX_CMDLINE = "console=ttyS0 quiet panic=-1 sysctl.kernel.threads-max=20000"
FIGURE = re.compile(r"^bench (\S+) (-?[0-9.]+) (\S+)\r?$", re.M)
STATUS = re.compile(r"^# bench: exit status (\d+)\r?$", re.M)
NO_FIGURE = re.compile(r"^# bench: (no .*?)\r?$", re.M)  # why a figure is missing
RUN_TIMEOUT = 480  # seconds for one run of user/bench


class RunFailed(Exception):
    pass


def progress(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)


# Why a figure is missing, as user/bench said it in each run ("# bench: no
# thread_create_join_10000alive: thread 4097: ..."): printed at the end.
missing = []


def figures_in(text, who):
    missing.extend(f"# {who}: {m.group(1)}" for m in NO_FIGURE.finditer(text))
    return {m.group(1): (m.group(2), m.group(3)) for m in FIGURE.finditer(text)}


def time_marks(s, marks, timeout=120, iso=None):
    """Boots with settings s; the seconds from QEMU's start until each of
    marks first appears on the serial port. QEMU is killed once the last
    has appeared."""
    proc = subprocess.Popen(qemu.qemu_argv(s, iso=iso), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    start = time.monotonic()
    os.set_blocking(proc.stdout.fileno(), False)
    out, seen = b"", {}
    try:
        while len(seen) < len(marks):
            data = proc.stdout.read()
            now = time.monotonic()
            if data:
                out += data
                for mark in marks:
                    if mark not in seen and mark.encode() in out:
                        seen[mark] = now - start
            elif proc.poll() is not None or now - start > timeout:
                text = out.decode(errors="replace")
                raise RunFailed(f"the boot never printed {[m for m in marks if m not in seen]}"
                                f" ({'timed out' if proc.poll() is None else 'QEMU ended'}):\n"
                                + text[-2000:])
            else:
                time.sleep(0.002)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return seen


def boot_times(s, marks, runs, iso=None):
    """{mark: median seconds to it} over `runs` boots."""
    samples = {m: [] for m in marks}
    for _ in range(runs):
        for mark, t in time_marks(s, marks, iso=iso).items():
            samples[mark].append(t)
    return {m: statistics.median(t) for m, t in samples.items()}


def spindle_settings(smp, **more):
    return dict(qemu.settings({}), smp=smp, build=BUILD, boot="kernel", **more)


def spindle_boot_figures(tmp):
    """Boot to the banner and to bench's first line, -kernel and GRUB."""
    cmdline = "init=/bin/bench -- boot"  # bench is in the build's initrd
    s = spindle_settings(SMP, cmdline=cmdline)
    direct = boot_times(s, [BANNER, FIRST_LINE], SPINDLE_BOOTS)
    iso = os.path.join(tmp, "bench-boot.iso")
    build = os.path.join(qemu.ROOT, BUILD)
    # GRUB's parser would expand $ and split at ;: quote each word.
    mkiso.make_iso(os.path.join(build, "kernel.elf"), os.path.join(build, "initrd.cpio"),
                   " ".join(f"'{w}'" for w in cmdline.split()), iso)
    grub = boot_times(dict(s, boot="iso"), [BANNER, FIRST_LINE], SPINDLE_BOOTS, iso=iso)
    return {
        "boot_to_banner_qemu_kernel": (f"{direct[BANNER]:.3f}", "s"),
        "boot_to_user_qemu_kernel": (f"{direct[FIRST_LINE]:.3f}", "s"),
        "boot_to_banner_grub_iso": (f"{grub[BANNER]:.3f}", "s"),
        "boot_to_user_grub_iso": (f"{grub[FIRST_LINE]:.3f}", "s"),
    }


def tick_rate(smp=SMP, seconds=5):
    """Timer ticks a second on every CPU: the monitor's `cpus` (ticks per
    CPU) and `uptime`, typed twice `seconds` apart. Under load, fewer than
    HZ (100): interrupts that fall due while the host has the vCPU
    descheduled merge (the kernel counts them as lost_ticks)."""
    s = spindle_settings(smp, cmdline="monitor")
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
                raise RunFailed(f"the monitor did not answer:\n{out.decode(errors='replace')}")
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

    try:
        until(b"spindle> ")
        ticks0, up0 = sample()
        time.sleep(seconds)
        ticks1, up1 = sample()
        proc.stdin.write(b"poweroff\r")
        proc.stdin.flush()
        proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return [(b - a) / (up1 - up0) for a, b in zip(ticks0, ticks1)]


VCPU_THREAD = re.compile(r"^CPU (\d+)/TCG$")  # QEMU's name for a vCPU thread


def descendants(pid):
    """pid's child processes, their children, and so on."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        found += kids
        todo += kids
    return found


def pin_vcpus(proc, smp):
    """Pins each of the smp QEMU vCPU threads under proc to a host core of
    its own (vCPU n to core n modulo the cores), looking until it has
    pinned them all or proc has ended. On a host that
    moves threads freely, both vCPU threads of a 2-CPU guest can share one
    core for a whole run: every cross-CPU wake-up then waits for the host
    to switch threads, and that run's hand-off figures are 4-30 times its
    neighbours' (docs/bench.md)."""
    cores = sorted(os.sched_getaffinity(0))
    pinned = set()
    while proc.poll() is None and len(pinned) < int(smp):
        for pid in descendants(proc.pid):
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    with open(f"/proc/{pid}/task/{tid}/comm") as f:
                        m = VCPU_THREAD.match(f.read().strip())
                    if m and tid not in pinned:
                        os.sched_setaffinity(int(tid), {cores[int(m[1]) % len(cores)]})
                        pinned.add(tid)
                except OSError:
                    pass
        time.sleep(0.05)


def spindle_bench(smp, args=(), cmdline="", pin=False):
    """user/bench on Spindle through tools/run-elf: {name: (value, unit)}.
    pin: QEMU's vCPU threads each on a host core of its own (pin_vcpus)."""
    env = dict(os.environ, SMP=smp, BOOT="kernel", BUILD=BUILD, CMDLINE=cmdline,
               RUN_ELF_TIMEOUT=str(RUN_TIMEOUT), RUN_ELF_IDLE="240")
    if pin:  # QEMU names its threads ("CPU 1/TCG") only when asked
        env["QEMUFLAGS"] = env.get("QEMUFLAGS", "") + " -name spindle,debug-threads=on"
    argv = [os.path.join(qemu.TOOLS, "run-elf"), BENCH, *args]
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if pin:
        pinner = threading.Thread(target=pin_vcpus, args=(proc, smp), daemon=True)
        pinner.start()
    stdout, stderr = proc.communicate()
    r = subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)
    figures = figures_in(r.stdout, f"spindle -smp {smp}")
    if r.returncode != 0 or not figures:
        raise RunFailed(f"{' '.join(argv)} with SMP={smp}: status {r.returncode}, "
                        f"{len(figures)} figures:\n{r.stdout}{r.stderr}")
    return figures


def linux_initramfs(path):
    """An initramfs holding user/bench as /init, and nothing else."""
    with open(BENCH, "rb") as f:
        init = f.read()
    with open(path, "wb") as f:
        f.write(mkinitrd.archive([("init", init, stat.S_IFREG | 0o755)]))
    return path


def linux_boot_figure(vmlinuz, initramfs):
    s = spindle_settings(SMP, kernel=vmlinuz, initrd=initramfs,
                         cmdline=LINUX_CMDLINE + " -- boot")
    seconds = boot_times(s, [FIRST_LINE], LINUX_BOOTS)[FIRST_LINE]
    return {"boot_to_user_qemu_kernel": (f"{seconds:.3f}", "s")}


def linux_bench(vmlinuz, initramfs, smp, args=()):
    """user/bench as Linux's init: {name: (value, unit)}."""
    cmdline = LINUX_CMDLINE + (" -- " + " ".join(args) if args else "")
    s = spindle_settings(smp, kernel=vmlinuz, initrd=initramfs, cmdline=cmdline)
    b = qemu.boot(s, RUN_TIMEOUT, log_path=os.path.join(qemu.ROOT, BUILD, "bench",
                                                        f"linux-smp{smp}.log"))
    figures = figures_in(b.output, f"linux -smp {smp}")
    status = STATUS.search(b.output)
    if b.timed_out or not status or status.group(1) != "0" or not figures:
        why = ("timed out" if b.timed_out else
               "bench never finished (no exit status line)" if not status else
               f"bench exit status {status.group(1)}" if status.group(1) != "0" else
               "no figures")
        raise RunFailed(f"Linux at -smp {smp}: {why}:\n" + b.output[-3000:])
    return figures


def native_bench():
    r = subprocess.run([BENCH], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=RUN_TIMEOUT)
    figures = figures_in(r.stdout, "native")
    if r.returncode != 0 or not figures:
        raise RunFailed(f"{BENCH} natively: status {r.returncode}, {len(figures)} figures:\n"
                        f"{r.stdout}{r.stderr}")
    return figures


def ratio(ours, theirs):
    """Spindle / Linux, with two significant digits even when tiny."""
    try:
        r = float(ours) / float(theirs)
    except (ValueError, ZeroDivisionError):
        return "n/a"
    return f"{r:.2f}" if r >= 0.1 else f"{r:.2g}"


def print_figures(spindle, linux, native):
    """One line per Spindle figure; Linux's and the host's as a comment."""
    for name, (value, unit) in spindle.items():
        notes = []
        if name in linux:
            lv, lu = linux[name]
            notes.append(f"linux {lv} {lu}, ratio {ratio(value, lv)}")
        if name in native:
            notes.append(f"native {' '.join(native[name])}")
        print(f"bench {name} {value} {unit}" + ("   # " + "; ".join(notes) if notes else ""))
    for name, (value, unit) in linux.items():
        if name not in spindle:
            print(f"# {name}: no Spindle figure; linux {value} {unit}")


def split_boot(figures, boot=True):
    """The boot figures of figures, or (boot=False) the others."""
    return {n: v for n, v in figures.items() if n.startswith("boot_") == boot}


def print_report(spindle, linux, native, ticks, vmlinuz):
    kernel_name = f"Linux {linux_kernel.version(vmlinuz)}" if vmlinuz else "Linux (missing)"
    print(f"# Spindle and {kernel_name} in the same QEMU (TCG, -smp {SMP} and "
          f"-smp {MORE_SMP} for the counter, {qemu.settings({})['mem']}); "
          f"ratio = Spindle / Linux; native = this host, not emulated")
    print_figures(split_boot(spindle), split_boot(linux), {})
    for cpu, rate in enumerate(ticks):
        print(f"bench tick_rate_cpu{cpu} {rate:.1f} Hz   # HZ is 100; less on a loaded host")
    print_figures(split_boot(spindle, False), split_boot(linux, False), native)


def tracing_cost(rounds, part=None, pin=False):
    """Runs user/bench `rounds` times with the trace on and as many with it
    off, in pairs (on first in even rounds, off first in odd ones), and
    prints what tracing costs each figure: the median over the pairs of
    on / off - 1 (off / on - 1 for a rate), with the middle half of the
    pairs' costs. A pair's two runs are seconds apart, so a change in the
    host's load touches both; the median of many pairs is what is left.
    pin: each vCPU thread on a host core of its own (pin_vcpus)."""
    runs = {"on": [], "off": []}
    modes = (("on", ""), ("off", "notrace"))
    for i in range(rounds):
        for mode, cmdline in modes if i % 2 == 0 else modes[::-1]:  # no order bias
            progress(f"user/bench on Spindle, -smp {SMP}, trace {mode} ({i + 1}/{rounds})")
            runs[mode].append(spindle_bench(SMP, args=(part,) if part else (),
                                            cmdline=cmdline, pin=pin))
    pinned = ", vCPU threads pinned to host cores" if pin else ""
    print(f"# tracing cost, -smp {SMP}{pinned}: per pair of runs (trace on, off) on / off - 1 for a "
          f"time, off / on - 1 for a rate; the median over {rounds} pairs, and in brackets "
          "the middle half of them")
    for name, (_, unit) in runs["on"][0].items():
        pairs = [(float(a[name][0]), float(b[name][0]))
                 for a, b in zip(runs["on"], runs["off"]) if name in a and name in b]
        pairs = [(on, off) for on, off in pairs if min(on, off) > 0]
        if not pairs:
            continue
        rate = unit in ("MiB/s", "x")
        costs = sorted(((off / on if rate else on / off) - 1) * 100 for on, off in pairs)
        q = statistics.quantiles(costs, n=4) if len(costs) > 1 else costs * 3
        on = statistics.median(p[0] for p in pairs)
        off = statistics.median(p[1] for p in pairs)
        print(f"trace {name}: cost {statistics.median(costs):+.1f} % "
              f"[{q[0]:+.1f} % .. {q[2]:+.1f} %]; median on {on:g} {unit}, off {off:g} {unit}")


def main():
    if sys.argv[1:2] == ["--tracing-cost"]:
        pin = "--pin" in sys.argv
        args = [a for a in sys.argv[2:] if a != "--pin"]
        tracing_cost(int(args[0]) if args else 3, args[1] if len(args) > 1 else None, pin)
        return 0
    started = time.monotonic()
    failures = []
    spindle, linux, native = {}, {}, {}
    ticks = []

    def attempt(what, fn, *args):
        progress(what)
        try:
            return fn(*args)
        except (RunFailed, subprocess.TimeoutExpired) as e:
            failures.append(f"{what}: {e}")
            progress(f"FAILED: {what}")
            return None

    vmlinuz = linux_kernel.kernel()
    if not vmlinuz:
        failures.append("no Linux kernel (see above): no Linux column")
    with tempfile.TemporaryDirectory(prefix="bench.") as tmp:
        spindle.update(attempt("Spindle boot times (-kernel and GRUB)",
                               spindle_boot_figures, tmp) or {})
        ticks = attempt("Spindle timer tick rate", tick_rate) or []
        spindle.update(attempt(f"user/bench on Spindle, -smp {SMP}", spindle_bench, SMP) or {})
        spindle.update(attempt(f"the counter on Spindle, -smp {MORE_SMP}", spindle_bench,
                               MORE_SMP, ["counter"]) or {})
        if vmlinuz:
            initramfs = linux_initramfs(os.path.join(tmp, "linux-initramfs.cpio"))
            linux.update(attempt("Linux boot time", linux_boot_figure, vmlinuz, initramfs) or {})
            linux.update(attempt(f"user/bench on Linux, -smp {SMP}", linux_bench,
                                 vmlinuz, initramfs, SMP) or {})
            linux.update(attempt(f"the counter on Linux, -smp {MORE_SMP}", linux_bench,
                                 vmlinuz, initramfs, MORE_SMP, ["counter"]) or {})
    native.update(attempt("user/bench natively", native_bench) or {})

    print_report(spindle, linux, native, ticks, vmlinuz)
    for line in missing:
        print(line)
    print(f"# make bench took {time.monotonic() - started:.0f} s")
    for failure in failures:
        print(f"bench: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
