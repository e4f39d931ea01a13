#!/usr/bin/env bash
# HTTP benchmark of the OQS search: wrk (keep-alive, 2 threads, 64
# connections) against `onshi serve` over a synthetic population, with TLS off
# and on, each with random existing members; and in the same run nginx serving
# a static file of the same size as onshi's answer, as the reference. Each
# run also reports the CPU time per request of the server and of wrk (from
# /proc), and the summary turns them into the CPU budget of one answer at
# the goal of half the nginx rate.
#
#   bash bench/http.sh [BUILD_DIR] [MEMBERS]      (default build, 1000000)
#
# Environment: DURATION (s per run, default 10), ONSHI_BENCH_DB (a populated
# database to copy instead of populating, with its .keys file beside it),
# ONSHI_SERVE_ARGS (more flags for both `onshi serve` runs; "CHECKLOG" in it
# stands for a check-log directory inside the run's scratch directory;
# default "--check-log CHECKLOG": checks audited in their own log, each
# answered only once its record is synced, as issue 20 asks).
set -euo pipefail
. "$(dirname "$0")/search_lib.sh"
build=${1:-build}
members=${2:-1000000}
duration=${DURATION:-10}
onshi="$build/onshi"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
command -v pgrep >/dev/null || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}"
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/onshi-httpbench.XXXXXX)
chmod 755 "$work"  # nginx workers (www-data) read ref.json from here
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${ONSHI_BENCH_DB:-}" ]; then
  cp "$ONSHI_BENCH_DB" "$work/b.db"
  cp "$ONSHI_BENCH_DB.keys" "$work/b.db.keys"
else
  echo "bench: populating $members members"
  "$onshi" populate --members "$members" --seed 1 --quiet --db "$work/b.db" >/dev/null
fi
"$onshi" facility add --code 1310000011 --out "$work/clinic" --db "$work/b.db" >/dev/null
# The daily job first (linkage, and the document sweep over every member), as
# a server's day has it: the store records the day of the sweep, so the
# servers below do not walk every member again while wrk runs. Its time is
# a figure of its own (the sweep is batch work, once a day).
sweep_start=$(date +%s.%N)
"$onshi" link --db "$work/b.db" >"$work/link.log"
echo "bench: the daily job over $members members took $(awk -v a="$sweep_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s: $(cat "$work/link.log")"

# Random existing members whose data is linked (they answer 有効).
sqlite3 "$work/b.db" "SELECT insurer_number, number, branch, birth_date FROM members
  WHERE linkage = 'linked' AND lost IS NULL ORDER BY random() LIMIT 5000" |
  search_bodies \
  >"$work/bodies.lua"

port_tls=18443
# shellcheck disable=SC2206
extra=(${ONSHI_SERVE_ARGS---check-log CHECKLOG})
extra=("${extra[@]//CHECKLOG/$work/checklog}")
port_plain=18080
"$onshi" serve --db "$work/b.db" --listen 127.0.0.1:$port_tls --threads 2 "${extra[@]}" >"$work/serve-tls.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null --cacert "$work/clinic/ca.pem" "https://127.0.0.1:$port_tls/healthz" && break; sleep 0.1; done
token=$(curl -s --cacert "$work/clinic/ca.pem" --cert "$work/clinic/cert.pem" --key "$work/clinic/key.pem" \
  --data-binary @"$work/clinic/body.json" "https://127.0.0.1:$port_tls/oqs-api-pro/MSA12020/ILI12020SV01/auth" |
  sed -E 's/.*"idToken":"([^"]+)".*/\1/')

search_script "$work/bodies.lua" "$token" >"$work/search.lua"

# One answer, to size the reference file.
body=$(sed -n 's/^b\[#b+1\]=\[\[\(.*\)\]\]$/\1/p;q' "$work/bodies.lua")
size=$(curl -s --cacert "$work/clinic/ca.pem" -H "Authorization: $token" -H 'Content-Type: application/json' \
  --data "$body" "https://127.0.0.1:$port_tls/oqs-api-pro/MSA01030/ILI01030SV01/search" | wc -c)
head -c "$size" /dev/zero | tr '\0' 'x' >"$work/ref.json"

