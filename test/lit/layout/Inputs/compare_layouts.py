#!/usr/bin/env python3
"""Compares Clang's record layouts (clang++ -Xclang -fdump-record-layouts
-fsyntax-only) with `gocxx layout --format=json`: every record Clang dumped
must be in gocxx's report with the same size, alignment, field count and the
same offset (bit offset for bit-fields) for every field.
usage: compare_layouts.py DUMP.txt GOCXX.json"""
import json
import re
import sys


def parse_dump(text):
    records = {}
    blocks = text.split("*** Dumping AST Record Layout")[1:]
    for block in blocks:
        lines = [l for l in block.splitlines() if "|" in l]
        head = re.sub(r"( \(empty\))+$", "", lines[0].split("|", 1)[1].strip())
        kind, name = head.split(" ", 1) if head.split(" ", 1)[0] in ("struct", "class", "union") else ("", head)
        rec = {"kind": kind, "fields": []}
        for l in lines[1:]:
            off, rest = l.split("|", 1)
            off = off.strip()
            m = re.search(r"\[sizeof=(\d+), dsize=(\d+), align=(\d+)", rest)
            if m:
                rec["size"], rec["align"] = int(m.group(1)), int(m.group(3))
                continue
            if not rest.startswith("   ") or rest.startswith("    "):
                continue  # not a direct member (nested subobject) / summary
            body = rest.strip()
            if "vtable pointer" in body or body.endswith("(base)") or "(virtual base)" in body \
                    or "(primary base)" in body or body.endswith("(base) (empty)") \
                    or "(primary virtual base)" in body:
                continue
            body = re.sub(r"( \(empty\))+$", "", body)
            bits = None
            if ":" in off:
                byte, span = off.split(":")
                start = span.split("-")[0]
                bits = int(byte) * 8 + (int(start) if start else 0)
            fname = body.rsplit(" ", 1)[1] if " " in body else ""
            rec["fields"].append({"name": fname, "offset": int(off.split(":")[0]), "bits": bits})
        records.setdefault(name, rec)
    return records


def norm(name):
    """The dump spells template arguments its own way (_Bool, `struct X`)."""
    name = name.replace("_Bool", "bool")
    name = re.sub(r"\b(struct|class|union|enum) ", "", name)
    name = name.replace(" >", ">")
    return name


def main():
    dump = parse_dump(open(sys.argv[1]).read())
    doc = json.load(open(sys.argv[2]))
    ours = {}
    for d in doc["diagnostics"]:
        if d["check"] == "gocxx-layout-report":
            ours.setdefault(norm(d["data"]["record"]), d["data"])
    errors = []
    nfields = 0
    skipped = 0
    for name, rec in sorted(dump.items()):
        if "(anonymous at " in name or "(unnamed " in name:
            skipped += 1  # an anonymous member: reported as a field of its record
            continue
        if name.startswith("(lambda at ") or name == "__va_list_tag":
            skipped += 1  # closure types and the compiler's implicit records are not reported
            continue
        name = norm(name)
        if name not in ours:
            errors.append("%s: not reported by gocxx layout" % name)
            continue
        o = ours[name]
        if o["size"] != rec["size"]:
            errors.append("%s: size %d, clang %d" % (name, o["size"], rec["size"]))
        if o["align"] != rec["align"]:
            errors.append("%s: align %d, clang %d" % (name, o["align"], rec["align"]))
        if len(o["fields"]) != len(rec["fields"]):
            errors.append("%s: %d fields, clang %d" % (name, len(o["fields"]), len(rec["fields"])))
            continue
        for of, cf in zip(o["fields"], rec["fields"]):
            nfields += 1
            if cf["bits"] is not None:
                if of.get("bit_offset") != cf["bits"]:
                    errors.append("%s.%s: bit offset %s, clang %d" % (name, of["name"], of.get("bit_offset"), cf["bits"]))
            elif of["offset"] != cf["offset"]:
                errors.append("%s.%s: offset %d, clang %d" % (name, of["name"], of["offset"], cf["offset"]))
            if of["name"] != "(anonymous)" and of["name"] != cf["name"]:
                errors.append("%s: field %s, clang %s" % (name, of["name"], cf["name"]))
    for e in errors:
        print("MISMATCH " + e)
    total = len(dump) - skipped
    agree = total - len({e.split(":")[0].split(".")[0] for e in errors})
    print("records compared: %d, fields compared: %d, agreement: %d/%d (%.0f%%)"
          % (total, nfields, agree, total, 100.0 * agree / max(total, 1)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
