#!/usr/bin/env bash
# Installs the Debian bookworm packages gocxx needs, only those missing.
set -euo pipefail

packages=(
  cmake ninja-build python3
  clang-19 libclang-rt-19-dev libclang-19-dev llvm-19-dev llvm-19-tools clang-tidy-19 clang-format-19
  clang-tools-19  # clang-apply-replacements: the analyzer's fix tests
  nlohmann-json3-dev googletest libgtest-dev libbenchmark-dev
  golang-1.19-go
  clangd-19 neovim  # the editor tests: gocxx lsp --clangd, Neovim's LSP client
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "gocxx: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
