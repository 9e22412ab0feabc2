#!/usr/bin/env bash
# Backing services for the test suite: the project's own MariaDB, Redis, Mosquitto,
# InfluxDB 1.6 and S3 (s3rver, from scripts/s3rver) instances, on loopback and on ports that
# do not clash
# with system instances (3306, 6379, 1883, 8086 are never touched).
#
# Usage: scripts/services.sh COMMAND [SERVICE...]
#   install              apt-get install the missing Debian packages (needs root)
#   start   [svc...]     start what is down, reuse what already runs, wait until ready
#   stop    [svc...]     SIGTERM our instances and wait until they have exited
#   restart [svc...]
#   status               one line per service; exit status 3 if any is not running
#   env                  print the `export TEST_...=...` lines the test suite reads
#                        (use: eval "$(scripts/services.sh env)")
# Services: mariadb redis mosquitto influxdb s3 (default: all).
#
# Environment:
#   FACTORYOPS_SERVICES_DIR  data, logs and pid files, one folder per service
#                            (default: <repo>/.services)
#
# Ports (127.0.0.1 only): MariaDB 3317, Redis 6391, Mosquitto 1893, InfluxDB 8096 (HTTP)
# and 8098 (backup RPC), S3 9010. MariaDB account factoryops/factoryops has all privileges:
# these are throwaway instances, never point anything real at them.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICES_DIR=${FACTORYOPS_SERVICES_DIR:-$REPO_ROOT/.services}
VENV=${FACTORYOPS_VENV:-$REPO_ROOT/.venv}

ALL_SERVICES=(mariadb redis mosquitto influxdb s3)
APT_PACKAGES=(mariadb-server redis-server mosquitto influxdb curl)

MARIADB_PORT=3317
REDIS_PORT=6391
MOSQUITTO_PORT=1893
INFLUX_HTTP_PORT=8096
INFLUX_RPC_PORT=8098
S3_PORT=9010

DB_USER=factoryops
DB_PASSWORD=factoryops
DB_NAME=factoryops_test
INFLUX_DB=factoryops_test

READY_TIMEOUT=60
STOP_TIMEOUT=60

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
fail() { log "error: $*"; return 1; }

svc_dir() { printf '%s/%s' "$SERVICES_DIR" "$1"; }
pid_file() { printf '%s/%s.pid' "$(svc_dir "$1")" "$1"; }
log_file() { printf '%s/%s.log' "$(svc_dir "$1")" "$1"; }
mariadb_socket() { printf '%s/mariadbd.sock' "$(svc_dir mariadb)"; }

svc_port() {
  case $1 in
    mariadb) echo "$MARIADB_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    mosquitto) echo "$MOSQUITTO_PORT" ;;
    influxdb) echo "$INFLUX_HTTP_PORT" ;;
    s3) echo "$S3_PORT" ;;
  esac
}

# What the process's command line must contain: a recycled pid from a stale pid file
# must never be mistaken for (or signalled as) one of our daemons.
svc_cmd_marker() {
  case $1 in
    mariadb) echo mariadbd ;;
    redis) echo redis-server ;;
    mosquitto) echo mosquitto ;;
    influxdb) echo influxd ;;
    s3) echo s3rver ;;
  esac
}

is_service() {
  local name
  for name in "${ALL_SERVICES[@]}"; do [[ $name == "$1" ]] && return 0; done
  return 1
}

# ---------------------------------------------------------------- process helpers

