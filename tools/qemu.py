#!/usr/bin/env python3
"""Start Spindle in QEMU: the one place that knows QEMU's command line.

usage: qemu.py run | gdbserver | gdb

Settings come from the environment, as `make run` passes them:
  SMP (-smp, as is: "4" or "4,sockets=2,cores=2"), MEM, BOOT (iso|kernel),
  CMDLINE (kernel command line; with BOOT=iso it is baked into the ISO),
  QEMUFLAGS (appended), GDBPORT, BUILD (the build directory), PROG (a user
  program: `make gdb PROG=NAME` boots with init=/bin/NAME, which the
  Makefile puts in CMDLINE, and GDB loads BUILD/user/NAME's symbols).

The test harness imports this module and uses boot() to run a kernel with a
timeout and read back how it ended.
"""
import os
import queue
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)

# isa-debug-exit: QEMU exits (v << 1) | 1 when the kernel writes v to port
# 0xf4 (kernel/arch/power.h). QEMU's own errors exit 1; a triple fault with
# -no-reboot exits 0: neither can be mistaken for one of these.
EXIT_SUCCESS, EXIT_FAILURE, EXIT_PANIC = 33, 35, 37


def describe_exit(code):
    return {
        EXIT_SUCCESS: "kernel reported success",
        EXIT_FAILURE: "kernel reported failures",
        EXIT_PANIC: "kernel panic",
        0: "machine reset (triple fault?) without the kernel exiting",
        1: "QEMU failed to start (see its message above)",
    }.get(code, f"unexpected QEMU exit status {code}")


def settings(env=os.environ):
    return {
        "smp": env.get("SMP") or "4",
        "mem": env.get("MEM") or "512M",
        "boot": env.get("BOOT") or "iso",
        "cmdline": env.get("CMDLINE", ""),
        "qemuflags": env.get("QEMUFLAGS", ""),
        "gdbport": env.get("GDBPORT") or "1234",
        "build": env.get("BUILD") or "build",
        "prog": env.get("PROG", ""),
    }


def qemu_argv(s, serial="stdio", iso=None, gdb_halted=False):
    """The QEMU command line for settings s (a dict like settings()). With
    BOOT=kernel, s may also name another "kernel" and "initrd" to load:
    tools/bench.py boots Linux with exactly the flags Spindle gets."""
    argv = [
        "qemu-system-x86_64",
        "-machine", "q35",
        "-cpu", "max",
        "-accel", "tcg,thread=multi",
        "-smp", s["smp"],
        "-m", s["mem"],
        "-no-reboot",
        "-display", "none",
        "-serial", serial,
        "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
        "-nic", "none",  # Spindle has no network driver; its option ROM costs 60 ms
    ]
    build = os.path.join(ROOT, s["build"])
    if s["boot"] == "kernel":
        argv += ["-kernel", s.get("kernel") or os.path.join(build, "kernel.elf"),
                 "-initrd", s.get("initrd") or os.path.join(build, "initrd.cpio")]
        if s["cmdline"]:
            argv += ["-append", s["cmdline"]]
    elif s["boot"] == "iso":
        argv += ["-cdrom", iso or os.path.join(build, "spindle.iso"), "-boot", "d"]
    else:
        sys.exit(f"qemu.py: BOOT must be 'iso' or 'kernel', not {s['boot']!r}")
    if gdb_halted:
        argv += ["-S", "-gdb", f"tcp::{s['gdbport']}"]
    return argv + shlex.split(s["qemuflags"])


class Boot:
    """How one boot ended: status, its serial output (text, and the bytes
    as they came in raw), and seconds taken. timed_out is true when the
    runner killed QEMU: stalled says it was for want of progress (no output
    line for idle_timeout seconds) rather than the overall cap; tasks is
    what the kernel printed after Ctrl-T was sent (its task list).
    longest_wait is (seconds, line): the longest the boot went without an
    output line, and the line that ended that wait."""

    def __init__(self, status, output, seconds, timed_out, raw=b"", stalled=False,
                 idle_timeout=None, tasks="", longest_wait=(0.0, "")):
        self.status, self.output, self.raw = status, output, raw
        self.seconds, self.timed_out = seconds, timed_out
        self.stalled, self.idle_timeout, self.tasks = stalled, idle_timeout, tasks
        self.longest_wait = longest_wait

    def why(self):
        if self.stalled:
            return (f"made no progress: no output line for {self.idle_timeout:.0f} s "
                    f"(hang or deadlock?), killed after {self.seconds:.0f} s")
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s (hang or deadlock?)"
        return describe_exit(self.status)


