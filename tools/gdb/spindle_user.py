"""GDB helpers for user programs: their symbols, their breakpoints, and
backtraces that go on from a system call into the user code that made it.

Loaded by spindle.py. What they rely on:

- User programs are static, non-PIE executables linked at 0x400000
  (user/user.mk), so their symbols load at the addresses in the file:
  `add-symbol-file build/user/NAME` needs no offset.
- The user half of the address space (below USER_TOP) belongs to whichever
  process a CPU runs, and its pages may not even be mapped when GDB plants
  a breakpoint. So that half is declared read-only to GDB (`mem`): with
  `breakpoint auto-hw` (on by default) GDB then plants hardware breakpoints
  there, which QEMU checks by address on every CPU whatever is mapped.
  The price: `set var` cannot write user memory from GDB.
- syscall_entry and trap_common (kernel/entry/*.S) save the interrupted
  registers in a struct trap_frame and call the C handler with %rsp
  pointing at it. The unwinder below recognises the return address of
  that call and continues from the frame's saved rip, rsp and rbp: the
  frames under a system call (or an interrupt) are the interrupted code's.
"""
import gdb
from gdb.unwinder import Unwinder, register_unwinder

USER_TOP = 0x0000800000000000  # the canonical lower half: user space

# (entry stub, the C function it calls with the trap frame)
ENTRY_CALLS = [("syscall_entry", "syscall_dispatch"), ("trap_common", "trap_dispatch")]

# struct trap_frame (kernel/arch/trap.h), lowest address first.
TRAP_FRAME = ["r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8", "rbp", "rdi",
              "rsi", "rdx", "rcx", "rbx", "rax", "vector", "error_code", "rip",
              "cs", "eflags", "rsp", "ss"]
SAVED = ["r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8", "rbp", "rdi",
         "rsi", "rdx", "rcx", "rbx", "rax", "rip", "rsp"]


def symbol_address(name):
    """The address of a kernel symbol (functions and asm labels), or None."""
    try:
        return int(gdb.parse_and_eval(f"(unsigned long)&'{name}'"))
    except gdb.error:
        return None


def return_address_after_call(stub, callee):
    """The address just after `call callee` in the stub: the pc a frame
    of the stub has while callee runs. None if not found."""
    start, target = symbol_address(stub), symbol_address(callee)
    if start is None or target is None:
        return None
    arch = gdb.selected_inferior().architecture()
    insns = arch.disassemble(start, count=64)
    for insn, following in zip(insns, insns[1:]):
        if insn["asm"].startswith("call") and f"0x{target:x}" in insn["asm"]:
            return following["addr"]
    return None


class FrameId:
    """What GDB needs to tell frames apart: their stack and code address
    (gdb.Values: GDB takes no plain integers here)."""

    def __init__(self, sp, pc):
        ulong = gdb.lookup_type("unsigned long")
        self.sp, self.pc = gdb.Value(sp).cast(ulong), gdb.Value(pc).cast(ulong)


class TrapFrameUnwinder(Unwinder):
    """Unwinds a kernel entry stub's frame to the code it interrupted."""

    def __init__(self):
        super().__init__("spindle-trap-frame")
        self.resume = None  # {return address: stub address}, found lazily

    def resume_addresses(self):
        if self.resume is None:
            found = {}
            for stub, callee in ENTRY_CALLS:
                pc = return_address_after_call(stub, callee)
                if pc is not None:
                    found[pc] = symbol_address(stub)
            self.resume = found
        return self.resume

    def __call__(self, pending_frame):
        try:
            pc = int(pending_frame.read_register("rip"))
            resume = self.resume_addresses()
        except gdb.error:
            return None
        if pc not in resume:
            return None
        frame = int(pending_frame.read_register("rsp"))  # struct trap_frame *
        try:
            data = bytes(gdb.selected_inferior().read_memory(frame, 8 * len(TRAP_FRAME)))
        except gdb.MemoryError:
            return None
        saved = {name: int.from_bytes(data[8 * i:8 * i + 8], "little")
                 for i, name in enumerate(TRAP_FRAME)}
        info = pending_frame.create_unwind_info(FrameId(frame, resume[pc]))
        for reg in SAVED:
            value = gdb.Value(saved[reg]).cast(pending_frame.read_register(reg).type)
            info.add_saved_register(reg, value)
        return info


def add_user_range_as_read_only():
    """Declares the user half read-only to GDB (see the module's note), once."""
    regions = gdb.execute("info mem", to_string=True)
    if f"0x{USER_TOP:016x}" in regions or f"{USER_TOP:#x}" in regions:
        return
    gdb.execute("set mem inaccessible-by-default off")
    gdb.execute(f"mem 0x0 {USER_TOP:#x} ro")


class LoadUserSymbols(gdb.Command):
    """Load a user program's symbols, so that `break main` and `bt` know it.

usage: spindle-user build/user/NAME    (or build/debug/user/NAME)

User programs are static and linked at 0x400000: their symbols load at
the addresses in the file. Breakpoints below 0x800000000000 become hardware
breakpoints (the user half is declared read-only to GDB): they stop in
whichever process runs that address, on any CPU. With init=/bin/NAME
(`make gdb PROG=NAME`) that is the program and the threads it starts.

Names both the kernel and the program define (memcpy, vformat: the
freestanding library is in both) get two locations; `spindle-ubreak NAME`
and `spindle-kbreak NAME` break in one of them only."""

    def __init__(self):
        super().__init__("spindle-user", gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)

    def invoke(self, argument, from_tty):
        args = gdb.string_to_argv(argument)
        if len(args) != 1:
            raise gdb.GdbError("usage: spindle-user build/user/NAME")
        add_user_range_as_read_only()
        gdb.execute(f"add-symbol-file {args[0]}", to_string=not from_tty)


def objfile_function(name, user):
    """The address of function name in the user programs' symbols (user)
    or the kernel's, or a GdbError."""
    for objfile in gdb.objfiles():
        symbol = objfile.lookup_global_symbol(name) or objfile.lookup_static_symbol(name)
        if symbol is None or symbol.addr_class != gdb.SYMBOL_LOC_BLOCK:
            continue
        address = int(symbol.value().address)
        if (address < USER_TOP) == user:
            return address
    side = "user programs loaded (spindle-user)" if user else "kernel"
    raise gdb.GdbError(f"no function {name} in the {side}")


class UserBreak(gdb.Command):
    """Break on a function of the user program only (not the kernel's copy).

usage: spindle-ubreak FUNCTION

memcpy, vformat and the other freestanding functions are in the kernel
and in every user program; `break memcpy` stops in both. This plants the
breakpoint at the first instruction of the user program's copy."""

    user = True

    def __init__(self, name="spindle-ubreak"):
        super().__init__(name, gdb.COMMAND_BREAKPOINTS, gdb.COMPLETE_SYMBOL)

    def invoke(self, argument, from_tty):
        name = argument.strip()
        if not name:
            raise gdb.GdbError(f"usage: {'spindle-ubreak' if self.user else 'spindle-kbreak'} "
                               "FUNCTION")
        address = objfile_function(name, self.user)
        gdb.execute(f"break *{address:#x}")


class KernelBreak(UserBreak):
    """Break on a function of the kernel only (not a user program's copy).

usage: spindle-kbreak FUNCTION"""

    user = False

    def __init__(self):
        super().__init__("spindle-kbreak")


def register():
    register_unwinder(None, TrapFrameUnwinder(), replace=True)
    LoadUserSymbols()
    UserBreak()
    KernelBreak()
