#!/usr/bin/env bash
# `make demo`: builds a fresh demo database with a synthetic population and
# the hand-made scenarios, registers a demo clinic, issues My Number cards for
# every card scenario (registered, 利用登録なし, suspended, PIN locked, in the
# certificate's grace), starts a private pcscd with vsmartcard's vpcd and the
# first card in its reader (`onshi card emulate`), then runs `onshi serve`
# (HTTPS) in the foreground and prints what to try. Everything it started
# stops with it (Ctrl-C, or when serve exits).
#
#   scripts/demo.sh [--no-serve] [ONSHI_BINARY]
#
# --no-serve: the set-up only — database, cards, pcscd and the card in the
# reader, the printed instructions — then, instead of serving, waits until
# its standard input closes (or Ctrl-C) and stops what it started. The demo
# test (tests/demo/run_demo_setup.sh) runs it so and tries the printed card
# commands.
#
# The card reader needs root: pcscd runs in a mount namespace of its own
# (unshare --mount) with a directory of ours over /run/pcscd, so it never
# touches the machine's pcscd or readers (as tests/reader/pcscd_fixture.hpp).
# Without root, pcscd or vpcd the demo says so and goes on without the reader
# (ONSHI_DEMO_READER=0 leaves the reader out on purpose).
set -euo pipefail
serve=1
if [ "${1:-}" = "--no-serve" ]; then
  serve=0
  shift
fi
onshi=${1:-build/onshi}
dir=${ONSHI_DEMO_DIR:-demo}
port=${ONSHI_DEMO_PORT:-8443}
agent_port=${ONSHI_DEMO_AGENT_PORT:-47215}
members=${ONSHI_DEMO_MEMBERS:-5000}
today=${ONSHI_DEMO_TODAY:-$(TZ=Asia/Tokyo date +%F)}
clinic=1310000011

# What this script starts, newest last; all stopped on exit, newest first.
pids=()
stop_started() {
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap stop_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$dir"
# Absolute paths: the commands printed below work from any directory.
dir=$(cd "$dir" && pwd)
onshi=$(cd "$(dirname "$onshi")" && pwd)/$(basename "$onshi")
# Only what this script made before, never the whole directory.
rm -rf "$dir"/onshi.db "$dir"/onshi.db-wal "$dir"/onshi.db-shm "$dir"/onshi.db.keys "$dir"/onshi.db.ca "$dir"/clinic \
  "$dir"/insurer "$dir"/forms.csv "$dir"/import-errors.csv "$dir"/onshi.db.jpki "$dir"/onshi.db.cards \
  "$dir"/onshi.db.card-issuer.key "$dir"/window "$dir"/ops "$dir"/reader "$dir"/print "$dir"/pcscd \
  "$dir"/opensc.conf "$dir"/card-surface "$dir"/card*.txt "$dir"/emulate.log "$dir"/insurer.p12 \
  "$dir"/check-log
echo "== creating $dir/onshi.db: $members synthetic members as of $today"
"$onshi" populate --db "$dir/onshi.db" --members "$members" --seed 1 --today "$today" --scenarios --quiet \
  | tee "$dir/scenarios.txt"
echo
"$onshi" facility add --db "$dir/onshi.db" --code $clinic --name "オンシ試験クリニック" --out "$dir/clinic"
# The clinic's card reader: its own key signs every face and 目視 check it makes.
"$onshi" reader add --db "$dir/onshi.db" --facility $clinic --name "受付1" --out "$dir/reader"
echo
echo "== the insurer オンシ健康保険組合 (06139992) submits 200 資格取得届, some with errors"
"$onshi" insurer add --db "$dir/onshi.db" --number 06139992 --name "オンシ健康保険組合" --lag 2 --out "$dir/insurer"
"$onshi" forms --db "$dir/onshi.db" --persons 200 --bad-per-mille 60 --seed 2 --today "$today" --out "$dir/forms.csv"
"$onshi" import "$dir/forms.csv" --insurer 06139992 --db "$dir/onshi.db" --errors "$dir/import-errors.csv" --quiet \
  2>/dev/null || true   # exit 3: some lines refused or registration errors, as intended
echo
echo "== 新宿区's window issues My Number cards to its residents, one for each card scenario (PINs below)"
# A window acts only on its own residents: 新宿区 (131041) for people living there.
"$onshi" municipal add --db "$dir/onshi.db" --code 131041 --name "新宿区" --out "$dir/window" >/dev/null
"$onshi" admin add --db "$dir/onshi.db" --name ops --out "$dir/ops" >/dev/null
# 新宿区 residents insured today, once, without a card yet (adults, for the
# grace card's birthday arithmetic below).
residents() {  # extra SQL condition, how many -> "person_id birth_date" lines
  sqlite3 -separator ' ' "$dir/onshi.db" "SELECT m.person_id, p.birth_date FROM members m JOIN persons p USING (person_id)
    WHERE linkage='linked' AND lost IS NULL AND p.municipality = '131041'
    AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = m.person_id)
    AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1
    AND p.birth_date < '$(( ${today:0:4} - 20 ))-01-01' AND $1 ORDER BY m.person_id LIMIT $2"
}
card_of() { sed -nE 's/.*card ([0-9]+) \(person.*/\1/p' "$1" | head -1; }
issue() {  # person pin name [--now T] -> card id; its printout in $dir/<name>.txt
  local person=$1 pin=$2 name=$3
  shift 3
  "$onshi" card issue --db "$dir/onshi.db" --municipality 131041 --person-id "$person" --pin "$pin" "$@" \
    >"$dir/$name.txt"
  card_of "$dir/$name.txt"
}
mapfile -t people < <(residents "1" 4 | cut -d' ' -f1)
[ "${#people[@]}" -eq 4 ] || { echo "demo: fewer than 4 新宿区 residents; raise ONSHI_DEMO_MEMBERS" >&2; exit 1; }
card1=$(issue "${people[0]}" 1234 card1)   # registered for insurance use
"$onshi" card register --db "$dir/onshi.db" --card "$card1" --channel portal >/dev/null
card2=$(issue "${people[1]}" 5678 card2)   # 利用登録なし
card3=$(issue "${people[2]}" 2468 card3)   # suspended by the hotline
"$onshi" card register --db "$dir/onshi.db" --card "$card3" --channel portal >/dev/null
"$onshi" card suspend --db "$dir/onshi.db" --card "$card3" >/dev/null
card4=$(issue "${people[3]}" 1357 card4)   # PIN locked: three wrong PINs, as at a reader
"$onshi" card register --db "$dir/onshi.db" --card "$card4" --channel portal >/dev/null
for _ in 1 2 3; do
  "$onshi" card sign --card "$dir/onshi.db.cards/card-$card4.card" --issuer-key "$dir/onshi.db.card-issuer.key" \
    --pin 0000 --audience $clinic --challenge ZGVtbw >/dev/null 2>&1 || true