# Ctrl-T on the serial console: the kernel prints every task and what it
# waits on (kernel/base/console.c), whatever is running. Sent before a hung
# boot is killed, so that its log says where it hung.
STATUS_KEY = b"\x14"
STATUS_WAIT = 3  # seconds to let the task list come out


# Starts the line boot() adds to the output when it gives up on a boot:
# what comes after it (the task list, late lines) is not the boot's own.
GAVE_UP_MARK = "[qemu.py: "


def output_before_giving_up(output):
    """The part of a boot's output that came before boot() gave up on it."""
    return output.split("\n" + GAVE_UP_MARK, 1)[0]


def boot(s, timeout, log_path=None, iso=None, until=None, script=(), idle_timeout=None):
    """Boots with settings s, serial captured; kills QEMU after timeout
    seconds, or as soon as the output contains `until` if given. script is
    a list of (text, keys): once the output shows text (counting from where
    the previous step matched), keys are typed on the serial console.

    idle_timeout, if given, is a budget for progress: each output line
    restarts it, and when it runs out the boot is given up as hung. Before
    QEMU is killed for either timeout, Ctrl-T asks the kernel for its task
    list, which goes into the output and the log."""
    argv = qemu_argv(s, serial="stdio", iso=iso)
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    chunks, timed_out, stopped, stalled = [], False, False, False
    out = bytearray()
    steps, seen_upto = list(script), 0
    last_line = start
    silence = (0.0, 0)  # the longest wait for a line so far, and where it ended
    while True:
        data = proc.stdout.read()
        now = time.monotonic()
        if data:
            # One growing buffer, searched only where new text can
            # match: a boot that prints megabytes (a trace dump) stays
            # linear instead of re-joining everything on each read.
            searched = max(0, len(out) - 4096)
            out += data
            chunks.append(data)
            if b"\n" in data:
                first_end = len(out) - len(data) + data.index(b"\n")
                silence = max(silence, (now - last_line, first_end))
                last_line = now
            if until and out.find(until.encode(), searched) >= 0:
                stopped = True
                break
            while steps and out.find(steps[0][0].encode(), seen_upto) >= 0:
                seen_upto = out.index(steps[0][0].encode(), seen_upto) + 1
                proc.stdin.write(steps.pop(0)[1].encode())
                proc.stdin.flush()
        if proc.poll() is not None:
            rest = proc.stdout.read()
            if rest:
                chunks.append(rest)
            break
        if idle_timeout and now - last_line > idle_timeout:
            stalled = timed_out = True
            break
        if now - start > timeout:
            timed_out = True
            break
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    tasks = b""
    if timed_out:
        chunks.append(b"\n" + GAVE_UP_MARK.encode() + (f"no output line for {idle_timeout:.0f} s" if stalled
                                         else f"timed out after {elapsed:.0f} s").encode()
                      + b": sent Ctrl-T for the kernel's task list]\n")
        tasks = ask_for_tasks(proc)
        chunks.append(tasks)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    raw = b"".join(chunks)
    output = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    ended = out[:silence[1]].rsplit(b"\n", 1)[-1].decode("utf-8", "replace").strip()
    longest_wait = (silence[0], ended[:100])
    if log_path:
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        with open(log_path, "w") as f:
            f.write("$ " + " ".join(shlex.quote(a) for a in argv) + "\n" + output)
            # How close the boot came to idle_timeout, for a test's progress.
            f.write(f"\n[qemu.py: longest wait for an output line {silence[0]:.1f} s, "
                    f"ended by: {ended[:100]}]\n")
    status = EXIT_SUCCESS if stopped else proc.returncode
    return Boot(status, output, elapsed, timed_out, raw, stalled, idle_timeout,
                tasks.decode("utf-8", "replace").replace("\r\n", "\n"), longest_wait)


def ask_for_tasks(proc):
    """Sends Ctrl-T to a running QEMU's serial console and returns what
    comes back within STATUS_WAIT seconds."""
    got = []
    try:
        proc.stdin.write(STATUS_KEY)
        proc.stdin.flush()
    except OSError:
        return b""
    end = time.monotonic() + STATUS_WAIT
    while time.monotonic() < end and proc.poll() is None:
        data = proc.stdout.read()
        if data:
            got.append(data)
        time.sleep(0.02)
    return b"".join(got)


# A shell prompt at the start of a line: where run_piped types the next line.
PROMPT = re.compile(rb"(?:^|\n)\$ ")
EOT = b"\x04"  # Ctrl-D: end of input on the console (kernel/dev/tty.c)


