#!/usr/bin/env python3
"""The scheduler timeline of one program: `make trace PROG=NAME [SMP=4]`.

usage: trace.py [--syscalls] NAME   (settings from the environment, as
                                    tools/qemu.py)

Boots Spindle (QEMU -kernel) with `init=/bin/NAME trace` (`trace=syscalls`
with --syscalls, as `make trace SYSCALLS=1`). When the program
ends, the kernel prints every CPU's trace ring on the serial console
(kernel/sched/trace.c, trace_dump_all) and powers off; this script reads
that dump and writes:

  build/trace/NAME.json   Chrome trace-event JSON ({"traceEvents": [...]},
                          the format Perfetto's UI and chrome://tracing open):
                          a track per CPU ("CPUs" process) with a slice per
                          running task, named "program pid/tid"; wake-ups as
                          flow arrows from the waker's slice to the woken
                          task's next slice; interrupts as marks on the CPU
                          tracks; futex waits as slices on each thread's own
                          track (one process per program), and with
                          --syscalls the system calls, the waits inside them

  build/trace/NAME.svg    the CPU tracks as a picture (matplotlib)
  build/trace/NAME.log    the boot's serial output

The ring keeps the last TRACE_RECORDS events of each CPU: a long run
shows its end only (the script says so). check(events) is the schema
check the test suite runs on the JSON.
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps  # noqa: E402
import qemu  # noqa: E402

TIMEOUT = 600  # seconds for the whole boot: generous, a busy host is slow
IDLE_TIMEOUT = 60  # no output line for this long: hung (as tools/test.py)
CPU_PID = 0  # the Chrome trace "process" that holds one track per CPU

# kernel/sched/trace.h
SWITCH, WAKE, MIGRATE, STEAL, THREAD, SYSCALL, IRQ = range(1, 8)
BLOCK, EXIT = 1, 4  # enum trace_reason: the leaving task went to sleep, ended
REASONS = {BLOCK: "blocked", 2: "yielded", 3: "preempted", EXIT: "exited"}
TO_IDLE = 0x100  # or'ed into a switch's reason: the next task is the idle task
SYS_ENTER, SYS_EXIT = 1, 2  # enum trace_syscall_phase


def names_from_header(path, pattern):
    """{number: name} from the #defines in a header of this tree (the
    system call numbers, the interrupt vectors): one list, the kernel's."""
    with open(os.path.join(qemu.ROOT, path)) as f:
        return {int(m.group(2), 0): m.group(1).lower()
                for m in re.finditer(pattern, f.read(), re.M)}


def syscall_names():
    return names_from_header("lib/freestanding/linux_abi.h",
                             r"^#define SYS_(\w+)\s+(\d+)\s*$")


def vector_names():
    """Interrupt vector -> what it is: the local APIC's and the IPIs by
    their kernel/arch/vectors.h names, the IOAPIC's by ISA IRQ."""
    named = names_from_header("kernel/arch/vectors.h",
                              r"^#define VEC_(\w+)\s+(0x[0-9a-fA-F]+)")
    base = next(v for v, name in named.items() if name == "irq_base")
    names = {v: f"irq {v - base}" for v in range(base, base + 16)}
    names.update({v: name.replace("_", " ") for v, name in named.items()
                  if name not in ("pic_base", "irq_base")})
    return names

Record = collections.namedtuple("Record", "cpu tsc type reason tid arg other addr what")


def parse_dump(output):
    """(cpus, tsc_hz, [Record], notes) from the serial output's dump."""
    m = re.search(r"^trace-begin cpus (\d+) tsc_hz (\d+)\s*$", output, re.M)
    if not m or "\ntrace-end" not in output:
        raise ValueError("no complete trace dump in the output (did the program end?)")
    cpus, tsc_hz = int(m.group(1)), int(m.group(2))
    records, notes = [], []
    body = output[m.end():output.index("\ntrace-end", m.end())]
    for line in body.splitlines():
        f = line.split()
        if line.startswith("trace-cpu "):
            total, kept = int(f[3]), int(f[5])
            if total > kept:
                notes.append(f"cpu {f[1]}: the ring kept the last {kept} of {total} events")
        elif line.startswith("T ") and len(f) == 10:
            records.append(Record(int(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]),
                                  int(f[6]), int(f[7]), int(f[8], 16),
                                  "" if f[9] == "-" else f[9]))
    records.sort(key=lambda r: (r.tsc, r.cpu))
    return cpus, tsc_hz, records, notes


