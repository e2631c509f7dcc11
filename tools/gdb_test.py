#!/usr/bin/env python3
"""Checks that GDB can debug Spindle the way `make gdb` sets it up.

usage: gdb_test.py [BUILD_DIR]     (default build/debug: make DEBUG=1 first)

run(root, build_dir, port) boots BUILD_DIR/kernel.elf with QEMU -kernel on
one CPU, halted, with its gdbstub on port (a free one if None). It drives
`gdb -batch` with the preamble of `make gdb` (qemu.gdb_argv: architecture
set before connecting, symbols, tools/gdb/spindle.py, `hbreak kmain`), then
continue, next, print, bt, and returns one (name, ok, diagnostic) for each
behaviour:

  connects_with_64bit_registers  no "Remote 'g' packet reply is too long";
                                 the registers read (rip at reset)
  stops_at_kmain_breakpoint      `continue` stops in kmain at kernel/main.c:N
  finds_kmain_source             `info source` locates kernel/main.c
  next_steps_to_a_later_line     three `next`s end on a later line of kmain
  prints_kmain_parameter         loader_magic is the PVH magic, not
                                 <optimized out>
  backtrace_starts_in_kmain      `bt` frame #0 is kmain, with file:line
  pagewalk_translates_kmain      spindle-pagewalk maps kmain's address to
                                 its physical address (image at KERNEL_VMA)

Everything runs under one deadline; QEMU is killed on every path. The GDB
session is written to BUILD_DIR/gdb-test.log, the serial console to
BUILD_DIR/gdb-test.serial.log.
"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

# GDB gets this long for the whole session (kmain is reached in about a
# second); QEMU is killed right after. Both stay well under a minute.
GDB_TIMEOUT = 40
KERNEL_VMA = 0xFFFFFFFF80000000  # kernel/base/layout.h: image = KERNEL_VMA + phys
PVH_MAGIC = 0x336EC578  # boot/boot.h BOOT_MAGIC_PVH: kmain's loader_magic
NEXTS = 3

# (section, GDB commands): each section's output is checked on its own.
STEPS = [
    ("registers", ["info registers rip"]),
    ("continue", ["continue"]),
    ("source", ["info source"]),
    ("next", ["next"] * NEXTS + ["frame"]),
    ("print", ["print/x loader_magic"]),
    ("bt", ["bt"]),
    ("pagewalk", ["print/x &kmain", "spindle-pagewalk kmain"]),
]
MARK = "@@section "


def free_port():
    """A TCP port nothing listens on now, from the kernel's ephemeral range
    (so never the 1234 a student's `make gdb` may be using)."""
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def gdb_command_line(s, kernel):
    """`make gdb`'s GDB command line, in batch mode, then every step, each
    after a marker line that split_sections finds."""
    argv = qemu.gdb_argv(s, kernel)
    argv.insert(1, "-batch")
    for section, commands in STEPS:
        argv += ["-ex", f"echo \\n{MARK}{section}\\n"]
        for command in commands:
            argv += ["-ex", command]
    return argv


def split_sections(output):
    """{section: its output}; what came before the first marker is
    'preamble' (connecting, loading, the breakpoint)."""
    sections, name = {"preamble": []}, "preamble"
    for line in output.splitlines():
        if line.startswith(MARK):
            name = line[len(MARK):]
            sections[name] = []
        else:
            sections[name].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def run_session(root, build_dir, port):
    """Runs QEMU and GDB; returns (GDB's output, a note on how the session
    ended, or '' if normally)."""
    build = os.path.join(root, build_dir)
    s = dict(qemu.settings({}), smp="1", boot="kernel", build=build, gdbport=str(port))
    kernel = os.path.join(build, "kernel.elf")
    qemu_argv = qemu.qemu_argv(s, serial=f"file:{os.path.join(build, 'gdb-test.serial.log')}",
                               gdb_halted=True)
    gdb_argv = gdb_command_line(s, kernel)
    with open(os.path.join(build, "gdb-test.log"), "w") as log:
        for argv in (qemu_argv, gdb_argv):
            log.write("$ " + " ".join(shlex.quote(a) for a in argv) + "\n")
        log.flush()
        vm = subprocess.Popen(qemu_argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True, cwd=root)
        try:
            gdb = subprocess.Popen(gdb_argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True, cwd=root)
            note = ""
            try:
                output, _ = gdb.communicate(timeout=GDB_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(gdb.pid, signal.SIGKILL)
                output, _ = gdb.communicate()
                note = f"GDB did not finish in {GDB_TIMEOUT} s and was killed"
        finally:
            if vm.poll() is None:
                os.killpg(vm.pid, signal.SIGKILL)
            else:
                note = note or f"QEMU exited by itself (status {vm.returncode})"
            vm.wait()
            qemu_err = vm.stderr.read().decode("utf-8", "replace").strip()
            vm.stderr.close()
        if qemu_err and not qemu_err.startswith("qemu-system-x86_64: terminating on signal"):
            note = f"{note}; QEMU said: {qemu_err}" if note else f"QEMU said: {qemu_err}"
        output = output.decode("utf-8", "replace")
        log.write(output + (f"\n# {note}\n" if note else ""))
    return output, note


def kmain_line(pattern, text):
    """The kernel/main.c line number in the first line of text matching
    pattern (which ends in 'kmain (...) at'), or None."""
    m = re.search(pattern + r" kernel/main\.c:(\d+)$", text, re.M)
    return int(m.group(1)) if m else None


def breakpoint_line(sec):
    """Where `continue` stopped at the kmain breakpoint, or None."""
    return kmain_line(r"^Breakpoint 1, kmain \(.*\) at", sec["continue"])


def next_stepped_forward(sec):
    """Whether the `next`s ended in kmain, on a line after the breakpoint."""
    start = breakpoint_line(sec)
    end = kmain_line(r"^#0\s+kmain \(.*\) at", sec["next"])
    return start is not None and end is not None and end > start


# Each check: (name, what it expects, the sections shown when it fails,
# a predicate on (sections, whole output)).
CHECKS = [
    ("connects_with_64bit_registers",
     "`info registers rip` to show rip, and no 'g' packet error",
     ["preamble", "registers"],
     lambda sec, out: "Remote 'g' packet reply is too long" not in out
     and re.search(r"^rip\s+0x[0-9a-f]+", sec["registers"], re.M) is not None),
    ("stops_at_kmain_breakpoint",
     "'Breakpoint 1, kmain (...) at kernel/main.c:LINE'",
     ["preamble", "continue"],
     lambda sec, out: breakpoint_line(sec) is not None),
    ("finds_kmain_source",
     "`info source`: 'Located in .../kernel/main.c', a file that exists",
     ["source"],
     lambda sec, out: any(os.path.exists(path) for path in re.findall(
         r"^Located in (\S*kernel/main\.c)$", sec["source"], re.M))),
    ("next_steps_to_a_later_line",
     f"{NEXTS} `next`s to end in kmain on a line after the breakpoint's",
     ["continue", "next"],
     lambda sec, out: next_stepped_forward(sec)),
    ("prints_kmain_parameter",
     f"`print/x loader_magic` to show {PVH_MAGIC:#x} (a PVH boot), not <optimized out>",
     ["print"],
     lambda sec, out: re.search(rf"^\$\d+ = {PVH_MAGIC:#x}$", sec["print"], re.M) is not None),
    ("backtrace_starts_in_kmain",
     "`bt` frame #0: 'kmain (...) at kernel/main.c:LINE'",
     ["bt"],
     lambda sec, out: kmain_line(r"\A#0\s+kmain \(.*\) at", sec["bt"]) is not None),
    ("pagewalk_translates_kmain",
     "`spindle-pagewalk kmain` to end in 'physical P' with P = &kmain - KERNEL_VMA",
     ["pagewalk"],
     lambda sec, out: any(f"\nphysical {int(a, 16) - KERNEL_VMA:#x}  (" in sec["pagewalk"]
                          for a in re.findall(r"^\$\d+ = (0x[0-9a-f]+)$", sec["pagewalk"], re.M))),
]


def shorten(line, width=160):
    """line, cut to width (GDB can print a whole register packet)."""
    return line if len(line) <= width else line[:width] + " ..."


def run(root, build_dir, port=None):
    """The checks above, as a list of (name, ok, diagnostic); build_dir is
    relative to root (or absolute), port None picks a free one."""
    kernel = os.path.join(root, build_dir, "kernel.elf")
    missing = [tool for tool in ("qemu-system-x86_64", "gdb") if not shutil.which(tool)]
    if missing or not os.path.exists(kernel):
        why = (f"not installed: {', '.join(missing)}" if missing else
               f"no kernel at {kernel} (make DEBUG=1 build/debug/kernel.elf)")
        return [(name, False, why) for name, _, _, _ in CHECKS]
    output, note = run_session(root, build_dir, port or free_port())
    sec = split_sections(output)
    sec.update({name: "" for name, _ in STEPS if name not in sec})
    results = []
    for name, expected, shown, passes in CHECKS:
        if passes(sec, output):
            results.append((name, True, ""))
            continue
        lines = [f"expected {expected}"] + [note] * bool(note)
        for section in shown:
            lines += [f"GDB ({section}):"] + ["  " + shorten(line)
                                              for line in sec[section].splitlines()]
        lines.append(f"whole session: {os.path.join(root, build_dir, 'gdb-test.log')}")
        results.append((name, False, "\n".join(lines)))
    return results


def main(argv):
    build_dir = argv[1] if len(argv) > 1 else os.path.join("build", "debug")
    results = run(qemu.ROOT, build_dir)
    for name, ok, diagnostic in results:
        print(f"{'ok' if ok else 'not ok'} {name}")
        for line in diagnostic.splitlines():
            print(f"    # {line}")
    failed = sum(not ok for _, ok, _ in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
