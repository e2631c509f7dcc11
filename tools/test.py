#!/usr/bin/env python3
"""Spindle's test suite: boots the kernel many ways and collects KTAP.

usage: test.py [--smp "1 4"] [--only SUBSTRING] [--list]

Each group is one QEMU boot (or one GDB session) with a timeout:
  smpN.ktest         every in-kernel test (ktest=all), QEMU -kernel, -smp N,
                     for N in SMP_MATRIX (1, 2, 4, 8 CPUs and mixed topologies)
  smpN.POLICY.sched  the scheduler suite under each other policy (sched=)
  grub.ktest         every in-kernel test again, booted by GRUB from an ISO
  mem8g.pmm          the page-allocator suite with 8 GiB of memory
  console            typing at the kernel monitor over the serial line
  native.user.PROG   user/test_PROG.c, the same static binary, run on the Linux
                     host; every smpN.user.PROG group must report the same
                     tests with the same results
  glibc.user.PROG    the portable test programs (standard headers only)
                     compiled against glibc (gcc -pthread) and run on the host
  smpN.musl.PROG     user/musl/PROG.c built with musl-gcc, run on the host and
                     through tools/run-elf (-smp 1 and 4): same stdout, same status
  smp4.user.DEMO     a demo in user/ (race, pool, philosophers) booted as init
                     on 4 CPUs: its output must show what it demonstrates
  smpN.fuzz          user/fuzz.c, random system calls for about 60 s (Spindle
                     only): no panic, no hang
  smpN.death.T       one death test T (it must panic with the expected report)
  gdb                GDB drives a halted kernel (tools/gdb_test.py)

Output is KTAP, one subtest per group, then "N passed, N failed". A group
whose boot panicked, reset or timed out fails, and its log's tail is shown;
every boot's whole log is in BUILD/test-logs/.
"""
import argparse
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
LOGS = os.path.join(qemu.ROOT, BUILD, "test-logs")
KTEST_TIMEOUT = 180  # generous: TCG on a loaded 2-core machine is slow
DEATH_TIMEOUT = 60
USER_TIMEOUT = 180  # generous, as KTEST_TIMEOUT: a loaded host is slow
USER_SMPS = ["1", "4"]  # user programs run on 1 and 4 CPUs
MUSL_ARGS = ["one", "two"]  # the same arguments on the host and on Spindle
TAIL_LINES = 25
# Every in-kernel test runs on each of these -smp values, mixed topologies
# included; death tests run on the first and the one after (1 and 2 CPUs).
SMP_MATRIX = ["1", "2", "4", "8", "4,sockets=2,cores=2", "4,sockets=1,cores=2,threads=2"]
DEATH_SMP = 2
# ktest=all runs under the default policy (rr); the scheduler suite runs
# again under each other policy.
OTHER_POLICIES = ["mlfq"]


class Case:
    def __init__(self, name, ok, diagnostics=()):
        self.name, self.ok, self.diagnostics = name, ok, list(diagnostics)


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
    b = qemu.boot(settings, timeout, log_path=log, iso=iso)
    cases, planned = parse_kernel_ktap(b.output)
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
    b = qemu.boot(settings, USER_TIMEOUT, log_path=log)
    cases, planned = parse_user_ktap(b.output)
    m = re.search(r"spindle: init exited with status (\d+)", b.output)
    status = int(m.group(1)) if m and not b.timed_out else f"none: boot {b.why()}"
    problems = check_user_ktap(cases, planned, status, f"on Spindle (log: {log})", b.output)
    return cases + problems + [same_as_native(prog, cases)], b.seconds


# The headers a portable test program may include besides the standard
# ones, and the library sources each brings with it in a glibc build.
PORTABLE_HEADERS = {"c/ktap.h": ["lib/c/ktap.c"], "timing.h": [],
                    "tpool/tpool.h": ["lib/tpool/*.c"],
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
    b = qemu.boot(settings, USER_TIMEOUT, log_path=log)
    diags = [f"# the output lacks /{p}/" for p in patterns if not re.search(p, b.output)]
    if b.timed_out or b.status == qemu.EXIT_PANIC:
        diags.insert(0, f"# boot {b.why()}")
    if diags:
        diags += [f"# log: {log}"] + log_tail(b.output)
    return [Case(test, not diags, diags)], b.seconds


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
    """Runs argv with no input: (exit status as a shell gives it, 128+N for
    signal N, or a string if it timed out; stdout; stderr)."""
    try:
        r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return (f"none (killed at the {timeout} s timeout)", (e.stdout or b"").decode(errors="replace"),
                (e.stderr or b"").decode(errors="replace"))
    status = 128 - r.returncode if r.returncode < 0 else r.returncode
    return status, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


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
               BUILD=BUILD, RUN_ELF_TIMEOUT=str(USER_TIMEOUT), RUN_ELF_LOG=log)
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
    b = qemu.boot(settings, DEATH_TIMEOUT, log_path=log)
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


def console_group(name):
    """Types at the kernel monitor over the serial line: the bytes must come
    back (echo, through the UART's receive interrupt and the IOAPIC), and
    the commands must run."""
    log = os.path.join(LOGS, name + ".log")
    script = [("spindle> ", "help\r"), ("spindle> ", "cpuz\x7fs\r"),
              ("spindle> ", "tasks\r"), ("spindle> ", "poweroff\r")]
    b = qemu.boot(boot_settings(smp="2", cmdline="monitor"), DEATH_TIMEOUT, log_path=log,
                  script=script)
    checks = [
        ("typed_command_is_echoed", "spindle> help\n" in b.output),
        ("help_lists_the_commands", "poweroff   stop the machine" in b.output),
        ("backspace_erases_a_character", "cpuz\b \bs\n" in b.output),
        ("cpus_lists_every_cpu", re.search(r"\n +1 +1 +0 +1 +0 +\d+\n", b.output) is not None),
        ("tasks_lists_main_and_the_reaper",
         re.search(r"\n +0  main +running", b.output) is not None
         and re.search(r"reaper +blocked .*reaper: work", b.output) is not None),
        ("poweroff_exits_cleanly", b.status == qemu.EXIT_SUCCESS and not b.timed_out),
    ]
    cases = [Case(n, ok, [] if ok else [f"# boot: {b.why()}; log: {log}"] + log_tail(b.output))
             for n, ok in checks]
    return cases, b.seconds


