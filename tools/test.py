#!/usr/bin/env python3
"""Spindle's test suite: boots the kernel many ways and collects KTAP.

usage: test.py [--smp "1 4"] [--only SUBSTRING] [--list] [--no-build]

Each group is one QEMU boot (or one GDB session) with a timeout:
  smpN.ktest         every in-kernel test (ktest=all), QEMU -kernel, -smp N,
                     for N in SMP_MATRIX (1, 2, 4, 8 CPUs; the mixed topologies
                     run the suites that use the topology, TOPOLOGY_SUITES)
  smpN.POLICY.sched  the scheduler suite under each other policy (sched=)
  grub.ktest         the suites that read what the loader gave (LOADER_SUITES),
                     booted by GRUB from an ISO
  mem8g.pmm          the page-allocator suite with 8 GiB of memory
  console            typing at the kernel monitor over the serial line
  native.user.PROG   user/test_PROG.c, the same static binary, run on the Linux
                     host; every smpN.user.PROG group must report the same
                     tests with the same results
  glibc.user.PROG    the portable test programs (standard headers only)
                     compiled against glibc (gcc -pthread) and run on the host
  smpN.musl.PROG     user/musl/PROG.c built with musl-gcc, run on the host and
                     through tools/run-elf (-smp 1 and 4): same stdout, same status
  smp4.user.DEMO     a demo in user/ (race, pool, async...) booted as init
                     on 4 CPUs: its output must show what it demonstrates
  smpN.fuzz          user/fuzz.c, random system calls for about 60 s (Spindle
                     only): no panic, no hang
  smpN.death.T       one death test T (it must panic with the expected report)
  smpN.pipe.kernel, smp4.pipe.iso
                     `printf 'echo hello\\nexit\\n' | tools/qemu.py run`, as
                     `make run` runs it: prints hello, exits 0
  gdb                GDB drives a halted kernel (tools/gdb_test.py)
  trace.race         `make trace PROG=race SMP=4` (tools/trace.py): the trace
                     dump comes back and its Chrome trace JSON passes the
                     schema check (fields, no overlapping slices on a CPU,
                     every switch-in has its switch-out); and `make trace
                     PROG=waiters SMP=2 SYSCALLS=1`: system calls are slices
                     on the threads' tracks, futex waits nested in them
  layers             tools/layers.py: the kernel's dependencies point down
  labs               every lab's skeleton: builds with gcc and clang, grades
                     below full naming the stub; the markers and the lab table
  ktest.list         only if the ktest=list boot failed (it says why)

It runs make first (--no-build: don't), so nothing stale is tested.
Output is KTAP, one subtest per group, then "N passed, N failed". A group
whose boot panicked, reset or hung fails, and its log's tail is shown;
every boot's whole log is in BUILD/test-logs/. A boot hangs when it prints
no line for STALL_TIMEOUT seconds: the kernel's task list (Ctrl-T) goes
into the log, a failed case names the test that was running, and the
suite goes on.
"""
import argparse
import difflib
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
LOGS = os.path.join(qemu.ROOT, BUILD, "test-logs")
# A boot fails when it makes no progress: no output line for STALL_TIMEOUT
# seconds (each line restarts the clock, so a slow, loaded host is not a
# hang). The other limits are overall caps, generous, for a boot that keeps
# printing but never ends.
STALL_TIMEOUT = 60
KTEST_TIMEOUT = 1200
DEATH_TIMEOUT = 180
USER_TIMEOUT = 900
USER_SMPS = ["1", "4"]  # user programs run on 1 and 4 CPUs
MUSL_ARGS = ["one", "two"]  # the same arguments on the host and on Spindle
TAIL_LINES = 25
# Every in-kernel test runs on each of these -smp values, mixed topologies
# included; death tests run on the first and the one after (1 and 2 CPUs).
SMP_MATRIX = ["1", "2", "4", "8", "4,sockets=2,cores=2", "4,sockets=1,cores=2,threads=2"]
DEATH_SMP = 2
# What each boot of the matrix runs: ktest=all on 1, 2, 4 and 8 CPUs. The
# mixed topologies change only how the CPUs are numbered and grouped, so
# they run the suites that read or use the topology; GRUB changes only how
# the kernel is loaded, so its boot runs the suites that read what the
# loader handed over (memory map, command line, ACPI, initrd).
TOPOLOGY_SUITES = "acpi,boot,smp,sched,spinlock,kthread"
LOADER_SUITES = "boot,acpi,cmdline,pmm,vmm,kmalloc,kstack"
# ktest=all runs under the default policy (rr); the scheduler suite runs
# again under each other policy.
OTHER_POLICIES = ["mlfq"]


class Case:
    def __init__(self, name, ok, diagnostics=()):
        self.name, self.ok, self.diagnostics = name, ok, list(diagnostics)


# The suite's longest wait for an output line: (seconds, log, line), for
# the summary, which so shows how close a boot came to its budget.
longest_wait = (0.0, "", "")


def boot(settings, timeout, log, **kw):
    """qemu.boot with the progress budget: a hung boot is given up
    STALL_TIMEOUT s after its last output line, with the task list."""
    global longest_wait
    b = qemu.boot(settings, timeout, log_path=log,
                  idle_timeout=STALL_TIMEOUT, **kw)
    longest_wait = max(longest_wait, (b.longest_wait[0], os.path.basename(log),
                                      b.longest_wait[1]))
    return b


def hang_case(b, log, running, last_line):
    """The failure for a boot that stopped making progress: named after the
    test that was running, with the last KTAP line and the kernel's task
    list (Ctrl-T)."""
    tasks = b.tasks.strip().splitlines()
    return Case(running, False,
                [f"# hung: this test was running when the boot {b.why()}",
                 f"# last KTAP line: {last_line or '(none)'}",
                 f"# task list (Ctrl-T){'' if tasks else ': nothing came back'}; log: {log}"]
                + ["# | " + line for line in tasks])


# Every in-kernel test in run order, from ktest=list: names the test that
# was running when a kernel boot hung.
KTEST_ORDER = []


