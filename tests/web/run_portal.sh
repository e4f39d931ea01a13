#!/usr/bin/env bash
# Browser test of the portal (マイナポータル) with a real card path: builds a
# fixture database with the `onshi` binary in BUILD_DIR, issues a My Number
# card, puts the card behind a private pcscd through vsmartcard's vpcd
# (`onshi card emulate`), starts `onshi serve` and `onshi reader-agent`, has a
# clinic check the member by 記号・番号 (so the access log has an entry), then
# runs portal.mjs (playwright-core + Debian's headless Chromium): login with
# the card through the agent, 利用登録, 資格情報, the PDF, 診療・お薬, 医療費
# with its CSV, 特定健診 with its chart (issue 18: the clinic submits visits,
# the insurer checkups, and the clinic reads the medicines under a consent),
# the access log.
# Registered with CTest as web_portal. Screenshots are kept in
# BUILD_DIR/test-artifacts/web_portal/.
#
#   tests/web/run_portal.sh BUILD_DIR
#
# pcscd runs in its own mount namespace (unshare --mount, as root) with a
# directory of ours bind-mounted over /run/pcscd, so it never touches the
# machine's pcscd or readers (as tests/reader/pcscd_fixture.hpp does).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
onshi="$build/onshi"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "run_portal: $*" >&2; exit 1; }
[ -x "$onshi" ] || die "no onshi binary at $onshi (build the onshi target first)"
for tool in node sqlite3 pcscd unshare pdftotext curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh)"
done
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (run scripts/install-deps.sh)"
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || die "vsmartcard-vpcd is missing (run scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || die "needs root for a private pcscd (unshare --mount)"

if [ ! -d "$here/node_modules" ]; then
  command -v npm >/dev/null || die "npm is missing (run scripts/install-deps.sh)"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

start=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/onshi-portal.XXXXXX")
artifacts="$build/test-artifacts/web_portal"
rm -rf "$artifacts"
mkdir -p "$artifacts"
pids=()
# Stops one process we started: SIGTERM, then SIGKILL if it has not gone
# within 5 s. For unshare, its child (pcscd) too, by id.
stop() {
  local pid=$1 children
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  children=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  for child in $children; do kill -KILL "$child" 2>/dev/null || true; done
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  # Newest first: the agent and the server, then the card, then pcscd.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop "${pids[i]}"; done
  if [ "$rc" -ne 0 ]; then
    for log in "$tmp"/*.out "$tmp"/*.err "$tmp"/pcscd.log; do
      [ -s "$log" ] && { echo "--- $log"; tail -n 40 "$log"; } >&2
    done
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until `file` has a line matching the sed expression; prints the match.
wait_for_line() {
  local file=$1 expr=$2 pid=$3 what=$4 found=""
  for _ in $(seq 1 300); do  # up to 30 s
    found=$(sed -n "$expr" "$file" 2>/dev/null | head -1)
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || die "$what exited before it was ready"
    sleep 0.1
  done
  die "$what was not ready within 30 s"
}

# Free loopback ports (the kernel's choice), and a pair p, p+1 for vpcd.
free_ports() {
  node -e '
    const net = require("net");
    const bind = (p) => new Promise((ok) => { const s = net.createServer(); s.once("error", () => ok(null));
      s.listen(p, "127.0.0.1", () => ok(s)); });
    (async () => {
      for (let i = 0; i < 50; ++i) {
        const a = await bind(0); const p = a.address().port; const b = await bind(p + 1);
        const c = await bind(0); const q = c.address().port;
        a.close(); c.close(); if (b) { b.close(); console.log(p, q); return; }
      }
      process.exit(1);
    })();'
}

db="$tmp/onshi.db"
today=2026-11-23
clinic=1310000011
pin=1234

# --- fixture: a population, a clinic, a card for someone insured today ------
"$onshi" populate --quiet --members 200 --today "$today" --db "$db" >/dev/null
"$onshi" facility add --code "$clinic" --name "オンシ試験クリニック" --now 2026-11-20 \
  --out "$tmp/clinic" --db "$db" >/dev/null
row=$(sqlite3 -separator '|' "$db" "SELECT m.person_id, m.insurer_number, m.symbol, m.number,
  m.branch, m.birth_date FROM members m WHERE linkage='linked' AND lost IS NULL
  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = m.person_id)
  AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1
  ORDER BY m.person_id LIMIT 1")
IFS="|" read -r person insurer symbol number branch birth <<<"$row"
[ -n "$person" ] || die "no insured person without a card in the fixture"
"$onshi" card issue --db "$db" --person-id "$person" --pin "$pin" --now 2026-11-20 >"$tmp/card.out"
card=$(sed -nE 's/.*issued card ([0-9]+) \(person.*/\1/p' "$tmp/card.out")
[ -n "$card" ] || die "onshi card issue printed no card id"
echo "run_portal: person $person, card $card, member $insurer $symbol/$number/$branch"

# --- issue 18: masters, the insurer (特定健診), the clinic's 薬剤情報 consent ----
masters="$here/../../data/masters"
"$onshi" masters load --drugs "$masters/drugs.csv" --procedures "$masters/procedures.csv" \
  --diseases "$masters/diseases.csv" --interactions "$masters/interactions.csv" --db "$db" >/dev/null
"$onshi" insurer add --number "$insurer" --name "オンシ試験保険者" --lag 2 --now 2026-11-20 \
  --out "$tmp/insurer" --db "$db" >/dev/null
# The consent the patient gave at the clinic's reader this morning (the card
# path to it is tests/app/clinical_e2e_test.cpp's): the clinic's read below
# is then a 薬剤情報 read in the person's access log.
sqlite3 "$db" "INSERT INTO consents (person_id, facility_code, kind, flag, given_at, available_until)
  VALUES ($person, '$clinic', 'pharmacists', '1', '2026-11-23T00:30:00Z', '2026-11-24T00:30:00Z')"

# --- pcscd with vpcd, the card behind it --------------------------------------
read -r vpcd agent_port <<<"$(free_ports)"
mkdir -p "$tmp/pcscd/conf" "$tmp/pcscd/run"
cat >"$tmp/pcscd/conf/vpcd" <<CONF
FRIENDLYNAME "Onshi Virtual PCD"
DEVICENAME   /dev/null:$vpcd
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $vpcd
CONF
export PCSCLITE_CSOCK_NAME="$tmp/pcscd/run/pcscd.comm"
unshare --mount --kill-child=SIGTERM sh -c "mkdir -p /run/pcscd && mount --bind '$tmp/pcscd/run' /run/pcscd && exec pcscd --foreground -c '$tmp/pcscd/conf'" \
  >"$tmp/pcscd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$PCSCLITE_CSOCK_NAME" ] && break; sleep 0.1; done
