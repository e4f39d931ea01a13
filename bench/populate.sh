#!/usr/bin/env bash
# Populate benchmark: `onshi populate --members N` end to end, against a
# reference measured in the same run on the same disk: the sqlite3 shell
# bulk-inserting N rows of similar width into an indexed table in one
# transaction. Prints wall time, rate, peak memory and the ratio.
set -euo pipefail
onshi=${1:-build/onshi}
n=${2:-1000000}
dir=$(mktemp -d /tmp/onshi-popbench.XXXXXX)
trap 'rm -rf "$dir"' EXIT

/usr/bin/time -f "%e %M" -o "$dir/time" "$onshi" populate --members "$n" --seed 1 --quiet --db "$dir/p.db" >"$dir/out"
read -r secs rss_kb <"$dir/time"

start=$(date +%s.%N)
sqlite3 "$dir/ref.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE t (id INTEGER PRIMARY KEY, k BLOB UNIQUE, insurer TEXT, number TEXT, birth TEXT, name TEXT, payload TEXT);
CREATE INDEX t_card ON t (insurer, number, birth);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
INSERT INTO t SELECT i, randomblob(32), '0613999' || (i % 10), printf('%06d', i), '1980-05-15',
  '試験　花子', hex(randomblob(60)) FROM c;
COMMIT;
SQL
ref=$(echo "$(date +%s.%N) - $start" | bc)

echo "populate_members=$n"
echo "populate_seconds=$secs"
echo "populate_rate=$(echo "$n / $secs" | bc) members/s"
echo "populate_peak_rss_mb=$((rss_kb / 1024))"
echo "reference_sqlite_bulk_insert_seconds=$ref ($n rows, 1 table)"
echo "ratio_populate_to_reference=$(echo "scale=2; $secs / $ref" | bc)"
cat "$dir/out"
