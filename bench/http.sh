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
# The machine's speed moves by a quarter within minutes (wrk's own CPU per
# request with it), so a reference measured minutes apart does not cancel
# it. The runs are therefore interleaved: ROUNDS rounds (default 3) of onshi
# TLS, nginx TLS, onshi plain, nginx plain, back to back; each round gives a
# ratio, and the summary takes the median of the rounds' ratios.
#
# Environment: DURATION (s per run, default 10), ROUNDS (default 3), ONSHI_BENCH_DB (a populated
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
rounds=${ROUNDS:-3}
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
# The copy and the daily job leave the database's pages to the kernel's
# writeback; written out during a run, they would queue before the access
# log's syncs (a p99 of 180 ms in one TLS run). Out before measuring.
sync

# Random existing members whose data is linked (they answer 有効).
sqlite3 "$work/b.db" "SELECT insurer_number, number, branch, birth_date FROM members
  WHERE linkage = 'linked' AND lost IS NULL ORDER BY random() LIMIT 5000" |
  search_bodies \
  >"$work/bodies.lua"

port_tls=18443
# shellcheck disable=SC2206
raw_extra=(${ONSHI_SERVE_ARGS---check-log CHECKLOG})
extra=("${raw_extra[@]//CHECKLOG/$work/checklog}")
extra_tls=("${raw_extra[@]//CHECKLOG/$work/checklog-tls}")
port_plain=18080
# Two servers, up together (each with its own check log, as every server
# needs): TLS, and plain HTTP.
"$onshi" serve --db "$work/b.db" --listen 127.0.0.1:$port_tls --threads 2 "${extra_tls[@]}" >"$work/serve-tls.log" 2>&1 &
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

"$onshi" serve --db "$work/b.db" --listen 127.0.0.1:$port_plain --threads 2 --no-tls "${extra[@]}" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port_plain/healthz" && break; sleep 0.1; done

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
nginx_pid=$(cat "$work/nginx.pid")

# The signatures the batched proofs made (onshi_proof_batches_total, one
# ES256 signature a batch) over the plain runs: what they cost at full load.
proof_counter() {
  curl -s "http://127.0.0.1:$port_plain/metrics" | awk -v m="$1" '$1 == m {print $2}'
}
echo "== wrk -t2 -c64 -d${duration}s, $members members, answer $size bytes, $rounds rounds"
batches=0 answers=0
for round in $(seq "$rounds"); do
  echo "-- round $round"
  run_wrk "onshi search, TLS#$round" "${pids[0]}" "https://127.0.0.1:$port_tls" "$work/search.lua"
  run_wrk "nginx static file, TLS#$round" "$nginx_pid" "https://127.0.0.1:18444/ref.json"
  b0=$(proof_counter onshi_proof_batches_total)
  a0=$(proof_counter onshi_proof_answers_total)
  run_wrk "onshi search, plain HTTP#$round" "${pids[1]}" "http://127.0.0.1:$port_plain" "$work/search.lua"
  b1=$(proof_counter onshi_proof_batches_total)
  a1=$(proof_counter onshi_proof_answers_total)
  batches=$(awk -v t="$batches" -v a="${b0:-0}" -v b="${b1:-0}" 'BEGIN {printf "%d", t + b - a}')
  answers=$(awk -v t="$answers" -v a="${a0:-0}" -v b="${a1:-0}" 'BEGIN {printf "%d", t + b - a}')
  run_wrk "nginx static file, plain HTTP#$round" "$nginx_pid" "http://127.0.0.1:18081/ref.json"
done
echo "proof_signatures_per_s=$(awk -v b="$batches" -v d="$duration" -v r="$rounds" 'BEGIN {printf "%.0f", b / (d * r)}')" >>"$work/results"
echo "proof_answers_per_signature=$(awk -v b="$batches" -v a="$answers" 'BEGIN {printf "%.1f", (b > 0) ? a / b : 0}')" >>"$work/results"
# The same server on a route with neither a database read nor a proof (the
# proof key, a small JSON document): what the HTTP layer alone reaches,
# between two nginx runs.
echo "-- the HTTP layer alone"
run_wrk "onshi proof-key, plain HTTP#1" "${pids[1]}" "http://127.0.0.1:$port_plain/oqs-api-pro/proof-key"
run_wrk "nginx static file, plain HTTP#0" "$nginx_pid" "http://127.0.0.1:18081/ref.json"

# ES256 signatures one core makes per second (the proof each answer carries).
sign_rate=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256/ {print $(NF-1)}')
echo "openssl ES256 (P-256) signatures per second, one core: $sign_rate"
echo "openssl_sign=$sign_rate" >>"$work/results"

awk -F= -v rounds="$rounds" '
  { v[$1] = $2 }
  # The median of a[1..n] (sorted in place).
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++)
      for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  # The median over the rounds of the field "NAME#r KEY" (KEY "" for the rate).
  function med(name, key,   r, a, k) {
    for (r = 1; r <= rounds; r++) { k = name "#" r (key == "" ? "" : " " key); a[r] = v[k] }
    return median(a, rounds)
  }
  END {
  line_plain = ""; line_tls = ""
  for (r = 1; r <= rounds; r++) {
    p[r] = v["onshi search, plain HTTP#" r] / v["nginx static file, plain HTTP#" r]
    t[r] = v["onshi search, TLS#" r] / v["nginx static file, TLS#" r]
    line_plain = line_plain sprintf(" %.2f", p[r]); line_tls = line_tls sprintf(" %.2f", t[r])
  }
  printf "ratio plain: %.2f   ratio TLS: %.2f  (onshi / nginx, the median of %d rounds)\n",
    median(p, rounds), median(t, rounds), rounds
  printf "  each round: plain%s; TLS%s\n", line_plain, line_tls
  printf "ratio of the HTTP layer alone (proof-key / nginx, plain, back to back): %.2f\n",
    v["onshi proof-key, plain HTTP#1"] / v["nginx static file, plain HTTP#0"]
  # Batched proofs: one signature covers a batch of answers.
  printf "proof signatures at full load (plain): %d a second, %.1f answers each, %.2f of one core\n",
    v["proof_signatures_per_s"], v["proof_answers_per_signature"],
    v["proof_signatures_per_s"] / v["openssl_sign"]
  # The CPU budget of one answer at the goal: at half the nginx rate the two
  # cores give 2e6 / rate microseconds per request to wrk, the kernel and
  # the server together. The share of wrk is taken at its cheapest in this
  # run (it costs more per request at lower rates), so the budget is the
  # most generous one. Medians over the rounds.
  nginx = med("nginx static file, plain HTTP", "")
  goal = nginx / 2
  client = med("nginx static file, plain HTTP", "client_us")
  if (v["onshi proof-key, plain HTTP#1 client_us"] < client) client = v["onshi proof-key, plain HTTP#1 client_us"]
  used = med("onshi search, plain HTTP", "server_us")
  budget = 2e6 / goal - client
  printf "CPU per answer at the goal (plain): %.0f us left to onshi after %.0f us for wrk; onshi used %.0f us (%.1fx the budget)\n",
    budget, client, used, used / budget
  printf "  a proof'"'"'s share of it: %.1f us (one ES256 signature, %.0f us, over %.1f answers)\n",
    1e6 / v["openssl_sign"] / v["proof_answers_per_signature"], 1e6 / v["openssl_sign"],
    v["proof_answers_per_signature"] }' "$work/results"