[ -S "$PCSCLITE_CSOCK_NAME" ] || die "pcscd made no socket"
"$onshi" card emulate --card "$db.cards/card-$card.card" --issuer-key "$db.card-issuer.key" \
  --vpcd "127.0.0.1:$vpcd" >"$tmp/emulate.out" 2>"$tmp/emulate.err" &
pids+=($!)

# --- the server and the reader agent ------------------------------------------
agent="http://127.0.0.1:$agent_port"
"$onshi" serve --db "$db" --listen 127.0.0.1:0 --now "${today}T10:00:00+09:00" --link-every 0 \
  --reader-agent "$agent" >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
url=$(wait_for_line "$tmp/serve.out" 's#^onshi: serving .* on \(https://[^ ]*/\)$#\1#p' "${pids[-1]}" "onshi serve")
origin=${url%/}
"$onshi" reader-agent --origin "$origin" --listen "127.0.0.1:$agent_port" \
  >"$tmp/agent.out" 2>"$tmp/agent.err" &
pids+=($!)
wait_for_line "$tmp/agent.out" 's#^onshi: reader agent on \(http://[^ ]*\) for .*#\1#p' "${pids[-1]}" "onshi reader-agent" >/dev/null
echo "run_portal: onshi serve at $url, reader agent at $agent"

# --- the clinic looks the member up by 記号・番号 (an access-log entry) ------
ca="$tmp/clinic/ca.pem"
token=$(curl -s --cacert "$ca" --cert "$tmp/clinic/cert.pem" --key "$tmp/clinic/key.pem" \
  --data-binary @"$tmp/clinic/body.json" "$url"oqs-api-pro/MSA12020/ILI12020SV01/auth \
  | sed -E 's/.*"idToken":"([^"]+)".*/\1/')
