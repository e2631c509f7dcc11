#!/usr/bin/env python3
"""Write compile_commands.json (for clangd) to stdout.

usage: compdb.py CC CFLAGS ASFLAGS SOURCE...
"""
import json
import os
import shlex
import sys

cc, cflags, asflags, sources = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
root = os.getcwd()
entries = []
for src in sources:
    flags = asflags if src.endswith(".S") else cflags
    args = [cc] + shlex.split(flags) + ["-c", src]
    entries.append({"directory": root, "file": src, "arguments": args})
json.dump(entries, sys.stdout, indent=1)
sys.stdout.write("\n")