def running_kernel_test(output):
    """(the kernel test that was running at the end of output, the last
    KTAP line): the test after the last result of the last suite begun."""
    suite, done, last = None, 0, None
    for line in output.splitlines():
        m = re.match(r"^    # Subtest: (\S+)", line)
        if m:
            suite, done, last = m.group(1), 0, line.strip()
            continue
        m = re.match(r"^    (?:ok|not ok) (\d+) ", line)
        if m and suite:
            done, last = int(m.group(1)), line.strip()
        elif re.match(r"^(?:ok|not ok) \d+ ", line):
            last = line.strip()
    if suite is None:
        return "boot_before_the_first_suite", last
    names = [t for t in KTEST_ORDER if t.startswith(suite + ".")
             and not KTEST_DEATHS.get(t)]
    if done < len(names):
        return names[done], last
    return f"{suite}.test_{done + 1}", last


def boot_settings(smp="1", mem="512M", boot="kernel", cmdline=""):
    return dict(qemu.settings({}), smp=smp, mem=mem, boot=boot,
                cmdline=cmdline, build=BUILD)


def parse_kernel_ktap(output):
    """Flattens the kernel's two-level KTAP into cases named suite.test,
    each with the diagnostic lines printed just before its result."""
    cases, suite, pending, planned = [], None, [], 0
    for line in output.splitlines():
        m = re.match(r"^    # Subtest: (\S+)", line)
        if m:
            suite, pending = m.group(1), []
            continue
        m = re.match(r"^    1\.\.(\d+)$", line)
        if m:
            planned += int(m.group(1))
            continue
        m = re.match(r"^    (ok|not ok) \d+ (\S+)", line)
        if m and suite:
            cases.append(Case(f"{suite}.{m.group(2)}", m.group(1) == "ok", pending))
            pending = []
            continue
        if line.startswith("    # ") and suite:
            pending.append(line.strip())
    return cases, planned


def log_tail(output):
    lines = output.rstrip().splitlines()[-TAIL_LINES:]
    return ["# | " + line for line in lines]


