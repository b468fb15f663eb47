#!/usr/bin/env python3
"""The comparison of layout_vs_pahole.sh: reads, in WORK, pahole.N and dies.N
(pahole --show_private_classes -I and llvm-dwarfdump --debug-info, filtered,
of object N) and layout.json (gocxx layout --format=json), and prints the
figures. Exit status 1 when a record differs.
usage: layout_vs_pahole.py WORK NUMBER_OF_OBJECTS [SHOW]"""
import json, os, re, sys
work, nobj = sys.argv[1], int(sys.argv[2])
show = int(sys.argv[3]) if len(sys.argv) > 3 else 10

SCOPES = {"DW_TAG_namespace", "DW_TAG_structure_type", "DW_TAG_class_type", "DW_TAG_union_type"}

def qualified_names(path):
    """DIE offset -> fully qualified name of each named record of one object
    (records local to a function and anonymous ones have none)."""
    names, stack = {}, []  # the enclosing DIEs: (depth, kind, name)
    def enter(off, depth, tag, name):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        kind = "scope" if tag in SCOPES else "function" if tag == "DW_TAG_subprogram" else "other"
        if tag == "DW_TAG_namespace" and name is None:
            name = "(anonymous namespace)"
        if kind == "scope" and tag != "DW_TAG_namespace" and name is not None:
            outer = [s for s in stack if s[1] != "other"]
            if all(s[1] == "scope" and s[2] is not None for s in outer):
                names[off] = "::".join([s[2] for s in outer] + [name])
        stack.append((depth, kind, name))
    cur = None
    for line in open(path, errors="replace"):
        m = re.match(r"^0x([0-9a-f]+):( +)(DW_TAG_\w+|NULL)", line)
        if m:
            if cur:
                enter(*cur)
            depth = (len(m.group(2)) - 1) // 2
            cur = [int(m.group(1), 16), depth, m.group(3), None] if m.group(3) != "NULL" else None
            continue
        m = re.match(r"^ +DW_AT_name\s+\(\"(.*)\"\)", line)
        if m and cur is not None and cur[3] is None:
            cur[3] = m.group(1)
    if cur:
        enter(*cur)
    return names

def pahole_records(path, names):
    """(qualified name, decl file, decl line) -> pahole's figures for each
    record of one object."""
    out, rec, decl = {}, None, None
    for line in open(path, errors="replace"):
        m = re.match(r"^/\* <([0-9a-f]+)> (.*):(\d+) \*/$", line)
        if m:
            decl = (int(m.group(1), 16), m.group(2), int(m.group(3)))
            continue
        if rec is None:
            if re.match(r"^(struct|class|union) .*\{$", line) and decl:
                off, file, line_no = decl
                rec = {"key": (names.get(off), os.path.normpath(file) if file != "(null)" else None, line_no),
                       "holes": 0, "padding": 0, "size": None, "bogus_hole": 0, "vbase": False, "members": {},
                       "ancestors": []}
            continue
        if line.startswith("};"):
            if rec["key"][0] and rec["size"] is not None:
                out.setdefault(rec["key"], rec)
            rec, decl = None, None
            continue
        if re.search(r"/\* +4294967295 ", line):
            rec["vbase"] = True  # pahole cannot evaluate a virtual base's location
        if not line.startswith("\t") or line.startswith("\t\t"):
            continue
        m = re.match(r"^\t(?!/\*)(.*;)\s+/\*\s+(\d+)(:\s*\d+)?\s+(\d+)\s+\*/", line)
        if m:
            decl = m.group(1)
            name = re.search(r"(\w+)(\[[^\]]*\])*(?::(\d+))?;$", decl)
            if name:
                rec["members"][name.group(1)] = {
                    "offset": int(m.group(2)), "size": int(m.group(4)), "bit": m.group(3),
                    "width": int(name.group(3)) if name.group(3) else None,
                    # A pointer to member: its ABI size (pahole misreads it).
                    "ptrmem": (16 if ")" in decl.split("::*")[0] else 8)
                    if re.search(r"::\*\s*(const\s+)?\w+;$", decl) else None}
            continue
        m = re.match(r"^\t/\* .*<ancestor>; \*/\s+/\*\s+(\d+)\s+(\d+)\s+\*/", line)
        if m:
            rec["ancestors"].append((int(m.group(1)), int(m.group(2))))
            continue
        body = line.strip()
        m = re.match(r"/\* size: (\d+),", body)
        if m:
            rec["size"] = int(m.group(1))
        m = re.search(r"sum holes: (\d+)", body)
        if m:
            rec["holes"] = int(m.group(1))
        m = re.match(r"/\* padding: (\d+) \*/", body)
        if m:
            rec["padding"] = int(m.group(1))
        m = re.match(r"/\* XXX (\d+) bytes? hole", body)
        if m and int(m.group(1)) >= 32768:
            rec["bogus_hole"] += int(m.group(1))  # an unsigned 16-bit hole that went below 0
    return out

pahole = {}
for i in range(nobj):
    names = qualified_names(os.path.join(work, "dies.%d" % i))
    for key, r in pahole_records(os.path.join(work, "pahole.%d" % i), names).items():
        pahole.setdefault(key, r)

try:
    doc = json.load(open(os.path.join(work, "layout.json")))
except Exception as e:
    print("gocxx layout: no JSON (%s); stderr:\n%s" % (e, open(os.path.join(work, "layout.err")).read()[-2000:]))
    sys.exit(1)

def norm(name):
    return re.sub(r"\s+>", ">", name)

