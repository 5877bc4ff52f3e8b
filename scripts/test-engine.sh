#!/usr/bin/env bash
# The private Docker engine that Drydock's engine and e2e tests run against.
#
#   scripts/test-engine.sh start | stop | status | env
#
# Everything lives under one state directory (DRYDOCK_TEST_ENGINE_DIR, default
# /tmp/drydock-test-engine): its own socket, data root, exec root, config file and its own
# containerd. It runs beside the machine's default engine and never touches it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/daemon.sh"

DIR="${DRYDOCK_TEST_ENGINE_DIR:-/tmp/drydock-test-engine}"
DIR="${DIR%/}"
SOCK="$DIR/docker.sock"
HOST="unix://$SOCK"
# DRYDOCK_TEST_ENGINE_DATA_ROOT puts the data root elsewhere, e.g. on a small loop-mounted
# filesystem (the low-disk test). `stop` releases the mounts under it and under the state
# directory, so mount that filesystem outside the state directory and at or above the data root.
DATA_ROOT="${DRYDOCK_TEST_ENGINE_DATA_ROOT:-$DIR/data}"
DATA_ROOT="${DATA_ROOT%/}"
EXEC_ROOT="$DIR/exec"
PIDFILE="$DIR/dockerd.pid"
LOG="$DIR/dockerd.log"
DAEMON_JSON="$DIR/daemon.json"
CONTAINERD_TOML="$DIR/containerd.toml"
CONTAINERD_PIDFILE="$DIR/containerd.pid"
CONTAINERD_LOG="$DIR/containerd.log"
CONTAINERD_SOCK="$EXEC_ROOT/containerd/containerd.sock"
NAMESPACE="drydock-test"
PLUGINS_NAMESPACE="drydock-test-plugins"
START_TIMEOUT_S=30
STOP_TIMEOUT_S=20
# For scripts/lib/daemon.sh.
SCRIPT_NAME="test-engine"
DAEMON_KIND="engine"
DAEMON_PROCESSES=(dockerd containerd 'containerd-shim*' runc)

usage() {
  cat >&2 <<EOF
usage: $0 start | stop | status | env
  start   start the private engine (installs docker.io first when dockerd is missing and we are root)
  stop    stop it (only the processes this state directory owns)
  status  exit 0 when the engine answers on its socket, 1 otherwise
  env     print the export line for DRYDOCK_TEST_HOST
state directory: $DIR   (set DRYDOCK_TEST_ENGINE_DIR to change it)
EOF
  exit 2
}