def build_events(cpus, tsc_hz, records):
    """The Chrome trace events for records."""
    if not records:
        return []
    t0 = min(r.tsc for r in records)

    def us(tsc):
        return (tsc - t0) * 1e6 / tsc_hz

    end = us(max(r.tsc for r in records))
    pid_of, name_of = {}, {}  # tid -> process id, tid -> thread name
    idle = set()
    for r in records:
        if r.type == SWITCH and r.reason & TO_IDLE:
            idle.add(r.arg)
        if r.type == SWITCH and r.other > 0:
            pid_of[r.arg] = r.other
        if r.type == THREAD:
            pid_of[r.tid], name_of[r.tid] = r.arg, r.what
        elif r.type == SWITCH and r.reason & 0xFF != 1 and r.what:  # a block names the wait
            name_of.setdefault(r.arg, r.what)
        elif r.type in (WAKE, MIGRATE, STEAL) and r.what:
            name_of.setdefault(r.tid, r.what)

    def label(tid):
        name = name_of.get(tid, "?")
        return f"{name} {pid_of[tid]}/{tid}" if tid in pid_of else f"{name} (kernel) {tid}"

    def is_idle(tid):
        return tid in idle

    events = [{"name": "process_name", "ph": "M", "pid": CPU_PID, "tid": 0, "ts": 0,
               "args": {"name": "CPUs"}}]
    for cpu in range(cpus):
        events.append({"name": "thread_name", "ph": "M", "pid": CPU_PID, "tid": cpu,
                       "ts": 0, "args": {"name": f"CPU {cpu}"}})
    for pid in sorted(set(pid_of.values())):
        events.append({"name": "process_name", "ph": "M", "pid": pid, "tid": pid, "ts": 0,
                       "args": {"name": f"{name_of.get(pid, '?')} (pid {pid})"}})
    for tid, pid in sorted(pid_of.items()):
        events.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "ts": 0,
                       "args": {"name": f"{name_of.get(tid, '?')} tid {tid}"}})

    # CPU tracks: the task on each CPU runs from one switch to the next.
    running = {}  # cpu -> (tid, since)
    first_seen = {}
    slices = []  # (cpu, tid, start, end, why it ended)
    flows, pending_wakes = [], {}  # tid -> (flow id, when woken)
    futex_waits = {}  # tid -> (start, addr)
    in_syscall = {}  # tid -> (start, number)
    thread_slices = []  # (tid, start, end, name, category, args)
    sysname, vecname = syscall_names(), vector_names()

    def syscall_slice(tid, stop, ret=None):
        start, nr = in_syscall.pop(tid)
        args = {"nr": nr} if ret is None else {"nr": nr, "returned": ret}
        thread_slices.append((tid, start, stop, sysname.get(nr, f"syscall {nr}"), "syscall",
                              args))

    for r in records:
        t = us(r.tsc)
        first_seen.setdefault(r.cpu, t)
        if r.type == SWITCH:
            _, since = running.get(r.cpu, (r.tid, first_seen[r.cpu]))
            slices.append((r.cpu, r.tid, since, t, REASONS.get(r.reason & 0xFF, "?")))
            if r.reason & 0xFF == BLOCK and r.addr:  # asleep on the futex at addr
                futex_waits[r.tid] = (t, r.addr)
            running[r.cpu] = (r.arg, t)
            wake = pending_wakes.pop(r.arg, None)
            if wake is not None and not is_idle(r.arg):
                flows.append({"name": "wake-up", "cat": "sched", "ph": "f", "bp": "e",
                              "id": wake, "pid": CPU_PID, "tid": r.cpu, "ts": t})
            if r.arg in futex_waits:
                start, addr = futex_waits.pop(r.arg)
                thread_slices.append((r.arg, start, t, f"futex wait {addr:#x}", "futex", {}))
            if r.reason & 0xFF == EXIT and r.tid in in_syscall:  # exit, exit_group
                syscall_slice(r.tid, t)
        elif r.type == SYSCALL and r.reason == SYS_ENTER:
            in_syscall[r.tid] = (t, r.arg)  # an unfinished one before: lost
        elif r.type == SYSCALL and r.tid in in_syscall:  # its entry was kept
            ret = r.addr - (1 << 64) if r.addr >> 63 else r.addr  # a long
            syscall_slice(r.tid, t, ret if abs(ret) < 1 << 32 else hex(ret))  # an address
        elif r.type == IRQ:
            events.append({"name": vecname.get(r.arg, f"vector {r.arg:#x}"), "cat": "irq",
                           "ph": "i", "s": "t", "pid": CPU_PID, "tid": r.cpu, "ts": t,
                           "args": {"vector": f"{r.arg:#x}",
                                    "interrupted": label(r.tid) if r.tid >= 0 else "-"}})
        elif r.type == WAKE and r.other >= 0 and r.cpu in running \
                and not is_idle(running[r.cpu][0]):
            flow = len(flows) + 1
            args = {"waker": label(r.other), "woken": label(r.tid), "to cpu": r.arg}
            if r.addr:
                args["futex"] = f"{r.addr:#x}"
            flows.append({"name": "wake-up", "cat": "sched", "ph": "s", "id": flow,
                          "pid": CPU_PID, "tid": r.cpu, "ts": t, "args": args})
            pending_wakes[r.tid] = flow
    for cpu, (tid, since) in running.items():
        slices.append((cpu, tid, since, end, "still running at the end"))
    for tid, (start, addr) in futex_waits.items():
        thread_slices.append((tid, start, end, f"futex wait {addr:#x}", "futex", {}))
    for tid in list(in_syscall):
        syscall_slice(tid, end)
    # Flow starts whose woken task never ran again in the trace: no arrow.
    finished = {f["id"] for f in flows if f["ph"] == "f"}
    flows = [f for f in flows if f["id"] in finished]

    for cpu, tid, start, stop, why in slices:
        if is_idle(tid) or stop <= start and why != "still running at the end":
            continue
        events.append({"name": label(tid), "cat": "cpu", "ph": "X", "pid": CPU_PID,
                       "tid": cpu, "ts": start, "dur": max(stop - start, 0),
                       "args": {"tid": tid, "pid": pid_of.get(tid), "ended": why}})
    for tid, start, stop, name, cat, args in thread_slices:
        if tid in pid_of:
            events.append({"name": name, "cat": cat, "ph": "X", "pid": pid_of[tid],
                           "tid": tid, "ts": start, "dur": max(stop - start, 0), "args": args})
    for r in records:
        if r.type in (MIGRATE, STEAL):
            events.append({"name": f"{'steal' if r.type == STEAL else 'migrate'} "
                                   f"{label(r.tid)} cpu {r.other} -> {r.arg}",
                           "cat": "sched", "ph": "i", "s": "t", "pid": CPU_PID,
                           "tid": r.cpu, "ts": us(r.tsc)})
    return events + flows


