#!/usr/bin/env bash
# A private Podman service (`podman system service`) that Drydock's Podman engine tests run
# against: Podman's Docker-compatible API on a socket of its own, over storage of its own.
#
#   scripts/podman-engine.sh start | stop | status | env
#
# Everything lives under one state directory (DRYDOCK_PODMAN_DIR, default /tmp/drydock-podman):
# its socket, its storage (graph root and run root), its containers.conf and storage.conf (so
# the machine's /etc/containers settings and /var/lib/containers are never read or touched),
# its events log and its network configuration. Mirrors scripts/test-engine.sh.
set -euo pipefail

DIR="${DRYDOCK_PODMAN_DIR:-/tmp/drydock-podman}"
DIR="${DIR%/}"
SOCK="$DIR/podman.sock"
HOST="unix://$SOCK"
ROOT="$DIR/root"
RUNROOT="$DIR/runroot"
TMPDIR_="$DIR/tmp"
RUNC_ROOT="$DIR/runc"
PIDFILE="$DIR/podman.pid"
LOG="$DIR/podman.log"
CONTAINERS_CONF_FILE="$DIR/containers.conf"
STORAGE_CONF_FILE="$DIR/storage.conf"
REGISTRIES_CONF_FILE="$DIR/registries.conf"
# overlay is what users have; vfs only where the kernel refuses overlay (DRYDOCK_PODMAN_DRIVER=vfs).
DRIVER="${DRYDOCK_PODMAN_DRIVER:-overlay}"
START_TIMEOUT_S=30
STOP_TIMEOUT_S=20

say() { printf 'podman-engine: %s\n' "$*"; }
die() { printf 'podman-engine: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $0 start | stop | status | env
  start   start the private Podman service (installs podman first when it is missing and we are root)
  stop    stop it (only the processes this state directory owns) and delete its storage
  status  exit 0 when the service answers on its socket, 1 otherwise
  env     print the export line for DRYDOCK_PODMAN_HOST
state directory: $DIR   (set DRYDOCK_PODMAN_DIR to change it)
EOF
  exit 2
}

