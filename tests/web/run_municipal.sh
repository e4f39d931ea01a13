#!/usr/bin/env bash
# Browser test of the municipal window's pages (issue 19, /municipal/window):
# builds a fixture with the `onshi` binary in BUILD_DIR (a population, the
# window's certificate for the municipality most of it lives in), starts `onshi serve` on a
# free port, runs municipal.mjs (playwright-core + Debian's headless
# Chromium) against it and exits with its status. Registered with CTest as
# web_municipal. Leaves its screenshots in BUILD_DIR/test-artifacts/web_municipal/
# (municipal-*.png) and lists them.
#
#   tests/web/run_municipal.sh BUILD_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
onshi="$build/onshi"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "run_municipal: $*" >&2; exit 1; }
[ -x "$onshi" ] || die "no onshi binary at $onshi (build the onshi target first)"
command -v node >/dev/null || die "node is missing (run scripts/install-deps.sh)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (run scripts/install-deps.sh)"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (run scripts/install-deps.sh)"
if [ ! -d "$here/node_modules" ]; then
  command -v npm >/dev/null || die "npm is missing (run scripts/install-deps.sh)"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

start=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/onshi-web.XXXXXX")
server_pid=""
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

db="$tmp/onshi.db"
today=2026-11-23

# --- fixture ---------------------------------------------------------------------
"$onshi" populate --quiet --members 200 --today "$today" --db "$db" >/dev/null
city=$(sqlite3 "$db" "SELECT municipality FROM persons WHERE municipality <> ''
  GROUP BY municipality ORDER BY COUNT(*) DESC, municipality LIMIT 1")
[ -n "$city" ] || die "the population records no municipality"
"$onshi" municipal add --code "$city" --out "$tmp/city" --now 2026-11-20 --db "$db" >/dev/null
# The window's resident: insured and linked (so 利用登録 has an insurer to
# show), without a card, alone with that name and birth date in the city.
row=$(sqlite3 -separator '|' "$db" "SELECT p.person_id, p.name, p.name_kana, p.birth_date
  FROM persons p JOIN members m ON m.person_id = p.person_id
  WHERE p.municipality = '$city' AND m.linkage = 'linked' AND m.lost IS NULL AND p.died_on IS NULL
  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.person_id)
  AND (SELECT COUNT(*) FROM persons q WHERE q.municipality = p.municipality
       AND q.birth_date = p.birth_date AND q.name = p.name) = 1
  ORDER BY p.person_id LIMIT 1")
IFS="|" read -r person name kana birth <<<"$row"
[ -n "$person" ] || die "no insured resident of $city without a card"
# Someone else's resident: the window must refuse them.
stranger=$(sqlite3 "$db" "SELECT person_id FROM persons WHERE municipality NOT IN ('$city', '')
  ORDER BY person_id LIMIT 1")
[ -n "$stranger" ] || die "the population has nobody outside $city"
# The population's cards made the JPKI CA the server opens; without any,
# one card issued by the CLI for another resident makes it.
if [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM cards")" = 0 ]; then
  other=$(sqlite3 "$db" "SELECT person_id FROM persons WHERE municipality = '$city'
    AND person_id <> $person ORDER BY person_id LIMIT 1")
  "$onshi" card issue --db "$db" --person-id "$other" --pin 1234 --now 2026-11-20 >/dev/null
fi
echo "run_municipal: window $city, resident $person ($name, $birth), stranger $stranger"

# --- the server --------------------------------------------------------------------
: >"$tmp/serve.out"
: >"$tmp/serve.err"
"$onshi" serve --db "$db" --listen 127.0.0.1:0 --now "${today}T10:00:00+09:00" \
  --link-every 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
url=""
for _ in $(seq 1 200); do  # up to 20 s
  url=$(sed -n 's#^onshi: serving .* on \(https://[^ ]*/\)$#\1#p' "$tmp/serve.out")
  [ -n "$url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$tmp/serve.out" "$tmp/serve.err" >&2
    server_pid=""
    die "onshi serve exited before it printed its address"
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  cat "$tmp/serve.out" "$tmp/serve.err" >&2
  die "onshi serve printed no 'serving ... on https://...' line within 20 s"
fi
echo "run_municipal: onshi serve (pid $server_pid) at $url"

# --- the browser -------------------------------------------------------------------
# Screenshots kept as test artifacts, this run's only.
artifacts="$build/test-artifacts/web_municipal"
rm -rf "$artifacts"
mkdir -p "$artifacts"
set +e
NODE_EXTRA_CA_CERTS="$tmp/city/ca.pem" node "$here/municipal.mjs" \
  --base "$url" --cert "$tmp/city/cert.pem" --key "$tmp/city/key.pem" --ca "$tmp/city/ca.pem" \
  --person "$person" --name "$name" --kana "$kana" --birth "$birth" --stranger "$stranger" \
  --artifacts "$artifacts"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "run_municipal: --- onshi serve stderr ---" >&2
  cat "$tmp/serve.err" >&2
fi
echo "run_municipal: exit $status after $((SECONDS - start)) s"
exit "$status"
