"""GDB helpers for what Spindle is about: CPUs, run queues, futexes,
address spaces, the trace ring, and the lists that hold them together.

Loaded by spindle.py. Like the other helpers they read memory while the
machine is stopped and take no locks: a list caught mid-update can show
half of a change.

GDB threads are CPUs: QEMU's gdbstub shows each virtual CPU as one thread
(`info threads`). Which Spindle CPU (cpus[i], the order the kernel started
them in) a GDB thread is comes from its GS base: in the kernel GS points at
that CPU's struct cpu, and in user mode the kernel's value waits in
KERNEL_GS_BASE (swapgs exchanges the two). cpu_of_thread() reads both.
"""
import gdb

TASK_MAGIC = 0x7A5C7A5C  # kernel/sched/task.h
MAX_WALK = 100000  # a list longer than this is taken as corrupted (a loop)


def container_of(node_address, type_name, member):
    """The struct type_name * whose member is at node_address."""
    struct = gdb.lookup_type(type_name)
    offset = struct[member].bitpos // 8
    return gdb.Value(node_address - offset).cast(struct.pointer())


def list_entries(lst, type_name, member):
    """The structures on a struct list (value lst), in order, as pointers:
    lst.head is the sentinel of a circular ring (lib/freestanding/list.h)."""
    head = lst["head"]
    head_address = int(head.address)
    entries, node = [], head["next"]
    while int(node) != head_address:
        if int(node) == 0:
            raise gdb.GdbError(f"a NULL link in the list at {head_address:#x}: "
                               "not initialised, or being changed")
        entries.append(container_of(int(node), type_name, member))
        if len(entries) > MAX_WALK:
            raise gdb.GdbError(f"the list at {head_address:#x} never comes back to its head")
        node = node["next"]
    return entries


def static(file, name):
    """A file-static kernel variable: 'file'::name (several files have
    static variables of the same name)."""
    try:
        return gdb.parse_and_eval(f"'{file}'::{name}")
    except gdb.error as e:
        raise gdb.GdbError(f"cannot read {name} of {file}: {e}")


def state_name(t):
    return str(t["state"]).removeprefix("TASK_").lower()


def describe_task(t):
    """'tid 5 hello' (and its pid when it is a thread of a process)."""
    text = f"tid {int(t['tid'])} {t['name'].string()}"
    if int(t["proc"]):
        pid = int(t["proc"]["pid"])
        if pid != int(t["tid"]):
            text += f" (pid {pid})"
    return text


def cpu_count():
    return int(gdb.parse_and_eval("nr_cpus"))


def cpu_of_thread(thread):
    """The Spindle CPU id a GDB thread (a QEMU vCPU) is, or None before
    per-CPU data is set up."""
    cpus = gdb.parse_and_eval("cpus")
    base, size = int(cpus.address), cpus[0].type.sizeof
    selected = gdb.selected_thread()
    try:
        thread.switch()
        frame = gdb.newest_frame()
        for reg in ("gs_base", "k_gs_base"):
            try:
                value = int(frame.read_register(reg)) & 0xFFFFFFFFFFFFFFFF
            except (gdb.error, ValueError):
                continue
            if base <= value < base + size * cpu_count() and (value - base) % size == 0:
                return (value - base) // size
        return None
    finally:
        selected.switch()


def threads_by_cpu():
    """{Spindle CPU id: GDB thread number}."""
    mapping = {}
    for thread in gdb.selected_inferior().threads():
        cpu = cpu_of_thread(thread)
        if cpu is not None:
            mapping[cpu] = thread.num
    return mapping


def selected_cpu():
    """The Spindle CPU id of the GDB thread selected now."""
    cpu = cpu_of_thread(gdb.selected_thread())
    if cpu is None:
        raise gdb.GdbError("this CPU has no per-CPU data yet (before kmain's percpu set-up)")
    return cpu


def queued_tasks(rq):
    """The tasks waiting on a run queue, highest priority level first."""
    levels = rq["q"]["level"]
    count = levels.type.range()[1] + 1
    return [t for i in range(count) for t in list_entries(levels[i], "struct task", "rq_link")]


