#!/usr/bin/env python3
"""Makes a lab's student tree from this one: `make skeleton LAB=name`.

usage: skeleton.py LAB [--out DIR]     (LAB=all: every lab, each in its own)
       skeleton.py --check             (only verify the markers)

The code a lab asks for is marked in the tree, one comment line on each
side, around a function's body or a block inside one:

    static void ticket_lock(struct spinlock *lock)
    {
            /* LAB spinlock: begin */
            ... the solution ...
            /* LAB spinlock: end */
    }

The skeleton is every git-tracked file (the working tree's contents),
with the chosen lab's marked lines replaced by a stub that compiles
warning-free and fails loudly when reached:

    kernel (kernel/, boot/)   panic("lab spinlock: ticket_lock is yours
                              to write (docs/labs/spinlock.md)");
    user space (lib/, user/)  lab_unimplemented("..."): the same message
                              on stderr, exit status 86 (lib/c/lab.h)
    assembly (.S)             the same, in assembly

The stub starts with `(void)NAME;` for each parameter, local variable and
static function or variable of the file that the cut code used, so that
nothing the cut leaves unused becomes a warning (-Werror). The lab's own
marker lines stay in the student tree, around the stub: they show the
student where the answer goes, and tools/grade.py --batch can compare a
submission's marked regions. Other labs' marker lines are removed and
their code kept: each lab stands alone.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKED_KINDS = (".c", ".h", ".S")  # where markers count (not docs, not tools)
MARKER = re.compile(r"^(\s*)/\* LAB (\w+): (begin|end) \*/\s*$")
C_KEYWORDS = set("""auto break case char const continue default do double else
enum extern float for goto if inline int long register restrict return short
signed sizeof static struct switch typedef union unsigned void volatile while
bool true false NULL noreturn _Noreturn""".split())


class MarkerError(Exception):
    pass


def tracked_files(root):
    """The files of the tree: git's list if it is a repository, else every
    file outside build/ and .git/."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, check=True,
                             capture_output=True, text=True).stdout.strip()
        if os.path.realpath(top) != os.path.realpath(root):
            raise FileNotFoundError  # inside another repository (build/skeleton/...)
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True,
                             capture_output=True).stdout.decode()
        return sorted(p for p in out.split("\0") if p and os.path.isfile(os.path.join(root, p)))
    except (subprocess.CalledProcessError, FileNotFoundError):
        found = []
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if x != ".git" and not (
                d == root and x.startswith("build"))]
            found += [os.path.relpath(os.path.join(d, f), root) for f in files]
        return sorted(found)


def regions(path, lines):
    """[(lab, begin index, end index)] of a file's markers; raises
    MarkerError for an unpaired, nested or unknown one."""
    found, open_ = [], None
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if not m:
            continue
        lab, kind = m.group(2), m.group(3)
        where = f"{path}:{i + 1}"
        if lab not in labs.NAMES:
            raise MarkerError(f"{where}: marker for unknown lab '{lab}' (tools/labs.py lists {', '.join(labs.NAMES)})")
        if kind == "begin":
            if open_:
                raise MarkerError(f"{where}: 'LAB {lab}: begin' inside the region begun at line {open_[1] + 1}")
            open_ = (lab, i)
        else:
            if not open_ or open_[0] != lab:
                raise MarkerError(f"{where}: 'LAB {lab}: end' without its begin")
            found.append((lab, open_[1], i))
            open_ = None
    if open_:
        raise MarkerError(f"{path}:{open_[1] + 1}: 'LAB {open_[0]}: begin' has no end")
    return found


def is_kernel(path):
    return path.startswith(("kernel/", "boot/"))


def message(lab, fn, block=False):
    what = f"the marked block in {fn}" if block else fn
    return f"lab {lab}: {what} is yours to write (docs/labs/{lab}.md)"


