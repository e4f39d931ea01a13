#!/usr/bin/env bash
# `make demo`: builds a fresh demo database with a synthetic population and
# the hand-made scenarios, then runs `onshi serve` in the foreground.
set -euo pipefail
onshi=${1:-build/onshi}
dir=${ONSHI_DEMO_DIR:-demo}
port=${ONSHI_DEMO_PORT:-8080}
members=${ONSHI_DEMO_MEMBERS:-5000}
today=${ONSHI_DEMO_TODAY:-$(date -u +%F)}

mkdir -p "$dir"
rm -f "$dir"/onshi.db "$dir"/onshi.db-wal "$dir"/onshi.db-shm "$dir"/onshi.db.keys
echo "== creating $dir/onshi.db: $members synthetic members as of $today"
"$onshi" populate --db "$dir/onshi.db" --members "$members" --seed 1 --today "$today" --scenarios --quiet \
  | tee "$dir/scenarios.txt"
cat <<MSG

== onshi is starting on http://127.0.0.1:$port/
   health:      curl -s http://127.0.0.1:$port/healthz
   start page:  curl -s http://127.0.0.1:$port/
   audit chain: $onshi audit verify --db $dir/onshi.db
   scenarios:   $dir/scenarios.txt (the keys a facility would type for each outcome)
   My Number card PINs: cards are stored with their PIN-failure counters only; the
   card emulator with PINs arrives with the JPKI issue.
   Stop with Ctrl-C.
MSG
exec "$onshi" serve --db "$dir/onshi.db" --listen "127.0.0.1:$port"
