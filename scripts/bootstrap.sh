#!/usr/bin/env bash
# Installs what the project needs, and nothing when it is already up to date:
#   scripts/bootstrap.sh python    the .venv with backend + telemetry (+ test tools)
#   scripts/bootstrap.sh node      frontend/node_modules from package-lock.json
#   scripts/bootstrap.sh browser   Debian's Chromium for the end-to-end tests
#   scripts/bootstrap.sh spa       frontend/dist, rebuilt when a source file changed
#   scripts/bootstrap.sh s3        the S3-protocol server the tests use (scripts/s3rver)
#   scripts/bootstrap.sh deploy    docker-compose (to validate the compose file offline) and
#                                  nginx (to test its configuration), from Debian's packages
#   scripts/bootstrap.sh bench     wrk (the HTTP load generator of `make bench-api`), from
#                                  Debian's packages
# A stamp file per step records the hash of the inputs it was built from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMPS="$ROOT/.stamps"
VENV="${FACTORYOPS_VENV:-$ROOT/.venv}"
mkdir -p "$STAMPS"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

inputs_hash() {  # hash of the named files' contents (missing files count as empty)
  cat "$@" 2>/dev/null | sha256sum | cut -c1-16
}

up_to_date() {  # up_to_date NAME HASH
  [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]
}

pick_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return
    fi
  done
  echo "Python 3.11 is required (python3.11 or python3 pointing at 3.11)" >&2
  exit 1
}

pip_install() {
  # A failing install fails the step; only pip's warnings about this machine's unused
  # package folders are filtered out of its output.
  # From / : setuptools warns when the working folder holds a folder named like a package.
  (cd / && "$VENV/bin/python" -m pip install -q "$@" 2> >(grep -v "is ignored" >&2))
}

python_env() {
  local hash
  hash="$(inputs_hash "$ROOT/backend/requirements.txt" "$ROOT/backend/requirements-dev.txt" \
          "$ROOT/backend/constraints.txt" "$ROOT/backend/pyproject.toml" \
          "$ROOT/telemetry/pyproject.toml")"
  if up_to_date python "$hash" && [[ -x "$VENV/bin/python" ]]; then return; fi
  say "installing Python packages into ${VENV#"$ROOT"/}"
  [[ -x "$VENV/bin/python" ]] || "$(pick_python)" -m venv "$VENV"
  pip_install --upgrade pip
  pip_install -r "$ROOT/backend/requirements.txt" -r "$ROOT/backend/requirements-dev.txt" \
    -c "$ROOT/backend/constraints.txt"
  pip_install --no-deps -e "$ROOT/backend" -e "$ROOT/telemetry"
  "$VENV/bin/python" -c "import app, telemetry" # fails loudly if the install did not take
  echo "$hash" > "$STAMPS/python"
}

node_env() {
  local hash
  hash="$(inputs_hash "$ROOT/frontend/package-lock.json" "$ROOT/frontend/package.json")"
  if up_to_date node "$hash" && [[ -d "$ROOT/frontend/node_modules" ]]; then return; fi
  command -v npm >/dev/null || { echo "Node.js 20 with npm is required" >&2; exit 1; }
  say "installing front-end packages (npm ci)"
  (cd "$ROOT/frontend" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" > "$STAMPS/node"
}

apt_install() {  # apt_install PACKAGE...: Debian packages, refreshing the index only if needed
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$@" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }
}

s3_server() {
  local hash
  hash="$(inputs_hash "$ROOT/scripts/s3rver/package-lock.json")"
  if up_to_date s3 "$hash" && [[ -d "$ROOT/scripts/s3rver/node_modules" ]]; then return; fi
  say "installing the test S3 server (npm ci)"
  (cd "$ROOT/scripts/s3rver" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" > "$STAMPS/s3"
}

browser() {
  if command -v chromium >/dev/null 2>&1; then return; fi
  say "installing Chromium from Debian's packages"
  apt_install chromium
}

deploy_tools() {
  local missing=()
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  if ((${#missing[@]})); then
    say "installing ${missing[*]} from Debian's packages"
    apt_install "${missing[@]}"
  fi
}

bench_tools() {
  if command -v wrk >/dev/null 2>&1; then return; fi
  say "installing wrk from Debian's packages"
  apt_install wrk
}

spa() {
  node_env
  local hash
  hash="$(cd "$ROOT/frontend" && find src public index.html vite.config.ts tsconfig*.json \
          package-lock.json -type f -print0 2>/dev/null | sort -z | xargs -0 cat | sha256sum |
          cut -c1-16)"
  if up_to_date spa "$hash" && [[ -f "$ROOT/frontend/dist/index.html" ]]; then return; fi
  say "building the web app"
  (cd "$ROOT/frontend" && npm run -s build >/dev/null)
  echo "$hash" > "$STAMPS/spa"
}

for step in "${@:-python}"; do
  case "$step" in
    python) python_env ;;
    node) node_env ;;
    browser) browser ;;
    spa) spa ;;
    deploy) deploy_tools ;;
    s3) s3_server ;;
    bench) bench_tools ;;
    *) echo "unknown step: $step" >&2; exit 2 ;;
  esac
done
