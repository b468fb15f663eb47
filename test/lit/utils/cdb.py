#!/usr/bin/env python3
"""Writes DIR/compile_commands.json for the analyzer's lit tests: one entry per
FILE, compiled as C++20 with -fsyntax-only, the runtime's include directory
(-I, as the project's CMake target gives it) and any FLAGS after `--`.
Lit runs it as %cdb (lit.cfg.py supplies --runtime-include).

usage: cdb.py --runtime-include INC DIR FILE... [-- FLAG...]"""
import json
import os
import sys

args = sys.argv[1:]
if len(args) < 3 or args[0] != "--runtime-include":
    sys.exit(__doc__)
runtime_include, args = os.path.abspath(args[1]), args[2:]
flags = []
if "--" in args:
    i = args.index("--")
    args, flags = args[:i], args[i + 1:]
directory = os.path.abspath(args[0])
entries = [{"directory": directory, "file": f,
            "arguments": ["clang++", "-std=c++20", "-fsyntax-only", "-I" + runtime_include] + flags + [f]}
           for f in args[1:]]
with open(os.path.join(directory, "compile_commands.json"), "w") as out:
    json.dump(entries, out, indent=1)
