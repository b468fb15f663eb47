#!/usr/bin/env python3
"""Evaluate the gocxx analyzer's concurrency checks on the concurrency corpus.

    evaluate.py --gocxx PATH [--build-dir DIR] [--jobs N] [--json OUT] [KERNEL...]

Writes a compilation database for every kernel (buggy.cpp and fixed.cpp,
C++20, -isystem <repo>/runtime/include) to DIR/concurrency_corpus_eval/
(DIR defaults to a fresh temporary directory; a subdirectory, so that an
existing CMake compile_commands.json in DIR is left alone), runs

    gocxx check -p <that dir> --checks=-*,gocxx-leak-*,gocxx-chan-* --format=json

and compares the findings with manifest.json:

  - buggy.cpp is "detected" when at least one of its expected findings is
    reported: the expected check id at the expected line (exactly, +-0);
    "missed" otherwise ("error" when gocxx could not analyse it). Reported findings that are not expected are listed
    as "extra" (possible false positives in a buggy kernel).
  - fixed.cpp is "clean" when no gocxx-leak-* / gocxx-chan-* finding is
    reported in it; every finding there is a false positive.
  - Remarks and notes of those families (gocxx-leak-not-analysed: a function
    the checks could not explore) are listed but not scored.

Totals: detection rate (detected buggy kernels / kernels), recall over
individual expected findings, false positives (findings in fixed.cpp files).

Only the families that `gocxx --list-checks` lists are requested. When the
analyzer has none of the gocxx-leak-* / gocxx-chan-* checks (or still answers
"--checks: '...' matches no check"), the script says so and exits 2: there
is nothing to evaluate yet. Expected ids the analyzer lacks are named in the
report, and the kernels that need them count as missed.

Exit status: 0 when the evaluation ran (whatever the scores), 2 when it could
not run (no such checks, usage error, inconsistent corpus).
"""
import argparse
import fnmatch
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

CORPUS = pathlib.Path(__file__).resolve().parent
REPO = CORPUS.parent.parent
FAMILIES = ("gocxx-leak-*", "gocxx-chan-*")


def die(msg, status=2):
    print(f"evaluate.py: {msg}", file=sys.stderr)
    sys.exit(status)


def header_expectations(path):
    """The `EXPECT: <id> line <N>` lines at the top of a kernel source."""
    out = []
    for line in path.read_text().splitlines():
        if not line.startswith("//"):
            break
        m = re.match(r"// EXPECT: (.*)$", line)
        if not m:
            continue
        if m.group(1).strip() == "none":
            continue
        m2 = re.fullmatch(r"(gocxx-[a-z0-9-]+) line (\d+)", m.group(1).strip())
        if not m2:
            die(f"{path}: malformed EXPECT line: {line!r}")
        out.append({"check": m2.group(1), "line": int(m2.group(2))})
    return out


def load_manifest(selected):
    doc = json.loads((CORPUS / "manifest.json").read_text())
    kernels = doc["kernels"]
    names = {k["name"] for k in kernels}
    dirs = {d.name for d in CORPUS.iterdir() if d.is_dir() and d.name[:2].isdigit()}
    if names != dirs:
        die(f"manifest.json and the kernel directories disagree: {sorted(names ^ dirs)}")
    for k in kernels:
        for variant, expected in (("buggy", k["expected"]), ("fixed", k.get("expected_fixed", []))):
            src = CORPUS / k["name"] / f"{variant}.cpp"
            if not src.is_file():
                die(f"{src} is missing")
            got = header_expectations(src)
            key = lambda e: (e["line"], e["check"])
            if sorted(got, key=key) != sorted(expected, key=key):
                die(f"{src}: the EXPECT lines of the header ({got}) differ from manifest.json ({expected})")
    unknown = set(selected) - names
    if unknown:
        die(f"no such kernel(s): {', '.join(sorted(unknown))}")
    return [k for k in kernels if not selected or k["name"] in selected]


def list_checks(gocxx):
    try:
        proc = subprocess.run([gocxx, "--list-checks"], capture_output=True, text=True, timeout=120)
    except OSError as e:
        die(f"cannot run {gocxx}: {e}")
    if proc.returncode != 0:
        die(f"`{gocxx} --list-checks` failed (exit {proc.returncode}): {proc.stderr.strip()}")
    ids = []
    for line in proc.stdout.splitlines():
        m = re.match(r"\s*(gocxx-[a-z0-9-]+)", line)
        if m:
            ids.append(m.group(1))
    return ids


