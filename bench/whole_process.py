#!/usr/bin/env python3
"""whole_process.py: wall time and peak RSS of whole programs, gocxx beside Go.

Usage: whole_process.py --name NAME --out DIR [--reps 5] [--timeout 120]
                        [--gocxx PROGRAM] [--go PROGRAM] [-- ARGS...]

Runs the gocxx program and the Go program REPS times each, alternating
(gocxx, Go, gocxx, Go, ...) so that a change in the machine's load affects
both sides alike, each time with the same ARGS, and measures every run the
same way from outside: the wall time from the exec to the exit
(time.monotonic()), and the peak RSS and CPU time of that one process from the
rusage wait4() returns for it (ru_maxrss, in KiB on Linux). With the rusage
of the one process, and not getrusage(RUSAGE_CHILDREN) (the largest of all
children so far), one driver can run every rep; run_once says why the
program is forked by a shell and not by this process. The Go program runs
with GOMAXPROCS=2; the gocxx program sets maxprocs itself. Either side may
be left out (its toolchain or build failed).

Writes, for each side given, DIR/<side>_<NAME>.txt with one line
  whole_run side=<side> name=<NAME> runs=<n> wall_s=<median> peak_rss_kb=<median>
            cpu_s=<median> wall_s_all=<a,b,..> peak_rss_kb_all=<..> same_output=<1|0|na>
when every run exited with status 0 and printed the same stdout (otherwise
the line says failed="<why>" and has no figures), DIR/<side>_<NAME>.out (the
first run's stdout) and DIR/<side>_<NAME>.err (the last run's stderr). The
programs are meant to print the same lines: when both sides ran, their
outputs are compared (same_output), and a difference is written to
DIR/<NAME>.diff. Exit status 0 when every side given was measured and the
outputs agree, 1 otherwise; messages go to stderr.
"""

import argparse
import ctypes
import difflib
import os
import signal
import statistics
import sys
import threading
import time