done
# R-CARD-4: a certificate runs to the 5th birthday after issuance (R-CARD-3),
# so a card issued five years ago, the day after a birthday 10-50 days ago,
# expired on that birthday and is in the grace, which runs to the end of the
# third month after it.
days_ago="((strftime('%j', '2001' || substr('$today', 5)) - strftime('%j', '2001' || substr(p.birth_date, 5)) + 365) % 365)"
read -r person5 birth5 <<<"$(residents "substr(p.birth_date, 6) <> '02-29' AND $days_ago BETWEEN 10 AND 50 AND m.person_id NOT IN ($(IFS=,; echo "${people[*]}"))" 1)" || true
card5=""
if [ -n "${person5:-}" ]; then
  expiry5="${today:0:4}-${birth5:5}"
  [[ "$expiry5" > "$today" ]] && expiry5="$(( ${today:0:4} - 1 ))-${birth5:5}"
  issued5=$(date -d "$expiry5 -5 years +1 day" +%F)
  grace5=$(date -d "$(date -d "$expiry5" +%Y-%m-01) +4 months -1 day" +%F)
  card5=$(issue "$person5" 1122 card5 --now "$issued5")
  "$onshi" card register --db "$dir/onshi.db" --card "$card5" --channel portal --now "$issued5" >/dev/null
fi
cat "$dir"/card1.txt "$dir"/card2.txt

# --- the card reader: a private pcscd, vsmartcard's vpcd, card 1 inserted ---
# Why not, in both languages: the demo goes on without the card steps.
reader_missing=""
if [ "${ONSHI_DEMO_READER:-1}" = 0 ]; then
  reader_missing="ONSHI_DEMO_READER=0 で無効にされています / turned off by ONSHI_DEMO_READER=0"
elif [ "$(id -u)" -ne 0 ]; then
  reader_missing="root が必要です (pcscd を専用の mount 名前空間で動かすため) / needs root (pcscd runs in a mount namespace of its own)"
