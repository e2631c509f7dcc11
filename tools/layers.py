#!/usr/bin/env python3
"""The kernel's layers, checked: every dependency must point down.

usage: layers.py [--build DIR] [--graph]

A module is one kernel source file and its header (kernel/sched/waitq.c
and waitq.h are the module kernel/sched/waitq). Module A depends on module
B when A's source or header #includes B's header, or when A's object file
uses a symbol that B's object file defines (read with nm from DIR, the
build directory, when it has been built). A module's layer is its folder
under kernel/; the order of LAYERS is the only order a dependency may run:
a module may use its own layer and the layers below it, never one above.

The exceptions are listed once, in EXCEPTIONS, each with its reason. On a
violation the check prints the file, what it uses, and the rule, and exits
1. --graph prints the dependency graph's largest cycle (strongly connected
set of modules) instead, the measure of how tangled the tree is.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Bottom first. Code in lib/freestanding (string, format, list, the ABI
# constants) is below all of them: any layer may use it.
LAYERS = [
    ("base", "panic, console output, serial and VGA output, backtraces, "
             "kernel symbols: callable by all"),
    ("boot", "what the boot loader handed over: memory map, modules, "
             "command line"),
    ("arch", "the CPU and its interrupt hardware: GDT/IDT, traps, LAPIC, "
             "IOAPIC, IPIs, per-CPU data, time, SMP start-up, user copies"),
    ("sync", "spinlocks"),
    ("mm", "physical pages, page tables, kmalloc, kernel stacks, ioremap"),
    ("sched", "tasks, run queues, switching, wait queues, timers, and the "
              "sleeping locks built on wait queues"),
    ("aspace", "user address spaces: regions, page faults, mmap"),
    ("futex", "futex wait queues keyed by (address space, address)"),
    ("fs", "files, pipes, the file system tree, the initrd it reads"),
    ("dev", "the terminal, console input, the kernel monitor"),
    ("proc", "processes: lifecycle, clone, exec, signals, /proc"),
    ("entry", "trap and syscall entry, the syscall table, user faults: it "
              "may call anything below"),
    ("test", "in-kernel tests: they exercise every layer"),
    ("main", "kmain and ap_main: the init order, above everything"),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}
TOP_FILES = {"kernel/main.c": "main"}

# The dependencies that may run up, each (from module, modules it may use,
# why). base is "callable by all", and these are the few places where base
# itself needs something above it.
EXCEPTIONS = [
    ("kernel/base/console", ["kernel/sync/spinlock"],
     "whole kprintf lines from many CPUs are serialised by a spinlock"),
    ("kernel/base/serial", ["kernel/arch/cpu"],
     "the UART is driven with the port I/O instructions (inb, outb)"),
    ("kernel/base/backtrace", ["kernel/mm/vmm"],
     "a backtrace follows only frame pointers into mapped memory"),
    ("kernel/base/panic",
     ["kernel/arch/cpu", "kernel/arch/ipi", "kernel/arch/percpu",
      "kernel/arch/power", "kernel/arch/trap", "kernel/mm/kstack",
      "kernel/sched/trace"],
     "panic's stop-everything path: stop the other CPUs, report the trap "
     "frame, a stack overflow and the last scheduler events, power off"),
    ("kernel/proc/clone", ["kernel/entry/syscall_entry",
                           "kernel/entry/user_entry"],
     "a new thread leaves the kernel through entry's one way back to user "
     "mode (enter_user)"),
    ("kernel/proc/init", ["kernel/entry/syscall_entry",
                          "kernel/entry/user_entry"],
     "init, too, starts in user mode through enter_user"),
    ("kernel/proc/exec", ["kernel/entry/user_entry"],
     "a new image's first frame has the syscall layout (VEC_SYSCALL), so "
     "it returns to user mode by sysret like any system call"),
]
ALLOWED = {(f, t) for f, targets, _ in EXCEPTIONS for t in targets}


def module_of(path):
    """kernel/sched/waitq.c -> kernel/sched/waitq; None outside kernel/."""
    if not path.startswith("kernel/"):
        return None
    return os.path.splitext(path)[0]


def layer_of(module):
    if module + ".c" in TOP_FILES:
        return TOP_FILES[module + ".c"]
    parts = module.split("/")
    return parts[1] if len(parts) > 2 else None


def sources():
    files = []
    for pat in ("kernel/**/*.c", "kernel/**/*.h", "kernel/**/*.S"):
        files += glob.glob(os.path.join(ROOT, pat), recursive=True)
    return sorted(os.path.relpath(f, ROOT) for f in files)


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def include_edges(files):
    """(from file, to module, 'includes X') for every kernel include."""
    edges = []
    for f in files:
        text = open(os.path.join(ROOT, f)).read()
        for inc in INCLUDE.findall(text):
            for base in (os.path.dirname(f), "kernel", "."):
                target = os.path.normpath(os.path.join(base, inc))
                if os.path.exists(os.path.join(ROOT, target)):
                    break
            else:
                continue
            to = module_of(target)
            if to and to != module_of(f):
                edges.append((f, to, "includes " + inc))
    return edges


def symbol_edges(build, files):
    """(from object's source, to module, 'uses SYM') from nm's view of
    the kernel objects in build: who uses a symbol that another defines.
    Objects left behind by sources that no longer exist are not read."""
    objs = [os.path.join(ROOT, build, f + ".o") for f in files
            if not f.endswith(".h")]
    objs = [o for o in objs if os.path.exists(o)]
    if not objs:
        return []
    out = subprocess.run(["nm", "-A"] + objs, capture_output=True,
                         text=True, check=True).stdout
    defined, used = {}, []
    prefix = os.path.join(ROOT, build) + "/"
    for line in out.splitlines():
        m = re.match(r"^(.*?\.o):\s*(?:[0-9a-f]+)?\s+([A-Za-z])\s+(\S+)$",
                     line)
        if not m:
            continue
        src = re.sub(r"\.o$", "", m.group(1)[len(prefix):])
        kind, sym = m.group(2), m.group(3)
        if kind == "U":
            used.append((src, sym))
        elif kind.isupper():
            defined[sym] = module_of(src)
    edges = []
    for src, sym in used:
        to = defined.get(sym)
        if to and to != module_of(src):
            edges.append((src, to, "uses " + sym))
    return edges


def largest_cycle(edges):
    """The largest strongly connected set of modules (Tarjan's algorithm,
    iterative: the graph is small, but recursion is not needed)."""
    graph = {}
    for f, to, _ in edges:
        graph.setdefault(module_of(f), set()).add(to)
        graph.setdefault(to, set())
    index, low, on, stack, best, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(graph[w])))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > len(best):
                    best = comp
    return sorted(best) if len(best) > 1 else []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--graph", action="store_true",
                    help="print the largest cycle instead of checking")
    args = ap.parse_args()
    files = sources()
    edges = include_edges(files) + symbol_edges(args.build, files)
    if args.graph:
        cycle = largest_cycle(edges)
        modules = {module_of(f) for f in files}
        print(f"{len(modules)} kernel modules, {len(set(edges))} edges; "
              f"largest cycle: {len(cycle)} modules")
        for m in cycle:
            print("  " + m)
        return 0
    order = " < ".join(name for name, _ in LAYERS)
    bad = 0
    for f, to, what in sorted(set(edges)):
        src_layer, to_layer = layer_of(module_of(f)), layer_of(to)
        if src_layer not in RANK or to_layer not in RANK:
            print(f"layers: {f}: folder '{src_layer or to_layer}' is not a "
                  f"layer (tools/layers.py LAYERS)")
            bad += 1
            continue
        if RANK[to_layer] <= RANK[src_layer]:
            continue
        if (module_of(f), to) in ALLOWED:
            continue
        print(f"layers: {f} {what} ({to}): {src_layer} may not depend on "
              f"{to_layer}, a higher layer (order: {order})")
        bad += 1
    if bad:
        print(f"layers: {bad} dependencies run up; move the code, pass a "
              f"function pointer down, or (rarely) add a reasoned entry to "
              f"EXCEPTIONS in tools/layers.py")
        return 1
    print(f"layers: {len(set(edges))} dependencies, all pointing down "
          f"({len(EXCEPTIONS)} listed exceptions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
