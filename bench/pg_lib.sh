# A throw-away PostgreSQL server for the benchmarks, from Debian's server
# binaries, on loopback (sourced by scale.sh and import.sh).
#
#   pg_data=DIR pg_port=PORT   where the cluster lives (made if missing) and
#                              its port; set them before calling pg_start
#   pg_start / pg_stop         start it (once) / stop it if pg_start did
#   pg_uri DB, psql_q DB SQL   a libpq URI for database DB; one query's rows
#   PG_EXTRA                   more server options, e.g. to see where a run's
#                              time goes: -c shared_preload_libraries=pg_stat_statements
#
# As root the server runs as the postgres user (initdb refuses root).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_started=0
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  [ "$pg_started" = 1 ] && return 0
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    mkdir -p "$pg_data"
    [ "$(id -u)" = 0 ] && chown postgres "$pg_data"
    as_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
  fi
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -o \
    "-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c max_connections=50 -c synchronous_commit=off -c max_wal_size=8GB -c checkpoint_timeout=30min ${PG_EXTRA:-}" \
    start >/dev/null
  pg_started=1
}

pg_stop() {
  [ "$pg_started" = 1 ] && as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  pg_started=0
}

pg_uri() { echo "postgresql://postgres@127.0.0.1:$pg_port/$1"; }
psql_q() { psql -X -q -t -A "$(pg_uri "$1")" -c "$2"; }
