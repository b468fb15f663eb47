#!/usr/bin/env python3
"""One line per gocxx-layout-report item of a `gocxx layout --format=json`
output, for FileCheck:
  RECORD kind=K size=S align=A padding=P tail=T best=B lines=L [vptr] bases=[..] fields=[..] holes=[..]
With --inner, each base also shows the padding it carries:
  NAME@OFFSET/SIZE{holes=H tail=T[ reused@R]}.
usage: summarize.py OUT.json [--inner]"""
import json, sys

doc = json.load(open(sys.argv[1]))
inner = "--inner" in sys.argv[2:]


def base(b):
    s = "%s%s@%d/%d" % ("virtual " if b["virtual"] else "", b["name"], b["offset"], b["size"])
    if inner:
        s += "{holes=%d tail=%d%s}" % (b["inner_holes"], b["inner_tail_padding"],
                                       " reused@%d" % b["tail_reused_from"] if "tail_reused_from" in b else "")
    return s


for d in doc["diagnostics"]:
    if d["check"] != "gocxx-layout-report":
        continue
    r = d["data"]
    fields = []
    for f in r["fields"]:
        if "bit_offset" in f:
            fields.append("%s@%d:%d+%d" % (f["name"], f["offset"], f["bit_offset"], f["bit_width"]))
        else:
            fields.append("%s@%d/%d" % (f["name"], f["offset"], f["size"]))
    bases = [base(b) for b in r["bases"]]
    holes = ["%d+%d after %s" % (h["offset"], h["size"], h["after"]) for h in r["holes"]]
    print("%s:%d %s kind=%s size=%d align=%d padding=%d tail=%d best=%d lines=%d%s bases=[%s] fields=[%s] holes=[%s]" % (
        d["file"], d["line"], r["record"], r["kind"], r["size"], r["align"], r["padding"], r["tail_padding"],
        r["optimal_size"], r["cache_lines"], " vptr" if "vptr_offset" in r else "",
        ", ".join(bases), ", ".join(fields), "; ".join(holes)))
