#!/usr/bin/env python3
"""Debian's Linux kernel, the baseline `make bench` compares Spindle with.

usage: linux_kernel.py     prints the path of the kernel, fetching it if missing

The kernel is the vmlinuz of the package Debian's `linux-image-amd64`
depends on (linux-image-6.1.0-N-amd64 on bookworm). It is fetched with
`apt-get download` (no root needed, no install), its boot/vmlinuz-* is
taken out of the .deb with `dpkg-deb --fsys-tarfile`, and the .deb is
thrown away. The vmlinuz stays in the cache, outside the tree and never
committed:

    ${XDG_CACHE_HOME:-~/.cache}/spindle/linux/vmlinuz-VERSION

Once one is there it is used as is, so the baseline does not change under
a benchmark series when Debian updates its kernel; delete it to take the
newest. LINUX_KERNEL=/path/to/vmlinuz uses that file instead.

If it cannot be fetched (no apt, no network), it prints the exact
commands that would, as tools/deps.py does for packages, and fails.
"""
import glob
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile

META_PACKAGE = "linux-image-amd64"
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                     "spindle", "linux")


def cached():
    """The newest vmlinuz in the cache, or None."""
    found = sorted(glob.glob(os.path.join(CACHE, "vmlinuz-*")))
    return found[-1] if found else None


def package():
    """The versioned package linux-image-amd64 depends on, or None."""
    try:
        r = subprocess.run(["apt-cache", "depends", META_PACKAGE], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None
    for line in r.stdout.splitlines():
        kind, _, name = line.strip().partition(": ")
        if kind == "Depends" and name.startswith("linux-image-"):
            return name
    return None


def manual_commands(pkg):
    pkg = pkg or "$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: //p')"
    return (f"  mkdir -p {shlex.quote(CACHE)} && cd {shlex.quote(CACHE)}\n"
            f"  apt-get download {pkg}\n"
            f"  dpkg-deb --fsys-tarfile linux-image-*.deb | tar -x --wildcards "
            f"--strip-components=2 './boot/vmlinuz-*'\n"
            f"  rm linux-image-*.deb\n"
            f"(`sudo apt-get update` first if apt does not know the package.)")


def extract_vmlinuz(deb, into):
    """Writes the .deb's boot/vmlinuz-* into the directory `into`; its path."""
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    path = None
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            name = os.path.basename(member.name)
            if member.isfile() and os.path.dirname(member.name) in ("./boot", "boot") \
                    and name.startswith("vmlinuz-"):
                path = os.path.join(into, name)
                with open(path + ".part", "wb") as out:
                    out.write(tar.extractfile(member).read())
                os.rename(path + ".part", path)
                break
    proc.stdout.close()
    proc.kill()  # the rest of the archive (the modules) is not needed
    proc.wait()
    return path


def fetch():
    """Downloads and unpacks the kernel into CACHE: its path, or None after
    saying why and what to type instead."""
    pkg = package()
    if not pkg:
        print(f"linux_kernel: apt does not know {META_PACKAGE}'s kernel package; "
              f"fetch it by hand:\n{manual_commands(None)}", file=sys.stderr)
        return None
    os.makedirs(CACHE, exist_ok=True)
    print(f"linux_kernel: fetching {pkg} (apt-get download) into {CACHE}", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        try:
            r = subprocess.run(["apt-get", "download", pkg], cwd=tmp, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            debs = glob.glob(os.path.join(tmp, "*.deb"))
            path = extract_vmlinuz(debs[0], CACHE) if r.returncode == 0 and debs else None
        except (OSError, tarfile.TarError) as e:
            r, path = None, None
            print(f"linux_kernel: {e}", file=sys.stderr)
        if not path:
            if r is not None:
                sys.stderr.write(r.stdout)
            print(f"linux_kernel: could not fetch {pkg}; by hand:\n{manual_commands(pkg)}",
                  file=sys.stderr)
    return path


def kernel():
    """The path of the Linux kernel to boot, or None (the reason printed)."""
    given = os.environ.get("LINUX_KERNEL")
    if given:
        if os.path.isfile(given):
            return given
        print(f"linux_kernel: LINUX_KERNEL={given}: no such file", file=sys.stderr)
        return None
    return cached() or fetch()


def version(path):
    """'6.1.0-57-amd64' from .../vmlinuz-6.1.0-57-amd64."""
    return os.path.basename(path).removeprefix("vmlinuz-")


if __name__ == "__main__":
    found = kernel()
    if not found:
        sys.exit(1)
    print(found)
