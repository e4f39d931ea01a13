#!/usr/bin/env bash
# Scale benchmark: the eligibility check over HTTP at 10^6 and 10^7 members,
# on SQLite and then on PostgreSQL, each against nginx serving a static file
# of the same size measured in the same run. The figure that matters is the
# per-check cost (1 / rate) and how much it grows from 10^6 to 10^7 members
# (the goal: under 30 %).
#
#   bash bench/scale.sh [BUILD_DIR] [SMALL] [LARGE]   (default build 1000000 10000000)
#   (LARGE = SMALL measures one size: the backends side by side)
#
# Environment:
#   SCALE_DIR  where the populated databases are kept between runs (default
#              /var/tmp/onshi-scale); a database already there is reused, so
#              the slow part (populating 10^7) is paid once.
#   DURATION   seconds per wrk run (default 10)
#   BACKENDS   "sqlite postgresql" (default) or one of them
#   POPULATE_ONLY=1  make the databases and stop (populating is the slow
#              part; the measurement wants a quiet machine)
#
# PostgreSQL: a throw-away cluster is started from Debian's server binaries
# in SCALE_DIR/pg on port 25432 (as the postgres user when run as root).
# The LARGE population on PostgreSQL is made from the SMALL one: onshi
# populates SMALL members, then SQL copies them (LARGE/SMALL - 1) times with
# shifted ids and insured numbers, which keeps the distribution of the
# synthetic population and makes every copy a distinct, findable member. This
# is for speed only (onshi populate over libpq does ~3k members/s); the
# lookup path measured is the same.
set -euo pipefail
. "$(dirname "$0")/search_lib.sh"
. "$(dirname "$0")/pg_lib.sh"
build=${1:-build}
small=${2:-1000000}
large=${3:-10000000}
duration=${DURATION:-10}
backends=${BACKENDS:-sqlite postgresql}
onshi="$(realpath "$build/onshi")"
scale_dir=${SCALE_DIR:-/var/tmp/onshi-scale}
mkdir -p "$scale_dir"
chmod 755 "$scale_dir"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "scale: installing ${need[*]}"
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/onshi-scale.XXXXXX)
chmod 755 "$work"
pg_data="$scale_dir/pg"
pg_port=25432
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