REQUIRED = {"X": ("name", "ph", "ts", "dur", "pid", "tid"),
            "M": ("name", "ph", "pid", "args"),
            "i": ("name", "ph", "ts", "pid", "tid", "s"),
            "s": ("name", "ph", "ts", "pid", "tid", "id", "cat"),
            "f": ("name", "ph", "ts", "pid", "tid", "id", "cat", "bp")}


def check(events, records=None):
    """The schema check: a list of problems (empty if none). Every event
    has the fields its phase needs; slices on a track may only nest, as
    Perfetto's JSON importer requires: on a CPU's track they do not even
    nest (one task at a time), on a thread's a futex wait nests in its
    system call; every flow start has its end. With records, every switch on a
    CPU leaves the task the previous switch there brought in (no switch-in
    without its switch-out)."""
    problems = []
    by_track = collections.defaultdict(list)
    flow_ids = collections.defaultdict(set)
    for e in events:
        need = REQUIRED.get(e.get("ph"))
        if need is None:
            problems.append(f"unknown phase {e.get('ph')!r}: {e}")
            continue
        missing = [k for k in need if k not in e]
        if missing:
            problems.append(f"{e.get('ph')} event without {', '.join(missing)}: {e}")
            continue
        if e["ph"] == "X":
            if e["dur"] < 0:
                problems.append(f"negative duration: {e}")
            by_track[e["pid"], e["tid"]].append((e["ts"], e["ts"] + e["dur"], e["name"]))
        if e["ph"] in "sf":
            flow_ids[e["ph"]].add(e["id"])
    eps = 1e-6
    for (pid, tid), slices in by_track.items():
        track = f"cpu {tid}" if pid == CPU_PID else f"pid {pid} tid {tid}"
        open_ = []  # the slices that contain the one at hand, outermost first
        for s2, e2, n2 in sorted(slices, key=lambda s: (s[0], -s[1])):
            while open_ and open_[-1][1] <= s2 + eps:
                open_.pop()
            if open_:
                s1, e1, n1 = open_[-1]
                if pid == CPU_PID or e2 > e1 + eps:
                    problems.append(f"{track}: {n1} [{s1:.3f}, {e1:.3f}] overlaps "
                                    f"{n2} [{s2:.3f}, {e2:.3f}] (µs)")
                    continue
            open_.append((s2, e2, n2))
    if flow_ids["s"] != flow_ids["f"]:
        problems.append(f"flows without both ends: {sorted(flow_ids['s'] ^ flow_ids['f'])}")
    last_in = {}
    for r in records or []:
        if r.type == SWITCH:
            if r.cpu in last_in and last_in[r.cpu] != r.tid:
                problems.append(f"cpu {r.cpu}: tid {r.tid} switched out at {r.tsc}, but tid "
                                f"{last_in[r.cpu]} was the last switched in")
            last_in[r.cpu] = r.arg
    return problems


