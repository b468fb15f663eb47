#!/usr/bin/env python3
"""expect_exit.py [--timeout=SECONDS] STATUS COMMAND [ARGS...]

Runs COMMAND with this process's stdin/stdout/stderr and exits 0 if it exited
with STATUS, 1 otherwise (with a note on stderr). A command still running after
the timeout (default 60 s) is killed and counts as a failure. lit's `not` can
only say "non-zero"; the runtime's reports promise exact statuses (deadlock and
panic: 2, leak check: 1), so the tests check them exactly.
"""
import os
import signal
import subprocess
import sys


def main(argv):
    timeout = 60.0
    if argv and argv[0].startswith("--timeout="):
        timeout = float(argv[0].split("=", 1)[1])
        argv = argv[1:]
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    want, cmd = int(argv[0]), argv[1:]
    # Its own process group, so that a timeout kills whatever it started too
    # (a leftover child would keep the output pipe, and lit, waiting).
    proc = subprocess.Popen(cmd, start_new_session=True)
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        sys.stderr.write("expect_exit: %s still running after %gs: killed\n" % (cmd[0], timeout))
        return 1
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    if status == want:
        return 0
    if status < 0:
        try:
            got = "killed by signal %s" % signal.Signals(-status).name
        except ValueError:
            got = "killed by signal %d" % -status
    else:
        got = "exit status %d" % status
    sys.stderr.write("expect_exit: %s: expected exit status %d, got %s\n" % (cmd[0], want, got))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
