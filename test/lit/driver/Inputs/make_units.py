"""make_units.py DIR N: N translation units unitNN.cpp, each with two flagged
functions, and their compile_commands.json (listed in reverse order, so that
the output's order comes from sorting, not from the database)."""
import json
import os
import sys

root, count = sys.argv[1], int(sys.argv[2])
entries = []
for i in range(count):
    name = "unit%02d.cpp" % i
    with open(os.path.join(root, name), "w") as f:
        f.write("void flag_a%02d() {}\nvoid flag_b%02d() {}\n#include <vector>\n" % (i, i))
    entries.append({"directory": root, "file": name, "arguments": ["clang++", "-std=c++20", "-c", name]})
with open(os.path.join(root, "compile_commands.json"), "w") as f:
    json.dump(list(reversed(entries)), f, indent=1)
