"""GDB helpers for Spindle, loaded by `make gdb` (tools/qemu.py gdb_argv).

Each command has a docstring: `help spindle-pagewalk` shows it. To load
them into a GDB you started yourself: `source tools/gdb/spindle.py`.

They read kernel memory while the machine is stopped, taking no locks: if a
CPU was stopped in the middle of changing a list, what they print can be
half-updated. The kernel's layout comes from kernel/base/layout.h, the task
structures from the kernel's debug information.
"""
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spindle_sched  # noqa: E402
import spindle_user  # noqa: E402

# kernel/base/layout.h: all physical memory is mapped here, so physical
# address p is readable at DIRECT_MAP_BASE + p (the loader's early page
# tables map the first 4 GiB there too, so this works from kmain on).
DIRECT_MAP_BASE = 0xFFFF800000000000

# Page-table entry bits (Intel SDM vol. 3, "Paging": 4-level paging).
PTE_P = 1 << 0  # present
PTE_W = 1 << 1  # writable
PTE_U = 1 << 2  # user-accessible
PTE_A = 1 << 5  # accessed
PTE_D = 1 << 6  # dirty
PTE_PS = 1 << 7  # page size: a 1 GiB (PDPT) or 2 MiB (PD) page, not a table
PTE_G = 1 << 8  # global: kept in the TLB across CR3 loads
PTE_NX = 1 << 63  # no execute (with EFER.NXE)
PTE_ADDR = 0x000FFFFFFFFFF000  # bits 12..51: the next table or the page
CR0_PG = 1 << 31

# (name, bit of the virtual address its index starts at)
LEVELS = [("PML4", 39), ("PDPT", 30), ("PD", 21), ("PT", 12)]


def to_address(value):
    """An integer address from a GDB value: functions and arrays stand for
    their address, as they do in C."""
    code = value.type.strip_typedefs().code
    if code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY):
        value = value.address
    return int(value) & 0xFFFFFFFFFFFFFFFF


def read_register(name):
    """A register of the selected CPU, as an integer (QEMU's gdbstub also
    sends the control registers: cr0, cr3, cr4, efer, ...)."""
    value = gdb.parse_and_eval(f"${name}")
    if value.type.code == gdb.TYPE_CODE_VOID:
        raise gdb.GdbError(f"no ${name}: is GDB connected to QEMU (target remote)?")
    return int(value)


def read_u64(address):
    """The 8-byte little-endian word at virtual address."""
    data = gdb.selected_inferior().read_memory(address, 8)
    return int.from_bytes(bytes(data), "little")


def read_phys_u64(phys):
    """The 8-byte word at physical address phys, through the direct map."""
    try:
        return read_u64(DIRECT_MAP_BASE + phys)
    except gdb.MemoryError:
        raise gdb.GdbError(
            f"cannot read physical 0x{phys:x} through the direct map at "
            f"0x{DIRECT_MAP_BASE:x} (not mapped yet? try `monitor xp /gx 0x{phys:x}`)")


def is_huge(level, entry):
    """Whether entry maps a page directly instead of pointing at a table:
    only PDPT (1 GiB) and PD (2 MiB) entries can; in a PT entry the same
    bit means something else (PAT)."""
    return level in ("PDPT", "PD") and bool(entry & PTE_PS)


def entry_flags(level, entry):
    """The flags of a page-table entry, as short names."""
    names = [(PTE_P, "P"), (PTE_W, "W"), (PTE_U, "U"), (PTE_A, "A"), (PTE_D, "D")]
    if is_huge(level, entry):
        names.append((PTE_PS, "huge"))
    names += [(PTE_G, "G"), (PTE_NX, "NX")]
    return " ".join(name for bit, name in names if entry & bit) or "-"


