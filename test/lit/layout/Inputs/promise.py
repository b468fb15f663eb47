#!/usr/bin/env python3
"""Reads gocxx's JSON output and prints one static_assert per record for the
size the tool promised: the padding check's optimal_size, the empty-member
check's size_with_no_unique_address.  usage: promise.py findings.json"""
import json, sys

doc = json.load(open(sys.argv[1]))
seen = set()
for d in doc["diagnostics"]:
    data = d.get("data") or {}
    if d["check"] == "gocxx-layout-padding" and data.get("fix"):
        size = data["optimal_size"]
    elif d["check"] == "gocxx-layout-empty-member" and "size_with_no_unique_address" in data:
        size = data["size_with_no_unique_address"]
    else:
        continue
    rec = data["record"]
    if rec in seen:
        continue
    seen.add(rec)
    print("static_assert(sizeof(%s) == %d, \"gocxx promised %d bytes for %s\");" % (rec, size, size, rec))
