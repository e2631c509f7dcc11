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
  registers in a struct trap_frame, and their DWARF call frame information
  (.cfi lines) says where each one is, at every instruction. Their frames
  are marked as signal frames: GDB then goes on into the interrupted
  code's frames although the user stack is below the kernel stack (it
  stops a backtrace that goes down between two ordinary frames). GDB
  prints such a frame as `<signal handler called>`; the frame filter
  below names it by its stub in backtraces.
"""
import gdb
from gdb.FrameDecorator import FrameDecorator

USER_TOP = 0x0000800000000000  # the canonical lower half: user space

class EntryFrameDecorator(FrameDecorator):
    """A kernel entry frame, named by its stub (syscall_entry, trap_common)
    where GDB would print `<signal handler called>`."""

    def entry(self):
        frame = self.inferior_frame()
        return frame.type() == gdb.SIGTRAMP_FRAME and frame.pc() >= USER_TOP and frame.name()

    def function(self):
        return self.inferior_frame().name() if self.entry() else super().function()

    def line(self):
        """The call's line when the frame waits for the C handler."""
        if not self.entry():
            return super().line()
        frame = self.inferior_frame()
        return gdb.find_pc_line(frame.pc() - (frame.newer() is not None)).line


class EntryFrameFilter:
    """Puts EntryFrameDecorator on every frame of a backtrace."""

    def __init__(self):
        self.name, self.priority, self.enabled = "spindle-entry-frames", 100, True
        gdb.frame_filters[self.name] = self

    def filter(self, frames):
        return map(EntryFrameDecorator, frames)


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
    EntryFrameFilter()
    LoadUserSymbols()
    UserBreak()
    KernelBreak()
