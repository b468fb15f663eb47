#!/usr/bin/env python3
"""not.py COMMAND [ARGS...] -- fallback for LLVM's `not` (used only when it is
missing): exits 0 iff COMMAND exits with a non-zero status (not a signal)."""
import subprocess
import sys

status = subprocess.run(sys.argv[1:]).returncode
sys.exit(0 if status > 0 else 1)
