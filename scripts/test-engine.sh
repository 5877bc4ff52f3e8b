#!/usr/bin/env bash
# The private Docker engine that Drydock's engine and e2e tests run against.
#
#   scripts/test-engine.sh start | stop | status | env
#
# Everything lives under one state directory (DRYDOCK_TEST_ENGINE_DIR, default
# /tmp/drydock-test-engine): its own socket, data root, exec root, config file and its own
# containerd. It runs beside the machine's default engine and never touches it.
set -euo pipefail

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

say() { printf 'test-engine: %s\n' "$*"; }
die() { printf 'test-engine: error: %s\n' "$*" >&2; exit 1; }

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

# The directory goes into TOML, JSON and unix socket paths (max 107 bytes), so keep it plain.
validate_dir() {
  [[ "$DIR" == /* ]] || die "DRYDOCK_TEST_ENGINE_DIR must be an absolute path (got '$DIR')"
  [[ "$DIR" =~ ^[A-Za-z0-9._/-]+$ ]] || die "DRYDOCK_TEST_ENGINE_DIR may contain only letters, digits and . _ / - (got '$DIR')"
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

# --- processes ------------------------------------------------------------------------------

read_pid() { [[ -s "$1" ]] && tr -dc '0-9' <"$1" || true; }

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

# A pid is ours only if it is alive and its command line names our state directory, so a stale
# pidfile whose number was reused by another process never gets that process signalled.
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

# Engine processes (dockerd, containerd, shims, runc) whose command line names our state
# directory. Nothing else is ever matched.
our_engine_pids() {
  local proc pid comm
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    comm="$(cat "$proc/comm" 2>/dev/null || true)"
    case "$comm" in
      dockerd|containerd|containerd-shim*|runc) ;;
      *) continue ;;
    esac
    [[ "$(cmdline_of "$pid")" == *"$DIR/"* ]] && echo "$pid"
  done
  return 0
}

# --- engine API -----------------------------------------------------------------------------

# GET a path on the private socket: curl when present, else Node (always there for this project).
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
    die "need curl or node to talk to the engine socket"
  fi
}

ping() { [[ -S "$SOCK" ]] && [[ "$(engine_get /_ping 2>/dev/null)" == "OK" ]]; }

wait_for_ping() {  # seconds dockerd-pid
  local deadline=$((SECONDS + $1)) pid="$2"
  until ping; do
    kill -0 "$pid" 2>/dev/null || return 1
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

print_log_tails() {
  local file
  for file in "$LOG" "$CONTAINERD_LOG"; do
    [[ -f "$file" ]] || continue
    printf -- '--- last lines of %s ---\n' "$file" >&2
    tail -n 30 "$file" >&2
  done
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

# Start a command in its own session so it outlives this script and whatever process group ran
# it; the wrapper shell records its own pid and then becomes the command. fd 9 (our lock) is
# closed so the daemon does not hold the lock for its whole life.
spawn_detached() {  # pidfile logfile command...
  local pidfile="$1" logfile="$2"
  shift 2
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
}

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
      print_log_tails
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
  local deadline=$((SECONDS + 5)) pid=""
  until [[ -n "$pid" ]]; do
    pid="$(read_pid "$PIDFILE")"
    (( SECONDS < deadline )) || die "dockerd did not start (no pid recorded in $PIDFILE)"
    [[ -n "$pid" ]] || sleep 0.05
  done
  echo "$pid"
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
    print_log_tails
    die "dockerd pid $pid is running but does not answer on $SOCK; run '$0 stop' and start again"
  fi

  # Leftovers of an engine that died (containerd, shims, mounts) would confuse a new one.
  stop_everything quiet

  local started_ns=$(date +%s%N)
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  write_configs
  start_containerd
  pid="$(start_dockerd)"
  if ! wait_for_ping "$START_TIMEOUT_S" "$pid"; then
    print_log_tails
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
  for pid in $(our_engine_pids); do
    stop_pid "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo process)" 5
    stopped=1
  done

  # A killed dockerd leaves overlay and shm mounts under its roots; release them (deepest first)
  # so the state directory can be deleted.
  if [[ -z "$(our_engine_pids)" ]]; then
    local mountpoint
    while read -r mountpoint; do
      umount -l "$mountpoint" 2>/dev/null || true
    done < <(awk -v a="$DIR/" -v b="$DATA_ROOT/" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts | sort -ru)
  fi

  rm -f "$PIDFILE" "$CONTAINERD_PIDFILE" "$SOCK"
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
    env) echo "export DRYDOCK_TEST_HOST=$HOST" ;;
    *) usage ;;
  esac
}

main "$@"
