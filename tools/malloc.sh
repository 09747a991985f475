# The malloc a run uses, sourced by ./csx and bench/run (and by ./test, which installs it): gperftools' tcmalloc where
# it is installed (Debian, Ubuntu: libtcmalloc-minimal4; Fedora: gperftools-libs), else the platform's. libtorch makes
# and frees a few dozen small tensors every training step, and tcmalloc serves them faster than glibc (Auto MPG's
# training loop ~12 % shorter; docs/performance.md), with the same numbers to the bit. CH13_MALLOC=system keeps the
# platform's malloc; an LD_PRELOAD already set is left as it is.

# Sets tcmalloc_lib to the installed tcmalloc (Linux only); returns 1, tcmalloc_lib empty, where there is none.
find_tcmalloc() {
  tcmalloc_lib=""
  [ "$(uname -s)" = Linux ] || return 1
  local lib
  for lib in "/usr/lib/$(uname -m)-linux-gnu/libtcmalloc_minimal.so.4" /usr/lib64/libtcmalloc_minimal.so.4; do
    if [ -f "$lib" ]; then tcmalloc_lib="$lib"; return 0; fi
  done
  return 1
}

# Sets malloc_lib to the library to preload (empty: none). Says what is wrong in one line on stderr and returns 2 for
# a CH13_MALLOC that is no choice, 1 when CH13_MALLOC=tcmalloc is asked for explicitly and cannot be had.
choose_malloc() {
  malloc_lib=""
  case "${CH13_MALLOC:-tcmalloc}" in
    tcmalloc)
      [ -z "${LD_PRELOAD:-}" ] || return 0
      if find_tcmalloc; then malloc_lib="$tcmalloc_lib"; return 0; fi
      if [ -n "${CH13_MALLOC:-}" ]; then   # the default falls back quietly; an explicit ask does not
        echo "${1:-csx}: CH13_MALLOC=tcmalloc, but tcmalloc is not installed: 'sudo apt-get install -y libtcmalloc-minimal4' (Linux), or unset CH13_MALLOC." >&2
        return 1
      fi ;;
    system) ;;
    *) echo "${1:-csx}: CH13_MALLOC=${CH13_MALLOC} is not a choice: use tcmalloc (the default, where installed) or system." >&2
       return 2 ;;
  esac
}

# Exports what choose_malloc chose, for the process about to be exec'd (and its children).
preload_malloc() {
  [ -n "$malloc_lib" ] || return 0
  export LD_PRELOAD="$malloc_lib"
  # tcmalloc reports each allocation over 1 GB on stderr by default: a run's output stays the script's own.
  export TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD="${TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD:-1099511627776}"
}
