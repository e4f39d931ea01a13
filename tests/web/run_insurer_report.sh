#!/usr/bin/env bash
# Browser test of the insurer's error-report page: builds a fixture database
# with the `onshi` binary in BUILD_DIR, starts `onshi serve` on a free port,
# runs insurer_report.mjs (playwright-core + Debian's headless Chromium)
# against it and exits with its status. Registered with CTest as
# web_insurer_report. Leaves its screenshots in BUILD_DIR/test-artifacts/web_insurer_report/
# (insurer-*.png) and lists them.
#
#   tests/web/run_insurer_report.sh BUILD_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
onshi="$build/onshi"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "run_insurer_report: $*" >&2; exit 1; }
[ -x "$onshi" ] || die "no onshi binary at $onshi (build the onshi target first)"
command -v node >/dev/null || die "node is missing (run scripts/install-deps.sh)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (run scripts/install-deps.sh)"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (run scripts/install-deps.sh)"

if [ ! -d "$here/node_modules" ]; then
  command -v npm >/dev/null || die "npm is missing (run scripts/install-deps.sh)"
  echo "run_insurer_report: installing playwright-core (npm ci) in $here"
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
number=06139992
name=オンシ健康保険組合
# The fixture's simulated day (--now, --today), 2026-11-16 unless
# ONSHI_WEB_TODAY says otherwise; the server runs a week later. Issue 21:
# scripts/test-clock-offset.sh sets it two years after the real date, so the
# browser (which checks certificates against the real clock) meets a CA and
# a server made at a simulated date in its future.
today=${ONSHI_WEB_TODAY:-2026-11-16}
serve_day=$(date -d "$today + 7 days" +%F) || die "ONSHI_WEB_TODAY must be YYYY-MM-DD, got $today"

# --- fixture: an insurer, residents, and an import with registration errors --
"$onshi" insurer add --number "$number" --name "$name" --lag 2 --now "$today" \
  --out "$tmp/insurer" --db "$db" >/dev/null
"$onshi" forms --persons 40 --bad-per-mille 200 --today "$today" \
  --out "$tmp/forms.csv" --db "$db" >/dev/null
set +e
"$onshi" import "$tmp/forms.csv" --insurer "$number" --now "${today}T10:00:00+09:00" \
  --quiet --db "$db" >/dev/null 2>"$tmp/import.err"
rc=$?
set -e
# 3: some lines were rejected or are registration errors -- what we want here.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
  cat "$tmp/import.err" >&2
  die "onshi import failed with exit status $rc"
fi
# The lines `onshi import` refused at reading ("FILE:LINE: ..."): the upload
# through the page's form sends the same file and must show the same lines.
rejected_lines=$(sed -n 's#^.*forms\.csv:\([0-9]*\): .*$#\1#p' "$tmp/import.err" | paste -sd, -)
[ -n "$rejected_lines" ] || die "the fixture's import refused no line (need some for the upload check)"
errors=$(sqlite3 "$db" "SELECT COUNT(*) FROM submissions WHERE state='registration_error'")
all=$(sqlite3 "$db" "SELECT COUNT(*) FROM submissions WHERE insurer_number='$number'")
echo "run_insurer_report: fixture of $today has $all submissions, $errors registration errors"

# --- the server ---------------------------------------------------------------
# The files exist before the server starts: the background job opens its
# redirections only after the fork, and a sed that finds no file would end
# this script under set -e (seen under load).
: >"$tmp/serve.out"
: >"$tmp/serve.err"
"$onshi" serve --db "$db" --listen 127.0.0.1:0 --now "${serve_day}T10:00:00+09:00" \
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
echo "run_insurer_report: onshi serve (pid $server_pid) at $url"

# --- the browser --------------------------------------------------------------
# NODE_EXTRA_CA_CERTS makes Playwright's client-certificate proxy (which runs
# in this node process) verify onshi's server certificate against the project
# CA instead of ignoring TLS errors; see insurer_report.mjs.
# Screenshots kept as test artifacts, this run's only.
artifacts="$build/test-artifacts/web_insurer_report"
rm -rf "$artifacts"
mkdir -p "$artifacts"
set +e
NODE_EXTRA_CA_CERTS="$tmp/insurer/ca.pem" node "$here/insurer_report.mjs" \
  --base "$url" \
  --cert "$tmp/insurer/cert.pem" --key "$tmp/insurer/key.pem" --ca "$tmp/insurer/ca.pem" \
  --insurer-name "$name" --expected-errors "$errors" --expected-all "$all" \
  --artifacts "$artifacts" \
  --upload "$tmp/forms.csv" --rejected-lines "$rejected_lines"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "run_insurer_report: --- onshi serve stderr ---" >&2
  cat "$tmp/serve.err" >&2
fi
echo "run_insurer_report: exit $status after $((SECONDS - start)) s"
exit "$status"
