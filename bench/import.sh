#!/usr/bin/env bash
# Import benchmark: `onshi import` of an N-line CSV of 資格取得届 (default
# 1,000,000) into SQLite with full validation and the resident-registry
# check, end to end, with peak memory. The residents are created first by
# `onshi forms` (not timed). Reference measured in the same run on the same
# disk: the sqlite3 shell's `.import` of the same file into a plain table
# (parsing and inserting only, no checks), so the ratio shows what the
# checks, the registry lookup, the member/document/audit rows cost on top.
set -euo pipefail
onshi=${1:-build/onshi}
n=${2:-1000000}
dir=$(mktemp -d /tmp/onshi-importbench.XXXXXX)
trap 'rm -rf "$dir"' EXIT

"$onshi" insurer add --number 06139992 --name 'オンシ健康保険組合' --db "$dir/i.db" >/dev/null
"$onshi" forms --persons "$n" --bad-per-mille 10 --today 2026-11-16 --out "$dir/forms.csv" \
  --db "$dir/i.db" >/dev/null

set +e
/usr/bin/time -f "%e %M" -o "$dir/time" "$onshi" import "$dir/forms.csv" --insurer 06139992 \
  --now 2026-11-16T10:00:00+09:00 --quiet --db "$dir/i.db" >"$dir/out" 2>"$dir/err"
rc=$?
set -e
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { echo "import failed ($rc)"; cat "$dir/out"; exit 1; }
# time(1) puts "Command exited with non-zero status 3" first when it did.
read -r secs rss_kb < <(tail -n 1 "$dir/time")

start=$(date +%s.%N)
sqlite3 "$dir/ref.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
.mode csv
.import $dir/forms.csv t
SQL
ref=$(echo "$(date +%s.%N) - $start" | bc)

echo "import_lines=$n"
echo "import_seconds=$secs"
echo "import_rate=$(echo "$n / $secs" | bc) records/s"
echo "import_peak_rss_mb=$((rss_kb / 1024))"
echo "reference_sqlite3_csv_import_seconds=$ref (same file, no checks)"
echo "reference_rate=$(echo "$n / $ref" | bc) records/s"
echo "ratio_onshi_to_reference_rate=$(echo "scale=3; $ref / $secs" | bc)"
cat "$dir/out"