# An exited daemon stays a zombie until init reaps it, which here takes up to two seconds;
# it holds no port or file any more, so it counts as gone.
process_alive() {
  local stat
  { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Prints the pid of our running instance of $1; fails if there is none.
running_pid() {
  local file pid cmdline
  file=$(pid_file "$1")
  [[ -r $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && process_alive "$pid" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$(svc_cmd_marker "$1")"* ]] || return 1
  echo "$pid"
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Daemons that drop root privileges (mariadbd, mosquitto) must reach their folder as that
# user; a checkout under a private home (/root is mode 700) is unreachable for them, so
# there they keep running as root rather than failing without a word.
run_user() {
  local wanted=$1
  if [[ $EUID -ne 0 ]]; then
    id -un
  elif id "$wanted" >/dev/null 2>&1 && runuser -u "$wanted" -- test -x "$SERVICES_DIR"; then
    echo "$wanted"
  else
    log "note: user $wanted cannot reach $SERVICES_DIR, so its daemon runs as root"
    echo root
  fi
}

own_dir() {
  local user=$1 dir=$2
  [[ $EUID -eq 0 ]] || return 0
  chown -R "$user:$(id -gn "$user")" "$dir"
}

# Runs a foreground daemon in the background with its own pid file and log. fd 9 holds the
# start/stop lock and must not leak into the daemon, or the next caller would wait forever.
launch() {
  local svc=$1
  shift
  # One previous log is kept: enough to see why the last run ended, without unbounded growth.
  [[ ! -e $(log_file "$svc") ]] || mv -f "$(log_file "$svc")" "$(log_file "$svc").1"
  start-stop-daemon --start --background --make-pidfile \
    --pidfile "$(pid_file "$svc")" --output "$(log_file "$svc")" \
    --chdir "$(svc_dir "$svc")" --startas "$1" -- "${@:2}" 9>&-
}

show_log_tail() {
  local file
  file=$(log_file "$1")
  [[ -s $file ]] || return 0
  log "last lines of $file:"
  tail -n 25 "$file" | sed 's/^/    /' >&2
}

# ---------------------------------------------------------------- readiness probes

mariadb_admin_cli() {
  # The invoking OS user authenticates over the socket through unix_socket, which works
  # before the factoryops account exists. --no-defaults is only honoured as the first option.
  "$1" --no-defaults --socket="$(mariadb_socket)" --user="$(id -un)" --connect-timeout=2 "${@:2}"
}

probe_mariadb() { mariadb_admin_cli mariadb-admin ping >/dev/null 2>&1; }
probe_redis() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
probe_mosquitto() { port_open "$MOSQUITTO_PORT"; }
probe_influxdb() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$INFLUX_HTTP_PORT/ping" 2>/dev/null; }
probe_s3() { curl -sS -o /dev/null --max-time 2 "http://127.0.0.1:$S3_PORT/" 2>/dev/null; }

# ---------------------------------------------------------------- per-service launchers

launch_mariadb() {
  local dir data user
  dir=$(svc_dir mariadb)
  data=$dir/data
  user=$(run_user mysql)
  (($(mariadb_socket | wc -c) < 100)) ||
    fail "socket path $(mariadb_socket) is too long for a unix socket; set FACTORYOPS_SERVICES_DIR to a shorter path" || return

  # The marker is written only after a complete bootstrap, so an interrupted first run
  # is redone instead of leaving a half-built system schema behind.
  if [[ ! -e $dir/.initialized ]]; then
    rm -rf "$data"
    mkdir -p "$data"
    own_dir "$user" "$dir"
    if ! mariadb-install-db --no-defaults --user="$user" --datadir="$data" \
      --skip-test-db --auth-root-authentication-method=socket >"$dir/install-db.log" 2>&1; then
      tail -n 25 "$dir/install-db.log" >&2
      fail "mariadb-install-db failed (full log: $dir/install-db.log)"
      return
    fi
    touch "$dir/.initialized"
  fi
  own_dir "$user" "$dir"

  local args=(
    --no-defaults
    --datadir="$data"
    --socket="$(mariadb_socket)"
    --pid-file="$data/mariadbd.pid"
    --port="$MARIADB_PORT"
    --bind-address=127.0.0.1
    --skip-name-resolve
    --skip-log-bin
    --max-connections=500
    --character-set-server=utf8mb4
    --collation-server=utf8mb4_unicode_ci
    --default-time-zone=+00:00
    # Durability is worthless for a test database; fsync per commit is what makes
    # schema-heavy suites slow.
    --innodb-flush-log-at-trx-commit=2
    --innodb-doublewrite=0
  )
  [[ $EUID -ne 0 ]] || args+=(--user="$user")
  launch mariadb /usr/sbin/mariadbd "${args[@]}"
}

launch_redis() {
  launch redis "$(command -v redis-server)" \
    --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save '' --appendonly no \
    --databases 64 \
    --daemonize no --logfile '' --dir "$(svc_dir redis)"
}

write_mosquitto_conf() {
  local dir=$1 user=$2
  cat >"$dir/mosquitto.conf" <<EOF
# Generated by scripts/services.sh; edits are overwritten on the next start.
user $user
listener $MOSQUITTO_PORT 127.0.0.1
allow_anonymous true
log_dest stderr
log_type error
log_type warning
log_type notice
connection_messages true
set_tcp_nodelay true

# The default queue of 1000 silently drops QoS 1 messages for a busy subscriber.
max_queued_messages 1000000
# The ingester acknowledges once points are durable, so thousands are in flight at once. The
# bound keeps packet ids unique: Mosquitto does not check a wrapped id is free, and beyond
# 65,535 in flight (TCP buffers alone hold tens of thousands) a PUBACK could match another.
max_inflight_messages 30000

# Persistent sessions and their queued QoS 1 messages must survive a broker restart. The
# store is always written on SIGTERM; the interval only bounds the loss on a crash.
persistence true
persistence_location $dir/data/
persistence_file mosquitto.db
autosave_interval 10
EOF
}

launch_mosquitto() {
  local dir user
  dir=$(svc_dir mosquitto)
  user=$(run_user mosquitto)
  mkdir -p "$dir/data"
  write_mosquitto_conf "$dir" "$user"
  own_dir "$user" "$dir"
  launch mosquitto /usr/sbin/mosquitto -c "$dir/mosquitto.conf"
}

write_influxdb_conf() {
  local dir=$1
  cat >"$dir/influxdb.conf" <<EOF
# Generated by scripts/services.sh; edits are overwritten on the next start.
reporting-enabled = false
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"

[meta]
  dir = "$dir/meta"

[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false

[monitor]
  # The _internal statistics database would show up in SHOW DATABASES and costs CPU.
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$INFLUX_HTTP_PORT"
  auth-enabled = false
  log-enabled = false

[ifql]
  enabled = false

[logging]
  suppress-logo = true
EOF
}

launch_influxdb() {
  local dir
  dir=$(svc_dir influxdb)
  mkdir -p "$dir/meta" "$dir/data" "$dir/wal"
  write_influxdb_conf "$dir"
  launch influxdb "$(command -v influxd)" -config "$dir/influxdb.conf"
}

launch_s3() {
  # s3rver checks access keys and refuses presigned links once they expire, as MinIO
  # does, so the tests see those refusals for real.
  local server=$REPO_ROOT/scripts/s3rver/node_modules/s3rver/bin/s3rver.js
  [[ -f $server ]] ||
    fail "s3rver is not installed: run scripts/bootstrap.sh s3" || return
  mkdir -p "$(svc_dir s3)/data"
  launch s3 "$(command -v node)" "$server" -d "$(svc_dir s3)/data" -a 127.0.0.1 \
    -p "$S3_PORT" --silent
}

# ---------------------------------------------------------------- post-start setup

setup_mariadb() {
  mariadb_admin_cli mariadb --batch <<SQL || fail "mariadb: could not create the $DB_USER account" || return
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
SQL
  # Check the exact route the test suite takes: TCP with the password.
  mariadb --no-defaults -h127.0.0.1 -P"$MARIADB_PORT" -u"$DB_USER" -p"$DB_PASSWORD" \
    --connect-timeout=5 -e 'SELECT 1' >/dev/null ||
    fail "mariadb: $DB_USER cannot log in over 127.0.0.1:$MARIADB_PORT"
}

setup_influxdb() {
  local reply
  reply=$(curl -fsS --max-time 10 -X POST "http://127.0.0.1:$INFLUX_HTTP_PORT/query" \
    --data-urlencode "q=CREATE DATABASE \"$INFLUX_DB\"") ||
    fail "influxdb: CREATE DATABASE failed" || return
  [[ $reply != *'"error"'* ]] || fail "influxdb: CREATE DATABASE answered $reply"
}

setup_service() {
  case $1 in
    mariadb) setup_mariadb ;;
    influxdb) setup_influxdb ;;
  esac
}

# ---------------------------------------------------------------- commands

require_binaries() {
  local missing=() bin
  for bin in mariadbd mariadb-install-db mariadb-admin mariadb redis-server redis-cli \
    mosquitto influxd curl start-stop-daemon runuser flock; do
    [[ -x /usr/sbin/$bin ]] || command -v "$bin" >/dev/null || missing+=("$bin")
  done
  ((${#missing[@]} == 0)) || die "missing ${missing[*]}; run: $0 install"
}

take_lock() {
  mkdir -p "$SERVICES_DIR"
  chmod 755 "$SERVICES_DIR"
  exec 9>"$SERVICES_DIR/.lock"
  flock -w 300 9 || die "another services.sh start/stop holds $SERVICES_DIR/.lock"
}

# Waits until $1 answers its probe; fails early if the process has died.
wait_ready() {
  local svc=$1 deadline=$((SECONDS + READY_TIMEOUT))
  until "probe_$svc"; do
    if ! running_pid "$svc" >/dev/null; then
      show_log_tail "$svc"
      log "$svc exited during startup"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$svc"
      log "$svc did not become ready within ${READY_TIMEOUT}s"
      return 1
    fi
    sleep 0.2
  done
}

cmd_start() {
  require_binaries
  local svc pid launched=() failed=()
  for svc in "$@"; do
    mkdir -p "$(svc_dir "$svc")"
    if pid=$(running_pid "$svc"); then
      log "$svc already running (pid $pid)"
      continue
    fi
    rm -f "$(pid_file "$svc")"
    if port_open "$(svc_port "$svc")"; then
      log "error: port $(svc_port "$svc") is taken by a process this script did not start; cannot start $svc"
      failed+=("$svc")
      continue
    fi
    if "launch_$svc"; then
      launched+=("$svc")
    else
      failed+=("$svc")
    fi
  done

  # Launch everything first and wait afterwards: the daemons boot in parallel.
  for svc in "$@"; do
    [[ " ${failed[*]} " != *" $svc "* ]] || continue
    if wait_ready "$svc" && setup_service "$svc"; then
      [[ " ${launched[*]} " != *" $svc "* ]] ||
        log "$svc started on 127.0.0.1:$(svc_port "$svc") (pid $(running_pid "$svc"))"
    else
      failed+=("$svc")
    fi
  done
  ((${#failed[@]} == 0)) || die "not running: ${failed[*]}"
}

stop_one() {
  local svc=$1 pid deadline
  if ! pid=$(running_pid "$svc"); then
    rm -f "$(pid_file "$svc")"
    log "$svc not running"
    return 0
  fi
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT))
  while process_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "warning: $svc (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  rm -f "$(pid_file "$svc")"
  log "$svc stopped"
}

cmd_stop() {
  local svc
  for svc in "$@"; do stop_one "$svc"; done
}

cmd_status() {
  local svc pid state all_up=0
  for svc in "${ALL_SERVICES[@]}"; do
    if pid=$(running_pid "$svc"); then
      if "probe_$svc"; then state=running; else state=unresponsive all_up=3; fi
    else
      pid=- state=stopped all_up=3
    fi
    printf '%-10s %-13s pid %-8s 127.0.0.1:%s\n' "$svc" "$state" "$pid" "$(svc_port "$svc")"
  done
  return "$all_up"
}

cmd_env() {
  local services_dir
  services_dir=$(realpath -m "$SERVICES_DIR")
  local base="mysql+asyncmy://$DB_USER:$DB_PASSWORD@127.0.0.1:$MARIADB_PORT"
  # A database, Redis database or InfluxDB database already chosen in the environment is
  # kept, so that two checkouts can test against the same servers (AGENTS.md, Testing).
  printf 'export %s=%q\n' \
    TEST_DATABASE_URL "${TEST_DATABASE_URL:-$base/$DB_NAME}" \
    TEST_DATABASE_ADMIN_URL "$base/" \
    TEST_REDIS_URL "${TEST_REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}" \
    TEST_MQTT_HOST 127.0.0.1 \
    TEST_MQTT_PORT "${TEST_MQTT_PORT:-$MOSQUITTO_PORT}" \
    TEST_INFLUX_URL "http://127.0.0.1:$INFLUX_HTTP_PORT" \
    TEST_INFLUX_DATABASE "${TEST_INFLUX_DATABASE:-$INFLUX_DB}" \
    TEST_INFLUX_RPC_ADDRESS "127.0.0.1:$INFLUX_RPC_PORT" \
    TEST_S3_ENDPOINT "127.0.0.1:$S3_PORT" \
    TEST_S3_ACCESS_KEY S3RVER \
    TEST_S3_SECRET_KEY S3RVER \
    FACTORYOPS_SERVICES_DIR "$services_dir"
}

package_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

cmd_install() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "packages already installed"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "missing packages ${missing[*]}; run this as root"
  mkdir -p "$SERVICES_DIR"
  local apt_log=$SERVICES_DIR/apt.log
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef
    -o Dpkg::Options::=--force-confold "${missing[@]}")
  if ! "${apt[@]}" >"$apt_log" 2>&1; then
    # A fresh image has no package lists yet, or stale ones pointing at removed files.
    if ! { apt-get update -q && "${apt[@]}"; } >>"$apt_log" 2>&1; then
      tail -n 25 "$apt_log" >&2
      die "apt-get install failed (full log: $apt_log)"
    fi
  fi
  log "installed ${missing[*]}"
}

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

main() {
  (($# > 0)) || usage
  local cmd=$1
  shift
  local svc services=("$@")
  ((${#services[@]} > 0)) || services=("${ALL_SERVICES[@]}")
  for svc in "${services[@]}"; do
    is_service "$svc" || die "unknown service '$svc' (known: ${ALL_SERVICES[*]})"
  done

  case $cmd in
    start | stop | restart) take_lock ;;
  esac
  case $cmd in
    install) cmd_install ;;
    start) cmd_start "${services[@]}" ;;
    stop) cmd_stop "${services[@]}" ;;
    restart) cmd_stop "${services[@]}" && cmd_start "${services[@]}" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
