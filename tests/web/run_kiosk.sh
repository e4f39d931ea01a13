#!/usr/bin/env bash
# Browser test of the card reader's kiosk (issue 16), end to end with a real
# card path: `onshi serve` (the central service), a private pcscd with
# vsmartcard's vpcd, `onshi card emulate` behind it, `onshi terminal --kiosk`
# driving the card through pcsc-lite, and kiosk.mjs (playwright-core +
# Debian's headless Chromium with a fake camera) pressing the buttons.
# Registered with CTest as web_kiosk. Screenshots are kept in
# BUILD_DIR/test-artifacts/web_kiosk/.
#
#   tests/web/run_kiosk.sh BUILD_DIR
#
# Needs root (pcscd runs in its own mount namespace, as tests/reader do),
# pcscd, vsmartcard-vpcd, node, sqlite3, /usr/bin/chromium, and the npm
# packages of tests/web and src/web/kiosk (scripts/install-deps.sh).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
onshi="$build/onshi"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kiosk_root=$(cd "$here/../../src/web/kiosk" && pwd)

die() { echo "run_kiosk: $*" >&2; exit 1; }
[ -x "$onshi" ] || die "no onshi binary at $onshi (build the onshi target first)"
[ -x "$build/app_tests" ] || die "no app_tests at $build/app_tests (it checks the Face files)"
for tool in node sqlite3 pcscd unshare pdftotext; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh)"
done
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (run scripts/install-deps.sh)"
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || die "vsmartcard-vpcd is missing"
[ "$(id -u)" -eq 0 ] || die "needs root: pcscd runs in a mount namespace of its own"
for d in "$here" "$kiosk_root"; do
  if [ ! -d "$d/node_modules" ]; then
    echo "run_kiosk: installing npm packages (npm ci) in $d"
    (cd "$d" && npm ci --no-audit --no-fund)
  fi
done

start=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/onshi-kiosk.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to 30 s for FILE to contain a line matching the sed expression,
# printing the match; dies with the logs otherwise.
await_line() {
  local file=$1 expr=$2 pid=$3 what=$4 found=""
  for _ in $(seq 1 300); do
    found=$(sed -n "$expr" "$file" 2>/dev/null | head -1)
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$file" "${file%.out}.err" >&2 || true; die "$what exited"; }
    sleep 0.1
  done
  cat "$file" >&2
  die "$what printed nothing expected within 30 s"
}

# --- faces: the card photo and two camera streams, from face-api's samples --
faces="$build/kiosk-faces"
if [ ! -f "$faces/pair.json" ]; then
  echo "run_kiosk: making face fixtures in $faces (once; Chromium on the CPU)"
  node "$here/face_fixtures.mjs" --kiosk-root "$kiosk_root" --out "$faces" --samples 1
fi

# --- the central service with a clinic, its reader and three cardholders ----
db="$tmp/onshi.db"
clinic=1310000011
today=$(TZ=Asia/Tokyo date +%F)
"$onshi" populate --db "$db" --members 400 --seed 7 --today "$today" --quiet >/dev/null
"$onshi" facility add --db "$db" --code $clinic --name "オンシ試験クリニック" --out "$tmp/clinic" >/dev/null
"$onshi" reader add --db "$db" --facility $clinic --name "受付1" --out "$tmp/reader" >/dev/null
people=$(sqlite3 "$db" "SELECT m.person_id FROM members m WHERE linkage='linked' AND lost IS NULL
  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = m.person_id)
  AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1
  ORDER BY m.person_id LIMIT 4")
