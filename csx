#!/usr/bin/env bash
# Runs a ch13 script with the bundled runner: ./csx scripts/xor.csx [--] [args...]
# Builds runner/ (Release, quietly; published ReadyToRun into its build folder) only when its sources or the props
# files changed since the last build, so an unchanged checkout goes straight to `dotnet ch13-csx.dll`.
set -euo pipefail

# This file's real folder, following symlinks, so ./csx works from any directory and through a link.
self="${BASH_SOURCE[0]}"
while [ -L "$self" ]; do
  dir="$(cd -P "$(dirname "$self")" && pwd)"
  self="$(readlink "$self")"
  [[ "$self" == /* ]] || self="$dir/$self"
done
root="$(cd -P "$(dirname "$self")" && pwd)"

out="$root/runner/bin/Release/net10.0"   # net10.0: the TargetFramework in Directory.Build.props
dll="$out/ch13-csx.dll"
stamp="$out/.csx-build-stamp"

stale() {
  [ -f "$dll" ] && [ -f "$stamp" ] || return 0
  [ -n "$(find "$root/runner" \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" -print -quit)" ] && return 0
  local props
  for props in Directory.Build.props Directory.Packages.props; do
    [ "$root/$props" -nt "$stamp" ] && return 0
  done
  return 1
}

# Ctrl+C or SIGTERM while building: stop the build, leave no temp files, exit 130 (interrupted) like every script.
build_pid=""
build_files=()
interrupted() {
  trap - INT TERM
  if [ -n "$build_pid" ]; then kill -TERM "$build_pid" 2>/dev/null || true; wait "$build_pid" 2>/dev/null || true; fi
  rm -f "${build_files[@]}"
  echo "csx: interrupted while building the runner." >&2
  exit 130
}
trap interrupted INT TERM

build() {
  local log started status=0
  log="$(mktemp)"
  started="$(mktemp)"  # taken before building: a source edited during the build still counts as newer
  build_files=("$log" "$started")
  local began=$SECONDS
  if [ -f "$dll" ]; then
    echo "csx: rebuilding the bundled runner (its sources changed)…" >&2
  else
    echo "csx: building the bundled runner (first run only; under a minute)…" >&2
  fi
  # In the background, so that `wait` returns as soon as a signal arrives and the trap runs at once.
  DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet publish "$root/runner/Ch13.Runner.csproj" -c Release -o "$out" --nologo -v q >"$log" 2>&1 &
  build_pid=$!
  wait "$build_pid" || status=$?
  build_pid=""
  if [ "$status" -ne 0 ]; then
    echo "csx: building the runner failed:" >&2
    cat "$log" >&2
    rm -f "$log" "$started"
    exit 1
  fi
  mv -f "$started" "$stamp"
  rm -f "$log"
  echo "csx: runner ready ($(( SECONDS - began )) s)." >&2
  build_files=()
}

if stale; then
  mkdir -p "$out"
  if command -v flock >/dev/null; then
    # Two ./csx started at once must not build into the same folder together.
    exec 9>"$out/.csx-build-lock"
    flock 9
    if stale; then build; fi
    exec 9>&-
  else
    build
  fi
fi

trap - INT TERM
exec dotnet "$dll" "$@"