def shell_group(name, smp):
    """Boots as `make run` does (init starts /bin/sh on the console) and
    types commands at the shell: a pipeline, /proc, ps, a missing command,
    the line discipline's Backspace, exit with a status."""
    log = os.path.join(LOGS, name + ".log")
    script = [("$ ", "ps\r"), ("$ ", "cat /proc/cpuinfo | grep core\r"),
              ("$ ", "echo one two three | wc\r"), ("$ ", "nosuch\r"),
              ("$ ", "cd /proc\r"), ("$ ", "pwd\r"), ("$ ", "echo abx\x7fc\r"),
              ("$ ", "exit 3\r")]
    b = qemu.boot(boot_settings(smp=smp), USER_TIMEOUT, log_path=log, script=script)
    cpus = cpu_count(smp)
    checks = [
        ("ps_lists_init_and_sh",
         re.search(r"\n +\d+ +0 +[RS] +1 +init\n", b.output) is not None
         and re.search(r"\n +\d+ +\d+ +[RS] +1 +sh\n", b.output) is not None),
        ("pipeline_from_proc_cpuinfo_through_grep",
         len(re.findall(r"\ncore id\t\t: \d+", b.output)) == cpus),
        ("echo_into_wc_counts_three_words",
         re.search(r"\n +1 +3 +14\n", b.output) is not None),
        ("missing_command_is_reported", "sh: nosuch: not found" in b.output),
        ("cd_and_pwd", "\n/proc\n" in b.output),
        ("backspace_erases_a_character", "\nabc\n" in b.output),
        ("exit_status_reaches_init", "spindle: init exited with status 3" in b.output),
    ]
    cases = [Case(n, ok, [] if ok else [f"# boot: {b.why()}; log: {log}"] + log_tail(b.output))
             for n, ok in checks]
    return cases, b.seconds


def list_tests(smp):
    """Asks the kernel for its tests (ktest=list): {name: death_expect}."""
    b = qemu.boot(boot_settings(smp=smp, cmdline="ktest=list"), DEATH_TIMEOUT,
                  log_path=os.path.join(LOGS, "list.log"))
    if b.status != qemu.EXIT_SUCCESS:
        sys.exit(f"test.py: ktest=list failed: {b.why()}\n{b.output}")
    tests = {}
    for line in b.output.splitlines():
        m = re.match(r"^ktest-list: (\S+)(?: death=(.*))?$", line)
        if m:
            tests[m.group(1)] = m.group(2)
    return tests


# (program, test name, what its output must show) for the demos in user/.
DEMOS = [
    ("race", "unlocked_increments_are_lost_mutex_and_atomic_are_exact",
     [r"unlocked +expected 4000000, got \d+, lost [1-9]\d*",
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
]


def plan_groups(smps):
    tests = list_tests(smps[0])
    deaths = {t: e for t, e in tests.items() if e}
    groups = []
    for smp in smps:
        groups.append((f"{smp_label(smp)}.ktest",
                       lambda n, smp=smp: ktest_group(n, boot_settings(
                           smp=smp, cmdline=f"ktest=all test_cpus={cpu_count(smp)}"))))
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
    # The demos (user/race.c, pool.c, philosophers.c) on 4 CPUs, where
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
    groups.append(("mem8g.pmm",
                   lambda n: ktest_group(n, boot_settings(mem="8G", cmdline="ktest=pmm"))))
    for smp in smps[:DEATH_SMP]:
        for test, expect in sorted(deaths.items()):
            groups.append((f"{smp_label(smp)}.death.{test}",
                           lambda n, smp=smp, t=test, e=expect: death_group(
                               n, boot_settings(smp=smp, cmdline=f"ktest={t}"), t, e)))
    groups.append(("gdb", gdb_group))
    return groups


def grub_group(name):
    import mkiso
    iso = os.path.join(qemu.ROOT, BUILD, "ktest.iso")
    mkiso.make_iso(os.path.join(qemu.ROOT, BUILD, "kernel.elf"),
                   os.path.join(qemu.ROOT, BUILD, "initrd.cpio"), "ktest=all", iso)
    return ktest_group(name, boot_settings(smp="2", boot="iso"), iso=iso)


def gdb_group(name):
    import gdb_test
    start = time.monotonic()
    results = gdb_test.run(qemu.ROOT, os.path.join("build", "debug"), None)
    cases = [Case(n, ok, [f"# {line}" for line in diag.splitlines()] if not ok else [])
             for n, ok, diag in results]
    return cases, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smp", default=os.environ.get("TEST_SMP", " ".join(SMP_MATRIX)),
                    help="-smp values to run ktest=all on (default: '%(default)s')")
    ap.add_argument("--only", default="", help="run only groups whose name contains this")
    ap.add_argument("--list", action="store_true", help="list the groups and exit")
    args = ap.parse_args()
    os.makedirs(LOGS, exist_ok=True)

    groups = [g for g in plan_groups(args.smp.split()) if args.only in g[0]]
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
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
