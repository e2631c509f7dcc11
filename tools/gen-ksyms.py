#!/usr/bin/env python3
"""Generate the kernel's embedded symbol table (see kernel/base/ksyms.c).

  gen-ksyms.py NM_OUTPUT OUT.S   table of the function symbols in `nm -n` output
  gen-ksyms.py --empty OUT.S     an empty table, for the first link
  gen-ksyms.py --check A B       A and B (nm output of the two links) must
                                 list the same functions at the same places
"""
import sys


def functions(nm_path):
    """(address, name) of every text symbol, sorted, one per address; where
    several share an address, a function name wins over a linker marker
    such as __text_start."""
    names = {}
    with open(nm_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or parts[1] not in "tTwW":
                continue
            addr, name = int(parts[0], 16), parts[2]
            if addr not in names or names[addr].startswith("__"):
                names[addr] = name
    return sorted(names.items())


def emit(syms, path):
    lines = ['\t.section .ksyms, "a"', "\t.balign 8",
             "\t.global ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names",
             f"ksyms_count:\n\t.quad {len(syms)}", "ksyms_addrs:"]
    lines += [f"\t.quad 0x{a:x}" for a, _ in syms]
    lines.append("ksyms_name_offsets:")
    offset = 0
    for _, name in syms:
        lines.append(f"\t.long {offset}")
        offset += len(name) + 1
    lines.append("ksyms_names:")
    lines += [f'\t.asciz "{name}"' for _, name in syms]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    if argv[1:2] == ["--empty"]:
        emit([], argv[2])
    elif argv[1:2] == ["--check"]:
        if functions(argv[2]) != functions(argv[3]):
            sys.exit("gen-ksyms: adding the symbol table moved functions; "
                     "keep .ksyms after all code in linker.ld")
    else:
        emit(functions(argv[1]), argv[2])


if __name__ == "__main__":
    main(sys.argv)
