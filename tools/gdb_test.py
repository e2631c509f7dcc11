#!/usr/bin/env python3
"""Checks that GDB can debug Spindle the way `make gdb` sets it up.

usage: gdb_test.py [BUILD_DIR]     (default build/debug: make DEBUG=1 first)

run(root, build_dir, port) runs three sessions, one after the other. Each
boots BUILD_DIR/kernel.elf with QEMU -kernel, halted, with its gdbstub on
port (a free one if None), and drives `gdb -batch` with the preamble of
`make gdb` (qemu.gdb_argv: architecture set before connecting, symbols,
tools/gdb/spindle.py, `hbreak kmain`; with a user program, as `make gdb
PROG=NAME`: init=/bin/NAME and spindle-user). It returns one (name, ok,
diagnostic) for each behaviour.

The kernel session (one CPU, no program): continue, next, print, bt:

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

The hello session (PROG=hello, one CPU): from user main into the kernel:

  user_main_breakpoint           `break main` stops in user/hello.c's main
  stepi_enters_syscall_entry     `stepi` at write()'s syscall instruction
                                 lands in the kernel's syscall_entry
  syscall_backtrace_kernel_then_user
                                 in sys_write, `bt` shows sys_write,
                                 syscall_dispatch, syscall_entry, then the
                                 user's write and main, by name
  finish_returns_to_user_code    three `finish`es end in user code (below
                                 0x800000000000) just after the syscall

The waiters session (PROG=waiters, two CPUs): user/waiters parks three
threads on one futex and calls all_waiting():

  futex_lists_the_three_waiters  spindle-futex: the three threads, blocked,
                                 on the futex at &parked
  runqueues_show_main_running    spindle-runqueues: waiters' main thread
                                 running on a CPU, named with its GDB thread

Each session runs under its own deadline (generous: nothing is timed, a
slow host only takes longer); QEMU is killed on every path. The GDB
sessions are written to BUILD_DIR/gdb-test[.SESSION].log, the serial
consoles to BUILD_DIR/gdb-test[.SESSION].serial.log.
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

# GDB gets this long for a whole session (kmain is reached in about a
# second, a user program's main in a few); QEMU is killed right after.
GDB_TIMEOUT = 120
USER_TOP = 0x0000800000000000
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
# With PROG=hello: from user main into write(), stepi on to the `syscall`
# instruction it reaches (through syscall_cp and the cancellable stub, as a
# student would step: each stepi, then look), one stepi into the kernel, on
# to the C handler, and back out.
TO_SYSCALL = ("python exec('for _ in range(400):\\n"
              " if int(gdb.parse_and_eval(\"*(unsigned short *)$pc\")) == 0x050f: break\\n"
              " gdb.execute(\"stepi\", to_string=True)')")
HELLO_STEPS = [
    ("continue", ["continue"]),
    ("main", ["break main", "continue"]),
    ("syscall", ["break write", "continue", TO_SYSCALL, "x/i $pc", "print/x $pc"]),
    ("stepi", ["stepi", "frame"]),
    ("handler", ["break sys_write", "continue", "bt"]),
    ("finish", ["finish", "finish", "finish", "frame", "print/x $pc"]),
]

# With PROG=waiters on two CPUs: the helpers while three threads sleep.
WAITERS_STEPS = [
    ("continue", ["continue"]),
    ("parked", ["break all_waiting", "continue", "print/x &parked"]),
    ("futex", ["spindle-futex"]),
    ("runqueues", ["spindle-runqueues"]),
]
MARK = "@@section "


def free_port():
    """A TCP port nothing listens on now, from the kernel's ephemeral range
    (so never the 1234 a student's `make gdb` may be using)."""
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def gdb_command_line(s, kernel, steps):
    """`make gdb`'s GDB command line, in batch mode, then every step, each
    after a marker line that split_sections finds."""
    argv = qemu.gdb_argv(s, kernel)
    argv.insert(1, "-batch")
    for section, commands in steps:
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


def run_session(root, build_dir, port, steps, smp="1", prog="", log_name="gdb-test"):
    """Runs QEMU and GDB; returns (GDB's output, a note on how the session
    ended, or '' if normally)."""
    build = os.path.join(root, build_dir)
    s = dict(qemu.settings({}), smp=smp, boot="kernel", build=build, gdbport=str(port),
             prog=prog, cmdline=f"init=/bin/{prog}" if prog else "")
    kernel = os.path.join(build, "kernel.elf")
    qemu_argv = qemu.qemu_argv(s, serial=f"file:{os.path.join(build, log_name + '.serial.log')}",
                               gdb_halted=True)
    gdb_argv = gdb_command_line(s, kernel, steps)
    with open(os.path.join(build, log_name + ".log"), "w") as log:
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


def frame_names(bt):
    """The function names of a backtrace's frames, in order."""
    return re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+) \(", bt, re.M)


def kernel_then_user(bt):
    """Whether bt goes sys_write, syscall_dispatch, syscall_entry, then
    (after any inlined helpers) the user's write and main."""
    names = frame_names(bt)
    if names[:3] != ["sys_write", "syscall_dispatch", "syscall_entry"]:
        return False
    user = names[3:]
    return "write" in user and "main" in user and user.index("write") < user.index("main") \
        and re.search(r" main \(.*\) at user/hello\.c:\d+$", bt, re.M) is not None


def last_pc(section):
    """The value of the section's last `print/x $pc`, or None."""
    m = re.findall(r"^\$\d+ = (0x[0-9a-f]+)$", section, re.M)
    return int(m[-1], 16) if m else None


def at_syscall(sec):
    """The user address the stepping stopped at, if it is a `syscall`."""
    pc = last_pc(sec["syscall"])
    shown = re.search(r"^=> 0x[0-9a-f]+ <[^>]*>:\s+syscall\s*$", sec["syscall"], re.M)
    return pc if shown and pc is not None and pc < USER_TOP else None


def pc_after_syscall(sec):
    """Whether the last `print/x $pc` is the instruction after the syscall
    (a syscall instruction is 2 bytes), in user space."""
    syscall, pc = at_syscall(sec), last_pc(sec["finish"])
    return syscall is not None and pc == syscall + 2


def parked_address(sec):
    m = re.search(r"^\$\d+ = (0x[0-9a-f]+)", sec["parked"], re.M)
    return int(m.group(1), 16) if m else None


def three_waiters_on_parked(sec):
    address = parked_address(sec)
    lines = [line for line in sec["futex"].splitlines()
             if re.search(r"^\s+futex 0x[0-9a-f]+ \(private.*: tid \d+ waiters \(pid \d+\) "
                          r"blocked", line)]
    return address is not None and len(lines) == 3 and all(
        f"futex {address:#x} " in line for line in lines)


HELLO_CHECKS = [
    ("user_main_breakpoint",
     "`break main`, `continue`: 'Breakpoint 2, main (...) at user/hello.c:LINE'",
     ["preamble", "main"],
     lambda sec, out: re.search(r"Breakpoint 2, main \(.*\) at user/hello\.c:\d+",
                                sec["main"]) is not None),
    ("stepi_enters_syscall_entry",
     "`stepi` at write()'s syscall instruction to stop in syscall_entry",
     ["syscall", "stepi"],
     lambda sec, out: re.search(r"^#0\s+(0x[0-9a-f]+ in )?syscall_entry \(\)",
                                sec["stepi"], re.M) is not None),
    ("syscall_backtrace_kernel_then_user",
     "`bt` in sys_write: sys_write, syscall_dispatch, syscall_entry, then write and main "
     "(user/hello.c)",
     ["handler"],
     lambda sec, out: kernel_then_user(sec["handler"])),
    ("finish_returns_to_user_code",
     "three `finish`es to end at the user instruction after the syscall",
     ["finish"],
     lambda sec, out: pc_after_syscall(sec)),
]

WAITERS_CHECKS = [
    ("futex_lists_the_three_waiters",
     "spindle-futex: three 'tid N waiters (pid P) blocked' lines on the futex at &parked",
     ["parked", "futex"],
     lambda sec, out: three_waiters_on_parked(sec)),
    ("runqueues_show_main_running",
     "spindle-runqueues: 'cpu N (thread M): running tid T waiters' for one CPU",
     ["parked", "runqueues"],
     lambda sec, out: len(re.findall(r"^cpu \d+ \(thread \d+\): running tid \d+ waiters;",
                                     sec["runqueues"], re.M)) == 1),
]


def shorten(line, width=160):
    """line, cut to width (GDB can print a whole register packet)."""
    return line if len(line) <= width else line[:width] + " ..."


def check(root, build_dir, log_name, steps, checks, output, note):
    """Applies checks to a session's output: [(name, ok, diagnostic)]."""
    sec = split_sections(output)
    sec.update({name: "" for name, _ in steps if name not in sec})
    results = []
    for name, expected, shown, passes in checks:
        if passes(sec, output):
            results.append((name, True, ""))
            continue
        lines = [f"expected {expected}"] + [note] * bool(note)
        for section in shown:
            lines += [f"GDB ({section}):"] + ["  " + shorten(line)
                                              for line in sec[section].splitlines()]
        lines.append(f"whole session: {os.path.join(root, build_dir, log_name + '.log')}")
        results.append((name, False, "\n".join(lines)))
    return results


def run(root, build_dir, port=None):
    """The checks above, as a list of (name, ok, diagnostic); build_dir is
    relative to root (or absolute), port None picks a free one."""
    kernel = os.path.join(root, build_dir, "kernel.elf")
    all_checks = CHECKS + HELLO_CHECKS + WAITERS_CHECKS
    missing = [tool for tool in ("qemu-system-x86_64", "gdb")
               if not shutil.which(tool)]
    if missing or not os.path.exists(kernel):
        why = (f"not installed: {', '.join(missing)}" if missing else
               f"no kernel at {kernel} (make DEBUG=1 build/debug/kernel.elf)")
        return [(name, False, why) for name, _, _, _ in all_checks]
    output, note = run_session(root, build_dir, port or free_port(), STEPS)
    results = check(root, build_dir, "gdb-test", STEPS, CHECKS, output, note)

    output, note = run_session(root, build_dir, port or free_port(), HELLO_STEPS, prog="hello",
                               log_name="gdb-test.hello")
    results += check(root, build_dir, "gdb-test.hello", HELLO_STEPS, HELLO_CHECKS, output, note)

    output, note = run_session(root, build_dir, port or free_port(), WAITERS_STEPS, smp="2",
                               prog="waiters", log_name="gdb-test.waiters")
    results += check(root, build_dir, "gdb-test.waiters", WAITERS_STEPS, WAITERS_CHECKS,
                     output, note)
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