def expected_topology(smp):
    """(package, core, thread) of each CPU that QEMU makes for a -smp value,
    in CPU order (QEMU numbers threads fastest, then cores, then sockets)."""
    opts = dict(kv.split("=") for kv in smp.split(",")[1:])
    n = cpu_count(smp)
    threads = int(opts.get("threads", 1))
    cores = int(opts.get("cores", n // (threads * int(opts.get("sockets", 1)))))
    return [(i // (threads * cores), i // threads % cores, i % threads) for i in range(n)]


def topology_case(smp, output):
    """The boot log must list every CPU with the package/core/thread its
    -smp value gives it."""
    found = [tuple(map(int, m)) for m in re.findall(
        r"cpu \d+ online: apic id \d+, package (\d+) core (\d+) thread (\d+)", output)]
    expected = expected_topology(smp)
    ok = found == expected
    return Case("boot_log_lists_every_cpu_with_its_topology", ok,
                [] if ok else [f"# expected {expected}", f"# found    {found}"])


def ktest_group(name, settings, iso=None, timeout=KTEST_TIMEOUT):
    log = os.path.join(LOGS, name + ".log")
    b = boot(settings, timeout, log, iso=iso)
    cases, planned = parse_kernel_ktap(b.output)
    if b.stalled:
        cases.append(hang_case(b, log, *running_kernel_test(qemu.output_before_giving_up(b.output))))
    if iso is None:
        cases.append(topology_case(settings["smp"], b.output))
        planned += 1
    if b.status not in (qemu.EXIT_SUCCESS, qemu.EXIT_FAILURE) or b.timed_out:
        cases.append(Case("boot_ended_cleanly", False,
                          [f"# boot {b.why()}; log: {log}"] + log_tail(b.output)))
    elif len(cases) != planned or not cases:
        cases.append(Case("all_planned_tests_reported", False,
                          [f"# kernel planned {planned} tests, reported {len(cases)}; log: {log}"]))
    elif (b.status == qemu.EXIT_SUCCESS) != all(c.ok for c in cases):
        cases.append(Case("exit_status_matches_results", False,
                          [f"# kernel exited '{b.why()}' but the results disagree"]))
    return cases, b.seconds


def parse_user_ktap(output):
    """Top-level KTAP from a user test program (lib/c/ktap.c)."""
    cases, pending, planned = [], [], 0
    for line in output.splitlines():
        m = re.match(r"^1\.\.(\d+)$", line)
        if m:
            planned += int(m.group(1))
            continue
        m = re.match(r"^(ok|not ok) \d+ (\S+)", line)
        if m:
            cases.append(Case(m.group(2), m.group(1) == "ok", pending))
            pending = []
        elif line.startswith("    # "):
            pending.append(line.strip())
    return cases, planned


def user_test_programs():
    """The KTAP test programs: user/test_*.c, built into BUILD/user/."""
    return sorted(os.path.basename(p)[:-2] for p in glob.glob(os.path.join(qemu.ROOT, "user", "test_*.c")))


_native_runs = {}


def native_run(prog):
    """Runs BUILD/user/PROG on the Linux host (once; remembered):
    (cases, planned, exit status, output)."""
    if prog not in _native_runs:
        status, out, err = run_command([os.path.join(qemu.ROOT, BUILD, "user", prog)],
                                       USER_TIMEOUT)
        cases, planned = parse_user_ktap(out)
        _native_runs[prog] = (cases, planned, status, out + err)
    return _native_runs[prog]


def check_user_ktap(cases, planned, status, where, output):
    """The checks every run of a test program gets: it finished, reported
    every test it planned, and exited 0 exactly when all passed."""
    if not isinstance(status, int):
        return [Case("program_exited", False,
                     [f"# {where}: exit status {status}"] + log_tail(output))]
    if len(cases) != planned or not cases:
        return [Case("all_planned_tests_reported", False,
                     [f"# {where}: planned {planned} tests, reported {len(cases)}"]
                     + log_tail(output))]
    if (status == 0) != all(c.ok for c in cases):
        return [Case("exit_status_matches_results", False,
                     [f"# {where}: exit status {status} but the results disagree"])]
    return []


def native_group(name, prog):
    """A test program on the Linux host: the reference for Spindle's run."""
    start = time.monotonic()
    cases, planned, status, out = native_run(prog)
    cases = cases + check_user_ktap(cases, planned, status, "on the Linux host", out)
    return cases, time.monotonic() - start


def same_as_native(prog, cases):
    """Spindle's results must be the host's: the same tests, passing and
    failing alike."""
    host = [(c.name, c.ok) for c in native_run(prog)[0]]
    here = [(c.name, c.ok) for c in cases]
    diff = list(difflib.unified_diff([f"{'ok' if ok else 'not ok'} {n}" for n, ok in host],
                                     [f"{'ok' if ok else 'not ok'} {n}" for n, ok in here],
                                     "on the Linux host", "on Spindle", lineterm=""))
    return Case("same_results_as_on_the_linux_host", not diff,
                ["# " + line for line in diff[:TAIL_LINES]])


def user_test_group(name, settings, prog):
    """Boots with init=/bin/PROGRAM (a KTAP test program) and reads its
    results; the program must exit 0 exactly when all passed, and report
    what the same binary reports on the Linux host."""
    log = os.path.join(LOGS, name + ".log")
    b = boot(settings, USER_TIMEOUT, log)
    cases, planned = parse_user_ktap(b.output)
    hang = ([hang_case(b, log, *running_user_test(prog, qemu.output_before_giving_up(b.output)))]
            if b.stalled else [])
    m = re.search(r"spindle: init exited with status (\d+)", b.output)
    status = int(m.group(1)) if m and not b.timed_out else f"none: boot {b.why()}"
    problems = check_user_ktap(cases, planned, status, f"on Spindle (log: {log})", b.output)
    return cases + hang + problems + [same_as_native(prog, cases)], b.seconds


def running_user_test(prog, output):
    """(the user test that was running at the end of output, the last KTAP
    line): the one after the last result, named from the host's run of the
    same program (which runs its tests in the same order)."""
    results = re.findall(r"^((?:ok|not ok) (\d+) .*)$", output, re.M)
    last, done = (results[-1][0], int(results[-1][1])) if results else (None, 0)
    host = native_run(prog)[0]
    name = host[done].name if done < len(host) else "after_the_last_planned_test"
    return f"{name} (test {done + 1})", last


# The headers a portable test program may include besides the standard
# ones, and the library sources each brings with it in a glibc build.
PORTABLE_HEADERS = {"c/ktap.h": ["lib/c/ktap.c"], "timing.h": [],
                    "../kernel/sched/mutex_word.h": [],
                    "tpool/tpool.h": ["lib/tpool/*.c"],
                    "tpool/ppool.h": ["lib/tpool/*.c"],
                    "evloop/evloop.h": ["lib/evloop/*.c"],
                    "uthread/uthread.h": ["lib/uthread/*.c", "lib/uthread/*.S"]}


def glibc_sources(prog):
    """The sources to build PROG against glibc with, or None if it
    includes a Spindle-only header (then it is not a POSIX program)."""
    src = os.path.join("user", prog + ".c")
    with open(os.path.join(qemu.ROOT, src)) as f:
        quoted = re.findall(r'^#include "([^"]+)"', f.read(), re.M)
    if any(h not in PORTABLE_HEADERS for h in quoted):
        return None
    extra = [p for h in quoted for pat in PORTABLE_HEADERS[h]
             for p in sorted(glob.glob(os.path.join(qemu.ROOT, pat)))]
    return [src] + [os.path.relpath(p, qemu.ROOT) for p in extra]


def glibc_group(name, prog):
    """A portable test program compiled against glibc with gcc -pthread:
    the API is POSIX's, so it must build unchanged and pass."""
    start = time.monotonic()
    out = os.path.join(qemu.ROOT, BUILD, "glibc", prog)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    # -Wno-format-truncation: test_libc truncates on purpose.
    argv = ["gcc", "-pthread", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
            "-Wno-format-truncation", "-Ilib", "-o", out] + glibc_sources(prog)
    r = subprocess.run(argv, cwd=qemu.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        return [Case("compiles_against_glibc", False,
                     ["# " + " ".join(argv)] + ["# " + l for l in r.stdout.splitlines()[:TAIL_LINES]])], \
            time.monotonic() - start
    status, stdout, stderr = run_command([out], USER_TIMEOUT)
    cases, planned = parse_user_ktap(stdout)
    cases += check_user_ktap(cases, planned, status, "with glibc", stdout + stderr)
    return [Case("compiles_against_glibc", True)] + cases, time.monotonic() - start


def user_expect_group(name, settings, test, patterns):
    """Boots with an init= program and checks its output matches every
    regular expression in patterns (in any order)."""
    log = os.path.join(LOGS, name + ".log")
    b = boot(settings, USER_TIMEOUT, log)
    diags = [f"# the output lacks /{p}/" for p in patterns if not re.search(p, b.output)]
    if b.timed_out or b.status == qemu.EXIT_PANIC:
        diags.insert(0, f"# boot {b.why()}")
    if diags:
        diags += [f"# log: {log}"] + log_tail(b.output)
    return [Case(test, not diags, diags)], b.seconds


def pipe_group(name, smp, boot_kind):
    """`printf 'echo hello\\nexit\\n' | make run`: the runner (tools/qemu.py
    run, as make runs it) must deliver piped input without losing any,
    and end with status 0 when the shell exits."""
    log = os.path.join(LOGS, name + ".log")
    env = dict(os.environ, SMP=smp, MEM="512M", BOOT=boot_kind, CMDLINE="", QEMUFLAGS="",
               BUILD=BUILD)
    argv = [sys.executable, os.path.join(qemu.TOOLS, "qemu.py"), "run"]
    status, out, _, seconds = run_watched(argv, env, USER_TIMEOUT, data=b"echo hello\nexit\n",
                                          merge=True)
    with open(log, "w") as f:
        f.write(f"$ printf 'echo hello\\nexit\\n' | SMP={smp} BOOT={boot_kind} "
                f"{' '.join(argv)}\n{out}")
    where = [f"# exit status {status}; log: {log}"] + log_tail(out)
    checks = [("piped_echo_hello_prints_hello", re.search(r"^hello$", out, re.M) is not None),
              ("exits_0_when_the_shell_exits", status == 0)]
    return [Case(n, ok, [] if ok else where) for n, ok in checks], seconds


def run_watched(argv, env, cap, data=None, merge=False):
    """Runs argv (data on its standard input, then closed; none if None),
    giving up, like a boot, STALL_TIMEOUT s after its last output line or
    after cap s. (A program on the host buffers its output in a pipe, so
    it may show no line until it ends: then it has STALL_TIMEOUT s in all.)
    merge: stderr into stdout. Returns (exit status as a shell gives it,
    128+N for signal N, or a string saying why there is none; stdout;
    stderr; seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=qemu.ROOT,
                            stdin=subprocess.DEVNULL if data is None else subprocess.PIPE,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                            start_new_session=True)
    if data is not None:
        proc.stdin.write(data)
        proc.stdin.close()
    pipes = [proc.stdout] + ([] if merge else [proc.stderr])
    chunks = {pipe: [] for pipe in pipes}
    for pipe in pipes:
        os.set_blocking(pipe.fileno(), False)
    last_line, status = start, None
    while status is None:
        now = time.monotonic()
        for pipe in pipes:
            got = pipe.read()
            if got:
                chunks[pipe].append(got)
                last_line = now if b"\n" in got else last_line
        if proc.poll() is not None:
            for pipe in pipes:
                chunks[pipe].append(pipe.read() or b"")
            status = 128 - proc.returncode if proc.returncode < 0 else proc.returncode
        elif now - last_line > STALL_TIMEOUT or now - start > cap:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            status = f"none: killed after {now - start:.0f} s, {now - last_line:.0f} s without output"
        else:
            time.sleep(0.02)
    out, err = (b"".join(chunks.get(pipe, [])).decode("utf-8", "replace").replace("\r\n", "\n")
                for pipe in (proc.stdout, proc.stderr))
    return status, out, err, time.monotonic() - start


def musl_programs():
    """Unmodified C programs for musl: user/musl/*.c (not built by user.mk,
    which links user/*.c with our own libc)."""
    return sorted(os.path.basename(p)[:-2]
                  for p in glob.glob(os.path.join(qemu.ROOT, "user", "musl", "*.c")))


def musl_build(prog):
    """Builds BUILD/musl/PROG with `musl-gcc -static` when its source is
    newer. Returns (path, None), or (None, what went wrong)."""
    src = os.path.join(qemu.ROOT, "user", "musl", prog + ".c")
    out = os.path.join(qemu.ROOT, BUILD, "musl", prog)
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out, None
    if not shutil.which("musl-gcc"):
        return None, "musl-gcc is missing: `python3 tools/deps.py musl` installs it"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    r = subprocess.run(["musl-gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                        "-o", out, src], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return (out, None) if r.returncode == 0 else (None, r.stdout)


def run_command(argv, timeout, env=None):
    """Runs argv with no input, with run_watched's budget: (exit status or
    why there is none, stdout, stderr)."""
    return run_watched(argv, env, timeout)[:3]


def musl_group(name, prog, smp):
    """Runs a musl program on the host, then on Spindle through
    tools/run-elf: the two must print the same and exit the same."""
    start = time.monotonic()
    path, error = musl_build(prog)
    if error:
        return [Case("builds_with_musl_gcc", False,
                     ["# " + line for line in error.splitlines()])], time.monotonic() - start
    log = os.path.join(LOGS, name + ".log")
    host_status, host_out, _ = run_command([path] + MUSL_ARGS, USER_TIMEOUT)
    env = dict(os.environ, SMP=smp, MEM="512M", BOOT="kernel", QEMUFLAGS="",
               BUILD=BUILD, RUN_ELF_TIMEOUT=str(USER_TIMEOUT), RUN_ELF_LOG=log,
               RUN_ELF_IDLE=str(STALL_TIMEOUT))
    status, out, err = run_command([os.path.join(qemu.TOOLS, "run-elf"), path] + MUSL_ARGS,
                                   USER_TIMEOUT + 60, env)
    # run-elf's stderr: the kernel's lines (an unimplemented system call, a
    # fault) and its own verdict on a failed run.
    notes = ["# | " + line for line in err.splitlines()[-TAIL_LINES:]]
    diff = list(difflib.unified_diff(host_out.splitlines(), out.splitlines(),
                                     "on the host", "on Spindle", lineterm=""))
    checks = [
        ("passes_on_the_host", host_status == 0,
         [f"# exit status {host_status} on the host"]),
        ("same_stdout_as_on_the_host", not diff,
         ["# " + line for line in diff[:TAIL_LINES]] + notes + [f"# log: {log}"]),
        ("same_exit_status_as_on_the_host", host_status == status,
         [f"# exit status {host_status} on the host, {status} on Spindle"]
         + notes + [f"# log: {log}"]),
    ]
    return [Case(n, ok, [] if ok else d) for n, ok, d in checks], time.monotonic() - start


def death_group(name, settings, test, expect):
    log = os.path.join(LOGS, name + ".log")
    b = boot(settings, DEATH_TIMEOUT, log)
    diags = []
    if b.status != qemu.EXIT_PANIC or b.timed_out:
        diags.append(f"# expected a kernel panic, got: {b.why()}")
    report = b.output.split("KERNEL PANIC", 1)[-1] if "KERNEL PANIC" in b.output else ""
    for needle in expect.split("|"):
        if needle not in report:
            diags.append(f"# the panic report lacks {needle!r}")
    if diags:
        diags += [f"# log: {log}"] + log_tail(b.output)
    return [Case(test, not diags, diags)], b.seconds


def smp_label(smp):
    """A group-name form of a -smp value: "4,sockets=2" -> "smp4_sockets2"."""
    return "smp" + smp.replace(",", "_").replace("=", "")


def cpu_count(smp):
    """The number of CPUs a QEMU -smp value makes: "4" or "4,sockets=2"."""
    return int(smp.split(",")[0])


def one_running_task_per_cpu(output):
    """Whether the monitor's task list shows some running task, and never
    two on one CPU (an idle task switched away is not running)."""
    cpus = re.findall(r"\n +\d+  \S+ +running +(\d+) ", output)
    return bool(cpus) and len(cpus) == len(set(cpus))


def console_group(name):
    """Types at the kernel monitor over the serial line: the bytes must come
    back (echo, through the UART's receive interrupt and the IOAPIC), and
    the commands must run."""
    log = os.path.join(LOGS, name + ".log")
    script = [("spindle> ", "help\r"), ("spindle> ", "cpuz\x7fs\r"),
              ("spindle> ", "tasks\r"), ("spindle> ", "poweroff\r")]
    b = boot(boot_settings(smp="2", cmdline="monitor"), DEATH_TIMEOUT, log, script=script)
    checks = [
        ("typed_command_is_echoed", "spindle> help\n" in b.output),
        ("help_lists_the_commands", "poweroff   stop the machine" in b.output),
        ("backspace_erases_a_character", "cpuz\b \bs\n" in b.output),
        ("cpus_lists_every_cpu", re.search(r"\n +1 +1 +0 +1 +0 +\d+\n", b.output) is not None),
        ("tasks_lists_main_and_the_reaper",
         re.search(r"\n +0  main +running", b.output) is not None
         and re.search(r"reaper +blocked .*reaper: work", b.output) is not None),
        ("tasks_shows_at_most_one_running_task_per_cpu", one_running_task_per_cpu(b.output)),
        ("poweroff_exits_cleanly", b.status == qemu.EXIT_SUCCESS and not b.timed_out),
    ]
    cases = [Case(n, ok, [] if ok else [f"# boot: {b.why()}; log: {log}"] + log_tail(b.output))
             for n, ok in checks]
    return cases, b.seconds


def shell_group(name, smp):
    """Boots as `make run` does (init starts /bin/sh on the console) and
    types commands at the shell: a pipeline, /proc, ps, a missing command,
    the line discipline's Backspace, poll on the tty (user/waitline), exit
    with a status."""
    log = os.path.join(LOGS, name + ".log")
    script = [("$ ", "ps\r"), ("$ ", "cat /proc/cpuinfo | grep core\r"),
              ("$ ", "echo one two three | wc\r"), ("$ ", "nosuch\r"),
              ("$ ", "cd /proc\r"), ("$ ", "pwd\r"), ("$ ", "echo abx\x7fc\r"),
              ("$ ", "waitline\r"), ("waiting for a line (poll)", "typed line\r"),
              ("$ ", "exit 3\r")]
    b = boot(boot_settings(smp=smp), USER_TIMEOUT, log, script=script)
    cpus = cpu_count(smp)
    checks = [
        ("ps_lists_init_as_pid_1_and_sh_as_its_child",
         re.search(r"\n +1 +0 +[RS] +1 +init\n", b.output) is not None
         and re.search(r"\n +\d+ +1 +[RS] +1 +sh\n", b.output) is not None),
        ("pipeline_from_proc_cpuinfo_through_grep",
         len(re.findall(r"\ncore id\t\t: \d+", b.output)) == cpus),
        ("echo_into_wc_counts_three_words",
         re.search(r"\n +1 +3 +14\n", b.output) is not None),
        ("missing_command_is_reported", "sh: nosuch: not found" in b.output),
        ("cd_and_pwd", "\n/proc\n" in b.output),
        ("backspace_erases_a_character", "\nabc\n" in b.output),
        ("poll_on_the_tty_sleeps_until_a_line_is_typed",
         "waitline: nothing to read yet\n" in b.output
         and "waitline: poll woke: stdin readable\n" in b.output
         and "waitline: read 'typed line'\n" in b.output),
        ("exit_status_reaches_init", "spindle: init exited with status 3" in b.output),
    ]
    cases = [Case(n, ok, [] if ok else [f"# boot: {b.why()}; log: {log}"] + log_tail(b.output))
             for n, ok in checks]
    return cases, b.seconds


KTEST_DEATHS = {}


def list_tests(smp):
    """Asks the kernel for its tests (ktest=list): ({name: death_expect} in
    run order, None), or (None, the failed group's cases and seconds) if
    that boot did not end cleanly (a panic while listing)."""
    log = os.path.join(LOGS, "ktest-list.log")
    b = boot(boot_settings(smp=smp, cmdline="ktest=list"), DEATH_TIMEOUT, log)
    tests = {}
    for line in b.output.splitlines():
        m = re.match(r"^ktest-list: (\S+)(?: death=(.*))?$", line)
        if m:
            tests[m.group(1)] = m.group(2)
    if b.status != qemu.EXIT_SUCCESS or b.timed_out or not tests:
        why = b.why() if tests else f"{b.why()}, and no test was listed"
        return None, ([Case("kernel_lists_its_tests", False,
                            [f"# the ktest=list boot failed: {why}; log: {log}"]
                            + log_tail(b.output))], b.seconds)
    KTEST_ORDER[:] = list(tests)
    KTEST_DEATHS.update(tests)
    return tests, None


# (program, test name, what its output must show) for the demos in user/.
DEMOS = [
    ("race", "unlocked_increments_are_lost_mutex_and_atomic_are_exact",
     # Lost updates need two CPUs at the same moment; a busy host may run
     # QEMU's vCPUs in turn, and then none is lost: race.c says so.
     [r"unlocked +expected 4000000, got \d+, lost [1-9]\d*"
      r"|unlocked +expected 4000000, got 4000000, lost 0 .*\n\(unlocked lost nothing this time",
      r"mutex +expected 4000000, got 4000000, lost 0 ",
      r"atomic +expected 4000000, got 4000000, lost 0 ",
      r"spindle: init exited with status 0"]),
    ("pool", "the_pool_counts_as_many_primes_as_one_thread",
     [r"total 148933 primes below 2000000 with the pool",
      r"148933 primes counted on one thread \(\d+ ms\): the same",
      r"spindle: init exited with status 0"]),
    ("philosophers", "naive_order_deadlocks_and_resource_ordering_completes",
     [r"round 1, naive(.|\n)*deadlock: every philosopher holds one fork and waits for the next",
      r"round 2(.|\n)*every philosopher ate 3 meals: no deadlock",
      r"spindle: init exited with status 0"]),
    ("models", "one_workload_runs_1to1_m1_and_mn_with_equal_checksums",
     [r"1:1 +1000 tasks on +1000 kernel threads +\d+ ms +checksum ([0-9a-f]{16})"
      r"(.|\n)*M:1 +1000 tasks on +1 kernel thread +\d+ ms +checksum \1"
      r"(.|\n)*M:N +1000 tasks on +4 kernel threads +\d+ ms +checksum \1",
      r"the checksums agree: all three models did the same work",
      r"spindle: init exited with status 0"]),
    # The loop must tick while each blocking read waits (the helper answers
    # after 350 ms, a tick is due every 100 ms); the CPU-bound step may be
    # too quick for a tick on a fast host. Needs poll and eventfd.
    ("async", "the_loop_keeps_ticking_while_pools_do_blocking_and_cpu_work",
     [r'default thread pool: blocking read returned "message 1" while the loop ticked [1-9]\d* times',
      r'custom thread pool \(2 threads\): blocking read returned "message 2" while the loop ticked [1-9]\d* times',
      r"process pool \(4 workers\): 148933 primes below 2000000, correct, while the loop ticked \d+ times",
      r"never waited for a pool: every result correct",
      r"spindle: init exited with status 0"]),
    ("pools", "thread_and_process_pools_give_the_same_results",
     [r"thread pool +78498 primes +\d+ ms",
      r"process pool +78498 primes +\d+ ms",
      r"thread pool +32 tasks, all done +\d+ ms",
      r"process pool +32 tasks, all done +\d+ ms",
      r"every result is correct on both pools",
      r"spindle: init exited with status 0"]),
]


def layers_group(name):
    """tools/layers.py: every include and symbol reference in the kernel
    points down the layers of docs/layers.md (no boot needed)."""
    start = time.monotonic()
    r = subprocess.run([sys.executable,
                        os.path.join(qemu.ROOT, "tools", "layers.py"),
                        "--build", BUILD], capture_output=True, text=True)
    lines = (r.stdout + r.stderr).splitlines()
    return [Case("every_dependency_points_down_the_layers",
                 r.returncode == 0, lines[-40:])], time.monotonic() - start


def strip_markers(text):
    return "\n".join(l for l in text.split("\n") if not re.match(r"^\s*/\* LAB \w+: (begin|end) \*/\s*$", l))


def compiler_complaints(output):
    """The lines of a build's output where a compiler, linker or make
    complains ("file.c:3:5: warning: ...", "make: *** ... Error 1"); not
    lines that merely name a file such as strerror.c."""
    return [l for l in output.splitlines()
            if re.search(r"\b(warning|error):|\*\*\* .*Error \d", l)]


def labs_group(name):
    """The course labs (tools/labs.py, docs/labs/): the markers pair up;
    every graded test exists; and for each lab, its skeleton differs from
    this tree only in that lab's marked code, builds warning-free with gcc
    (kernel, user programs) and with clang (the files the cut changed),
    and `make grade` in it scores below full, with failures that name the
    function to write. The solution's full marks come from the ktest and
    user groups, which run the same tests; spinlock and sched, quick, are
    also graded here end to end. Each skeleton builds in a copy of this
    tree's build directory, so only what the cut changed is recompiled."""
    import grade
    import labs
    import skeleton
    start = time.monotonic()
    try:
        found = skeleton.check()
    except skeleton.MarkerError as e:
        return [Case("lab_markers_pair_up_and_name_known_labs", False, [f"# {e}"])], \
            time.monotonic() - start
    if len(found) == 1:
        # A student's tree (a skeleton): it has only its own lab's
        # markers, and is graded with make grade, not checked here.
        return [Case("not_checked_in_a_lab_skeleton", True,
                     [f"# this tree is the skeleton of lab {list(found)[0]}"])], \
            time.monotonic() - start
    cases = [Case("lab_markers_pair_up_and_name_known_labs", True),
              Case("every_lab_has_marked_code", all(l in found for l in labs.NAMES),
                   [f"# no markers for lab {l}" for l in labs.NAMES if l not in found])]
    missing = []
    for lab in labs.LABS:
        for t in lab.tests:
            if t.boot.kind == "ktest":
                exists = t.case in KTEST_ORDER
            else:
                exists = t.case in [c.name for c in native_run(t.boot.prog)[0]]
            if not exists:
                missing.append(f"# lab {lab.name}: no test {t.case} "
                               f"({'ktest=list' if t.boot.kind == 'ktest' else t.boot.prog})")
    cases.append(Case("every_graded_test_exists", not missing, missing))
    build = os.path.join(qemu.ROOT, BUILD)
    solution = {rel: open(os.path.join(qemu.ROOT, rel), "rb").read()
                for rel in skeleton.tracked_files(qemu.ROOT)}
    for lab in labs.LABS:
        out = os.path.join(build, "skeleton", lab.name)
        skeleton.make_skeleton(lab.name, out)
        grade.seed_build(out, lab, build)
        files = grade.lab_files(lab)
        differ = []
        for rel, data in solution.items():
            with open(os.path.join(out, rel), "rb") as f:
                mine = f.read()
            if mine != data and (rel not in files or not rel.endswith(skeleton.MARKED_KINDS)) \
                    and strip_markers(mine.decode(errors="replace")) \
                    != strip_markers(data.decode(errors="replace")):
                differ.append(f"# {rel} differs from the solution, and the lab has no markers in it")
        cases.append(Case(f"{lab.name}.skeleton_differs_only_in_the_labs_code", not differ, differ))
        gcc = subprocess.run(["make", "--no-print-directory", "-j2", "B=build", "CC=gcc",
                              "build/kernel.elf", "build/initrd.cpio"], cwd=out,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        problems = compiler_complaints(gcc.stdout)
        cases.append(Case(f"{lab.name}.skeleton_builds_warning_free_with_gcc",
                          gcc.returncode == 0 and not problems,
                          ["# " + l for l in (problems or gcc.stdout.splitlines())[-TAIL_LINES:]]
                          if gcc.returncode or problems else []))
        objs = [f"build-clang/{rel}.o" if skeleton.is_kernel(rel) else f"build-clang/user/{rel}.o"
                for rel in files if not rel.endswith(".h")]
        clang = subprocess.run(["make", "--no-print-directory", "-j2", "B=build-clang", "CC=clang"]
                               + objs, cwd=out, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        problems = compiler_complaints(clang.stdout)
        cases.append(Case(f"{lab.name}.skeleton_cut_files_build_warning_free_with_clang",
                          clang.returncode == 0 and not problems,
                          ["# " + l for l in (problems or clang.stdout.splitlines())[-TAIL_LINES:]]
                          if clang.returncode or problems else []))
        if gcc.returncode:
            continue
        said = []
        results = grade.grade(lab, out, "build", do_build=False, first_failure=True,
                              say=said.append)
        failed = [r for r in results if not r.ok]
        text = " ".join(" ".join(r.expected + r.happened) for r in failed)
        stub = f"lab {lab.name}: "
        others = [l for l in labs.NAMES if l != lab.name and f"lab {l}: " in text]
        ok = failed and stub in text and "is yours to write" in text and not others
        cases.append(Case(f"{lab.name}.skeleton_grade_is_below_full_and_names_the_function",
                          bool(ok), [] if ok else
                          [f"# score {sum(r.score for r in results)}/{lab.points}; failures "
                           f"mention: {text[:300]!r}"] + ["# " + l for l in said]))
    for name_ in ("spinlock", "sched"):
        lab = labs.BY_NAME[name_]
        said = []
        results = grade.grade(lab, qemu.ROOT, BUILD, do_build=False, say=said.append)
        bad = [r for r in results if not r.ok]
        cases.append(Case(f"{name_}.solution_scores_full_marks", not bad,
                          ["# " + l for l in said]
                          + [f"# {r.test.case}: {' '.join(r.expected + r.happened)[:300]}"
                             for r in bad]))
    return cases, time.monotonic() - start


def plan_groups(smps):
    tests, list_failure = list_tests(smps[0])
    groups = [("layers", layers_group), ("labs", labs_group)]
    if list_failure:  # no death tests to plan: say why, and run the rest
        groups.append(("ktest.list", lambda n: list_failure))
        tests = {}
    deaths = {t: e for t, e in tests.items() if e}
    for smp in smps:
        groups.append((f"{smp_label(smp)}.ktest",
                       lambda n, smp=smp: ktest_group(n, boot_settings(
                           smp=smp, cmdline=f"ktest={'all' if smp.isdigit() else TOPOLOGY_SUITES}"
                           f" test_cpus={cpu_count(smp)}"))))
    for smp in smps[:DEATH_SMP]:
        for pol in OTHER_POLICIES:
            groups.append((f"{smp_label(smp)}.{pol}.sched",
                           lambda n, smp=smp, pol=pol: ktest_group(n, boot_settings(
                               smp=smp, cmdline=f"ktest=sched sched={pol}"))))
    for prog in user_test_programs():
        groups.append((f"native.user.{prog[len('test_'):]}",
                       lambda n, prog=prog: native_group(n, prog)))
        if glibc_sources(prog):
            groups.append((f"glibc.user.{prog[len('test_'):]}",
                           lambda n, prog=prog: glibc_group(n, prog)))
    for smp in USER_SMPS:
        label = smp_label(smp)
        for prog in user_test_programs():
            groups.append((f"{label}.user.{prog[len('test_'):]}",
                           lambda n, smp=smp, prog=prog: user_test_group(
                               n, boot_settings(smp=smp, cmdline=f"init=/bin/{prog}"), prog)))
        groups.append((f"{label}.user.segv", lambda n, smp=smp: user_expect_group(
            n, boot_settings(smp=smp, cmdline="init=/bin/segv"),
            "null_dereference_kills_the_program_not_the_kernel",
            [r"segfault at 0 ip [0-9a-f]+ in segv\[\d+\]",
             r"spindle: init killed by signal 11"])))
        groups.append((f"{label}.user.oom", lambda n, smp=smp: user_expect_group(
            n, boot_settings(smp=smp, cmdline="init=/bin/oom"),
            "touching_a_shared_mapping_larger_than_memory_kills_not_panics",
            [r"out of memory: killing oom\[\d+\]",
             r"oom: the toucher was killed by signal 9",
             r"oom: memory given back",
             r"spindle: init exited with status 0"])))
        groups.append((f"{label}.user.exitcode", lambda n, smp=smp: user_expect_group(
            n, boot_settings(smp=smp, cmdline="init=/bin/exitcode -- 7"),
            "exit_status_and_arguments_reach_the_kernel",
            [r"spindle: init exited with status 7"])))
    # The random-syscall fuzzer (user/fuzz.c), about 60 s each: the boot
    # must reach its final lines (no panic, no hang). Spindle only: it
    # never runs on the host. A failure's log starts with the seed.
    for smp in USER_SMPS:
        groups.append((f"{smp_label(smp)}.fuzz", lambda n, smp=smp: user_expect_group(
            n, boot_settings(smp=smp, cmdline="init=/bin/fuzz"),
            "random_system_calls_neither_panic_nor_hang_the_kernel",
            [r"(?m)^ok 1 fuzz\.every_child_ended_when_killed$",
             r"(?m)^ok 2 fuzz\.made_at_least_1000_calls$",
             r"spindle: init exited with status 0"])))
    # The demos (user/race.c, pool.c, async.c, pools.c...) on 4 CPUs, where
    # threads really run at once.
    for prog, test, patterns in DEMOS:
        groups.append((f"smp4.user.{prog}", lambda n, prog=prog, test=test, pats=patterns:
                       user_expect_group(n, boot_settings(smp="4", cmdline=f"init=/bin/{prog}"),
                                         test, pats)))
    groups += [(f"{smp_label(smp)}.musl.{p}", lambda n, p=p, smp=smp: musl_group(n, p, smp))
               for smp in USER_SMPS for p in musl_programs()]
    groups.append(("grub.ktest", grub_group))
    groups.append(("console", console_group))
    for smp in USER_SMPS:
        groups.append((f"{smp_label(smp)}.shell", lambda n, smp=smp: shell_group(n, smp)))
    for smp in USER_SMPS:
        groups.append((f"{smp_label(smp)}.pipe.kernel",
                       lambda n, smp=smp: pipe_group(n, smp, "kernel")))
    groups.append(("smp4.pipe.iso", lambda n: pipe_group(n, "4", "iso")))
    groups.append(("mem8g.pmm",
                   lambda n: ktest_group(n, boot_settings(mem="8G", cmdline="ktest=pmm"))))
    for smp in smps[:DEATH_SMP]:
        for test, expect in sorted(deaths.items()):
            groups.append((f"{smp_label(smp)}.death.{test}",
                           lambda n, smp=smp, t=test, e=expect: death_group(
                               n, boot_settings(smp=smp, cmdline=f"ktest={t}"), t, e)))
    groups.append(("gdb", gdb_group))
    groups.append(("trace.race", trace_group))
    return groups


def grub_group(name):
    import mkiso
    iso = os.path.join(qemu.ROOT, BUILD, "ktest.iso")
    mkiso.make_iso(os.path.join(qemu.ROOT, BUILD, "kernel.elf"),
                   os.path.join(qemu.ROOT, BUILD, "initrd.cpio"), f"ktest={LOADER_SUITES}", iso)
    return ktest_group(name, boot_settings(smp="2", boot="iso"), iso=iso)


def gdb_group(name):
    import gdb_test
    start = time.monotonic()
    results = gdb_test.run(qemu.ROOT, os.path.join("build", "debug"), None)
    cases = [Case(n, ok, [f"# {line}" for line in diag.splitlines()] if not ok else [])
             for n, ok, diag in results]
    return cases, time.monotonic() - start


def trace_group(name):
    """`make trace PROG=race SMP=4`, as tools/trace.py does it, into
    build/test-logs/trace/: the dump comes back whole and the Chrome
    trace JSON passes the schema check (trace.check). Then waiters with
    its system calls traced (`make trace SYSCALLS=1`)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "spindle_trace", os.path.join(qemu.ROOT, "tools", "trace.py"))
    trace = importlib.util.module_from_spec(spec)  # not the standard library's trace
    spec.loader.exec_module(trace)
    out_dir = os.path.join(LOGS, "trace")
    run = trace.collect("race", boot_settings(smp="4"), out_dir,
                        picture=trace.deps.module_available("matplotlib"))
    why = [f"# {run.error or run.boot.why()}; log: {run.log}"]
    with_json = False
    if run.json is not None:
        with open(run.json) as f:
            with_json = json.load(f).get("traceEvents") == run.events
    race = [e for e in run.events if e["ph"] == "X" and e["name"].startswith("race ")]
    timer = [e for e in run.events if e.get("cat") == "irq" and e["name"] == "timer"]
    calls = trace.collect("waiters", boot_settings(smp="2"), out_dir, picture=False,
                          syscalls=True)
    if calls.error or calls.problems:
        why += [f"# waiters: {calls.error or calls.boot.why()}; log: {calls.log}"]
        why += [f"# waiters: schema: {p}" for p in calls.problems[:10]]
    syscalls = [e for e in calls.events if e.get("cat") == "syscall"]
    waits = [e for e in calls.events if e.get("cat") == "futex"]
    nested = [w for w in waits if any(
        s["name"] == "futex" and s["tid"] == w["tid"] and s["ts"] <= w["ts"]
        and w["ts"] + w["dur"] <= s["ts"] + s["dur"] for s in syscalls)]

    # Two slices half overlapping on one thread's track: the check must see
    # it; one inside the other may be on a thread's track, not on a CPU's.
    def slices(pid, *spans):
        return [{"name": f"s{i}", "ph": "X", "ts": ts, "dur": dur, "pid": pid, "tid": 1}
                for i, (ts, dur) in enumerate(spans)]
    overlap, inside = slices(1, (0, 10), (5, 10)), slices(1, (0, 10), (2, 5))
    checks = [
        ("schema_check_rejects_an_overlap", trace.check(overlap) and not trace.check(overlap[:1])),
        ("schema_check_lets_a_thread_nest_not_a_cpu",
         not trace.check(inside) and bool(trace.check(slices(trace.CPU_PID, (0, 10), (2, 5))))),
        ("dump_comes_back_whole", not run.error and bool(run.records)),
        ("json_has_trace_events", with_json),
        ("schema_fields_no_overlap_switches_pair", with_json and not run.problems),
        ("race_threads_have_slices", len({e["args"]["tid"] for e in race}) >= 4),
        ("picture_is_drawn", run.svg is not None and os.path.getsize(run.svg) > 0),
        ("timer_interrupts_are_marked", len({e["tid"] for e in timer}) == 4),
        ("syscalls_pass_the_schema_check", not calls.error and not calls.problems),
        ("syscalls_are_slices", {"futex", "write", "exit_group"} <= {e["name"] for e in syscalls}),
        ("futex_waits_nest_in_futex_calls", len(waits) >= 3 and len(nested) == len(waits)),
    ]
    cases = [Case(n, ok, [] if ok else why + [f"# schema: {p}" for p in run.problems[:10]])
             for n, ok in checks]
    return cases, run.boot.seconds + calls.boot.seconds


def build(build_dir):
    """Brings build_dir up to date as `make test` does (kernel, initrd,
    ISO; the DEBUG=1 kernel for the GDB test), so that a run never tests
    stale binaries. make takes CC and TOOLPREFIX from the environment."""
    debug = os.path.normpath(build_dir) == os.path.join("build", "debug")
    targets = [f"{build_dir}/kernel.elf", f"{build_dir}/initrd.cpio"]
    if not debug:
        targets.append(f"{build_dir}/spindle.iso")
    argv = ["make", "--no-print-directory", f"-j{os.cpu_count() or 1}"]
    argv += ["DEBUG=1"] if debug else []
    r = subprocess.run(argv + targets, cwd=qemu.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit(f"test.py: the build failed ({' '.join(argv + targets)}):\n{r.stdout}"
                 "\n0 passed, 1 failed")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smp", default=os.environ.get("TEST_SMP", " ".join(SMP_MATRIX)),
                    help="-smp values to run ktest=all on (default: '%(default)s')")
    ap.add_argument("--only", default="", help="run only groups whose name contains this")
    ap.add_argument("--list", action="store_true", help="list the groups and exit")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run make first (make test has just built everything)")
    args = ap.parse_args()
    os.makedirs(LOGS, exist_ok=True)

    if not args.no_build:
        build(BUILD)
    # A failed ktest=list is reported whatever --only selects: the run
    # lacks the death tests, and the kernel panicked.
    groups = [g for g in plan_groups(args.smp.split())
              if args.only in g[0] or g[0] == "ktest.list"]
    if not args.no_build and any(name == "gdb" for name, _ in groups):
        build(os.path.join("build", "debug"))
    if args.list:
        print("\n".join(name for name, _ in groups))
        return 0
    print("KTAP version 1")
    print(f"1..{len(groups)}")
    passed = failed = 0
    start = time.monotonic()
    for index, (name, run) in enumerate(groups, 1):
        cases, seconds = run(name)
        print("    KTAP version 1")
        print(f"    # Subtest: {name}")
        print(f"    1..{len(cases)}")
        for i, c in enumerate(cases, 1):
            for d in c.diagnostics:
                print("    " + d)
            print(f"    {'ok' if c.ok else 'not ok'} {i} {c.name}")
        group_ok = all(c.ok for c in cases)
        print(f"{'ok' if group_ok else 'not ok'} {index} {name} # {seconds:.1f} s")
        sys.stdout.flush()
        passed += sum(c.ok for c in cases)
        failed += sum(not c.ok for c in cases)
    print(f"# whole suite: {time.monotonic() - start:.0f} s; logs in {LOGS}")
    wait, log, line = longest_wait
    if log:
        print(f"# longest wait for an output line: {wait:.1f} s, in {log}, ended by: {line}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
