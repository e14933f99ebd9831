#!/usr/bin/env bash
# Makes sure Postgres (127.0.0.1:5432) and Redis (127.0.0.1:6379) are up:
# starts them when installed but stopped, installs them from Debian's packages
# when absent (needs root). Sourced by scripts/prepare.sh; exports
# PGPASSWORD when it had to give a fresh cluster's postgres role a password.

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() { # name host port
  for _ in $(seq 1 60); do tcp_open "$2" "$3" && return 0; sleep 1; done
  echo "$1 did not come up on $2:$3" >&2
  return 1
}

_apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "need root to install $*; install it yourself (apt-get install $*) and re-run" >&2
    return 1
  fi
  if [ "$_apt_updated" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; _apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if tcp_open 127.0.0.1 5432; then echo "postgres: up on 127.0.0.1:5432"; return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres: not installed; installing from Debian's packages"
    apt_install postgresql || return 1
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for postgres 127.0.0.1 5432 || return 1
  # A freshly installed cluster wants a password over TCP: give the postgres
  # role one and hand it to the clients through PGPASSWORD.
  if ! PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
    su postgres -c "psql -q -c \"alter user postgres password 'postgres'\""
    export PGPASSWORD=postgres
  fi
}

ensure_redis() {
  if tcp_open 127.0.0.1 6379; then echo "redis: up on 127.0.0.1:6379"; return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis: not installed; installing from Debian's packages"
    apt_install redis-server || return 1
  fi
  echo "redis: starting"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/local.log
  wait_for redis 127.0.0.1 6379
}

# The console's tests drive Debian's Chromium headless (never a browser a tool downloads itself).
ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then return 0; fi
  if [ -x /usr/bin/chromium ]; then return 0; fi
  echo "chromium: not installed; installing from Debian's packages"
  apt_install chromium
}
