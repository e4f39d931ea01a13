#!/usr/bin/env bash
# Import benchmark: `onshi import` of an N-line CSV of 資格取得届 (default
# 1,000,000) into SQLite with full validation and the resident-registry
# check, end to end, with peak memory. The residents are created first by
# `onshi forms` (not timed). Reference measured in the same run on the same
# disk: the sqlite3 shell's `.import` of the same file into a plain table
# (parsing and inserting only, no checks), so the ratio shows what the
# checks, the registry lookup, the member/document/audit rows cost on top.
# Then `onshi link` of everything imported, for the end-to-end rate.
#
# BACKEND=postgresql runs the same against a throw-away PostgreSQL server
# (bench/pg_lib.sh, port 25434), with psql's \copy of the same file into a
# plain table as that backend's own reference beside the sqlite3 one.
set -euo pipefail
. "$(dirname "$0")/pg_lib.sh"
onshi=${1:-build/onshi}
n=${2:-1000000}
backend=${BACKEND:-sqlite}
dir=$(mktemp -d /tmp/onshi-importbench.XXXXXX)
chmod 755 "$dir"
trap 'pg_stop; rm -rf "$dir"' EXIT

db=(--db "$dir/i.db")
if [ "$backend" = postgresql ]; then
  pg_data="$dir/pg"
  pg_port=25434
  pg_start
  psql_q postgres "CREATE DATABASE imp" >/dev/null
  db=(--db "$(pg_uri imp)" --state-dir "$dir/state")
fi

"$onshi" insurer add --number 06139992 --name 'オンシ健康保険組合' "${db[@]}" >/dev/null
"$onshi" forms --persons "$n" --bad-per-mille 10 --today 2026-11-16 --out "$dir/forms.csv" \
  "${db[@]}" >/dev/null

set +e
/usr/bin/time -f "%e %M" -o "$dir/time" "$onshi" import "$dir/forms.csv" --insurer 06139992 \
  --now 2026-11-16T10:00:00+09:00 --quiet "${db[@]}" >"$dir/out" 2>"$dir/err"
rc=$?
set -e
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { echo "import failed ($rc)"; cat "$dir/out"; exit 1; }
# time(1) puts "Command exited with non-zero status 3" first when it did.
read -r secs rss_kb < <(tail -n 1 "$dir/time")

# End to end: the linker's round once the insurer's lag has passed (two
# weeks later, whatever the lag), as the daily job runs it: every queued
# form linked, then the documents due. Import then link, records/s.
/usr/bin/time -f "%e %M" -o "$dir/link-time" "$onshi" link --now 2026-11-30T10:00:00+09:00 \
  "${db[@]}" >"$dir/link-out" 2>&1 || { echo "link failed"; cat "$dir/link-out"; exit 1; }
read -r link_secs link_rss_kb < <(tail -n 1 "$dir/link-time")

start=$(date +%s.%N)
sqlite3 "$dir/ref.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
.mode csv
.import $dir/forms.csv t
SQL
ref=$(echo "$(date +%s.%N) - $start" | bc)

if [ "$backend" = postgresql ]; then
  # PostgreSQL's own reference: psql's \copy of the same file into a plain
  # table, one transaction, over the same loopback connection.
  start=$(date +%s.%N)
  psql -X -q -v ON_ERROR_STOP=1 "$(pg_uri imp)" >/dev/null <<SQL
CREATE TABLE t (submission_id text, form text, my_number text, name text, name_kana text,
  birth_date text, sex text, postcode text, address text, symbol text, number text, branch text,
  event_date text, loss_reason text, certificate_wanted text);
\copy t FROM '$dir/forms.csv' WITH (FORMAT csv, HEADER true)
SQL
  pg_ref=$(echo "$(date +%s.%N) - $start" | bc)
fi

# A floor for this schema: the members and submissions rows of N forms
# written set-based (one INSERT … SELECT each, no checks, no reads) by the
# sqlite3 shell into the same tables with the same indexes and the page cache
# onshi uses (64 MB). Two of the five
# tables an accepted form writes; the others (attributes, documents, audit)
# come on top of it.
if [ "$backend" = sqlite ]; then
sqlite3 "$dir/i.db" ".schema changes" ".schema members" ".schema submissions" >"$dir/floor-schema.sql"
start=$(date +%s.%N)
sqlite3 "$dir/floor.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-65536;
.read $dir/floor-schema.sql
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
INSERT INTO members (person_id, insurer_number, symbol, number, branch, personal_family,
  card_classification, birth_date, sex, acquired, copay_percent, linkage, submitted_on)
SELECT (i * 7919) % 1000003, '06139992', '1000', printf('%08d', i), '00', 1, 1, '1980-01-01', 1,
  '2026-11-01', 30, 'submitted', '2026-11-16' FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
INSERT INTO submissions (insurer_number, submission_id, form, state, received_on, due_on,
  person_id, member_id, symbol, number, branch, name, name_kana, birth_date, sex, postcode,
  address, event_date, certificate_wanted, error_fields, error)
SELECT '06139992', printf('F%09d', i), 'acquisition', 'submitted', '2026-11-16', '2026-11-18',
  (i * 7919) % 1000003, i, '1000', printf('%08d', i), '00', '佐々木　清', 'ｻｻｷ ｷﾖｼ', '1989-11-11',
  1, '279-1599', '島根県松江市中央2-2-1', '2026-11-03', 0, '', '' FROM s;
COMMIT;
SQL
floor=$(echo "$(date +%s.%N) - $start" | bc)
fi

echo "backend=$backend"
echo "import_lines=$n"
echo "import_seconds=$secs"
echo "import_rate=$(echo "$n / $secs" | bc) records/s"
echo "import_peak_rss_mb=$((rss_kb / 1024))"
echo "link_seconds=$link_secs (every queued form linked, documents due recorded)"
echo "link_peak_rss_mb=$((link_rss_kb / 1024))"
echo "import_then_link_rate=$(echo "$n / ($secs + $link_secs)" | bc) records/s"
echo "reference_sqlite3_csv_import_seconds=$ref (same file, no checks)"
echo "reference_rate=$(echo "$n / $ref" | bc) records/s"
echo "ratio_onshi_to_reference_rate=$(echo "scale=3; $ref / $secs" | bc)"
if [ "$backend" = sqlite ]; then
  echo "floor_members_and_submissions_set_based_seconds=$floor (2 of the 5 tables, no checks)"
  echo "floor_rate=$(echo "$n / $floor" | bc) records/s"
else
  echo "reference_psql_copy_seconds=$pg_ref (same file into a plain table, no checks)"
  echo "ratio_onshi_to_psql_copy_rate=$(echo "scale=3; $pg_ref / $secs" | bc)"
fi
cat "$dir/out"