def enclosing_c_function(lines, begin):
    """(name, parameter names, index of its opening brace) of the C
    function whose body holds line `begin`."""
    for i in range(begin, -1, -1):
        line = lines[i]
        if re.match(r"^[A-Za-z_]", line) and "(" in line and not line.startswith(("#", "/")):
            name = re.search(r"(\w+)\s*\(", line).group(1)
            sig, j = line, i
            while not lines[j].startswith("{"):
                j += 1
                if not lines[j].startswith("{"):
                    sig += " " + lines[j].strip()
            inside = sig[sig.index("(") + 1:sig.rindex(")")]
            params, depth, cur = [], 0, ""
            for ch in inside + ",":
                if ch == "," and depth == 0:
                    params.append(cur.strip())
                    cur = ""
                    continue
                depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
                cur += ch
            names = []
            for p in params:
                m = re.search(r"\(\s*\*\s*(\w+)\s*\)", p) or re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", p)
                if p not in ("void", "...", "") and m and m.group(1) not in C_KEYWORDS:
                    names.append(m.group(1))
            return name, names, j
    raise MarkerError("a lab marker outside any function")


def file_statics(lines, upto):
    """Static functions and variables defined or declared before line upto."""
    names = set()
    for line in lines[:upto]:
        m = re.match(r"^static\b[^=;(]*?\b(\w+)\s*(\(|=|;|\[)", line)
        if m:
            names.add(m.group(1))
    return names


def c_stub(path, lines, lab, begin, end):
    fn, params, brace = enclosing_c_function(lines, begin)
    cut = "\n".join(lines[begin + 1:end])
    prefix = "\n".join(lines[brace:begin])
    used = []
    for ident in re.findall(r"(?<![\w.>])([A-Za-z_]\w*)", cut):
        if ident in used or ident in C_KEYWORDS or ident == fn:
            continue
        local = re.search(r"[\w*]\s+\**" + re.escape(ident) + r"\s*(=|;|\[|,)", prefix)
        if ident in params or local \
                or ident in file_statics(lines, begin):
            used.append(ident)
    indent = MARKER.match(lines[begin]).group(1)
    text = message(lab, fn, block=brace != begin - 1 or lines[end + 1] != "}")
    call = f'panic("{text}");' if is_kernel(path) else f'lab_unimplemented("{text}");'
    return [f"{indent}(void){u};" for u in used] + [indent + call]


def asm_stub(path, lines, lab, begin, n):
    fn = next(m.group(1) for i in range(begin, -1, -1)
              for m in [re.match(r"^(\w+):", lines[i])] if m)
    indent = MARKER.match(lines[begin]).group(1)
    text = message(lab, fn)
    label = f".Llab_message_{n}"
    if is_kernel(path):
        body = [f"leaq {label}(%rip), %rdi\t/* panic(message) */",
                "andq $-16, %rsp", "xorl %eax, %eax", "call panic"]
        string = text
    else:
        string = text + "\\n"
        body = ["movl $1, %eax\t\t/* write(2, message, length) */", "movl $2, %edi",
                f"leaq {label}(%rip), %rsi", f"movl ${len(text) + 1}, %edx", "syscall",
                "movl $231, %eax\t\t/* exit_group(LAB_EXIT_STATUS) */",
                "movl $86, %edi", "syscall"]
    return [indent + b for b in body] + [
        indent + ".pushsection .rodata", f"{label}:", f'{indent}.asciz "{string}"',
        indent + ".popsection"]


def add_include(lines, header):
    if any(f'#include "{header}"' in l for l in lines):
        return lines
    last = max((i for i, l in enumerate(lines) if l.startswith("#include")), default=None)
    if last is None:
        raise MarkerError(f"no #include line to add {header} after")
    return lines[:last + 1] + [f'#include "{header}"'] + lines[last + 1:]