validate_dir() {
  [[ "$DIR" == /* ]] || die "DRYDOCK_PODMAN_DIR must be an absolute path (got '$DIR')"
  [[ "$DIR" =~ ^[A-Za-z0-9._/-]+$ ]] || die "DRYDOCK_PODMAN_DIR may contain only letters, digits and . _ / - (got '$DIR')"
  (( ${#SOCK} < 100 )) || die "DRYDOCK_PODMAN_DIR is too long for a unix socket path: '$DIR'"
  case "$DIR" in
    /|/var/lib/containers|/var/lib/containers/*|/run/containers|/run/containers/*|/var/lib/docker|/run/podman)
      die "refusing to use '$DIR' as the private Podman service's state directory" ;;
  esac
  [[ "$DRIVER" == overlay || "$DRIVER" == vfs ]] || die "DRYDOCK_PODMAN_DRIVER must be overlay or vfs (got '$DRIVER')"
}

# The flags of every podman command here: our storage, our runtime state (runc's --root, so
# /run/runc is not used either), no systemd.
PODMAN_FLAGS=(--root "$ROOT" --runroot "$RUNROOT" --storage-driver "$DRIVER" --tmpdir "$TMPDIR_"
  --cgroup-manager cgroupfs --events-backend file --runtime-flag "root=$RUNC_ROOT")

# Our own configuration files in place of /etc/containers' (policy.json, which only says what
# may be loaded, stays the machine's).
with_our_config() {
  CONTAINERS_CONF="$CONTAINERS_CONF_FILE" CONTAINERS_STORAGE_CONF="$STORAGE_CONF_FILE" \
    CONTAINERS_REGISTRIES_CONF="$REGISTRIES_CONF_FILE" "$@"
}

podman_here() { with_our_config podman "${PODMAN_FLAGS[@]}" "$@"; }

# --- processes ------------------------------------------------------------------------------

read_pid() { [[ -s "$1" ]] && tr -dc '0-9' <"$1" || true; }

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

# A pid is ours only if it is alive and its command line names our state directory.
is_ours() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(cmdline_of "$pid")" == *"$DIR/"* ]]
}

wait_gone() {  # pid seconds
  local pid="$1" deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    (( SECONDS < deadline )) || return 1
    sleep 0.2
  done
}

stop_pid() {  # pid name seconds
  local pid="$1" name="$2" seconds="$3"
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_gone "$pid" "$seconds"; then
    say "$name did not exit within ${seconds}s; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || say "warning: pid $pid still alive after SIGKILL"
  fi
}

# Podman, conmon and runtime processes whose command line names our state directory.
our_pids() {
  local proc pid comm
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    comm="$(cat "$proc/comm" 2>/dev/null || true)"
    case "$comm" in
      podman|conmon|runc|crun|catatonit) ;;
      *) continue ;;
    esac
    [[ "$(cmdline_of "$pid")" == *"$DIR/"* ]] && echo "$pid"
  done
  return 0
}

# --- API --------------------------------------------------------------------------------------

engine_get() {
  local path="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -sf --max-time 3 --unix-socket "$SOCK" "http://localhost$path"
  elif command -v node >/dev/null 2>&1; then
    node -e '
      const req = require("http").get({ socketPath: process.argv[1], path: process.argv[2], timeout: 3000 }, (res) => {
        if (res.statusCode !== 200) process.exit(1);
        res.pipe(process.stdout);
      });
      req.on("error", () => process.exit(1));
      req.on("timeout", () => process.exit(1));' "$SOCK" "$path"
  else
    die "need curl or node to talk to the service socket"
  fi
}

ping() { [[ -S "$SOCK" ]] && [[ "$(engine_get /_ping 2>/dev/null)" == "OK" ]]; }

wait_for_ping() {  # seconds pid
  local deadline=$((SECONDS + $1)) pid="$2"
  until ping; do
    kill -0 "$pid" 2>/dev/null || return 1
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# --- install ----------------------------------------------------------------------------------

ensure_installed() {
  command -v podman >/dev/null 2>&1 && return 0
  [[ "$(id -u)" == 0 ]] || die "podman is missing; install it first (sudo apt-get install -y podman)"
  command -v apt-get >/dev/null 2>&1 || die "podman is missing and apt-get is not available"
  say "installing podman with apt-get"
  mkdir -p "$DIR"
  local apt_log="$DIR/apt.log"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get install podman failed (full log: $apt_log)"
  fi
}

# --- start ------------------------------------------------------------------------------------

write_configs() {
  # Our own files: CONTAINERS_CONF and CONTAINERS_STORAGE_CONF replace the machine's, so neither
  # /etc/containers nor /var/lib/containers is used. No systemd here: cgroupfs and a file log.
  cat >"$STORAGE_CONF_FILE" <<EOF
[storage]
driver = "$DRIVER"
graphroot = "$ROOT"
runroot = "$RUNROOT"
EOF
  cat >"$CONTAINERS_CONF_FILE" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$DIR/events.log"
tmp_dir = "$TMPDIR_"
volume_path = "$ROOT/volumes"
static_dir = "$ROOT/libpod"

[network]
network_config_dir = "$DIR/networks"
EOF
  # Short names resolve under localhost/ first, then on Docker Hub (what Drydock models); no
  # registry is ever contacted by the tests.
  cat >"$REGISTRIES_CONF_FILE" <<EOF
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
}

cmd_start() {
  [[ "$(id -u)" == 0 ]] || die "the private Podman service runs as root here (try: sudo $0 start)"
  ensure_installed
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another start/stop holds $DIR/.lock"

  local pid
  pid="$(read_pid "$PIDFILE")"
  if is_ours "$pid"; then
    if ping || wait_for_ping "$START_TIMEOUT_S" "$pid"; then
      say "already running (pid $pid)"
      echo "$HOST"
      return 0
    fi
    die "podman pid $pid is running but does not answer on $SOCK; run '$0 stop' and start again"
  fi
  stop_everything quiet

  local started_ns
  started_ns=$(date +%s%N)
  mkdir -p "$ROOT" "$RUNROOT" "$TMPDIR_" "$RUNC_ROOT" "$DIR/networks"
  write_configs
  rm -f "$SOCK"
  # Its own session, so it outlives this script; fd 9 (our lock) is not inherited.
  with_our_config setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
    podman "${PODMAN_FLAGS[@]}" system service --time 0 "$HOST" >>"$LOG" 2>&1 </dev/null 9>&- &
  local deadline=$((SECONDS + 5))
  pid=""
  until [[ -n "$pid" ]]; do
    pid="$(read_pid "$PIDFILE")"
    (( SECONDS < deadline )) || die "podman did not start (no pid recorded in $PIDFILE)"
    [[ -n "$pid" ]] || sleep 0.05
  done
  if ! wait_for_ping "$START_TIMEOUT_S" "$pid"; then
    tail -n 30 "$LOG" >&2 || true
    die "podman system service (pid $pid) did not answer on $SOCK within ${START_TIMEOUT_S}s"
  fi
  local elapsed_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
  say "started podman system service (pid $pid) in ${elapsed_ms} ms: $(podman --version), $DRIVER storage at $ROOT"
  echo "$HOST"
}

# --- stop -------------------------------------------------------------------------------------

stop_everything() {
  local quiet="${1:-}" pid stopped=0
  # Containers first (a running one outlives the service): podman itself, on our storage.
  if [[ -d "$ROOT" ]] && command -v podman >/dev/null 2>&1; then
    podman_here rm --all --force --time 0 >/dev/null 2>&1 || true
  fi
  pid="$(read_pid "$PIDFILE")"
  if is_ours "$pid"; then stop_pid "$pid" podman "$STOP_TIMEOUT_S"; stopped=1; fi
  for pid in $(our_pids); do
    stop_pid "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo process)" 5
    stopped=1
  done
  # Overlay mounts of containers and of the storage itself (deepest first), then the storage:
  # every start begins with empty storage, so no state leaks from one run into the next.
  if [[ -z "$(our_pids)" ]]; then
    local mountpoint
    while read -r mountpoint; do
      umount -l "$mountpoint" 2>/dev/null || true
    done < <(awk -v a="$DIR/" 'index($2, a) == 1 { print $2 }' /proc/mounts | sort -ru)
    rm -rf "$ROOT" "$RUNROOT" "$TMPDIR_" "$RUNC_ROOT" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$SOCK"
  if [[ -z "$quiet" ]]; then
    if (( stopped )); then say "stopped"; else say "not running"; fi
  fi
}

cmd_stop() {
  [[ -d "$DIR" ]] || { say "not running (no $DIR)"; return 0; }
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another start/stop holds $DIR/.lock"
  stop_everything
}

cmd_status() {
  if ping; then
    say "running at $HOST (pid $(read_pid "$PIDFILE"))"
    return 0
  fi
  say "not reachable at $HOST"
  return 1
}

main() {
  (( $# == 1 )) || usage
  validate_dir
  case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) echo "export DRYDOCK_PODMAN_HOST=$HOST" ;;
    *) usage ;;
  esac
}

main "$@"