def run_piped(argv, stdin, stdout):
    """`make run` with standard input not a terminal (a script pipes
    commands in). QEMU's UART takes input only once the kernel listens:
    bytes sent earlier are dropped, and so may be the first one after a
    pause. So input is held back and given one line at a time, each when
    the shell's prompt `$ ` starts a line of the output, as a person would
    type it. When the input ends, the next prompt gets Ctrl-D (end of
    file): the shell exits, init exits, and the kernel powers QEMU off.
    Returns QEMU's exit status."""
    lines = queue.Queue()

    def read_input():
        for line in iter(stdin.readline, b""):
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read_input, daemon=True).start()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, typed_upto, at_prompt, ended = b"", 0, False, False
    try:
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if ready:
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    break
                stdout.write(data)
                stdout.flush()
                out += data
                at_prompt = at_prompt or PROMPT.search(out, typed_upto) is not None
            if at_prompt and not ended:
                try:
                    line = lines.get_nowait()
                except queue.Empty:
                    continue
                if line is None:
                    line, ended = EOT, True
                elif not line.endswith(b"\n"):  # the last line, unfinished
                    line += b"\n"
                proc.stdin.write(line.replace(b"\r\n", b"\n"))
                proc.stdin.flush()
                typed_upto, at_prompt = len(out), False
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def gdb_argv(s, kernel):
    """GDB with Spindle's symbols and helpers, attached to QEMU's gdbstub.
    The architecture must be set before connecting: QEMU always sends the
    64-bit register set, and GDB would fail with "Remote 'g' packet reply
    is too long" if it still assumed 32-bit code. With s["prog"], the user
    program's symbols are loaded too (spindle-user, tools/gdb/spindle_user.py)."""
    argv = ["gdb", "-q", "-nx",
            "-ex", "set architecture i386:x86-64",
            "-ex", f"file {kernel}",
            "-ex", f"source {os.path.join(TOOLS, 'gdb', 'spindle.py')}"]
    if s.get("prog"):
        user = os.path.join(os.path.dirname(kernel), "user", s["prog"])
        argv += ["-ex", f"spindle-user {user}"]
    return argv + ["-ex", f"target remote localhost:{s['gdbport']}",
                   "-ex", "hbreak kmain"]


def main(argv):
    mode = argv[1] if len(argv) > 1 else "run"
    s = settings()
    kernel = os.path.join(ROOT, s["build"], "kernel.elf")
    if mode == "run":
        if sys.stdin.isatty():
            argv = qemu_argv(s, serial="mon:stdio")
            print("Spindle in QEMU: serial console here; quit with Ctrl-A X.",
                  file=sys.stderr)
            code = subprocess.call(argv)
        else:  # a script pipes commands in: no QEMU monitor on Ctrl-A
            code = run_piped(qemu_argv(s, serial="stdio"), sys.stdin.buffer,
                             sys.stdout.buffer)
        if code in (0, EXIT_SUCCESS):  # Ctrl-A X, or the kernel powered off
            return 0
        print(f"qemu.py: {describe_exit(code)} (QEMU exit status {code})", file=sys.stderr)
        return code
    if mode == "gdbserver":
        argv = qemu_argv(s, serial="mon:stdio", gdb_halted=True)
        print(f"QEMU is halted, waiting for a debugger on localhost:{s['gdbport']}.\n"
              f"Attach from another terminal with:\n  {shlex.join(gdb_argv(s, kernel))}",
              file=sys.stderr)
        code = subprocess.call(argv)
        if code in (0, EXIT_SUCCESS):  # Ctrl-A X, or the kernel powered off
            return 0
        print(f"qemu.py: {describe_exit(code)} (QEMU exit status {code})", file=sys.stderr)
        return code
    if mode == "gdb":
        log = os.path.join(ROOT, s["build"], "serial.log")
        qemu = subprocess.Popen(qemu_argv(s, serial=f"file:{log}", gdb_halted=True),
                                start_new_session=True)
        print(f"Spindle is halted at its first instruction; the serial console "
              f"goes to {log}\n(watch it with: tail -f {log}). "
              f"`continue` runs to kmain.", file=sys.stderr)
        try:
            time.sleep(0.3)
            if qemu.poll() is not None:  # e.g. the port is taken: GDB would attach there
                sys.exit(f"qemu.py: QEMU did not start (exit status {qemu.returncode}); "
                         f"if port {s['gdbport']} is in use, pick another with GDBPORT=")
            # Ctrl-C belongs to GDB (it stops the kernel), but the terminal
            # sends it to this process too: ignore it here, or it would kill
            # GDB with us. A no-op handler, not SIG_IGN, which GDB would inherit.
            signal.signal(signal.SIGINT, lambda signum, frame: None)
            return subprocess.call(gdb_argv(s, kernel))
        finally:
            if qemu.poll() is None:
                os.killpg(qemu.pid, signal.SIGTERM)
            qemu.wait()
    sys.exit(f"usage: {argv[0]} run|gdbserver|gdb")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
