#!/usr/bin/env python3
"""union_equals.py WHOLE SHARD...

The diagnostics of gocxx's JSON outputs SHARD... (the shards of one run)
must be, together, those of WHOLE, byte for byte once each is serialised
with sorted keys and the lists sorted; and no diagnostic may come from two
shards. Prints "equal: N diagnostics; shards disjoint" or what differs, and
exits 1 on a difference.
"""
import json
import sys


def diagnostics(path):
    with open(path, encoding="utf-8") as f:
        return [json.dumps(d, sort_keys=True) for d in json.load(f)["diagnostics"]]


def main():
    whole = sorted(diagnostics(sys.argv[1]))
    shards = [diagnostics(p) for p in sys.argv[2:]]
    union = sorted(d for s in shards for d in s)
    seen = {}
    overlap = []
    for i, s in enumerate(shards):
        for d in set(s):
            if d in seen:
                overlap.append(d)
            seen[d] = i
    if union != whole:
        only_whole = sorted(set(whole) - set(union))
        only_shards = sorted(set(union) - set(whole))
        print("differ: %d in the whole run, %d in the shards" % (len(whole), len(union)))
        for d in only_whole[:10]:
            print("  only in the whole run: " + d)
        for d in only_shards[:10]:
            print("  only in the shards:    " + d)
        return 1
    if overlap:
        print("equal, but %d diagnostics come from two shards: %s" % (len(overlap), overlap[0]))
        return 1
    print("equal: %d diagnostics; shards disjoint" % len(whole))
    return 0


if __name__ == "__main__":
    sys.exit(main())