set -- $people
[ $# -eq 4 ] || die "the population has fewer than four insured people without a card"
issue() {  # person pin|face-only [photo] -> card id
  local extra=()
  [ -n "${3:-}" ] && extra=(--photo "$3")
  if [ "$2" = face-only ]; then extra+=(--face-only); else extra+=(--pin "$2"); fi
  "$onshi" card issue --db "$db" --person-id "$1" "${extra[@]}" >"$tmp/issue.txt"
  sed -nE 's/.*card ([0-9]+) \(person.*/\1/p' "$tmp/issue.txt" | head -1
}
card_a=$(issue "$1" 1234 "$faces/holder-card.jpg")   # the photo's holder; registered
card_b=$(issue "$2" 5678)                            # its PIN will lock
card_c=$(issue "$3" 2468 "$faces/holder-card.jpg")   # not registered for insurance use
card_d=$(issue "$4" face-only "$faces/holder-card.jpg")  # 顔認証マイナンバーカード, not registered
# Someone whose insurer's form has not linked yet: 資格情報なし (データ連携中), R-FAC-6.
pending=$(sqlite3 "$db" "SELECT m.person_id FROM members m WHERE linkage IN ('submitted','processing')
  AND lost IS NULL AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1
  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = m.person_id) ORDER BY m.person_id LIMIT 1")
[ -n "$pending" ] || die "the population has nobody whose form is still being linked"
card_e=$(issue "$pending" 1357)
"$onshi" card register --db "$db" --card "$card_e" --channel portal >/dev/null
"$onshi" card register --db "$db" --card "$card_a" --channel portal >/dev/null
"$onshi" card register --db "$db" --card "$card_b" --channel portal >/dev/null
# R-CARD-4: certificates run to the 5th birthday after issuance (R-CARD-3), so
# a card issued five years ago, the day after a birthday, expires on this
# year's birthday: one adult whose birthday is 20-70 days ahead (the renewal
# notice, 3 months before), one whose birthday was 10-50 days ago (expired, in
# the grace that runs to the end of the third month after). Registered then.
used="$1,$2,$3,$4,$pending"
birthday_person() {  # SQL condition on days -> "person_id birth_date"
  sqlite3 -separator ' ' "$db" "SELECT m.person_id, p.birth_date FROM members m JOIN persons p USING (person_id)
    WHERE linkage='linked' AND lost IS NULL AND m.person_id NOT IN ($used) AND substr(p.birth_date, 6) <> '02-29' AND substr(p.birth_date, 9) <> '01'
    AND p.birth_date < '$(( ${today:0:4} - 20 ))-01-01'
    AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = m.person_id)
    AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1 AND $1
    ORDER BY m.person_id LIMIT 1"
}
days_ahead="((strftime('%j', '2001' || substr(p.birth_date, 5)) - strftime('%j', '2001' || substr('$today', 5)) + 365) % 365)"
days_ago="((strftime('%j', '2001' || substr('$today', 5)) - strftime('%j', '2001' || substr(p.birth_date, 5)) + 365) % 365)"
read -r person_f birth_f <<<"$(birthday_person "$days_ahead BETWEEN 20 AND 70")"
read -r person_g birth_g <<<"$(birthday_person "$days_ago BETWEEN 10 AND 50")"
[ -n "$person_f" ] && [ -n "$person_g" ] || die "no holders with a birthday in the renewal windows"
year=${today:0:4}
expiry_f="$year-${birth_f:5}"
[[ "$expiry_f" < "$today" ]] && expiry_f="$((year + 1))-${birth_f:5}"
expiry_g="$year-${birth_g:5}"
[[ "$expiry_g" > "$today" ]] && expiry_g="$((year - 1))-${birth_g:5}"
issued_f=$(date -d "$expiry_f -5 years +1 day" +%F)
issued_g=$(date -d "$expiry_g -5 years +1 day" +%F)
grace_end=$(date -d "$(date -d "$expiry_g" +%Y-%m-01) +4 months -1 day" +%F)
older() {  # person pin issued-on -> card id
  "$onshi" card issue --db "$db" --person-id "$1" --pin "$2" --now "$3" >"$tmp/issue-old.txt"
  grep -q "cert valid to $4 " "$tmp/issue-old.txt" || { cat "$tmp/issue-old.txt" >&2; die "certificate not valid to $4"; }
  sed -nE 's/.*card ([0-9]+) \(person.*/\1/p' "$tmp/issue-old.txt" | head -1
}
card_f=$(older "$person_f" 1122 "$issued_f" "$expiry_f")
card_g=$(older "$person_g" 3344 "$issued_g" "$expiry_g")
"$onshi" card register --db "$db" --card "$card_f" --channel portal --now "$issued_f" >/dev/null
"$onshi" card register --db "$db" --card "$card_g" --channel portal --now "$issued_g" >/dev/null
# R-DOC-9: the keys printed on the 資格確認書 of card A's holder, and of someone
# whose qualification was lost.
lookup_valid=$(sqlite3 -separator '|' "$db" "SELECT insurer_number, symbol, number, branch, birth_date
  FROM members WHERE person_id = $1 AND lost IS NULL")
lookup_lost=$(sqlite3 -separator '|' "$db" "SELECT insurer_number, symbol, number, branch, birth_date
  FROM members m WHERE lost IS NOT NULL AND lost <= '$today'
  AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1 ORDER BY member_id LIMIT 1")
[ -n "$lookup_valid" ] && [ -n "$lookup_lost" ] || die "no qualifications to look up"
grep -q "照合番号B" "$tmp/issue.txt" || die "card issue printed no 照合番号B"
echo "run_kiosk: cards $card_a (photo, registered), $card_b (registered), $card_c (photo, not registered)," \
  "$card_d (face-only, photo, not registered), $card_e (registered, data not linked yet)," \
  "$card_f (certificate expires $expiry_f), $card_g (certificate expired $expiry_g, grace to $grace_end)"

"$onshi" serve --db "$db" --listen 127.0.0.1:0 --link-every 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
url=$(await_line "$tmp/serve.out" 's#^onshi: serving .* on \(https://[^ ]*\)/$#\1#p' "${pids[-1]}" "onshi serve")

# --- a private pcscd with vpcd on a free port pair ---------------------------
port=$(node -e '
const net = require("net");
const free = (p) => new Promise((ok) => { const s = net.createServer().once("error", () => ok(false))
  .listen(p, "127.0.0.1", () => s.close(() => ok(true))); });
(async () => { for (let p = 35963; p < 36963; p += 2) if (await free(p) && await free(p + 1)) { console.log(p); return; } })();')
[ -n "$port" ] || die "no free port pair for vpcd"
mkdir -p "$tmp/pcscd/conf" "$tmp/pcscd/run"
cat >"$tmp/pcscd/conf/vpcd" <<CONF
FRIENDLYNAME "Onshi Kiosk Reader"
DEVICENAME   /dev/null:$port
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $port
CONF
# No --fork: unshare, then sh, exec into pcscd, so the pid is pcscd's own (a
# forking unshare ignores SIGTERM while it waits for its child).
unshare --mount sh -c "mkdir -p /run/pcscd && mount --bind '$tmp/pcscd/run' /run/pcscd \
  && exec pcscd --foreground -c '$tmp/pcscd/conf'" >"$tmp/pcscd.log" 2>&1 &
pids+=($!)
export PCSCLITE_CSOCK_NAME="$tmp/pcscd/run/pcscd.comm"
for _ in $(seq 1 100); do [ -S "$PCSCLITE_CSOCK_NAME" ] && break; sleep 0.1; done
[ -S "$PCSCLITE_CSOCK_NAME" ] || { cat "$tmp/pcscd.log" >&2; die "pcscd did not start"; }

# --- the terminal with its kiosk --------------------------------------------
"$onshi" terminal --central "$url" --ca "$tmp/clinic/ca.pem" --cert "$tmp/clinic/cert.pem" \
  --key "$tmp/clinic/key.pem" --body "$tmp/clinic/body.json" --dir "$tmp/terminal" \
  --kiosk 0 --facility $clinic --reader-key "$tmp/reader" --card-surface "$tmp/card-surface" \
  --web-root "$kiosk_root" >"$tmp/terminal.out" 2>"$tmp/terminal.err" &
pids+=($!)
kiosk=$(await_line "$tmp/terminal.out" 's#^onshi terminal: kiosk on \(http://[^ ]*\) .*#\1#p' "${pids[-1]}" "onshi terminal")
echo "run_kiosk: central $url, kiosk $kiosk, vpcd port $port"

# Screenshots kept as test artifacts, this run's only.
artifacts="$build/test-artifacts/web_kiosk"
rm -rf "$artifacts"
mkdir -p "$artifacts"
set +e
node "$here/kiosk.mjs" --kiosk "$kiosk" --onshi "$onshi" --issuer-key "$db.card-issuer.key" \
  --cards "$db.cards" --card-a "$card_a" --card-b "$card_b" --card-c "$card_c" --card-d "$card_d" --card-e "$card_e" \
  --card-f "$card_f" --card-g "$card_g" --grace-end "$grace_end" --lookup-valid "$lookup_valid" \
  --lookup-lost "$lookup_lost" --vpcd "localhost:$port" \
  --surface "$tmp/card-surface" --faces "$faces" --face-dir "$tmp/terminal/Face" \
  --screenshot "$artifacts/kiosk.png"
status=$?
# Every Face file the terminal wrote, against the clients' profiles
# (terminal-protocol.md §10/§11; tests/app/face_profiles.hpp).
if [ "$status" -eq 0 ]; then
  ONSHI_KIOSK_FACE_DIR="$tmp/terminal/Face" "$build/app_tests" \
    --gtest_filter='KioskFaceFolder.*' --gtest_brief=1
  status=$?
fi
# Issue 18, "consent given at the kiosk → data visible": card A's holder
# last answered the kiosk's consent questions in flow 3 (診療・薬剤 yes,
# 特定健診 yes); flow 2 before it said no to all, which a later yes
# overrides. The clinic's software now asks this terminal for the 薬剤情報
# as a PDF (YZK, FileCategory 1) and the 特定健診 as XML (TKK) — both
# answered; a request naming another facility's code is refused in the
# answer (R-FAC-4; terminal-protocol.md §6.6).
if [ "$status" -eq 0 ]; then
  IFS='|' read -r ins sym num br < <(sqlite3 -separator '|' "$db" "SELECT m.insurer_number, m.symbol,
    m.number, m.branch FROM cards c JOIN members m USING (person_id) WHERE c.card_id = $card_a")
  month=$(TZ=Asia/Tokyo date +%Y%m)
  mkdir -p "$tmp/terminal/Req"
  clinical_request() {  # prefix suffix facility category
    local body="<StartDate>$month</StartDate><EndDate>$month</EndDate>"
    [ "$1" = TKK ] && body=""
    printf '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<XmlMsg><MessageHeader>%s%s%s%s%s%s</MessageHeader><MessageBody>%s<FileCategory>%s</FileCategory><PrDiInfClassification>1</PrDiInfClassification><MedicalTreatmentFlag>1</MedicalTreatmentFlag></MessageBody></XmlMsg>\n' \
      "<MedicalInstitutionCode>$3</MedicalInstitutionCode>" "<InsurerNumber>$ins</InsurerNumber>" \
      "<InsuranceCardSymbol>$sym</InsuranceCardSymbol>" \
      "<InsuredPersonIdentificationNumber>$num</InsuredPersonIdentificationNumber>" \
      "<BranchNumber>$br</BranchNumber>" "<ArbitraryFileIdentifier>kiosk-$2</ArbitraryFileIdentifier>" \
      "$body" "$4" >"$tmp/terminal/Req/.$1-$2.tmp"
    mv "$tmp/terminal/Req/.$1-$2.tmp" "$tmp/terminal/Req/$1siquc01req_$2.xml"  # renamed in, as ReceptionAgent does
  }
  await_file() {  # path: waits for the running terminal to publish it
    for _ in $(seq 1 150); do [ -e "$1" ] && return 0; sleep 0.2; done
    echo "run_kiosk: FAIL no $1" >&2
    return 1
  }
  res="$tmp/terminal/Res"
  clinical_request YZK 9000000001 $clinic 1
  clinical_request TKK 9000000002 $clinic 2
  clinical_request YZK 9000000003 1399999994 2
  if await_file "$res/YZKsiquc01res_9000000001.pdf" && await_file "$res/TKKsiquc01res_9000000002.xml" &&
     await_file "$res/YZKsiquc01res_9000000003.xml"; then
    pdf_text=$(pdftotext -layout -enc UTF-8 "$res/YZKsiquc01res_9000000001.pdf" - | tr -d ' \n\f　')
    holder=$(sed -n 's:.*<Name>\([^<]*\)</Name>.*:\1:p' "$res/TKKsiquc01res_9000000002.xml" | tr -d ' 　')
    for want in 薬剤情報 "${holder}様" 1/1; do
      case "$pdf_text" in *"$want"*) echo "  ok   YZK PDF shows $want" ;;
        *) echo "  FAIL YZK PDF lacks $want: $pdf_text" >&2; status=1 ;; esac
    done
    if grep -q '<ResultCode>1</ResultCode>' "$res/TKKsiquc01res_9000000002.xml"; then
      echo "  ok   TKK answered under the kiosk's 特定健診 consent"
    else
      echo "  FAIL TKK not answered: $(cat "$res/TKKsiquc01res_9000000002.xml")" >&2; status=1
    fi
    if grep -q '<ResultCode>2</ResultCode>' "$res/YZKsiquc01res_9000000003.xml"; then
      echo "  ok   another facility's code is refused"
    else
      echo "  FAIL another facility's code answered" >&2; status=1
    fi
  else
    ls -la "$res" >&2
    status=1
  fi
fi
set -e
if [ "$status" -ne 0 ]; then
  echo "run_kiosk: --- terminal stderr ---" >&2
  cat "$tmp/terminal.err" >&2
  echo "run_kiosk: --- serve stderr (tail) ---" >&2
  tail -20 "$tmp/serve.err" >&2
fi
echo "run_kiosk: exit $status after $((SECONDS - start)) s"
exit "$status"
