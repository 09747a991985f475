#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for trying `./run-all --executor slurm` (and for its tests):
#   sudo tools/slurm-cluster.sh start    installs slurm-wlm and munge (apt), writes the config, starts the daemons,
#                                        waits until the node is idle (idempotent: a running cluster is left as it is)
#   sudo tools/slurm-cluster.sh stop     stops the daemons this script started
#   tools/slurm-cluster.sh status        the daemons and the node (exit 0 when the node takes jobs, 3 when not)
# No systemd is needed: munged, slurmctld and slurmd are started directly. The config is /etc/slurm/slurm.conf (the
# place sbatch looks by default; one written by anything else is never touched), state under /var/spool/ch13-slurm,
# logs under /var/log/ch13-slurm. Exit codes: 0 ok, 1 failure (one line naming what to do), 2 bad usage.
set -uo pipefail

conf_dir=/etc/slurm
conf=$conf_dir/slurm.conf
marker="# written by ch13 tools/slurm-cluster.sh"
spool=/var/spool/ch13-slurm
logs=/var/log/ch13-slurm
run=/run/ch13-slurm
wait_seconds=${CH13_SLURM_WAIT:-90}

fail() { echo "slurm-cluster: $*" >&2; exit 1; }
say() { echo "slurm-cluster: $*"; }

# A daemon removes its pid file as it exits: read it once, quietly.
alive() { local pid; pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
munge_works() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
node_state() { sinfo -h -N -o '%t' 2>/dev/null | head -1; }

# A daemon keeps every descriptor it inherits for its whole life (munged does): started from a caller holding a lock
# file or a pipe, it would hold them too. Runs "$@" with only stdin, stdout and stderr.
without_inherited_fds() {
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    exec "$@"
  )
}

need_root() {
  [ "$(id -u)" = 0 ] || fail "$1 needs root (it installs packages and runs munged, slurmctld and slurmd); run: sudo $0 $1"
}

install_packages() {
  if command -v sbatch >/dev/null && command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null || fail "slurm-wlm and munge are not installed and there is no apt-get; install Slurm and MUNGE with this system's package manager"
  say "installing slurm-wlm and munge (apt-get; about a minute)…"
  local log
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  local install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 slurm-wlm munge)
  if ! "${install[@]}" >"$log" 2>&1; then
    apt-get update -q >>"$log" 2>&1
    if ! "${install[@]}" >>"$log" 2>&1; then
      local last
      last=$(grep -E '^(E|Err):' "$log" | tail -1)
      rm -f "$log"
      fail "could not install slurm-wlm and munge with apt-get (${last:-see the output of apt-get}); check the network or the apt sources"
    fi
  fi
  rm -f "$log"
}

start_munge() {
  if munge_works; then return; fi
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    (umask 077; dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none) || fail "could not write /etc/munge/munge.key"
    chown munge:munge /etc/munge/munge.key 2>/dev/null
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null
  chmod 0755 /run/munge
  if id munge >/dev/null 2>&1; then
    without_inherited_fds runuser -u munge -- /usr/sbin/munged || fail "munged did not start; see /var/log/munge/munged.log"
  else
    without_inherited_fds /usr/sbin/munged --force || fail "munged did not start; see /var/log/munge/munged.log"
  fi
  touch "$run/munged.ours"
  for _ in $(seq 1 20); do munge_works && return; sleep 0.5; done
  fail "munged runs but \`munge -n | unmunge\` fails; see /var/log/munge/munged.log"
}

write_config() {
  if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
    fail "$conf exists and was not written by this script; this machine has its own Slurm setup (use it, or move that file away)"
  fi
  local node host
  # The node as slurmd sees it: its real CPUs, sockets, cores, threads and memory.
  node=$(slurmd -C 2>/dev/null | head -1)
  [[ "$node" == NodeName=* ]] || fail "\`slurmd -C\` did not describe this node; see its output"
  host=$(hostname -s)
  mkdir -p "$conf_dir"
  cat >"$conf.tmp" <<EOF
$marker (a single-node cluster for trying ./run-all --executor slurm)
ClusterName=ch13
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue for an hour (there is no accounting database for sacct here).
MinJobAge=3600
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
$node State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
}

wait_idle() {
  local state=""
  for _ in $(seq 1 $((wait_seconds * 2))); do
    state=$(node_state)
    case "$state" in idle|mix|alloc) return 0;; esac
    sleep 0.5
  done
  fail "the node is not idle after ${wait_seconds} s (sinfo says '${state:-nothing}'); see $logs/slurmctld.log and $logs/slurmd.log"
}

start() {
  need_root start
  install_packages
  mkdir -p "$run" "$spool/ctld" "$spool/d" "$logs"
  start_munge
  if alive "$run/slurmctld.pid" && alive "$run/slurmd.pid"; then
    wait_idle
    say "already running (node $(hostname -s): $(node_state)); config $conf, logs $logs/"
    return
  fi
  write_config
  if ! alive "$run/slurmctld.pid"; then
    without_inherited_fds slurmctld >>"$logs/start.log" 2>&1 || fail "slurmctld did not start; see $logs/slurmctld.log and $logs/start.log"
  fi
  if ! alive "$run/slurmd.pid"; then
    without_inherited_fds slurmd >>"$logs/start.log" 2>&1 || fail "slurmd did not start; see $logs/slurmd.log and $logs/start.log"
  fi
  wait_idle
  say "running: node $(hostname -s) ($(sinfo -h -N -o '%c CPUs, %m MB')), partition main; config $conf, logs $logs/"
}

stop_daemon() {
  local name=$1 pidfile=$2
  alive "$pidfile" || return 0
  kill "$(cat "$pidfile")" 2>/dev/null
  for _ in $(seq 1 40); do alive "$pidfile" || { say "stopped $name"; return 0; }; sleep 0.25; done
  fail "$name (pid $(cat "$pidfile")) did not stop; kill it by hand"
}

stop() {
  need_root stop
  stop_daemon slurmd "$run/slurmd.pid"
  stop_daemon slurmctld "$run/slurmctld.pid"
  if [ -e "$run/munged.ours" ]; then
    stop_daemon munged /run/munge/munged.pid
    rm -f "$run/munged.ours"
  fi
}

status() {
  local ok=0
  for d in slurmctld slurmd; do
    if alive "$run/$d.pid"; then echo "$d: running (pid $(cat "$run/$d.pid"))"; else echo "$d: not running"; ok=3; fi
  done
  if munge_works; then echo "munge: working"; else echo "munge: not working"; ok=3; fi
  local state
  state=$(node_state)
  echo "node: ${state:-unknown}; config $conf, logs $logs/"
  case "$state" in idle|mix|alloc) ;; *) ok=3;; esac
  return $ok
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