def transform(path, text, lab):
    """The student version of one file for `lab` (all: markers only checked)."""
    lines = text.split("\n")
    found = regions(path, lines)
    if not found:
        return text
    out, pos, stubs = [], 0, 0
    for rlab, begin, end in found:
        out += lines[pos:begin]
        if rlab == lab:
            stubs += 1
            stub = asm_stub(path, lines, rlab, begin, stubs) if path.endswith(".S") \
                else c_stub(path, lines, rlab, begin, end)
            out += [lines[begin]] + stub + [lines[end]]
        else:
            out += lines[begin + 1:end]
        pos = end + 1
    out += lines[pos:]
    if stubs and path.endswith((".c", ".h")):
        if is_kernel(path):
            if not any('#include "base/kernel.h"' in l for l in out):
                out = add_include(out, "base/panic.h")
        else:
            out = add_include(out, "c/lab.h")
    return "\n".join(out)


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (UnicodeDecodeError, IsADirectoryError):
        return None


def check(root=ROOT):
    """Every marker in the tree, verified: {lab: [(path, function)]}."""
    found = {}
    for rel in tracked_files(root):
        text = read_text(os.path.join(root, rel)) if rel.endswith(MARKED_KINDS) else None
        if text is None or "/* LAB " not in text:
            continue
        lines = text.split("\n")
        for lab, begin, _ in regions(rel, lines):
            if rel.endswith(".S"):
                fn = next(m.group(1) for i in range(begin, -1, -1)
                          for m in [re.match(r"^(\w+):", lines[i])] if m)
            else:
                fn = enclosing_c_function(lines, begin)[0]
            found.setdefault(lab, []).append((rel, fn))
    return found


def write_if_changed(path, data, src, same_as_src):
    """Leaves an unchanged file (and its time stamp) alone, and gives a
    copy the time stamp of its original: then a build directory copied
    from the solution tree's is up to date but for what the cut changed,
    and make rebuilds only that (the labs test group relies on it)."""
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    if same_as_src:
        st = os.stat(src)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def make_skeleton(lab, out, root=ROOT):
    files = tracked_files(root)
    out = os.path.abspath(out)
    for rel in files:
        src = os.path.join(root, rel)
        with open(src, "rb") as f:
            data = f.read()
        text = read_text(src) if rel.endswith(MARKED_KINDS) else None
        original = data
        if text is not None and "/* LAB " in text:
            data = transform(rel, text, lab).encode()
        dst = os.path.join(out, rel)
        write_if_changed(dst, data, src, data == original)
        os.chmod(dst, os.stat(src).st_mode & 0o777)
    keep = set(files)
    for d, dirs, names in os.walk(out):
        rel_d = os.path.relpath(d, out)
        if rel_d.split(os.sep)[0].startswith("build"):  # build dirs stay
            dirs[:] = []
            continue
        for n in names:
            rel = os.path.normpath(os.path.join(rel_d, n))
            if rel not in keep and rel != "compile_commands.json":
                os.remove(os.path.join(d, n))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lab", nargs="?", help="a lab name, or all")
    ap.add_argument("--out", help="where to write it (default build/skeleton/LAB)")
    ap.add_argument("--check", action="store_true", help="only verify the markers")
    args = ap.parse_args()
    try:
        found = check()
        if args.check:
            for lab in labs.NAMES:
                fns = ", ".join(f"{fn} ({p})" for p, fn in found.get(lab, []))
                print(f"{lab}: {fns or 'no markers'}")
            return 0
        if args.lab not in labs.NAMES + ["all"]:
            sys.exit(f"skeleton.py: LAB must be one of: {' '.join(labs.NAMES)} all")
        for lab in labs.NAMES if args.lab == "all" else [args.lab]:
            if lab not in found:
                sys.exit(f"skeleton.py: lab '{lab}' has no markers in the tree")
            out = os.path.join(args.out, lab) if args.out and args.lab == "all" \
                else args.out or os.path.join(ROOT, "build", "skeleton", lab)
            make_skeleton(lab, out)
            shown = os.path.relpath(out)
            print(f"skeleton for lab {lab}: {out if shown.startswith('..') else shown} "
                  f"({len(found[lab])} regions to write; handout docs/labs/{lab}.md)")
    except MarkerError as e:
        sys.exit(f"skeleton.py: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
