#!/usr/bin/env python3
"""Start Spindle in QEMU: the one place that knows QEMU's command line.

usage: qemu.py run | gdbserver | gdb

Settings come from the environment, as `make run` passes them:
  SMP (-smp, as is: "4" or "4,sockets=2,cores=2"), MEM, BOOT (iso|kernel),
  CMDLINE (kernel command line; with BOOT=iso it is baked into the ISO),
  QEMUFLAGS (appended), GDBPORT, BUILD (the build directory).

The test harness imports this module and uses boot() to run a kernel with a
timeout and read back how it ended.
"""
import os
import shlex
import signal
import subprocess
import sys
import tempfile
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
    }


def qemu_argv(s, serial="stdio", iso=None, gdb_halted=False):
    """The QEMU command line for settings s (a dict like settings())."""
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
    ]
    build = os.path.join(ROOT, s["build"])
    if s["boot"] == "kernel":
        argv += ["-kernel", os.path.join(build, "kernel.elf"),
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
    as they came in raw), and seconds taken."""

    def __init__(self, status, output, seconds, timed_out, raw=b""):
        self.status, self.output, self.raw = status, output, raw
        self.seconds, self.timed_out = seconds, timed_out

    def why(self):
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s (hang or deadlock?)"
        return describe_exit(self.status)


def boot(s, timeout, log_path=None, iso=None, until=None, script=()):
    """Boots with settings s, serial captured; kills QEMU after timeout
    seconds, or as soon as the output contains `until` if given. script is
    a list of (text, keys): once the output shows text (counting from where
    the previous step matched), keys are typed on the serial console."""
    argv = qemu_argv(s, serial="stdio", iso=iso)
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if script else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    chunks, timed_out, stopped = [], False, False
    steps, seen_upto = list(script), 0
    while True:
        data = proc.stdout.read()
        if data:
            chunks.append(data)
            if until and until.encode() in b"".join(chunks):
                stopped = True
                break
            out = b"".join(chunks)
            while steps and steps[0][0].encode() in out[seen_upto:]:
                seen_upto = out.index(steps[0][0].encode(), seen_upto) + 1
                proc.stdin.write(steps.pop(0)[1].encode())
                proc.stdin.flush()
        if proc.poll() is not None:
            rest = proc.stdout.read()
            if rest:
                chunks.append(rest)
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            break
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    raw = b"".join(chunks)
    output = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    if log_path:
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        with open(log_path, "w") as f:
            f.write("$ " + " ".join(shlex.quote(a) for a in argv) + "\n" + output)
    status = EXIT_SUCCESS if stopped else proc.returncode
    return Boot(status, output, elapsed, timed_out, raw)


def gdb_argv(s, kernel):
    """GDB with Spindle's symbols and helpers, attached to QEMU's gdbstub.
    The architecture must be set before connecting: QEMU always sends the
    64-bit register set, and GDB would fail with "Remote 'g' packet reply
    is too long" if it still assumed 32-bit code."""
    return ["gdb", "-q", "-nx",
            "-ex", "set architecture i386:x86-64",
            "-ex", f"file {kernel}",
            "-ex", f"source {os.path.join(TOOLS, 'gdb', 'spindle.py')}",
            "-ex", f"target remote localhost:{s['gdbport']}",
            "-ex", "hbreak kmain"]


def main(argv):
    mode = argv[1] if len(argv) > 1 else "run"
    s = settings()
    kernel = os.path.join(ROOT, s["build"], "kernel.elf")
    if mode == "run":
        argv = qemu_argv(s, serial="mon:stdio")
        print("Spindle in QEMU: serial console here; quit with Ctrl-A X.",
              file=sys.stderr)
        code = subprocess.call(argv)
        if code in (0, EXIT_SUCCESS):  # Ctrl-A X, or the kernel powered off
            return 0
        print(f"qemu.py: {describe_exit(code)} (QEMU exit status {code})", file=sys.stderr)
        return code
    if mode == "gdbserver":
        argv = qemu_argv(s, serial="mon:stdio", gdb_halted=True)
        print(f"QEMU is halted, waiting for a debugger on localhost:{s['gdbport']}.\n"
              f"Attach from another terminal with:\n  {shlex.join(gdb_argv(s, kernel))}",
              file=sys.stderr)
        os.execvp(argv[0], argv)
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
