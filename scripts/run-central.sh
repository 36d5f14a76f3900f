#!/usr/bin/env bash
# `make run`: central on an embedded default. A private PostgreSQL data folder inside the checkout
# (.data/postgres, created with initdb on first run and reused afterwards) serves as the metadata
# store; PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
#
#   scripts/run-central.sh                  start the database if needed, then run central
#   scripts/run-central.sh --stop-database  stop the embedded database
# Extra central flags can be passed through CENTRAL_ARGS.
set -euo pipefail

repo_root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
readonly data_root="${repo_root}/.data"
readonly pgdata="${data_root}/postgres"
readonly socket_dir="${data_root}/run"
readonly log_dir="${data_root}/log"
readonly port="${PGSWARM_EMBEDDED_PG_PORT:-55432}"
bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)}"
readonly bindir

log() { printf '[run] %s\n' "$*" >&2; }

as_db_user() {
  if [[ $EUID -eq 0 ]]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi
}

stop_database() {
  if [[ -f "${pgdata}/postmaster.pid" ]]; then
    as_db_user "${bindir}/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true
  fi
}

if [[ "${1:-}" == "--stop-database" ]]; then
  stop_database
  exit 0
fi

mkdir -p "$data_root" "$socket_dir" "$log_dir"
# Only the owner (and root) may reach the socket, which is what makes trust authentication safe.
chmod 0700 "$socket_dir"
if [[ $EUID -eq 0 ]]; then
  chown postgres:postgres "$socket_dir" "$log_dir"
  if ! setpriv --reuid=postgres --regid=postgres --init-groups -- test -x "$data_root"; then
    log "the postgres user cannot reach ${data_root}; make the checkout's parent folders traversable"
    exit 1
  fi
fi

if [[ ! -f "${pgdata}/PG_VERSION" ]]; then
  log "creating the embedded metadata store in ${pgdata}"
  mkdir -p "$pgdata"
  [[ $EUID -eq 0 ]] && chown postgres:postgres "$pgdata"
  as_db_user "${bindir}/initdb" --pgdata="$pgdata" --username=postgres --auth-local=trust --auth-host=reject \
    --encoding=UTF8 --locale=C.UTF-8 --data-checksums >/dev/null
fi

if ! as_db_user "${bindir}/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
  # Unix socket only: the embedded store is not reachable over the network.
  as_db_user "${bindir}/pg_ctl" -D "$pgdata" -w -l "${log_dir}/postgres.log" \
    -o "-c listen_addresses= -c port=${port} -c unix_socket_directories=${socket_dir}" start >/dev/null
fi
trap stop_database EXIT

db_exists=$(as_db_user "${bindir}/psql" -X -h "$socket_dir" -p "$port" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'pgswarm'")
if [[ "$db_exists" != "1" ]]; then
  as_db_user "${bindir}/createdb" -h "$socket_dir" -p "$port" pgswarm
fi

# A development key for secrets at rest, created once and kept beside the data (never committed:
# .data/ is git-ignored). Production passes its own through PGSWARM_ENCRYPTION_KEY_FILE.
key_file="${data_root}/encryption.key"
if [[ ! -s "$key_file" ]]; then
  (umask 077 && openssl rand -hex 32 > "$key_file")
fi

binary="$(swift build --show-bin-path)/central"
export DATABASE_URL="host=${socket_dir} port=${port} dbname=pgswarm user=postgres"
log "metadata store: ${DATABASE_URL}"
# shellcheck disable=SC2086
# gRPC is TLS by default: central creates its development CA in .data/central-tls on first start.
"$binary" --encryption-key-file "${PGSWARM_ENCRYPTION_KEY_FILE:-$key_file}" --data-dir "$data_root" ${CENTRAL_ARGS:-}
