#!/usr/bin/env python3
"""Writes DIR/compile_commands.json for the escape tests: C++20 and the
runtime's include directory (the tests include <gocxx/gocxx.hpp>).
usage: cdb.py DIR RUNTIME_INCLUDE a.cpp [b.cpp...]"""
import json, os, sys

d = os.path.abspath(sys.argv[1])
runtime_include = os.path.abspath(sys.argv[2])
entries = [{"directory": d, "file": f,
            "arguments": ["clang++", "-std=c++20", "-fsyntax-only", "-I" + runtime_include, f]}
           for f in sys.argv[3:]]
with open(os.path.join(d, "compile_commands.json"), "w") as out:
    json.dump(entries, out, indent=1)