[ -n "$token" ] || die "the clinic could not log in"
b=$(echo "$birth" | tr -d -)
answer=$(curl -s --cacert "$ca" -H "Authorization: $token" -H 'Content-Type: application/json' \
  --data "{\"XmlMsg\":{\"MessageHeader\":{\"QualificationConfirmationDate\":\"20261123\",\"MedicalInstitutionCode\":\"$clinic\"},\"MessageBody\":{\"QualificationConfirmSearchInfo\":{\"InsurerNumber\":\"$insurer\",\"InsuredCardSymbol\":\"$symbol\",\"InsuredIdentificationNumber\":\"$number\",\"InsuredBranchNumber\":\"$branch\",\"Birthdate\":\"$b\",\"LimitApplicationCertificateRelatedConsFlg\":\"1\"}}}}" \
  "$url"oqs-api-pro/MSA01030/ILI01030SV01/search)
echo "$answer" | grep -q '"QualificationValidity":"1"' || die "the clinic's check was not 有効: $answer"

# --- issue 18: what the clinic and the insurer submit, and the clinic's read --
patient="\"patient\":{\"insurerNumber\":\"$insurer\",\"symbol\":\"$symbol\",\"number\":\"$number\",\"branch\":\"$branch\",\"birthDate\":\"$birth\"}"
clinical() {  # path body → the status; dies unless it is $3
  local code
  code=$(curl -s -o "$tmp/clinical.out" -w '%{http_code}' --cacert "$ca" -H "Authorization: $token" \
    -H 'Content-Type: application/json' --data "$2" "$url$1")
  [ "$code" = "$3" ] || die "$1 answered $code, not $3: $(cat "$tmp/clinical.out")"
}
clinical clinical/v1/visits "{$patient,\"date\":\"2025-09-10\",\"setting\":\"outpatient\",\"totalCost\":8000,\"paid\":2400}" 201
clinical clinical/v1/visits "{$patient,\"date\":\"2026-03-02\",\"setting\":\"outpatient\",\"totalCost\":12000,\"paid\":3600,\"medicines\":[{\"kind\":\"prescribed\",\"yjCode\":\"2171022F1029\",\"quantity\":\"1\",\"unit\":\"錠\",\"days\":28,\"start\":\"2026-03-02\"}],\"procedures\":[{\"code\":\"199000210\",\"date\":\"2026-03-02\"}],\"diagnoses\":[{\"code\":\"9990001\",\"start\":\"2026-03-02\"}]}" 201
clinical clinical/v1/visits "{$patient,\"date\":\"2026-03-20\",\"setting\":\"inpatient\",\"totalCost\":300000,\"paid\":80430}" 201
clinical clinical/v1/medicines "{$patient}" 200
grep -q 2171022F1029 "$tmp/clinical.out" || die "the clinic's read has no medicine: $(cat "$tmp/clinical.out")"
keys="\"symbol\":\"$symbol\",\"number\":\"$number\",\"branch\":\"$branch\",\"birthDate\":\"$birth\""
records=""
for row in 2024-06-03:5.4:24.1 2025-06-02:5.9:24.8 2026-06-01:5.7:25.3; do
  IFS=: read -r on a1c bmi <<<"$row"
  records+="${records:+,}{$keys,\"examinedOn\":\"$on\",\"itemCode\":\"3D046000001906202\",\"value\":\"$a1c\",\"unit\":\"%\"}"
  records+=",{$keys,\"examinedOn\":\"$on\",\"itemCode\":\"9N011000000000001\",\"value\":\"$bmi\",\"unit\":\"kg/m2\"}"
done
code=$(curl -s -o "$tmp/checkups.out" -w '%{http_code}' --cacert "$ca" --cert "$tmp/insurer/cert.pem" \
  --key "$tmp/insurer/key.pem" -H 'Content-Type: application/json' \
  --data "{\"records\":[$records]}" "$url"insurer/v1/checkups)
[ "$code" = 201 ] || die "the insurer's checkups answered $code: $(cat "$tmp/checkups.out")"

# --- the browser --------------------------------------------------------------
set +e
node "$here/portal.mjs" --base "$url" --ca "$ca" --agent "$agent" --pin "$pin" \
  --insurer "$insurer" --number "$number" --branch "$branch" --clinic-name "オンシ試験クリニック" \
  --artifacts "$artifacts"
status=$?
set -e
echo "run_portal: exit $status after $((SECONDS - start)) s"
exit "$status"
