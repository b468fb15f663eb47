#!/usr/bin/env python3
"""Counts the findings of a gocxx JSON output: `findings=N fixes=M fix-true=K`."""
import json, sys
d = json.load(open(sys.argv[1]))["diagnostics"]
print("findings=%d fixes=%d fix-true=%d" % (len(d), sum(1 for x in d if x.get("fixes")),
                                             sum(1 for x in d if (x.get("data") or {}).get("fix"))))