# Unix socket paths are at most 107 bytes.
validate_dir() {
  check_dir_is_plain DRYDOCK_TEST_ENGINE_DIR
  local longest="$CONTAINERD_SOCK.ttrpc"
  (( ${#longest} < 100 )) || die "DRYDOCK_TEST_ENGINE_DIR is too long for unix socket paths: '$DIR'"
  case "$DIR" in
    /|/var/lib/docker|/var/run/docker|/run/docker|/var/lib/containerd|/run/containerd)
      die "refusing to use '$DIR' as the private engine's state directory" ;;
  esac
  [[ "$DATA_ROOT" == /* && "$DATA_ROOT" =~ ^[A-Za-z0-9._/-]+$ ]] || die "DRYDOCK_TEST_ENGINE_DATA_ROOT must be an absolute path of letters, digits and . _ / - (got '$DATA_ROOT')"
  case "$DATA_ROOT" in
    /|/var/lib/docker|/var/lib/containerd) die "refusing to use '$DATA_ROOT' as the private engine's data root" ;;
  esac
}

# --- install --------------------------------------------------------------------------------

ensure_installed() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  [[ -x /bin/busybox ]] || missing+=(busybox-static)
  (( ${#missing[@]} == 0 )) && return 0

  if [[ "$(id -u)" != 0 ]]; then
    die "missing ${missing[*]}; install them first (sudo apt-get install -y docker.io busybox-static) or run this script as root"
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available; install Docker Engine (dockerd, containerd, runc) and a static /bin/busybox"
  say "installing ${missing[*]} with apt-get (docker.io busybox-static)"
  local apt_log="$DIR/apt.log"
  mkdir -p "$DIR"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get install failed (full log: $apt_log)"
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd is still missing after installing docker.io"
}

# --- start ----------------------------------------------------------------------------------

write_configs() {
  # Our own daemon.json so /etc/docker/daemon.json (the default engine's settings) never applies,
  # and the trust key stays here instead of /etc/docker/key.json.
  cat >"$DAEMON_JSON" <<EOF
{
  "deprecated-key-path": "$DIR/key.json"
}
EOF
  # Our own containerd. dockerd 20.10 would start one itself only when /run/containerd/containerd.sock
  # is absent and otherwise adopt the system one (or fail on a stale socket there), so we always
  # run a dedicated one and point dockerd at it.
  cat >"$CONTAINERD_TOML" <<EOF
version = 2
root = "$DATA_ROOT/containerd/daemon"
state = "$EXEC_ROOT/containerd/daemon"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CONTAINERD_SOCK"

[plugins."io.containerd.internal.v1.opt"]
  path = "$DATA_ROOT/containerd/opt"
EOF
}

start_containerd() {
  local pid
  pid="$(read_pid "$CONTAINERD_PIDFILE")"
  if is_ours "$pid" && [[ -S "$CONTAINERD_SOCK" ]]; then
    return 0
  fi
  rm -f "$CONTAINERD_PIDFILE" "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
  spawn_detached "$CONTAINERD_PIDFILE" "$CONTAINERD_LOG" containerd --config "$CONTAINERD_TOML" --log-level warn
  local deadline=$((SECONDS + 15))
  until [[ -S "$CONTAINERD_SOCK" ]]; do
    pid="$(read_pid "$CONTAINERD_PIDFILE")"
    if (( SECONDS >= deadline )) || { [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; }; then
      print_log_tails "$LOG" "$CONTAINERD_LOG"
      die "containerd did not come up"
    fi
    sleep 0.1
  done
}

start_dockerd() {
  rm -f "$PIDFILE" "$SOCK"
  spawn_detached "$PIDFILE" "$LOG" dockerd \
    --config-file "$DAEMON_JSON" \
    --data-root "$DATA_ROOT" \
    --exec-root "$EXEC_ROOT" \
    --pidfile "$EXEC_ROOT/dockerd.pid" \
    -H "$HOST" \
    --containerd "$CONTAINERD_SOCK" \
    --containerd-namespace "$NAMESPACE" \
    --containerd-plugins-namespace "$PLUGINS_NAMESPACE" \
    --bridge=none --iptables=false --ip-masq=false
  wait_for_pidfile "$PIDFILE" dockerd
}

describe_engine() {
  local info driver version
  info="$(engine_get /info 2>/dev/null || true)"
  version="$(engine_get /version 2>/dev/null || true)"
  driver="$(grep -o '"Driver":"[^"]*"' <<<"$info" | head -n 1 | cut -d'"' -f4 || true)"
  say "engine $(grep -o '"Version":"[^"]*"' <<<"$version" | head -n 1 | cut -d'"' -f4 || true)," \
    "API $(grep -o '"ApiVersion":"[^"]*"' <<<"$version" | head -n 1 | cut -d'"' -f4 || true)," \
    "storage driver ${driver:-unknown}, data root $DATA_ROOT"
}

cmd_start() {
  [[ "$(id -u)" == 0 ]] || die "the private engine runs dockerd, which needs root (try: sudo $0 start)"
  ensure_installed
  mkdir -p "$DIR"
  lock_dir
  if report_running dockerd "$LOG" "$CONTAINERD_LOG"; then return 0; fi

  # Leftovers of an engine that died (containerd, shims, mounts) would confuse a new one.
  stop_everything quiet

  local pid started_ns
  started_ns=$(date +%s%N)
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  write_configs
  start_containerd
  pid="$(start_dockerd)"
  if ! wait_for_ping "$START_TIMEOUT_S" "$pid"; then
    print_log_tails "$LOG" "$CONTAINERD_LOG"
    if kill -0 "$pid" 2>/dev/null; then
      die "dockerd (pid $pid) did not answer on $SOCK within ${START_TIMEOUT_S}s"
    fi
    die "dockerd exited during start-up"
  fi
  local elapsed_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
  say "started dockerd (pid $pid) and containerd (pid $(read_pid "$CONTAINERD_PIDFILE")) in ${elapsed_ms} ms"
  describe_engine
  echo "$HOST"
}

# --- stop -----------------------------------------------------------------------------------

stop_everything() {
  local quiet="${1:-}" pid stopped=0

  pid="$(read_pid "$PIDFILE")"
  if is_ours "$pid"; then stop_pid "$pid" dockerd "$STOP_TIMEOUT_S"; stopped=1; fi

  pid="$(read_pid "$CONTAINERD_PIDFILE")"
  if is_ours "$pid"; then stop_pid "$pid" containerd 10; stopped=1; fi

  # Whatever is left of ours: a dockerd started without our pidfile, shims of killed containers.
  if stop_leftovers; then stopped=1; fi
  # The data root may lie outside the state directory.
  if [[ -z "$(our_pids)" ]]; then release_mounts "$DIR" "$DATA_ROOT"; fi

  rm -f "$PIDFILE" "$CONTAINERD_PIDFILE" "$SOCK"
  report_stopped "$quiet" "$stopped"
}

main DRYDOCK_TEST_HOST "$@"
