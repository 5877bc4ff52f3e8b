# shellcheck shell=bash disable=SC2153,SC2154  # its globals are set by the sourcing script
# What scripts/test-engine.sh and scripts/podman-engine.sh share: each runs one private daemon
# out of a state directory, records it in a pidfile and talks to it over a unix socket.
#
# Sourced, not run. The script sets SCRIPT_NAME (the prefix of its messages), DAEMON_KIND
# (engine or service), DAEMON_PROCESSES (globs of the process names that may be ours), DIR, SOCK,
# HOST, PIDFILE and START_TIMEOUT_S, and defines usage, validate_dir, cmd_start and
# stop_everything; `main HOST_VARIABLE "$@"` runs it.

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# The directory goes into config files and unix socket paths, so keep it plain.
check_dir_is_plain() {  # variable-name
  [[ "$DIR" == /* ]] || die "$1 must be an absolute path (got '$DIR')"
  [[ "$DIR" =~ ^[A-Za-z0-9._/-]+$ ]] || die "$1 may contain only letters, digits and . _ / - (got '$DIR')"
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

# Processes named in DAEMON_PROCESSES whose command line names our state directory. Nothing else
# is ever matched.
our_pids() {
  local proc pid comm name
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    comm="$(cat "$proc/comm" 2>/dev/null || true)"
    for name in "${DAEMON_PROCESSES[@]}"; do
      # shellcheck disable=SC2053  # unquoted: a name may be a glob (containerd-shim*)
      [[ "$comm" == $name ]] || continue
      [[ "$(cmdline_of "$pid")" == *"$DIR/"* ]] && echo "$pid"
      break
    done
  done
  return 0
}

# Start a command in its own session so it outlives this script and whatever process group ran
# it; the wrapper shell records its own pid and then becomes the command. fd 9 (our lock) is
# closed so the daemon does not hold the lock for its whole life.
spawn_detached() {  # pidfile logfile command...
  local pidfile="$1" logfile="$2"
  shift 2
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
}

# The pid spawn_detached's wrapper records; it runs in the background, so give it a moment.
wait_for_pidfile() {  # pidfile name
  local deadline=$((SECONDS + 5)) pid=""
  until [[ -n "$pid" ]]; do
    pid="$(read_pid "$1")"
    (( SECONDS < deadline )) || die "$2 did not start (no pid recorded in $1)"
    [[ -n "$pid" ]] || sleep 0.05
  done
  echo "$pid"
}

# Whatever of ours outlived the recorded pids: a daemon started without our pidfile, shims or
# monitors of killed containers. Returns 0 when it stopped any.
stop_leftovers() {
  local pid status=1
  for pid in $(our_pids); do
    stop_pid "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo process)" 5
    status=0
  done
  return "$status"
}

# A killed daemon leaves overlay and shm mounts under its directories; release them (deepest
# first) so the state directory can be deleted.
release_mounts() {  # directory...
  local mountpoint
  while read -r mountpoint; do
    umount -l "$mountpoint" 2>/dev/null || true
  done < <(awk -v dirs="$(printf '%s/\n' "$@")" '
    BEGIN { n = split(dirs, dir, "\n") }
    { for (i = 1; i <= n; i++) if (index($2, dir[i]) == 1) { print $2; next } }' /proc/mounts | sort -ru)
}

# --- API ------------------------------------------------------------------------------------

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
    die "need curl or node to talk to the $DAEMON_KIND socket"
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

print_log_tails() {  # logfile...
  local file
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    printf -- '--- last lines of %s ---\n' "$file" >&2
    tail -n 30 "$file" >&2
  done
}

# --- commands -------------------------------------------------------------------------------

# One start or stop at a time per state directory; the lock lasts until this script exits.
lock_dir() {
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another start/stop holds $DIR/.lock"
}

# Start's first check: 1 when no daemon of ours runs. When one does, print its host once it
# answers; if it never does, die after the tails of the given logs.
report_running() {  # name logfile...
  local name="$1" pid
  shift
  pid="$(read_pid "$PIDFILE")"
  is_ours "$pid" || return 1
  if ping || wait_for_ping "$START_TIMEOUT_S" "$pid"; then
    say "already running (pid $pid)"
    echo "$HOST"
    return 0
  fi
  print_log_tails "$@"
  die "$name pid $pid is running but does not answer on $SOCK; run '$0 stop' and start again"
}

report_stopped() {  # quiet stopped
  [[ -z "$1" ]] || return 0
  if (( $2 )); then say "stopped"; else say "not running"; fi
}

cmd_stop() {
  [[ -d "$DIR" ]] || { say "not running (no $DIR)"; return 0; }
  lock_dir
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

main() {  # host-variable command
  local host_variable="$1"
  shift
  (( $# == 1 )) || usage
  validate_dir
  case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) echo "export $host_variable=$HOST" ;;
    *) usage ;;
  esac
}
