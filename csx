#!/usr/bin/env bash
# Runs a ch13 script with the bundled runner: ./csx scripts/xor.csx [--] [args...]
# Two builds of runner/, each made only when its sources or the props files changed since it was made:
#  - light (runner/bin/Release/light): a plain publish, built in the foreground on the first run (12 s with an empty
#    NuGet cache on 2 cores, measured 2026-12-07);
#  - fast (runner/bin/Release/net10.0): published ReadyToRun, which compiles a new script ~40% faster; it takes ~40 s
#    on 2 cores, so it is built in the background, at low priority, once the run that needed it has ended.
# A run uses fast when it is up to date, else light. An unchanged checkout goes straight to `dotnet ch13-csx.dll`.
set -euo pipefail

# This file's real folder, following symlinks, so ./csx works from any directory and through a link.
self="${BASH_SOURCE[0]}"
while [ -L "$self" ]; do
  dir="$(cd -P "$(dirname "$self")" && pwd)"
  self="$(readlink "$self")"
  [[ "$self" == /* ]] || self="$dir/$self"
done
root="$(cd -P "$(dirname "$self")" && pwd)"

release="$root/runner/bin/Release"
fast="$release/net10.0"   # net10.0: the TargetFramework in Directory.Build.props
light="$release/light"

# Whether the build in folder $1 is missing or older than runner/'s sources or the props files.
stale() {
  local out="$1"
  [ -f "$out/ch13-csx.dll" ] && [ -f "$out/.csx-build-stamp" ] || return 0
  newer_than "$out/.csx-build-stamp"
}

# Whether a source or props file is newer than the file $1.
newer_than() {
  local props
  [ -n "$(find "$root/runner" \( -name bin -o -name obj \) -prune -o -type f -newer "$1" -print -quit)" ] && return 0
  for props in Directory.Build.props Directory.Packages.props; do
    [ "$root/$props" -nt "$1" ] && return 0
  done
  return 1
}

# The malloc the run gets (tools/malloc.sh: tcmalloc where installed): a bad CH13_MALLOC stops here, before any build.
. "$root/tools/malloc.sh"
choose_malloc csx || exit $?

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
  if [ -f "$light/ch13-csx.dll" ] || [ -f "$fast/ch13-csx.dll" ]; then
    echo "csx: rebuilding the bundled runner (its sources changed)…" >&2
  else
    echo "csx: building the bundled runner (first run only; about 10 s)…" >&2
  fi
  # In the background, so that `wait` returns as soon as a signal arrives and the trap runs at once.
  DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet publish "$root/runner/Ch13.Runner.csproj" -c Release -o "$light" -p:PublishReadyToRun=false --nologo -v q >"$log" 2>&1 &
  build_pid=$!
  wait "$build_pid" || status=$?
  build_pid=""
  if [ "$status" -ne 0 ]; then
    echo "csx: building the runner failed:" >&2
    cat "$log" >&2
    rm -f "$log" "$started"
    exit 1
  fi
  mv -f "$started" "$light/.csx-build-stamp"
  rm -f "$log"
  echo "csx: runner ready ($(( SECONDS - began )) s)." >&2
  build_files=()
}

# The ReadyToRun build, in the background: it waits for this run (the process this script becomes) to end, then
# publishes at low priority under the build lock. Its log is runner/bin/Release/.csx-fast-build.log; after a failure
# it is not tried again until the sources change. Ctrl+C and a closed terminal leave it alone; a kill leaves `fast`
# stale (its stamp is written last), so the next run uses light and schedules it again.
schedule_fast_build() {
  [ -f "$release/.csx-fast-failed" ] && ! newer_than "$release/.csx-fast-failed" && return 0
  command -v flock >/dev/null || return 0   # without flock (macOS) the runs stay on the light build
  exec 8>"$release/.csx-fast-lock"
  if ! flock -n 8; then exec 8>&-; return 0; fi   # one is already waiting or building
  echo "csx: after this run, a faster (ReadyToRun) runner builds in the background." >&2   # ~40 s at low priority; ≤ 80 columns
  local run=$$
  (
    trap - INT TERM EXIT
    trap '' INT HUP
    while kill -0 "$run" 2>/dev/null; do sleep 1; done
    exec 9>"$release/.csx-build-lock"
    flock 9
    stale "$fast" || exit 0
    started="$(mktemp)"
    rm -f "$fast/.csx-build-stamp"
    if DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 nice -n 10 \
         dotnet publish "$root/runner/Ch13.Runner.csproj" -c Release -o "$fast" -p:PublishReadyToRun=true --nologo -v q \
         >"$release/.csx-fast-build.log" 2>&1; then
      mv -f "$started" "$fast/.csx-build-stamp"
      rm -f "$release/.csx-fast-build.log" "$release/.csx-fast-failed"
    else
      mv -f "$started" "$release/.csx-fast-failed"
    fi
  ) </dev/null >/dev/null 2>&1 &   # holds the lock on fd 8 until it ends
  exec 8>&-
}

dll="$fast/ch13-csx.dll"
if stale "$fast"; then
  dll="$light/ch13-csx.dll"
  mkdir -p "$light"
  if stale "$light"; then
    if command -v flock >/dev/null; then
      # Two ./csx started at once must not build into the same folder together (nor beside a background build).
      exec 9>"$release/.csx-build-lock"
      flock 9
      if stale "$light"; then build; fi
      exec 9>&-
    else
      build
    fi
  fi
  schedule_fast_build
fi

trap - INT TERM
preload_malloc
exec dotnet "$dll" "$@"
