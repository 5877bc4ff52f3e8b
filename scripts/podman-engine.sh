#!/usr/bin/env bash
# A private Podman service (`podman system service`) that Drydock's Podman engine tests run
# against: Podman's Docker-compatible API on a socket of its own, over storage of its own.
#
#   scripts/podman-engine.sh start | stop | status | env
#
# Everything lives under one state directory (DRYDOCK_PODMAN_DIR, default /tmp/drydock-podman):
# its socket, its storage (graph root and run root), its containers.conf and storage.conf (so
# the machine's /etc/containers settings and /var/lib/containers are never read or touched),
# its events log and its network configuration. Shares scripts/lib/daemon.sh with
# scripts/test-engine.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/daemon.sh"

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
# For scripts/lib/daemon.sh.
SCRIPT_NAME="podman-engine"
DAEMON_KIND="service"
DAEMON_PROCESSES=(podman conmon runc crun catatonit)

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
  check_dir_is_plain DRYDOCK_PODMAN_DIR
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
  lock_dir
  if report_running podman; then return 0; fi
  stop_everything quiet

  local pid started_ns
  started_ns=$(date +%s%N)
  mkdir -p "$ROOT" "$RUNROOT" "$TMPDIR_" "$RUNC_ROOT" "$DIR/networks"
  write_configs
  rm -f "$SOCK"
  with_our_config spawn_detached "$PIDFILE" "$LOG" podman "${PODMAN_FLAGS[@]}" system service --time 0 "$HOST"
  pid="$(wait_for_pidfile "$PIDFILE" podman)"
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
  if stop_leftovers; then stopped=1; fi
  # Overlay mounts of containers and of the storage itself, then the storage: every start begins
  # with empty storage, so no state leaks from one run into the next.
  if [[ -z "$(our_pids)" ]]; then
    release_mounts "$DIR"
    rm -rf "$ROOT" "$RUNROOT" "$TMPDIR_" "$RUNC_ROOT" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$SOCK"
  report_stopped "$quiet" "$stopped"
}

main DRYDOCK_PODMAN_HOST "$@"