def write_database(kernels, db_dir):
    db_dir.mkdir(parents=True, exist_ok=True)
    include = str(REPO / "runtime" / "include")
    entries = []
    for k in kernels:
        for variant in ("buggy", "fixed"):
            src = CORPUS / k["name"] / f"{variant}.cpp"
            entries.append({
                "directory": str(src.parent),
                "file": str(src),
                "arguments": ["clang++-19", "-std=c++20", "-isystem", include,
                              "-c", str(src), "-o", os.devnull],
            })
    path = db_dir / "compile_commands.json"
    path.write_text(json.dumps(entries, indent=2) + "\n")
    return path


def run_gocxx(gocxx, db_dir, checks, jobs, timeout, files=()):
    cmd = [gocxx, "check", "-p", str(db_dir), f"--checks={checks}", "--format=json", f"-j{jobs}", *files]
    try:
        # Run from the database directory: file names in the output are made
        # relative to the current directory when they lie below it.
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=db_dir)
    except subprocess.TimeoutExpired as e:
        return cmd, subprocess.CompletedProcess(cmd, -1, e.stdout or "", f"timed out after {timeout} s")
    return cmd, proc


def parse(proc):
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return None


def describe_failure(proc):
    status = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}"
    text = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()
    return f"gocxx {status} without JSON output: {text[-1] if text else ''}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gocxx", required=True, help="path of the gocxx analyzer binary")
    ap.add_argument("--build-dir", help="where to write the compilation database "
                    "(DIR/concurrency_corpus_eval/compile_commands.json; default: a temporary directory)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="translation units analysed in parallel (default 2)")
    ap.add_argument("--timeout", type=int, default=1800, help="give up on a gocxx run after this many seconds")
    ap.add_argument("--json", dest="json_out", help="also write the per-kernel results as JSON to this file")
    ap.add_argument("kernels", nargs="*", help="evaluate only these kernels (default: all)")
    args = ap.parse_args()

    gocxx = os.path.abspath(args.gocxx)
    if not os.access(gocxx, os.X_OK):
        die(f"{args.gocxx} is not an executable")
    kernels = load_manifest(set(args.kernels))

    available = list_checks(gocxx)
    family_ids = [c for c in available if any(fnmatch.fnmatch(c, f) for f in FAMILIES)]
    expected_ids = sorted({e["check"] for k in kernels for e in k["expected"]})
    missing_ids = [c for c in expected_ids if c not in family_ids]
    if not family_ids:
        print(f"{gocxx} lists no gocxx-leak-* or gocxx-chan-* check (it has: {', '.join(available) or 'none'}).")
        print("Nothing to evaluate yet: the concurrency checks do not exist in this analyzer.")
        print(f"The corpus expects these {len(expected_ids)} ids: {', '.join(expected_ids)}")
        return 2

    base = pathlib.Path(args.build_dir).resolve() if args.build_dir else pathlib.Path(tempfile.mkdtemp(prefix="gocxx-corpus-"))
    db_dir = base / "concurrency_corpus_eval"
    db = write_database(kernels, db_dir)
    print(f"compilation database: {db} ({2 * len(kernels)} translation units)")

    # Request only the families the analyzer has: a glob that matches no check
    # is a usage error (exit 2).
    globs = [f for f in FAMILIES if any(fnmatch.fnmatch(c, f) for c in family_ids)]
    checks = "-*," + ",".join(globs)
    cmd, proc = run_gocxx(gocxx, db_dir, checks, args.jobs, args.timeout)
    print("ran: " + " ".join(cmd) + f"  (exit {proc.returncode})", flush=True)
    if "matches no check" in proc.stderr:
        print(f"gocxx refused the check selection (exit {proc.returncode}):")
        print("  " + proc.stderr.strip().replace("\n", "\n  "))
        print("Nothing to evaluate yet: the concurrency checks do not exist in this analyzer.")
        return 2
    result = parse(proc)
    if result is None:
        # One run over the whole database died (a crash, the OOM killer, a
        # timeout): analyse kernel by kernel, so that one bad unit costs only
        # its own kernel.
        print(f"warning: {describe_failure(proc)}; retrying one kernel at a time", flush=True)
        result = {"diagnostics": [], "errors": []}
        for k in kernels:
            files = [str(CORPUS / k["name"] / f"{v}.cpp") for v in ("buggy", "fixed")]
            _, p = run_gocxx(gocxx, db_dir, checks, args.jobs, args.timeout, files)
            r = parse(p)
            if r is None:
                result["errors"] += [{"file": f, "message": describe_failure(p)} for f in files]
            else:
                result["diagnostics"] += r.get("diagnostics", [])
                result["errors"] += r.get("errors", [])
    elif proc.returncode not in (0, 1, 2):
        print(f"warning: gocxx exited {proc.returncode}: {proc.stderr.strip()}")

    def resolve(f):
        p = pathlib.Path(f)
        return (p if p.is_absolute() else db_dir / p).resolve()

    # Findings per translation unit, restricted to the concurrency families.
    # Remarks and notes (e.g. gocxx-leak-not-analysed, "could not explore this
    # function") are not findings: they are listed, never scored.
    by_file, remarks_by_file = {}, {}
    for d in result.get("diagnostics", []):
        if not any(fnmatch.fnmatch(d.get("check", ""), f) for f in FAMILIES):
            continue
        target = remarks_by_file if d.get("severity") in ("remark", "note") else by_file
        target.setdefault(resolve(d["file"]), []).append(d)
    errors_by_file = {}
    for e in result.get("errors", []):
        errors_by_file.setdefault(resolve(e.get("file", "")), []).append(e.get("message", ""))

    rows, detected, found_expected, total_expected, fp_total, extra_total, unit_errors = [], 0, 0, 0, 0, 0, 0
    for k in kernels:
        buggy = (CORPUS / k["name"] / "buggy.cpp").resolve()
        fixed = (CORPUS / k["name"] / "fixed.cpp").resolve()
        got_b = by_file.get(buggy, [])
        got_f = by_file.get(fixed, [])
        matched = [e for e in k["expected"]
                   if any(d["check"] == e["check"] and d["line"] == e["line"] for d in got_b)]
        extra = [d for d in got_b
                 if not any(d["check"] == e["check"] and d["line"] == e["line"] for e in k["expected"])]
        errs_b, errs_f = errors_by_file.get(buggy, []), errors_by_file.get(fixed, [])
        errs = errs_b + errs_f
        remarks = [f"{v}:{d['check']}@{d['line']}" for v, f in (("buggy", buggy), ("fixed", fixed))
                   for d in remarks_by_file.get(f, [])]
        unit_errors += bool(errs)
        total_expected += len(k["expected"])
        found_expected += len(matched)
        detected += bool(matched)
        fp_total += len(got_f)
        extra_total += len(extra)
        rows.append({
            "name": k["name"],
            "expected": k["expected"],
            "buggy": "detected" if matched else ("error" if errs_b else "missed"),
            "matched": matched,
            "extra_in_buggy": [{"check": d["check"], "line": d["line"], "message": d.get("message", "")} for d in extra],
            "fixed": "false-positive" if got_f else ("error" if errs_f else "clean"),
            "false_positives": [{"check": d["check"], "line": d["line"], "message": d.get("message", "")} for d in got_f],
            "needs_missing_check": sorted({e["check"] for e in k["expected"]} & set(missing_ids)),
            "errors": errs,
            "remarks": remarks,
        })

    n = len(kernels)
    print()
    print(f"{'KERNEL':<38} {'BUGGY':<9} {'FOUND':>5}  {'FIXED':<15} NOTES")
    print("-" * 100)
    for r in rows:
        notes = []
        if r["buggy"] != "detected":
            notes.append("expected " + ", ".join(f"{e['check']}@{e['line']}" for e in r["expected"]))
        if r["extra_in_buggy"]:
            notes.append("extra " + ", ".join(f"{d['check']}@{d['line']}" for d in r["extra_in_buggy"]))
        if r["false_positives"]:
            notes.append("FP " + ", ".join(f"{d['check']}@{d['line']}" for d in r["false_positives"]))
        if r["needs_missing_check"]:
            notes.append("analyzer lacks " + ", ".join(r["needs_missing_check"]))
        if r["remarks"]:
            notes.append("remarks " + ", ".join(r["remarks"]))
        if r["errors"]:
            notes.append("analysis error: " + "; ".join(r["errors"])[:120])
        found = f"{len(r['matched'])}/{len(r['expected'])}"
        print(f"{r['name']:<38} {r['buggy']:<9} {found:>5}  {r['fixed']:<15} {'; '.join(notes)}")
    print()
    print(f"detection rate: {detected}/{n} buggy kernels ({100.0 * detected / n:.1f}%)")
    print(f"expected findings reported: {found_expected}/{total_expected}")
    print(f"false positives: {fp_total} finding(s) in {sum(r['fixed'] == 'false-positive' for r in rows)}/{n} fixed kernels")
    print(f"extra findings in buggy kernels (not at an expected check+line): {extra_total}")
    if missing_ids:
        print(f"expected ids the analyzer does not list ({len(missing_ids)}): {', '.join(missing_ids)}")
    if unit_errors:
        print(f"kernels with analysis errors: {unit_errors}")

    if args.json_out:
        pathlib.Path(args.json_out).write_text(json.dumps({
            "gocxx": gocxx, "command": cmd, "kernels": rows,
            "totals": {"kernels": n, "detected": detected, "detection_rate": detected / n,
                       "expected_findings": total_expected, "expected_found": found_expected,
                       "false_positives": fp_total, "extra_in_buggy": extra_total,
                       "missing_checks": missing_ids, "kernels_with_errors": unit_errors},
        }, indent=2) + "\n")
        print(f"results written to {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