elif ! command -v pcscd >/dev/null || ! command -v unshare >/dev/null; then
  reader_missing="pcscd がありません / pcscd is not installed (scripts/install-deps.sh)"
elif [ ! -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]; then
  reader_missing="vpcd がありません / vsmartcard-vpcd is not installed (scripts/install-deps.sh)"
elif ! command -v pkcs15-tool >/dev/null || ! command -v opensc-tool >/dev/null; then
  reader_missing="OpenSC がありません / OpenSC (pkcs15-tool) is not installed (scripts/install-deps.sh)"
fi
vpcd_port=""
socket="$dir/pcscd/run/pcscd.comm"
if [ -z "$reader_missing" ]; then
  # A free port pair (vpcd takes PORT for slot 0 and PORT+1 for slot 1).
  listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  for p in $(seq 35963 2 36961); do
    if ! listening "$p" && ! listening $((p + 1)); then vpcd_port=$p; break; fi
  done
  [ -n "$vpcd_port" ] || reader_missing="vpcd 用の空きポートがありません / no free port pair for vpcd"
fi
if [ -z "$reader_missing" ]; then
  mkdir -p "$dir/pcscd/conf" "$dir/pcscd/run"
  cat >"$dir/pcscd/conf/vpcd" <<CONF
FRIENDLYNAME "Onshi Demo Reader"
DEVICENAME   /dev/null:$vpcd_port
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $vpcd_port
CONF
  # OpenSC's jpki driver: no signing certificate on these cards, and no
  # cache in ~/.cache that would outlive the demo's cards.
  cat >"$dir/opensc.conf" <<CONF
app default {
  framework pkcs15 { use_file_caching = no; }
  card_driver jpki { disable_sign_cert = yes; }
}
CONF
  # exec: the pid is pcscd's own, so stopping it stops pcscd.
  unshare --mount sh -c "mkdir -p /run/pcscd && mount --bind '$dir/pcscd/run' /run/pcscd \
    && exec pcscd --foreground -c '$dir/pcscd/conf'" >"$dir/pcscd/pcscd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done
  if [ -S "$socket" ]; then
    # Everything started from here on (the reader agent, a kiosk) uses it.
    export PCSCLITE_CSOCK_NAME="$socket" OPENSC_CONF="$dir/opensc.conf"
    "$onshi" card emulate --card "$dir/onshi.db.cards/card-$card1.card" --issuer-key "$dir/onshi.db.card-issuer.key" \
      --vpcd "localhost:$vpcd_port" --surface "$dir/card-surface" >"$dir/emulate.log" 2>&1 &
    pids+=($!)
    # The card is in the reader once vpcd has polled the emulator (about a
    # second): wait for it, so that the commands printed below work at once.
    if command -v opensc-tool >/dev/null; then
      for _ in $(seq 1 100); do
        opensc-tool --list-readers 2>/dev/null | grep -q '^0 *Yes' && break
        sleep 0.1
      done
      opensc-tool --list-readers 2>/dev/null | grep -q '^0 *Yes' \
        || echo "demo: card $card1 is not in the reader yet (see $dir/emulate.log)" >&2
    fi
  else
    reader_missing="pcscd が起動しませんでした / pcscd did not start: $(tail -n 3 "$dir/pcscd/pcscd.log" | tr '\n' ' ')"
    stop_started
  fi
fi

d=$(echo "$today" | tr -d -)
base="https://127.0.0.1:$port"
cat <<MSG