class RunQueues(gdb.Command):
    """Every CPU: the GDB thread it is, its current task and its run queue.

usage: spindle-runqueues

"thread N" is the GDB thread that is this CPU (`thread N` selects it,
then `bt` shows what runs there). "idle" marks a CPU running its idle task.
The queued tasks are in the order the policy picks them."""

    def __init__(self):
        super().__init__("spindle-runqueues", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        threads = threads_by_cpu()
        runqueues = gdb.parse_and_eval("runqueues")
        for cpu in range(cpu_count()):
            rq = runqueues[cpu]
            current, idle = rq["current"], rq["idle"]
            thread = f"thread {threads[cpu]}" if cpu in threads else "thread ?"
            if not int(current):
                print(f"cpu {cpu} ({thread}): not scheduling yet")
                continue
            now = "idle" if int(current) == int(idle) else describe_task(current)
            queued = queued_tasks(rq)
            print(f"cpu {cpu} ({thread}): running {now}; {len(queued)} queued "
                  f"(nr_queued {int(rq['nr_queued'])})")
            for t in queued:
                print(f"    {describe_task(t)}  prio {int(t['prio'])} level {int(t['level'])}")


class Futexes(gdb.Command):
    """Every futex bucket with waiters: the futex (key) and who waits on it.

usage: spindle-futex

A key is (address space, address): a private futex's space is its mm,
a shared one's is mm | 1 on a private page or 0 with the physical address
(kernel/futex/futex.c). Waiters are in the order a FUTEX_WAKE wakes them;
one a waker has taken off to wake is on no bucket."""

    def __init__(self):
        super().__init__("spindle-futex", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        buckets = static("kernel/futex/futex.c", "buckets")
        count = buckets.type.range()[1] + 1
        total = 0
        for i in range(count):
            waiters = list_entries(buckets[i]["waiters"], "struct futex_waiter", "link")
            if not waiters:
                continue
            print(f"bucket {i}:")
            for w in waiters:
                key, t = w["key"], w["task"]
                space, addr = int(key["space"]), int(key["addr"])
                kind = "shared" if space & 1 or space == 0 else "private"
                print(f"    futex {addr:#x} ({kind}, space {space:#x}): {describe_task(t)} "
                      f"{state_name(t)} bitset {int(w['bitset']):#x}")
                total += 1
        print(f"{total} waiter{'s' * (total != 1)} in {count} buckets")


def find_task(tid):
    for t in list_entries(gdb.lookup_static_symbol("all_tasks").value(), "struct task",
                          "all_link"):
        if int(t["tid"]) == tid:
            return t
    raise gdb.GdbError(f"no task with tid {tid}")


# kernel/aspace/mm.h: VMA_READ, VMA_WRITE, VMA_EXEC, VMA_SHARED
VMA_FLAGS = [(0x1, "r"), (0x2, "w"), (0x4, "x")]
VMA_SHARED = 0x8


def vma_prot(prot):
    text = "".join(letter if prot & bit else "-" for bit, letter in VMA_FLAGS)
    return text + ("s" if prot & VMA_SHARED else "p")


class AddressSpace(gdb.Command):
    """The regions of a process's address space, as /proc/PID/maps.

usage: spindle-mm [TID]

Without TID: the task on the CPU GDB has selected."""

    def __init__(self):
        super().__init__("spindle-mm", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        if argument.strip():
            t = find_task(int(gdb.parse_and_eval(argument)))
        else:
            t = gdb.parse_and_eval("runqueues")[selected_cpu()]["current"]
        mm = t["mm"]
        if not int(mm):
            print(f"{describe_task(t)} is a kernel thread: no user address space")
            return
        print(f"{describe_task(t)}: mm {int(mm):#x}, heap "
              f"{int(mm['brk_start']):#x}-{int(mm['brk']):#x}, {int(mm['resident'])} pages resident")
        for vma in list_entries(mm["vmas"], "struct vma", "link"):
            what = vma["what"].string() if int(vma["what"]) else ""
            print(f"  {int(vma['start']):016x}-{int(vma['end']):016x} "
                  f"{vma_prot(int(vma['prot']))} {what}")


TRACE_TYPES = {1: "switch", 2: "wake", 3: "migrate", 4: "steal", 5: "thread", 6: "syscall",
               7: "irq"}
TRACE_REASONS = {"switch": {1: "block", 2: "yield", 3: "preempt", 4: "exit"},
                 "syscall": {1: "enter", 2: "exit"}}


class TraceRing(gdb.Command):
    """The scheduler's trace ring (kernel/sched/trace.c) as text.

usage: spindle-trace [N]      the last N events of every CPU (default 16)

As the monitor's `trace` and a panic print it: TSC, event, reason, the
task, and the other task (a switch) or the CPU (a wake-up, a migration)."""

    def __init__(self):
        super().__init__("spindle-trace", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        n = int(gdb.parse_and_eval(argument)) if argument.strip() else 16
        rings = static("kernel/sched/trace.c", "rings")  # a pointer a CPU
        for cpu in range(cpu_count()):
            if not int(rings[cpu]):
                print(f"cpu {cpu}: no trace ring yet")
                continue
            ring = rings[cpu].dereference()
            size = int(ring["size"])
            end = int(ring["next"])
            count = min(n, end, size)
            print(f"cpu {cpu}: last {count} of {end} events")
            for i in range(end - count, end):
                e = ring["rec"][i % size]
                kind = TRACE_TYPES.get(int(e["type"]), "?")
                other = "-> tid" if kind == "switch" else "arg"
                raw = bytes(gdb.selected_inferior().read_memory(int(e["what"].address), 12))
                what = raw.split(b"\0")[0].decode("ascii", "replace")
                print(f"  {int(e['tsc']):>16} {kind:<7} "
                      f"{TRACE_REASONS.get(kind, {}).get(int(e['reason']) & 0xFF, ''):<7} "
                      f"tid {int(e['tid']):<5} "
                      f"{other} {int(e['arg']):<5} {what}")


class ListWalk(gdb.Command):
    """Walk any intrusive list (lib/freestanding/list.h) and print its entries.

usage: spindle-list LIST TYPE MEMBER [FIELD...]

LIST is an expression for a struct list, TYPE the structure on it and
MEMBER its struct list_node: `spindle-list runqueues[0].q.level[4] 'struct
task' rq_link tid name`. Each entry prints as its address, then the FIELDs
given (or the whole structure)."""

    def __init__(self):
        super().__init__("spindle-list", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        args = gdb.string_to_argv(argument)
        if len(args) < 3:
            raise gdb.GdbError("usage: spindle-list LIST TYPE MEMBER [FIELD...]")
        lst = gdb.parse_and_eval(args[0])
        if lst.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            lst = lst.dereference()
        entries = list_entries(lst, args[1], args[2])
        for i, e in enumerate(entries):
            if args[3:]:
                fields = " ".join(f"{f}={e[f].format_string(max_elements=16)}" for f in args[3:])
                print(f"[{i}] {int(e):#x} {fields}")
            else:
                print(f"[{i}] {int(e):#x} {e.dereference()}")
        print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")


class TaskPrinter:
    """struct task in one line: `print *current` reads as spindle-tasks."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        t = self.value
        text = f"task {describe_task(t)}, {state_name(t)} cpu {int(t['cpu'])} prio {int(t['prio'])}"
        if state_name(t) == "blocked" and int(t["wait_what"]):
            text += f", waits on {t['wait_what'].string()}"
        if int(t["magic"]) != TASK_MAGIC:
            text += f" (BAD MAGIC {int(t['magic']):#x}: not a task?)"
        return "{" + text + "}"


def lookup_printer(value):
    t = value.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag == "task":
        return TaskPrinter(value)
    return None


def register():
    RunQueues()
    Futexes()
    AddressSpace()
    TraceRing()
    ListWalk()
    gdb.pretty_printers.append(lookup_printer)