ours, by_name = {}, {}
for d in doc["diagnostics"]:
    if d["check"] == "gocxx-layout-report":
        r = dict(d["data"], file=d["file"], line=d["line"])
        ours.setdefault((norm(r["record"]), os.path.normpath(r["file"]), r["line"]), r)
for key in ours:
    by_name.setdefault(key[0], []).append(key)

def describe(name, r, p, theirs, note=""):
    return ("%s (%s:%d): gocxx size %d padding %d (holes %d, tail %d); pahole size %d padding %d (holes %d, tail %d)%s"
            % (name, r["file"], r["line"], r["size"], r["padding"], sum(h["size"] for h in r["holes"]),
               r["tail_padding"], p["size"], theirs, p["holes"], p["padding"], note))

def uncovered(p, sizes):
    """The bytes of the record no member or base covers, by pahole's offsets
    and sizes (`sizes` overrides some members' sizes)."""
    covered = set()
    for off, size in p["ancestors"]:
        covered.update(range(off, off + size))
    for n, m in p["members"].items():
        if m["bit"] is not None and m["width"] is not None:
            first = m["offset"] * 8 + int(m["bit"].strip(": "))
            covered.update(range(first // 8, (first + m["width"] + 7) // 8))
        else:
            size = sizes.get(n, m["size"])
            covered.update(range(m["offset"], m["offset"] + size))
    return p["size"] - len([b for b in covered if b < p["size"]])

compared, equal, differing = 0, 0, []
corrected = {"empty": [0, 0], "ptrmem": [0, 0], "underflow": [0, 0]}  # records, equal after the correction
apart = {"virtual": []}
both = 0
for key in sorted(pahole, key=lambda k: (k[0], k[1] or "", k[2])):
    name, file, line = key
    name = norm(name)
    r = ours.get((name, file, line))
    if r is None and file is None and len(by_name.get(name, [])) == 1:
        r = ours[by_name[name][0]]  # pahole knows no declaration file: by name alone
    if r is None:
        continue
    both += 1
    p = pahole[key]
    mine, theirs = r["padding"], p["holes"] + p["padding"]
    if p["size"] != r["size"]:
        differing.append(describe(name, r, p, theirs, " -- not the same record?"))
        compared += 1
        continue
    if p["vbase"]:
        apart["virtual"].append(name)
        continue
    fields = {f["name"]: f for f in r["fields"]}
    ptrmem = {n: m["ptrmem"] for n, m in p["members"].items() if m["ptrmem"] and m["size"] != m["ptrmem"]}
    empty_members = [n for n, m in p["members"].items()
                     if m["size"] == 0 and m["bit"] is None and fields.get(n, {}).get("size", 0) > 0]
    why, reference = None, None
    if not r["fields"] and "vptr_offset" not in r and all(b["empty"] for b in r["bases"]):
        # An empty class: pahole counts its one byte as padding.
        why, reference = "empty", theirs - 1
    elif empty_members:
        # pahole prints a member of an empty class with size 0 and counts its
        # byte as padding, or not, depending on what follows; the padding of
        # pahole's own offsets and sizes with that byte given back instead.
        why, reference = "empty", uncovered(p, {n: fields[n]["size"] for n in empty_members})
    elif ptrmem:
        # pahole prints a pointer to member with the size of what it points
        # to (or garbage): the padding of pahole's offsets with the ABI's
        # sizes (8 bytes; 16 for a pointer to member function).
        why, reference = "ptrmem", uncovered(p, ptrmem)
    elif p["bogus_hole"]:
        # (the "sum holes" line, when pahole prints one, includes that hole)
        why, reference = "underflow", theirs - (p["bogus_hole"] if p["holes"] >= p["bogus_hole"] else 0)
    if why:
        corrected[why][0] += 1
        if reference == mine:
            corrected[why][1] += 1
        else:
            differing.append(describe(name, r, p, theirs, " (%d after undoing pahole's %s miscount)" % (reference, why)))
        continue
    compared += 1
    if theirs == mine:
        equal += 1
    else:
        differing.append(describe(name, r, p, theirs))

print("records: pahole printed %d, gocxx reported %d, in both %d" % (len(pahole), len(ours), both))
print("padding compared: %d records, %d equal, %d differing" % (compared, equal, compared - equal))
print("pahole's figure corrected first (pahole miscounts these; counted apart):")
print("  %d records that are or hold an empty class: pahole counts the empty class's one byte as padding"
      " (a member: printed with size 0); with the byte given back, equal for %d" % tuple(corrected["empty"]))
print("  %d records with a pointer to member: pahole prints it with its pointee's size (or garbage);"
      " with the ABI's size (8, or 16 to a member function), equal for %d" % tuple(corrected["ptrmem"]))
print("  %d records with a member in a base's tail padding: pahole's hole before the member goes below zero"
      " (65536 - n bytes); without it, equal for %d" % tuple(corrected["underflow"]))
print("not comparable: %d records with a virtual base pahole cannot place (it prints it at offset 4294967295"
      " and counts its bytes as padding)%s" % (len(apart["virtual"]),
      ": " + "; ".join(apart["virtual"][:3]) if apart["virtual"] else ""))
print("differing records: %d" % len(differing))
for line in differing[:show]:
    print("  " + line)
if len(differing) > show:
    print("  ... %d more" % (len(differing) - show))
errors = doc.get("errors", [])
if errors:
    print("gocxx layout errors: %d" % len(errors))
sys.exit(1 if differing else 0)