# CPU time (utime + stime, in clock ticks, all threads) of the given
# processes and of their children: nginx's workers, onshi's threads.
cpu_ticks() {
  local total=0 p
  for p in "$@" $(for q in "$@"; do pgrep -P "$q" || true; done); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
# CPU time of this shell's waited-for children (wrk, run in a command
# substitution), in clock ticks.
children_ticks() { awk '{print $16 + $17}' /proc/$$/stat; }
# us_per_request TICKS RPS: CPU microseconds per request over one run.
us_per_request() {
  awk -v t="$1" -v hz="$hz" -v r="$2" -v d="$duration" 'BEGIN {printf "%.0f", t / hz * 1e6 / (r * d)}'
}

run_wrk() {  # name server-pid url [script]
  local out s0 s1 before_self after_self
  s0=$(cpu_ticks "$2")
  before_self=$(children_ticks)
  if [ -n "${4:-}" ]; then
    out=$(wrk -t2 -c64 -d"${duration}s" --latency -s "$4" "$3")
  else
    out=$(wrk -t2 -c64 -d"${duration}s" --latency "$3")
  fi
  after_self=$(children_ticks)
  s1=$(cpu_ticks "$2")
  local rps p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  # CPU microseconds per request: the server's, and wrk's (the client's share
  # of the same two cores).
  local server_us client_us
  server_us=$(us_per_request $((s1 - s0)) "$rps")
  client_us=$(us_per_request $((after_self - before_self)) "$rps")
  printf "%-34s %12s req/s   p99 %8s   non-2xx %s   CPU/request: server %s us, wrk %s us\n" \
    "$1" "$rps" "$p99" "${errors:-0}" "$server_us" "$client_us"
  echo "$1=$rps" >>"$work/results"
  echo "$1 server_us=$server_us" >>"$work/results"
  echo "$1 client_us=$client_us" >>"$work/results"
}

echo "== wrk -t2 -c64 -d${duration}s, $members members, answer $size bytes"
run_wrk "onshi search, TLS" "${pids[0]}" "https://127.0.0.1:$port_tls" "$work/search.lua"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

"$onshi" serve --db "$work/b.db" --listen 127.0.0.1:$port_plain --threads 2 --no-tls "${extra[@]}" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port_plain/healthz" && break; sleep 0.1; done
# The signatures the batched proofs made (onshi_proof_batches_total, one
# ES256 signature a batch) over the plain run: what they cost at full load.
proof_counter() {
  curl -s "http://127.0.0.1:$port_plain/metrics" | awk -v m="$1" '$1 == m {print $2}'
}
batches0=$(proof_counter onshi_proof_batches_total)
answers0=$(proof_counter onshi_proof_answers_total)
run_wrk "onshi search, plain HTTP" "${pids[1]}" "http://127.0.0.1:$port_plain" "$work/search.lua"
batches1=$(proof_counter onshi_proof_batches_total)
answers1=$(proof_counter onshi_proof_answers_total)
echo "proof_signatures_per_s=$(awk -v a="${batches0:-0}" -v b="${batches1:-0}" -v d="$duration" 'BEGIN {printf "%.0f", (b - a) / d}')" >>"$work/results"
echo "proof_answers_per_signature=$(awk -v a="${batches0:-0}" -v b="${batches1:-0}" -v x="${answers0:-0}" -v y="${answers1:-0}" 'BEGIN {printf "%.1f", (b > a) ? (y - x) / (b - a) : 0}')" >>"$work/results"
# The same server on a route with neither a database read nor a proof (the
# proof key, a small JSON document): what the HTTP layer alone reaches.
run_wrk "onshi proof-key, plain HTTP" "${pids[1]}" "http://127.0.0.1:$port_plain/oqs-api-pro/proof-key"

cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18081;
    listen 127.0.0.1:18444 ssl;
    ssl_certificate $(dirname "$work/b.db")/b.db.ca/server/server-cert.pem;
    ssl_certificate_key $(dirname "$work/b.db")/b.db.ca/server/server-key.pem;
    root $work;
    location / { default_type application/json; }
  }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.5
run_wrk "nginx static file, plain HTTP" "$(cat "$work/nginx.pid")" "http://127.0.0.1:18081/ref.json"
run_wrk "nginx static file, TLS" "$(cat "$work/nginx.pid")" "https://127.0.0.1:18444/ref.json"

# ES256 signatures one core makes per second (the proof each answer carries).
sign_rate=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256/ {print $(NF-1)}')
echo "openssl ES256 (P-256) signatures per second, one core: $sign_rate"
echo "openssl_sign=$sign_rate" >>"$work/results"

awk -F= '{v[$1]=$2} END {
  printf "ratio plain: %.2f   ratio TLS: %.2f  (onshi / nginx)\n",
    v["onshi search, plain HTTP"] / v["nginx static file, plain HTTP"],
    v["onshi search, TLS"] / v["nginx static file, TLS"]
  printf "ratio of the HTTP layer alone (proof-key / nginx, plain): %.2f\n",
    v["onshi proof-key, plain HTTP"] / v["nginx static file, plain HTTP"]
  # Batched proofs: one signature covers a batch of answers.
  printf "proof signatures at full load (plain): %d a second, %.1f answers each, %.2f of one core\n",
    v["proof_signatures_per_s"], v["proof_answers_per_signature"],
    v["proof_signatures_per_s"] / v["openssl_sign"]
  # The CPU budget of one answer at the goal: at half the nginx rate the two
  # cores give 2e6 / rate microseconds per request to wrk, the kernel and
  # the server together. The share of wrk is taken at its cheapest in this
  # run (it costs more per request at lower rates), so the budget is the
  # most generous one.
  goal = v["nginx static file, plain HTTP"] / 2
  client = v["nginx static file, plain HTTP client_us"]
  if (v["onshi proof-key, plain HTTP client_us"] < client) client = v["onshi proof-key, plain HTTP client_us"]
  budget = 2e6 / goal - client
  printf "CPU per answer at the goal (plain): %.0f us left to onshi after %.0f us for wrk; onshi used %.0f us (%.1fx the budget)\n",
    budget, client, v["onshi search, plain HTTP server_us"], v["onshi search, plain HTTP server_us"] / budget
  printf "  a proof'"'"'s share of it: %.1f us (one ES256 signature, %.0f us, over %.1f answers)\n",
    1e6 / v["openssl_sign"] / v["proof_answers_per_signature"], 1e6 / v["openssl_sign"],
    v["proof_answers_per_signature"] }' "$work/results"