class PageWalk(gdb.Command):
    """Translate a virtual address by walking the 4-level page tables.

usage: spindle-pagewalk ADDR [CR3]

ADDR is any expression: 0xffffffff80100000, kmain, &cpus[0], $rsp.
The walk starts at the table in CR3 (the address space of the CPU GDB has
selected), or at the physical address CR3 if given (another address space,
e.g. some task's page tables). For each level it prints the entry's index,
its value and its flags:

  P present   W writable   U user-accessible   A accessed   D dirty
  huge  a 1 GiB or 2 MiB page instead of a table   G global   NX no execute

and at the end the physical address and the access the page allows: a page
is writable (user-accessible) only if every level says W (U), and not
executable if any level says NX. The tables themselves are read through
the direct map (kernel/base/layout.h). QEMU's own view: `monitor info tlb`."""

    def __init__(self):
        super().__init__("spindle-pagewalk", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        args = gdb.string_to_argv(argument)
        if len(args) not in (1, 2):
            raise gdb.GdbError("usage: spindle-pagewalk ADDR [CR3]")
        vaddr = to_address(gdb.parse_and_eval(args[0]))
        if len(args) == 2:
            cr3 = to_address(gdb.parse_and_eval(args[1]))
        else:
            cr0, cr3 = read_register("cr0"), read_register("cr3")
            if not cr0 & CR0_PG:
                raise gdb.GdbError("paging is off (CR0.PG = 0): virtual = physical")
        if vaddr >> 47 not in (0, 0x1FFFF):
            raise gdb.GdbError(f"0x{vaddr:x} is not canonical (bits 63..47 must "
                               "be all 0 or all 1): any access faults with #GP")

        print(f"virtual 0x{vaddr:016x}, page tables at physical 0x{cr3 & PTE_ADDR:x}")
        table = cr3 & PTE_ADDR
        writable = user = executable = True
        for name, shift in LEVELS:
            index = (vaddr >> shift) & 0x1FF
            entry = read_phys_u64(table + index * 8)
            print(f"  {name:<4} [{index:3}] = 0x{entry:016x}  {entry_flags(name, entry)}")
            if not entry & PTE_P:
                print(f"not mapped: an access to 0x{vaddr:x} page-faults")
                return
            writable &= bool(entry & PTE_W)
            user &= bool(entry & PTE_U)
            executable &= not (entry & PTE_NX)
            if name == "PT" or is_huge(name, entry):
                break
            table = entry & PTE_ADDR
        page_size = 1 << shift
        base = entry & PTE_ADDR & ~(page_size - 1)
        phys = base | (vaddr & (page_size - 1))
        size = {12: "4 KiB", 21: "2 MiB", 30: "1 GiB"}[shift]
        access = ", ".join(["writable" if writable else "read-only",
                            "user" if user else "kernel-only",
                            "executable" if executable else "no-execute"])
        print(f"physical 0x{phys:x}  ({size} page at 0x{base:x}; {access})")


def task_type():
    """struct task's GDB type, or a clear error if the kernel has none."""
    try:
        return gdb.lookup_type("struct task")
    except gdb.error:
        raise gdb.GdbError("this kernel has no struct task (no scheduler yet)")


def all_tasks():
    """Every struct task on the kernel's list of all tasks (kernel/sched/
    kthread.c: all_tasks, linked through task->all_link), as pointers."""
    symbol = gdb.lookup_static_symbol("all_tasks")
    if symbol is None:
        raise gdb.GdbError("this kernel has no task list (all_tasks)")
    task = task_type()
    offset = task["all_link"].bitpos // 8
    head = symbol.value()["head"]
    head_address = int(head.address)
    tasks = []
    try:
        node = head["next"]
        while int(node) != head_address:
            tasks.append(gdb.Value(int(node) - offset).cast(task.pointer()))
            node = node["next"]
            if len(tasks) > 10000:
                raise gdb.GdbError("the task list never comes back to its head: corrupted?")
    except gdb.MemoryError as e:
        raise gdb.GdbError(f"cannot read the task list: {e} (paging not on yet?)")
    return tasks


# Past this many threads of one process alike (state, wait), spindle-tasks
# prints one summary line for the rest, as Ctrl-T does.
SAME_THREADS_SHOWN = 4


def code_location(pc):
    """'function at file:line' for the instruction at pc."""
    symbol = gdb.execute(f"info symbol 0x{pc:x}", to_string=True)
    text = "??" if symbol.startswith("No symbol") else symbol.split(" ")[0]
    line = gdb.find_pc_line(pc)
    if line.symtab is not None:
        text += f" at {line.symtab.filename}:{line.line}"
    return text


class Tasks(gdb.Command):
    """List every kernel task: tid, name, state, CPU, priority, and what it waits for.

usage: spindle-tasks

For a task on a CPU now, pick that CPU with `info threads` and `thread N`
(QEMU shows each CPU as a thread) and use `bt`. For the others,
`spindle-task-bt TID` shows where they stopped, from the stack switch_to
left behind (kernel/sched/switch.S)."""

    def __init__(self):
        super().__init__("spindle-tasks", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        tasks = all_tasks()
        if not tasks:
            print("no tasks yet (sched_init has not run)")
            return
        print(f"{'tid':>4} {'name':<16} {'state':<9} {'cpu':>3} {'prio':>4}  waiting for")
        run, count = None, 0  # a run of threads alike (kernel/dev/monitor.c)
        for t in tasks + [None]:
            if t is None:
                key = None
            else:
                state = str(t["state"]).removeprefix("TASK_")
                wait_what = t["wait_what"]
                # a runnable task's wait_what may be stale: shown only when blocked
                waiting = wait_what.string() if state == "BLOCKED" and int(wait_what) else ""
                key = (int(t["proc"]), state, waiting) if int(t["proc"]) else None
            if key is not None and key == run:
                count += 1
            else:
                if count > SAME_THREADS_SHOWN:
                    print(f"     ... {count - SAME_THREADS_SHOWN} more threads of {name}, "
                          f"{run[1]}{' on ' + run[2] if run[2] else ''}")
                run, count = key, 1
            if t is None or count > SAME_THREADS_SHOWN:
                continue
            name = t["name"].string()
            print(f"{int(t['tid']):>4} {name:<16} {state:<9} "
                  f"{int(t['cpu']):>3} {int(t['prio']):>4}  {waiting}")


class TaskBacktrace(gdb.Command):
    """Backtrace of a task that is not running, by tid (see spindle-tasks).

usage: spindle-task-bt TID

A switched-out task's stack ends with what switch_to pushed: rbp rbx r12
r13 r14 r15 at saved_rsp, and above them the return address into its caller.
From there the kernel's frame pointers (-fno-omit-frame-pointer) chain the
rest: [rbp] is the caller's rbp, [rbp + 8] the return address. The walk
stops at the top of the task's kernel stack."""

    def __init__(self):
        super().__init__("spindle-task-bt", gdb.COMMAND_STACK, gdb.COMPLETE_NONE)

    def invoke(self, argument, from_tty):
        try:
            tid = int(gdb.parse_and_eval(argument))
        except (gdb.error, ValueError):
            raise gdb.GdbError("usage: spindle-task-bt TID")
        matches = [t for t in all_tasks() if int(t["tid"]) == tid]
        if not matches:
            raise gdb.GdbError(f"no task with tid {tid} (spindle-tasks lists them)")
        t = matches[0]
        if t["on_cpu"]:
            raise gdb.GdbError(f"task {tid} is on CPU {int(t['cpu'])} now: "
                               "select that CPU with `thread N` and use `bt`")
        try:
            self.walk(t)
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"the stack of task {tid} is unreadable: {e}")

    def walk(self, t):
        """Prints t's frames, from its saved_rsp up to its kstack_top."""
        rsp = int(t["saved_rsp"])
        stack_top = int(t["kstack_top"])
        # switch_to pushed rbp rbx r12 r13 r14 r15: rbp is the sixth word.
        rbp, pc = read_u64(rsp + 40), read_u64(rsp + 48)
        if gdb.execute(f"info symbol 0x{pc:x}", to_string=True).startswith("task_entry in"):
            fn = int(t["fn"])
            calls = f", which calls {code_location(fn)}" if fn else ""
            print(f"task {int(t['tid'])} has never run: it will start in task_entry{calls}")
            return
        for depth in range(64):
            # pc is a return address: the call is just before it (it may
            # even end another function, when the callee never returns),
            # so describe pc - 1, as `bt` does.
            print(f"#{depth:<2} 0x{pc:016x} in {code_location(pc - 1)}")
            if not rsp < rbp < stack_top:
                break
            rsp, rbp, pc = rbp, read_u64(rbp), read_u64(rbp + 8)

PageWalk()
Tasks()
TaskBacktrace()
spindle_user.register()
spindle_sched.register()
print("Spindle GDB helpers: spindle-pagewalk ADDR [CR3], spindle-tasks, "
      "spindle-task-bt TID, spindle-runqueues, spindle-futex, spindle-mm [TID], "
      "spindle-trace [N], spindle-list, spindle-user FILE, spindle-ubreak/kbreak FUNCTION "
      "(`help COMMAND` for each)")