populate_sqlite() {  # n → path
  local n=$1 db="$scale_dir/sqlite-$1.db"
  if [ ! -f "$db.done" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    echo "scale: populating $n members into SQLite" >&2
    /usr/bin/time -f "%e s, peak RSS %M KB" "$onshi" populate --members "$n" --seed 1 --quiet --db "$db" >/dev/null
    touch "$db.done"
  fi
  echo "$db"
}

populate_pg() {  # n → database name
  local n=$1 name="onshi_$1"
  if ! psql_q postgres "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
    [ ! -f "$scale_dir/$name.done" ]; then
    psql_q postgres "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1
    psql_q postgres "CREATE DATABASE $name" >/dev/null
    if [ "$n" -le "$small" ]; then
      echo "scale: populating $n members into PostgreSQL" >&2
      # A PostgreSQL database keeps its key file in a state directory.
      /usr/bin/time -f "%e s, peak RSS %M KB" "$onshi" populate --members "$n" --seed 1 --quiet \
        --state-dir "$scale_dir/state-$name" --db "$(pg_uri "$name")" >/dev/null
    else
      local base
      base=$(populate_pg "$small")
      echo "scale: copying $base $((n / small)) times into $name" >&2
      as_pg "$pg_bin/pg_dump" -h 127.0.0.1 -p "$pg_port" -U postgres -Fc -f "/tmp/onshi-scale-$base.dump" "$base"
      as_pg "$pg_bin/pg_restore" -h 127.0.0.1 -p "$pg_port" -U postgres -d "$name" "/tmp/onshi-scale-$base.dump"
      rm -f "/tmp/onshi-scale-$base.dump"
      local copies=$((n / small - 1)) maxp maxm
      maxp=$(psql_q "$name" "SELECT max(person_id) FROM persons")
      maxm=$(psql_q "$name" "SELECT max(member_id) FROM members")
      psql -X -q -v ON_ERROR_STOP=1 "$(pg_uri "$name")" >/dev/null <<SQL
SET synchronous_commit = off;
-- Copy k of person p is person p + k * maxp, with a fresh My Number key (the
-- HMAC column is unique); copy k of member m is m + k * maxm, its 番号
-- prefixed with k and 0 (unique: same k and length means same original).
INSERT INTO persons (person_id, my_number_key, my_number_sealed, name, name_kana, birth_date, sex, postcode, address)
  SELECT person_id + k * $maxp, sha256(my_number_key || int4send(k)), my_number_sealed, name, name_kana, birth_date, sex, postcode, address
  FROM persons, generate_series(1, $copies) k WHERE person_id <= $maxp;
INSERT INTO members (member_id, person_id, insurer_number, symbol, number, branch, personal_family, card_classification,
    birth_date, sex, acquired, lost, loss_reason, copay_percent, elderly_certificate_date, elderly_valid_from,
    elderly_valid_until, elderly_copay_percent, linkage, submitted_on, linked_on, registration_error)
  SELECT member_id + k * $maxm, person_id + k * $maxp, insurer_number, symbol, k || '0' || number, branch, personal_family,
    card_classification, birth_date, sex, acquired, lost, loss_reason, copay_percent, elderly_certificate_date,
    elderly_valid_from, elderly_valid_until, elderly_copay_percent, linkage, submitted_on, linked_on, registration_error
  FROM members, generate_series(1, $copies) k WHERE member_id <= $maxm;
INSERT INTO member_attributes SELECT member_id + k * $maxm, effective_from, name, name_kana, insured_name, postcode, address
  FROM member_attributes, generate_series(1, $copies) k WHERE member_id <= $maxm;
INSERT INTO member_limits SELECT member_id + k * $maxm, classification, category_flag, certificate_date, valid_from, valid_until, long_term_date
  FROM member_limits, generate_series(1, $copies) k WHERE member_id <= $maxm;
INSERT INTO member_diseases SELECT member_id + k * $maxm, category, certificate_date, valid_from, valid_until, self_pay_yen
  FROM member_diseases, generate_series(1, $copies) k WHERE member_id <= $maxm;
SELECT setval(pg_get_serial_sequence('persons', 'person_id'), (SELECT max(person_id) FROM persons));
SELECT setval(pg_get_serial_sequence('members', 'member_id'), (SELECT max(member_id) FROM members));
VACUUM ANALYZE;
SQL
    fi
    touch "$scale_dir/$name.done"
  fi
  echo "$name"
}

wrk_rate() {  # url script → "rps p99"
  local out
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c64 -d"${duration}s" --latency -s "$2" "$1")
  else
    out=$(wrk -t2 -c64 -d"${duration}s" --latency "$1")
  fi
  if echo "$out" | grep -q "Non-2xx"; then
    echo "scale: non-2xx answers from $1" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1 == "99%" {print $2}')"
}