== onshi $( [ "$serve" -eq 1 ] && echo "is starting" || echo "would start (--no-serve)" ) on $base/   (stop with Ctrl-C)
   health, and for operators (their certificate) the metrics and the audit chain check:
     curl --cacert $dir/clinic/ca.pem $base/healthz
     curl --cacert $dir/clinic/ca.pem --cert $dir/ops/cert.pem --key $dir/ops/key.pem $base/metrics
     curl --cacert $dir/clinic/ca.pem --cert $dir/ops/cert.pem --key $dir/ops/key.pem $base/admin/audit/verify
   log in as the demo clinic (client certificate + body.json), keep the idToken:
     TOKEN=\$(curl -s --cacert $dir/clinic/ca.pem --cert $dir/clinic/cert.pem --key $dir/clinic/key.pem \\
       --data-binary @$dir/clinic/body.json $base/oqs-api-pro/MSA12020/ILI12020SV01/auth \\
       | sed -E 's/.*"idToken":"([^"]+)".*/\1/')
   check eligibility (有効; try the other scenarios above — 番号 1002…1005, or 1001 without 枝番 and 20150601):
     curl -s -i --cacert $dir/clinic/ca.pem -H "Authorization: \$TOKEN" -H 'Content-Type: application/json' \\
       --data '{"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"$d","MedicalInstitutionCode":"$clinic"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":"1001","InsuredBranchNumber":"00","Birthdate":"19800515","LimitApplicationCertificateRelatedConsFlg":"1"}}}}' \\
       $base/oqs-api-pro/MSA01030/ILI01030SV01/search
   the proof key for X-OQS-Proof:  curl --cacert $dir/clinic/ca.pem $base/oqs-api-pro/proof-key
   FHIR: POST a CoverageEligibilityRequest to $base/fhir/CoverageEligibilityRequest/\$submit (see docs/fhir.md)
   the insurer's side (client certificate $dir/insurer/cert.pem): the queue, the error report, its CSV
     curl -s --cacert $dir/insurer/ca.pem --cert $dir/insurer/cert.pem --key $dir/insurer/key.pem $base/insurer/v1/submissions?limit=5
     curl -s --cacert $dir/insurer/ca.pem --cert $dir/insurer/cert.pem --key $dir/insurer/key.pem $base/insurer/errors.csv
     in a browser: openssl pkcs12 -export -in $dir/insurer/cert.pem -inkey $dir/insurer/key.pem -out $dir/insurer.p12
       then import $dir/insurer.p12 and open $base/insurer/errors  (rejected lines: $dir/import-errors.csv)
     submit more: curl --cacert $dir/insurer/ca.pem --cert $dir/insurer/cert.pem --key $dir/insurer/key.pem \\
       -H 'Content-Type: text/csv; charset=utf-8' --data-binary @FILE.csv $base/insurer/v1/submissions
   the forms link after 2 business days (onshi serve runs the linker every minute; or: $onshi link --db $dir/onshi.db)
   the insurer's documents (資格確認書, 資格情報のお知らせ, …): what is due today, then print it all
     $onshi documents due --db $dir/onshi.db --insurer 06139992
     $onshi documents issue --db $dir/onshi.db --insurer 06139992 --out $dir/print
     or over the API: curl -s --cacert $dir/insurer/ca.pem --cert $dir/insurer/cert.pem --key $dir/insurer/key.pem $base/insurer/v1/documents/due
   audit chains (the database's, and the checks' own log, as issue 20 serves them):
     $onshi audit verify --db $dir/onshi.db --check-log $dir/check-log
   every certificate issued (clinic, insurer, window, operator, server, cards), revoked or not:
     $onshi credentials list --db $dir/onshi.db
   My Number cards: see the card table below.
     check eligibility with a card (照会区分 1): POST $base/oqs-api-pro/card/challenge, have the card sign it
       after VERIFY (PIN mode) — or, by face or 目視, have the clinic's reader sign it with its key
       $dir/reader/reader-key.pem (id in $dir/reader/reader-id) — then POST $base/oqs-api-pro/card/search
       (docs/card-protocol.md; tests/app/card_e2e_test.cpp shows both exchanges)
     register card $card2 at the window:
       curl --cacert $dir/window/ca.pem --cert $dir/window/cert.pem --key $dir/window/key.pem \\
         -H 'Content-Type: application/json' --data '{"pin":"5678"}' $base/municipal/v1/cards/$card2/register
     the clinic's readers:  $onshi reader list --db $dir/onshi.db --facility $clinic
   the portal (マイナポータル): log in with a card, register it, see 資格情報 (and its PDF), documents,
   consents and who looked you up. The reader agent is started below on http://127.0.0.1:$agent_port
   and reads the card in the demo's reader (card $card1, PIN 1234; see the card table);
     open $base/portal/ in Chromium (trust $dir/clinic/ca.pem as an authority, or accept the
     certificate once). Without a browser: tests/web/run_portal.sh build does it all headless.
   the card reader's kiosk (README "The card reader's kiosk"), on the demo's reader, in another terminal
       PCSCLITE_CSOCK_NAME=$socket \\
       $onshi terminal --central $base --ca $dir/clinic/ca.pem --cert $dir/clinic/cert.pem \\
         --key $dir/clinic/key.pem --body $dir/clinic/body.json --dir $dir/terminal \\
         --kiosk-listen localhost:8088 --facility $clinic --reader-key $dir/reader --card-surface $dir/card-surface
     open http://127.0.0.1:8088/ (card $card1: 暗証番号 1234; card $card2 goes to 利用登録 at the reader),
     staff: http://127.0.0.1:8088/staff; Face files appear in $dir/terminal/Face. 顔認証 needs a card
     issued with --photo (the demo cards have none) and npm ci in src/web/kiosk.
