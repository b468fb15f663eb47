#!/usr/bin/env python3
"""Writes DIR/compile_commands.json for the given sources (C++20, -I DIR/Inputs
and any extra -X flags after `--`).  usage: cdb.py DIR a.cpp b.cpp [-- flags...]"""
import json, os, sys

args = sys.argv[1:]
flags = []
if "--" in args:
    i = args.index("--")
    args, flags = args[:i], args[i + 1:]
d = os.path.abspath(args[0])
entries = [{"directory": d, "file": f,
            "arguments": ["clang++", "-std=c++20", "-fsyntax-only"] + flags + [f]} for f in args[1:]]
with open(os.path.join(d, "compile_commands.json"), "w") as out:
    json.dump(entries, out, indent=1)
