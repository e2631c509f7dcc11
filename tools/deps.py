#!/usr/bin/env python3
"""Install the host packages Spindle needs, when they are missing.

usage: deps.py qemu|grub|musl|all

As root it runs apt-get; otherwise it prints the exact command to run and
fails. Nothing else in the tree assumes a package is installed.
"""
import importlib.util
import os
import shutil
import subprocess
import sys

# program on PATH -> Debian package that provides it
NEEDS = {
    "qemu": {"qemu-system-x86_64": "qemu-system-x86"},
    "grub": {
        "grub-mkrescue": "grub-common",
        "xorriso": "xorriso",
        "mformat": "mtools",
    },
    # The musl test group (tools/test.py) builds unmodified C programs
    # against musl and runs them on the host and on Spindle.
    "musl": {"musl-gcc": "musl-tools"},
}
# Python module -> Debian package, by group: `make trace` draws its picture
# with matplotlib (tools/trace.py). A Debian package installs for Debian's
# own interpreter (DEBIAN_PYTHON), which may not be the python3 on PATH
# (pyenv, a venv): either one having the module is enough.
MODULES = {"trace": {"matplotlib": "python3-matplotlib"}}
DEBIAN_PYTHON = "/usr/bin/python3"


def module_available(module):
    """Whether this interpreter, or else Debian's, can import module."""
    if importlib.util.find_spec(module) is not None:
        return True
    return os.path.exists(DEBIAN_PYTHON) and subprocess.run(
        [DEBIAN_PYTHON, "-c", f"import {module}"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL).returncode == 0
GRUB_PC_MODULES = "/usr/lib/grub/i386-pc"  # grub-pc-bin: BIOS boot images


def missing(groups):
    pkgs = []
    for group in groups:
        for prog, pkg in NEEDS.get(group, {}).items():
            if not shutil.which(prog) and pkg not in pkgs:
                pkgs.append(pkg)
        for module, pkg in MODULES.get(group, {}).items():
            if not module_available(module) and pkg not in pkgs:
                pkgs.append(pkg)
        if group == "grub" and not os.path.isdir(GRUB_PC_MODULES):
            pkgs.append("grub-pc-bin")
    return pkgs


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    groups = list(NEEDS) + list(MODULES) if what == "all" else [what]
    pkgs = missing(groups)
    if not pkgs:
        return 0
    cmd = ["apt-get", "install", "-y", "--no-install-recommends"] + pkgs
    if os.geteuid() != 0:
        print("Spindle needs these packages: " + " ".join(pkgs), file=sys.stderr)
        print("Install them with:\n  sudo apt-get update && sudo " + " ".join(cmd),
              file=sys.stderr)
        return 1
    print("deps: installing " + " ".join(pkgs), file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run(cmd + ["-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    still = missing(groups)
    if still:
        print("deps: still missing after install: " + " ".join(still), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
