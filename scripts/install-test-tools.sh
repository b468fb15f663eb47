#!/usr/bin/env bash
# Installs the test tools that come from the npm registry (test/tools/
# package.json, pinned by its package-lock.json) into test/tools/node_modules:
# Microsoft's SARIF validator and vscode-jsonrpc (the editor tests' client).
# Node and npm come from Debian when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/test/tools"

if ! command -v npm >/dev/null 2>&1; then
  echo "gocxx: installing nodejs npm" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# Reinstall only when the lock file is newer than the installed tree.
stamp="$tools/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$tools/package-lock.json" -nt "$stamp" ]; then
  echo "gocxx: installing the npm test tools (test/tools)" >&2
  # --ignore-scripts: nothing from the registry runs here; the one thing the
  # validator's postinstall does is the chmod below.
  npm ci --prefix "$tools" --no-audit --no-fund --ignore-scripts --loglevel=error
fi
chmod u+x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