measure() {  # label db members
  local label=$1 db=$2 members=$3 port=18090
  local state="$work/state-$label"
  mkdir -p "$state"
  "$onshi" facility add --code 1310000011 --out "$state/clinic" --db "$db" --key-file "$state/k" \
    --ca-dir "$state/ca" --state-dir "$state" >/dev/null
  if [[ "$db" == postgresql://* ]]; then
    psql -X -q -t -A "$db" -c "SELECT insurer_number, number, branch, birth_date FROM members
      WHERE linkage = 'linked' AND lost IS NULL ORDER BY random() LIMIT 5000" | search_bodies >"$state/bodies.lua"
  else
    sqlite3 "$db" "SELECT insurer_number, number, branch, birth_date FROM members
      WHERE linkage = 'linked' AND lost IS NULL ORDER BY random() LIMIT 5000" | search_bodies >"$state/bodies.lua"
  fi
  # The token comes from a TLS server (login needs the client certificate);
  # the service key is the CA directory's, so the plain server accepts it.
  # (Checks from the store: this server only logs in, so it builds no index.)
  "$onshi" serve --db "$db" --key-file "$state/k" --ca-dir "$state/ca" --state-dir "$state" --listen 127.0.0.1:$((port + 5)) \
    --link-every 0 --eligibility-from store >"$state/serve-tls.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 300); do curl -s -o /dev/null --cacert "$state/clinic/ca.pem" "https://127.0.0.1:$((port + 5))/healthz" && break; sleep 0.1; done
  local token
  token=$(curl -s --cacert "$state/clinic/ca.pem" --cert "$state/clinic/cert.pem" --key "$state/clinic/key.pem" \
    --data-binary @"$state/clinic/body.json" "https://127.0.0.1:$((port + 5))/oqs-api-pro/MSA12020/ILI12020SV01/auth" |
    sed -E 's/.*"idToken":"([^"]+)".*/\1/')
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
  "$onshi" serve --db "$db" --key-file "$state/k" --ca-dir "$state/ca" --state-dir "$state" --listen 127.0.0.1:$port \
    --threads 2 --no-tls --link-every 0 --check-log "$state/checklog" >"$state/serve.log" 2>&1 &
  serve_pid=$!
  # The serving index is built before the server listens: about 5 s a
  # million members.
  for _ in $(seq 3000); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
  search_script "$state/bodies.lua" "$token" >"$state/search.lua"
  local body size
  body=$(sed -n 's/^b\[#b+1\]=\[\[\(.*\)\]\]$/\1/p;q' "$state/bodies.lua")
  size=$(curl -s -H "Authorization: $token" -H 'Content-Type: application/json' --data "$body" \
    "http://127.0.0.1:$port/oqs-api-pro/MSA01030/ILI01030SV01/search" | wc -c)
  head -c "$size" /dev/zero | tr '\0' 'x' >"$work/ref.json"
  # Warm the cache the way a long-running server is warm: the database
  # files into the page cache (they fit in memory), then a short load.
  if [[ "$db" == postgresql://* ]]; then
    find "$pg_data/base" -type f -exec cat {} + >/dev/null
  else
    cat "$db" >/dev/null
  fi
  wrk -t2 -c64 -d5s -s "$state/search.lua" "http://127.0.0.1:$port" >/dev/null
  read -r rps p99 < <(wrk_rate "http://127.0.0.1:$port" "$state/search.lua")
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  read -r ref_rps ref_p99 < <(wrk_rate "http://127.0.0.1:18091/ref.json")
  echo "$label $members $rps $p99 $ref_rps $ref_p99 $size" >>"$work/results"
  printf "%-11s %10s members  onshi %9s req/s p99 %7s   nginx %9s req/s p99 %7s   (%s B)\n" \
    "$label" "$members" "$rps" "$p99" "$ref_rps" "$ref_p99" "$size"
}

cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18091;
    root $work;
    location / { default_type application/json; }
  }
}
NGINX
nginx -c "$work/nginx.conf"

echo "== wrk -t2 -c64 -d${duration}s, plain HTTP, random linked members; nginx: static file of the same size"
for backend in $backends; do
  for n in $(printf '%s\n' "$small" "$large" | uniq); do
    if [ "$backend" = sqlite ]; then
      db=$(populate_sqlite "$n")
    else
      pg_start
      db=$(pg_uri "$(populate_pg "$n")")
    fi
    [ "${POPULATE_ONLY:-0}" = 1 ] || measure "$backend" "$db" "$n"
  done
done

[ -f "$work/results" ] || exit 0
echo "== per-check cost, relative to nginx in the same run"
awk -v small="$small" -v large="$large" '{
    cost = 1e6 / $3; ref = 1e6 / $5;
    printf "%-11s %10s members: %7.1f µs/check (nginx %5.1f µs, ratio %.2f)\n", $1, $2, cost, ref, $3 / $5;
    c[$1 "," $2] = cost; r[$1 "," $2] = cost / ref
  } END {
    for (b in c) { split(b, k, ","); if (k[2] == small && ((k[1] "," large) in c))
      printf "%-11s growth 10^6 -> 10^7: %+.1f %% per check (%+.1f %% relative to nginx); goal < 30 %%\n",
        k[1], 100 * (c[k[1] "," large] / c[b] - 1), 100 * (r[k[1] "," large] / r[b] - 1) }
  }' "$work/results"
