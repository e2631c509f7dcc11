#!/usr/bin/env python3
"""Grades a lab: `make grade LAB=name`.

usage: grade.py LAB [--format text|gradescope] [--output FILE] [--no-build]
                    [--first-failure] [--tree DIR]
       grade.py list                      the lab names, one a line
       grade.py LAB --batch DIR [--csv FILE]
                                          grade every submission in DIR

Runs exactly the lab's tests (tools/labs.py), with the test harness's
machinery (tools/test.py: the same boots, KTAP parsing, hang detection),
prints each test with its points, and for a failure what was expected,
what happened and which function to look at; the last line is
`Score: N/M`. Exit status 0 only on full marks.

Every score is a count of logical results: no test passes or fails by
wall-clock time. A boot that makes no progress for 60 s is a hang (the
harness's rule); a kernel boot that panics or hangs in the middle of a lab
is booted again for the tests it did not reach, one test per boot, so a
deadlock fails the test that deadlocked and not the ones after it. A user
test program cannot be restarted in the middle: the tests it did not reach
fail, with the reason.

--format gradescope writes Gradescope's results.json (to --output, by
default results.json). --batch DIR grades each entry of DIR -- a tree, or
a .patch/.diff applied with `patch -p1` -- on a fresh copy of the lab's
skeleton, taking from the submission only the files the lab's markers are
in (so tests and tools are always this tree's), and writes one CSV line
per submission.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labs  # noqa: E402
import qemu  # noqa: E402
import skeleton  # noqa: E402
import test as harness  # noqa: E402

KTEST_TIMEOUT = 600
USER_TIMEOUT = harness.USER_TIMEOUT
TAIL = 12


class Result:
    def __init__(self, test, ok, expected=(), happened=()):
        self.test, self.ok = test, ok
        self.expected, self.happened = list(expected), list(happened)

    @property
    def score(self):
        return self.test.points if self.ok else 0


def build(tree, build_dir):
    """make for the kernel and the initrd: (ok, the compiler's output)."""
    argv = ["make", "--no-print-directory", f"-j{os.cpu_count() or 1}", f"B={build_dir}",
            f"{build_dir}/kernel.elf", f"{build_dir}/initrd.cpio"]
    r = subprocess.run(argv, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    out = "\n".join(l for l in r.stdout.splitlines() if not l.startswith("  "))
    return r.returncode == 0, out


def crash_report(b):
    """What a boot that did not end cleanly said: the panic line (a lab
    stub names the function to write), or the hang and the task list."""
    out = b.output
    m = re.search(r"KERNEL PANIC: (.*)", out)
    if m:
        lines = out[m.start():].splitlines()
        return [f"kernel panic: {m.group(1).strip()}"] + \
            [l.strip() for l in lines[1:] if "  #" in l or l.strip().startswith("#")][:6]
    m = re.search(r"^(lab \w+: .* is yours to write .*)$", out, re.M)
    if m:
        return [m.group(1)]
    if b.stalled:
        return [f"the boot {b.why()}", "tasks when it hung (Ctrl-T):"] + \
            ["  " + l for l in b.tasks.strip().splitlines()[:TAIL]]
    return [f"the boot ended: {b.why()}"] + [l for l in out.rstrip().splitlines()[-6:]]


def boot_settings(tree, build_dir, boot, selection=None):
    cmd = f"ktest={selection}" if boot.kind == "ktest" else f"init=/bin/{boot.prog}"
    if boot.policy:
        cmd += f" sched={boot.policy}"
    return dict(qemu.settings({}), smp=boot.smp, mem="512M", boot="kernel", cmdline=cmd,
                build=os.path.join(tree, build_dir))


def shown(path):
    """A path as the student types it: relative when under the current
    directory."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def log_path(tree, build_dir, name):
    return os.path.join(tree, build_dir, "grade-logs", name + ".log")


def run_ktests(tree, build_dir, boot, tests, say):
    """Kernel tests: one boot for all; after a crash mid-way, one boot per
    test not reached. {case: Result}."""
    results, todo = {}, [t.case for t in tests]
    by_case = {t.case: t for t in tests}
    alone = False
    while todo:
        batch = todo[:1] if alone else list(todo)
        selection = ",".join(batch)
        name = "ktest-" + batch[0] if alone else "ktests"  # not ktest=all
        log = log_path(tree, build_dir, f"{boot.smp}-{boot.policy or 'rr'}-{name}")
        b = harness.boot(boot_settings(tree, build_dir, boot, selection), KTEST_TIMEOUT, log)
        cases, _ = harness.parse_kernel_ktap(b.output)
        say(f"  boot: {boot.describe()}, ktest={selection if alone else '(the lab' + chr(39) + 's)'}: "
            f"{b.why()} after {b.seconds:.1f} s")
        for c in cases:
            if c.name in batch and c.name not in results:
                results[c.name] = Result(by_case[c.name], c.ok,
                                         [d.lstrip("# ") for d in c.diagnostics])
        unreported = [c for c in batch if c not in results]
        if b.status in (qemu.EXIT_SUCCESS, qemu.EXIT_FAILURE) and not b.timed_out:
            for c in unreported:
                results[c] = Result(by_case[c], False, [],
                                    ["the kernel did not run it (is it in the tree?)"])
        elif alone or "# Subtest:" not in b.output:
            # Alone, or before the first test began: it is these tests'
            # fault (a stub, or a boot that cannot get that far), and
            # every one of them fails with the same report.
            crash = crash_report(b) + [f"log: {shown(log)}"]
            for c in unreported:
                results[c] = Result(by_case[c], False, [], crash)
        else:
            alone = True  # a crash mid-way: the rest, one boot each
        todo = [c for c in todo if c not in results]
    return results


def run_user(tree, build_dir, boot, tests, say):
    """A test program as init: its graded tests from one run. {case: Result}."""
    log = log_path(tree, build_dir, f"{boot.smp}-{boot.prog}")
    b = harness.boot(boot_settings(tree, build_dir, boot), USER_TIMEOUT, log)
    cases, _ = harness.parse_user_ktap(b.output)
    m = re.search(r"spindle: init (exited with status \d+|killed by signal \d+)", b.output)
    ended = m.group(1) if m else b.why()
    say(f"  boot: {boot.describe()}: the program {ended} after {b.seconds:.1f} s")
    got = {c.name: c for c in cases}
    results = {}
    last = cases[-1].name if cases else "none"
    for t in tests:
        c = got.get(t.case)
        if c:
            results[t.case] = Result(t, c.ok, [d.lstrip("# ") for d in c.diagnostics])
        else:
            why = crash_report(b) if (b.timed_out or "KERNEL PANIC" in b.output
                                      or re.search(r"is yours to write", b.output)) \
                else [f"the program {ended}"]
            results[t.case] = Result(t, False, [], [f"it never ran: the program stopped after "
                                                    f"test {last}"] + why + [f"log: {shown(log)}"])
    return results


def grade(lab, tree, build_dir="build", do_build=True, first_failure=False, say=print):
    """Grades the tree: [Result] in the lab's order."""
    if do_build:
        ok, out = build(tree, build_dir)
        if not ok:
            lines = out.splitlines()[-TAIL:]
            return [Result(t, False, [], ["the tree does not build:"] + lines) for t in lab.tests]
    order, groups = [], {}
    for t in lab.tests:
        if t.boot.key() not in groups:
            order.append(t.boot)
            groups[t.boot.key()] = []
        groups[t.boot.key()].append(t)
    results, stopped = {}, False
    for boot in order:
        tests = groups[boot.key()]
        if stopped:
            got = {t.case: Result(t, False, [], ["not run (--first-failure)"]) for t in tests}
        else:
            run = run_ktests if boot.kind == "ktest" else run_user
            got = run(tree, build_dir, boot, tests, say)
            stopped = first_failure and not all(r.ok for r in got.values())
        results.update({(t.case, boot.key()): got[t.case] for t in tests})
    return [results[(t.case, t.boot.key())] for t in lab.tests]


DIAGNOSTICS = 6  # KTAP diagnostic lines shown per failed test


def report(lab, results, say=print):
    width = max(len(r.test.case) for r in results) + 2
    unbuilt = results and all(r.happened[:1] == ["the tree does not build:"] for r in results)
    if unbuilt:
        say("the tree does not build, so every test fails:")
        for line in results[0].happened[1:]:
            say("    " + line)
    for r in results:
        say(f"{r.test.case:.<{width}} {'OK' if r.ok else 'FAIL':>4} "
            f"{r.score:>3}/{r.test.points}")
        if r.ok or unbuilt:
            continue
        # "name: file.c:48: expected a == b, got 1 vs 2": the name is the
        # test's own, already on the line above.
        short = r.test.case.split(".", 1)[-1] + ": "
        lines = [(l[len(short):] if l.startswith(short) else l).strip() for l in r.expected]
        for line in lines[:DIAGNOSTICS]:
            say(f"    {'check:' if 'expected' in line else 'note:':<9} {line}")
        if len(lines) > DIAGNOSTICS:
            say(f"    ({len(lines) - DIAGNOSTICS} more lines in the log)")
        for line in r.happened:
            say(f"    happened: {line}")
        say(f"    look at:  {r.test.look}")
    score, total = sum(r.score for r in results), lab.points
    say(f"Score: {score}/{total}")
    return score, total


def gradescope(lab, results, path):
    tests = [{"name": r.test.case, "score": r.score, "max_score": r.test.points,
              "status": "passed" if r.ok else "failed",
              "output": "\n".join(r.expected + r.happened
                                  + ([] if r.ok else [f"look at: {r.test.look}"]))}
             for r in results]
    doc = {"score": sum(r.score for r in results), "max_score": lab.points,
           "tests": tests, "output": f"lab {lab.name}: docs/labs/{lab.name}.md"}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def lab_files(lab):
    """The files the lab asks students to edit: those with its markers."""
    return sorted({path for path, _ in skeleton.check().get(lab.name, [])})


def seed_build(tree, lab, src_build=None):
    """Gives tree (a skeleton) a copy of the solution's build directory,
    and marks the lab's files as newer than it: make then rebuilds only
    those, not the whole tree (a few seconds instead of a minute)."""
    src_build = src_build or os.path.join(skeleton.ROOT, "build")
    if not os.path.isdir(os.path.join(src_build, "kernel")):
        return
    shutil.copytree(src_build, os.path.join(tree, "build"), symlinks=True,
                    ignore=shutil.ignore_patterns("skeleton", "test-logs", "grade-logs",
                                                  "debug", "labs-*", "*.iso"),
                    dirs_exist_ok=True)
    now = time.time()
    for rel in lab_files(lab):
        os.utime(os.path.join(tree, rel), (now, now))


def same_file(a, b):
    try:
        with open(a, "rb") as f, open(b, "rb") as g:
            return f.read() == g.read()
    except FileNotFoundError:
        return False


def batch(lab, folder, out_csv):
    """Grades each submission in folder onto a fresh skeleton: one CSV line each."""
    rows = []
    files = lab_files(lab)
    work_root = tempfile.mkdtemp(prefix=f"grade-{lab.name}-")
    clean = os.path.join(work_root, ".clean")
    skeleton.make_skeleton(lab.name, clean)
    for entry in sorted(os.listdir(folder)):
        sub = os.path.join(folder, entry)
        name = re.sub(r"\.(patch|diff)$", "", entry)
        work = os.path.join(work_root, name)
        skeleton.make_skeleton(lab.name, work)
        seed_build(work, lab)
        status = "graded"
        if os.path.isdir(sub):
            for rel in files:
                if os.path.isfile(os.path.join(sub, rel)):
                    shutil.copyfile(os.path.join(sub, rel), os.path.join(work, rel))
        else:
            r = subprocess.run(["patch", "-p1", "-s", "-f", "-i", os.path.abspath(sub)],
                               cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
            if r.returncode != 0:
                status = "patch failed: " + " ".join(r.stdout.split())[:200]
            # Only the lab's files count: everything else back as it was.
            for rel in skeleton.tracked_files(skeleton.ROOT):
                if rel not in files and not same_file(os.path.join(clean, rel),
                                                      os.path.join(work, rel)):
                    shutil.copy2(os.path.join(clean, rel), os.path.join(work, rel))
        print(f"== {name}", flush=True)
        if status == "graded":
            results = grade(lab, work, say=lambda s: print(s, flush=True))
            if any("does not build" in " ".join(r.happened) for r in results):
                status = "build failed"
        else:
            results = [Result(t, False, [], [status]) for t in lab.tests]
        score, total = report(lab, results, say=lambda s: print("  " + s))
        rows.append([name, score, total, status] + [r.score for r in results])
        sys.stdout.flush()
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["submission", "score", "max_score", "status"] + [t.case for t in lab.tests])
        w.writerows(rows)
    shutil.rmtree(work_root, ignore_errors=True)
    print(f"wrote {out_csv}: {len(rows)} submissions")
    with open(out_csv) as f:
        sys.stdout.write(f.read())
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lab", help="a lab name, or list")
    ap.add_argument("--format", choices=["text", "gradescope"], default="text")
    ap.add_argument("--output", default="results.json", help="gradescope results file")
    ap.add_argument("--no-build", action="store_true", help="do not run make first")
    ap.add_argument("--first-failure", action="store_true",
                    help="stop at the first boot with a failing test (the rest fail)")
    ap.add_argument("--tree", default=qemu.ROOT, help="the tree to grade (default: this one)")
    ap.add_argument("--batch", metavar="DIR", help="grade every submission in DIR")
    ap.add_argument("--csv", default="grades.csv", help="where --batch writes its CSV")
    args = ap.parse_args()
    if args.lab == "list":
        print("\n".join(labs.NAMES))
        return 0
    lab = labs.BY_NAME.get(args.lab)
    if not lab:
        sys.exit(f"grade.py: no lab '{args.lab}'; labs: {' '.join(labs.NAMES)}")
    if args.batch:
        return batch(lab, args.batch, args.csv)
    print(f"== lab {lab.name}: {lab.title} (docs/labs/{lab.name}.md)", flush=True)
    start = time.monotonic()
    build_dir = os.environ.get("BUILD") or "build"
    results = grade(lab, os.path.abspath(args.tree), build_dir, not args.no_build,
                    args.first_failure, say=lambda s: print(s, flush=True))
    score, total = report(lab, results)
    print(f"# graded in {time.monotonic() - start:.0f} s", file=sys.stderr)
    if args.format == "gradescope":
        gradescope(lab, results, args.output)
    return 0 if score == total else 1


if __name__ == "__main__":
    sys.exit(main())
