#!/usr/bin/env bash
# Runs every benchmark; see README "Performance" for the recorded figures.
set -euo pipefail
build=${1:-build}
command -v bc >/dev/null || { echo "bench needs bc (apt-get install bc)"; exit 1; }
echo "== core and store hot functions (Google Benchmark, reference: SQLite PK lookup)"
"$build/core_bench" --benchmark_min_time=0.5 | tee /tmp/onshi-core-bench.txt
echo
echo "== serving index vs store read, bytes per member, build time, change-to-index latency"
echo "   (10^7 members too with ONSHI_BENCH_SERVING_10M=1)"
"$build/serving_bench" --benchmark_min_time=0.5 | tee /tmp/onshi-serving-bench.txt
echo
echo "== batched proofs of check (reference: a bare SHA-256 of the same body)"
"$build/proof_bench" --benchmark_min_time=0.5 | tee /tmp/onshi-proof-bench.txt
echo
echo "== the check log read by person (reference: a scan of every segment, as before the index)"
"$build/check_log_bench" --benchmark_min_time=0.5 | tee /tmp/onshi-check-log-bench.txt
echo
echo "== issue 18: medicine history, safety check, visits, YZK file as XML and PDF (reference: the check)"
"$build/clinical_bench" | tee /tmp/onshi-clinical-bench.txt
echo
echo "== populate, 1,000,000 members (reference: sqlite3 shell bulk insert)"
bash "$(dirname "$0")/populate.sh" "$build/onshi" 1000000
echo
echo "== import, 1,000,000 資格取得届 lines (reference: sqlite3 .import of the same CSV)"
bash "$(dirname "$0")/import.sh" "$build/onshi" 1000000
echo
echo "== HTTP: wrk against onshi serve (TLS off and on) and nginx static, 1,000,000 members"
bash "$(dirname "$0")/http.sh" "$build" 1000000