def draw(json_path, cpus, path, title):
    """The picture of json_path's CPU tracks, with matplotlib: in this
    interpreter if it has it, else in Debian's (python3-matplotlib installs
    there; the python3 on PATH may be another one)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        subprocess.run([deps.DEBIAN_PYTHON, os.path.abspath(__file__), "--draw", json_path,
                        str(cpus), path, title], check=True)
        return
    with open(json_path) as f:
        draw_events(json.load(f)["traceEvents"], cpus, path, title)


def draw_events(events, cpus, path, title):
    """The CPU tracks as horizontal bars, a colour per task."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    slices = [e for e in events if e["ph"] == "X" and e["pid"] == CPU_PID]
    names = sorted({e["name"] for e in slices})
    colours = {n: plt.get_cmap("tab20")(i % 20) for i, n in enumerate(names)}
    fig, ax = plt.subplots(figsize=(12, 1 + 0.6 * cpus))
    for e in slices:
        ax.broken_barh([(e["ts"] / 1000, max(e["dur"] / 1000, 0.001))], (e["tid"] - 0.4, 0.8),
                       facecolors=colours[e["name"]], edgecolor="none")
    ax.set_yticks(range(cpus), [f"CPU {c}" for c in range(cpus)])
    ax.invert_yaxis()
    ax.set_xlabel("ms since the first traced event")
    ax.set_title(title)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[n]) for n in names[:20]]
    ax.legend(handles, names[:20], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7,
              title="pid/tid", title_fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


class Run:
    """One traced run: the boot, what its dump held, the events, the
    schema problems, and the files written (svg None if not drawn)."""

    def __init__(self, boot, log):
        self.boot, self.log = boot, log
        self.cpus, self.records, self.notes, self.events = 0, [], [], []
        self.problems, self.json, self.svg, self.error = [], None, None, ""


def collect(name, s, out_dir, picture=True, syscalls=False):
    """Boots with settings s running /bin/name traced (its system calls
    too if syscalls), writes out_dir/name.json (and .svg, .log); returns
    a Run."""
    switch = "trace=syscalls" if syscalls else "trace"
    s = dict(s, boot="kernel",
             cmdline=f"init=/bin/{name} {switch} {s.get('cmdline', '')}".strip())
    os.makedirs(out_dir, exist_ok=True)
    log = os.path.join(out_dir, name + ".log")
    run = Run(qemu.boot(s, TIMEOUT, log_path=log, idle_timeout=IDLE_TIMEOUT), log)
    if run.boot.timed_out:
        run.error = run.boot.why()
        return run
    try:
        run.cpus, tsc_hz, run.records, run.notes = parse_dump(run.boot.output)
    except ValueError as e:
        run.error = f"{e} ({run.boot.why()})"
        return run
    run.events = build_events(run.cpus, tsc_hz, run.records)
    run.problems = check(run.events, run.records)
    run.json = os.path.join(out_dir, name + ".json")
    with open(run.json, "w") as f:
        json.dump({"traceEvents": run.events, "displayTimeUnit": "ms"}, f)
    if picture:
        run.svg = os.path.join(out_dir, name + ".svg")
        draw(run.json, run.cpus, run.svg,
             f"{name} on {run.cpus} CPUs: who ran where (Spindle scheduler trace)")
    return run


def main(argv):
    if len(argv) == 6 and argv[1] == "--draw":  # draw(), in Debian's python
        draw_events(json.load(open(argv[2]))["traceEvents"], int(argv[3]), argv[4], argv[5])
        return 0
    syscalls = argv[1:2] == ["--syscalls"]
    if len(argv) != 2 + syscalls:
        sys.exit("usage: trace.py [--syscalls] NAME   (make trace PROG=NAME [SMP=4] "
                 "[SYSCALLS=1])")
    name = argv[-1]
    run = collect(name, qemu.settings(), os.path.join(qemu.ROOT, "build", "trace"),
                  syscalls=syscalls)
    if run.error:
        sys.exit(f"trace.py: {run.error}; log: {run.log}")
    for note in run.notes:
        print(f"trace: {note}")
    slices = sum(e["ph"] == "X" and e["pid"] == CPU_PID for e in run.events)
    flows = sum(e["ph"] == "s" for e in run.events)
    irqs = sum(e.get("cat") == "irq" for e in run.events)
    calls = sum(e.get("cat") == "syscall" for e in run.events)
    print(f"trace: {len(run.records)} records from {run.cpus} CPUs: {slices} slices, "
          f"{flows} wake-ups, {irqs} interrupts" + (f", {calls} system calls" if syscalls else ""))
    print(f"trace: wrote {os.path.relpath(run.json, qemu.ROOT)} (open it in "
          f"https://ui.perfetto.dev) and {os.path.relpath(run.svg, qemu.ROOT)}")
    for p in run.problems[:20]:
        print(f"trace: schema: {p}", file=sys.stderr)
    return 1 if run.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