MSG

# The card table: every card scenario with its file and PIN. Japanese only in
# the last column, so printf's byte counts keep the columns aligned.
echo "== My Number cards (files sealed with $dir/onshi.db.card-issuer.key; any of them works from any directory)"
row() { printf '   %-6s %-5s %s\n' "$1" "$2" "$dir/onshi.db.cards/card-$1.card"; printf '          %s\n' "$3"; }
printf '   %-6s %-5s %s\n' card PIN "card file / 状態 (state)"
row "$card1" 1234 "利用登録済み: registered for insurance use$( [ -z "$reader_missing" ] && echo " — in the demo's reader now")"
row "$card2" 5678 "利用登録なし: not registered for insurance use (R-REG-3): the reader offers registration"
row "$card3" 2468 "一時停止: suspended by the hotline (R-CARD-6): refused, card_suspended"
row "$card4" 1357 "PIN ロック: PIN locked after 3 wrong tries (R-CARD-5): PIN mode refused, face or 目視 works"
if [ -n "$card5" ]; then
  row "$card5" 1122 "猶予期間: certificate expired $expiry5, usable in the grace to $grace5 (R-CARD-4), sharing off"
else
  echo "   (no 新宿区 resident with a birthday 10-50 days ago: no card in the grace; raise ONSHI_DEMO_MEMBERS)"
fi
echo "   (the scenarios table above also lists card states: those are records for 記号・番号 checks, without card files)"
if [ -z "$reader_missing" ]; then
  cat <<MSG
   the card reader: a private pcscd with vsmartcard's vpcd, "Onshi Demo Reader"; slot 0 holds card $card1,
   slot 1 is free. In any shell, from any directory:
     \$ export PCSCLITE_CSOCK_NAME=$socket OPENSC_CONF=$dir/opensc.conf
     \$ opensc-tool --list-readers
     \$ pkcs15-tool --reader 0 --list-certificates
   put another card in slot 1 (stop it with Ctrl-C), e.g. the PIN-locked one:
       $onshi card emulate --card $dir/onshi.db.cards/card-$card4.card --issuer-key $dir/onshi.db.card-issuer.key --vpcd localhost:$((vpcd_port + 1))
   the card's part of a check, without a reader (use the challenge POST $base/oqs-api-pro/card/challenge gave;
   any base64url signs):
     \$ $onshi card sign --card $dir/onshi.db.cards/card-$card1.card --issuer-key $dir/onshi.db.card-issuer.key --pin 1234 --audience $clinic --challenge ZGVtby1jaGFsbGVuZ2U
MSG
else
  cat <<MSG
   カードリーダーのエミュレーターは起動していません。カードの手順は省略します。
   The card reader emulator is not running, so the card steps are left out: $reader_missing
   the card's part of a check still works on a card file, without a reader:
     \$ $onshi card sign --card $dir/onshi.db.cards/card-$card1.card --issuer-key $dir/onshi.db.card-issuer.key --pin 1234 --audience $clinic --challenge ZGVtby1jaGFsbGVuZ2U
MSG
fi

if [ "$serve" -eq 0 ]; then
  echo "== set-up done (--no-serve): pcscd and the card emulator run until standard input closes or Ctrl-C"
  # Not `read`: it would end at the first newline. In the background with
  # `wait`, so that a signal to this script alone stops it at once too.
  # (A background command's stdin is /dev/null unless given: fd 3 is ours.)
  exec 3<&0
  cat <&3 >/dev/null &
  pids+=($!)
  exec 3<&-
  wait "${pids[-1]}" || true
  exit 0
fi
# The portal's reader agent, on loopback, for this server's origin only,
# through the demo's pcscd; it stops with the server.
"$onshi" reader-agent --origin "$base" --listen "127.0.0.1:$agent_port" &
pids+=($!)
# In the background with `wait`: Ctrl-C or a signal to this script stops the
# server and everything above (the EXIT trap), and so does the server exiting.
# Checks are audited in a log of their own, each record synced before its
# answer (README "The check log"), as a production server runs.
"$onshi" serve --db "$dir/onshi.db" --listen "127.0.0.1:$port" --reader-agent "http://127.0.0.1:$agent_port" \
  --check-log "$dir/check-log" &
pids+=($!)
wait "${pids[-1]}"
