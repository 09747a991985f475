#!/usr/bin/env bash
# TorchSharp 0.107's native glue (libLibTorchSharp.so) needs libstdc++ with GLIBCXX_3.4.32 (GCC 13+).
# Debian 12 ships GCC 12's. This installs Debian 13 (trixie)'s libstdc++6 through a temporary apt source
# (it brings libc6 2.41 along; nothing is removed), then removes that source again.
# Does nothing when the symbol is already there (Ubuntu 24.04+, Debian 13+, Fedora 39+).
# Needs root (or sudo) and apt; safe to run twice.
set -euo pipefail

have_glibcxx() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$lib" ] && grep -qa GLIBCXX_3.4.32 "$lib" && return 0
  done
  return 1
}

if have_glibcxx; then
  echo "libstdc++ already provides GLIBCXX_3.4.32"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "error: libstdc++ lacks GLIBCXX_3.4.32 and apt-get is not available; install GCC 13+'s libstdc++ with your package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

source_file=/etc/apt/sources.list.d/ch13-trixie.sources
cleanup() { $sudo rm -f "$source_file"; $sudo apt-get update -qq || true; }
trap cleanup EXIT
$sudo tee "$source_file" >/dev/null <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -t trixie libstdc++6 >/dev/null
have_glibcxx && echo "installed Debian 13's libstdc++6 (GLIBCXX_3.4.32 available)"