def run_once(argv, env, out_path, err_path, timeout):
    """Runs argv once; returns (wall_s, maxrss_kb, cpu_s, exit_code, timed_out)."""
    # The program is started by a /bin/sh that forks it in the background,
    # prints its pid and exits; as the child subreaper, this process inherits
    # the program and reaps it with wait4(), which gives the rusage of that
    # process alone. Spawned from here directly, the program's ru_maxrss
    # would be at least this Python's RSS: the kernel keeps the peak RSS of
    # the memory image a process had before exec (with fork or vfork, this
    # process's). Forked from sh, the floor is sh's (under 1 MB). The forked
    # sh waits on a gate (fd 4) before it execs the program, so that the
    # program cannot end before its parent sh has (sh could reap it, and its
    # rusage would be lost), and so that the clock starts at the exec.
    script = ('o=$1 e=$2; shift 2; '
              '{ read -r _ <&4; exec "$@" 4<&-; } </dev/null >"$o" 2>"$e" & echo $!')
    r, w = os.pipe()
    gate_r, gate_w = os.pipe()
    try:
        sh = os.posix_spawn("/bin/sh", ["sh", "-c", script, "sh", out_path, err_path] + argv, env,
                            file_actions=[(os.POSIX_SPAWN_DUP2, w, 1),
                                          (os.POSIX_SPAWN_DUP2, gate_r, 4)])
    finally:
        os.close(w)
        os.close(gate_r)
    with os.fdopen(r, "rb") as f:
        line = f.read()
    os.wait4(sh, 0)
    pid = int(line)
    t0 = time.monotonic()
    os.close(gate_w)  # the forked sh reads EOF and execs the program
    lock = threading.Lock()
    state = {"exited": False, "timed_out": False}

    def kill():
        with lock:
            if not state["exited"]:
                state["timed_out"] = True
                os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.daemon = True
    timer.start()
    # Wait for the exit without reaping first: until wait4 below the pid stays
    # a zombie, so the timer can never signal a pid the kernel gave to another
    # process.
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    wall = time.monotonic() - t0
    with lock:
        state["exited"] = True
    timer.cancel()
    _, status, ru = os.wait4(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, code, state["timed_out"]


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--gocxx")
    ap.add_argument("--go")
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()
    # PR_SET_CHILD_SUBREAPER (36): orphans of our children come to us (run_once).
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:
        print(f"whole_process.py: prctl(PR_SET_CHILD_SUBREAPER): "
              f"{os.strerror(ctypes.get_errno())}", file=sys.stderr)
        return 1

    sides = {}
    if o.gocxx:
        sides["gocxx"] = ([o.gocxx] + o.args, dict(os.environ))
    if o.go:
        sides["go"] = ([o.go] + o.args, dict(os.environ, GOMAXPROCS="2"))

    runs = {side: [] for side in sides}
    failed = {}
    out_first = {}
    for rep in range(max(1, o.reps)):
        for side, (argv, env) in sides.items():
            if side in failed:
                continue
            out = os.path.join(o.out, f"{side}_{o.name}.out")
            this_out = out if rep == 0 else out + ".run"
            err = os.path.join(o.out, f"{side}_{o.name}.err")
            desc = " ".join(argv)
            if not os.access(argv[0], os.X_OK):
                failed[side] = f"{argv[0]}: not an executable program"
                print(f"== {side}: {failed[side]}", file=sys.stderr)
                continue
            wall, rss, cpu, code, timed_out = run_once(argv, env, this_out, err, o.timeout)
            if timed_out:
                failed[side] = f"killed after {o.timeout:g} s (run {rep + 1})"
            elif code != 0:
                failed[side] = f"exit status {code} (run {rep + 1})"
            else:
                text = read(this_out)
                if rep == 0:
                    out_first[side] = text
                elif text != out_first[side]:
                    failed[side] = f"stdout of run {rep + 1} differs from run 1's"
            if side in failed:
                print(f"== {side}: {desc}: {failed[side]}; see {err}", file=sys.stderr)
                for line in (read(err) or "").splitlines()[-10:]:
                    print(f"   {line}", file=sys.stderr)
            else:
                runs[side].append((wall, rss, cpu))
            if rep > 0:
                try:
                    os.unlink(this_out)
                except OSError:
                    pass

    same = "na"
    if len(sides) == 2 and not failed:
        a, b = out_first["gocxx"], out_first["go"]
        same = "1" if a == b else "0"
        diff_path = os.path.join(o.out, f"{o.name}.diff")
        if same == "0":
            with open(diff_path, "w") as f:
                f.writelines(difflib.unified_diff(
                    a.splitlines(True), b.splitlines(True),
                    f"gocxx_{o.name}.out", f"go_{o.name}.out"))
            print(f"== {o.name}: the gocxx and Go programs printed different output; "
                  f"see {diff_path}", file=sys.stderr)

    for side in sides:
        path = os.path.join(o.out, f"{side}_{o.name}.txt")
        with open(path, "w") as f:
            if side in failed:
                why = failed[side].replace('"', "'")
                f.write(f'whole_run side={side} name={o.name} failed="{why}"\n')
                continue
            walls = [r[0] for r in runs[side]]
            rsss = [r[1] for r in runs[side]]
            cpus = [r[2] for r in runs[side]]
            f.write(f"whole_run side={side} name={o.name} runs={len(walls)} "
                    f"wall_s={statistics.median(walls):.4f} "
                    f"peak_rss_kb={statistics.median(rsss):.0f} "
                    f"cpu_s={statistics.median(cpus):.4f} "
                    f"wall_s_all={','.join(f'{w:.4f}' for w in walls)} "
                    f"peak_rss_kb_all={','.join(str(r) for r in rsss)} "
                    f"same_output={same} args=\"{' '.join(o.args)}\"\n")
    return 1 if failed or same == "0" else 0


if __name__ == "__main__":
    sys.exit(main())
