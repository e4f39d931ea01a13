#!/usr/bin/env bash
# `make demo`: builds a fresh demo database with a synthetic population and
# the hand-made scenarios, registers a demo clinic, then runs `onshi serve`
# (HTTPS) in the foreground and prints what to try.
set -euo pipefail
onshi=${1:-build/onshi}
dir=${ONSHI_DEMO_DIR:-demo}
port=${ONSHI_DEMO_PORT:-8443}
agent_port=${ONSHI_DEMO_AGENT_PORT:-47215}
members=${ONSHI_DEMO_MEMBERS:-5000}
today=${ONSHI_DEMO_TODAY:-$(TZ=Asia/Tokyo date +%F)}
clinic=1310000011

mkdir -p "$dir"
# Absolute paths: the commands printed below work from any directory.
dir=$(cd "$dir" && pwd)
onshi=$(cd "$(dirname "$onshi")" && pwd)/$(basename "$onshi")
# Only what this script made before, never the whole directory.
rm -rf "$dir"/onshi.db "$dir"/onshi.db-wal "$dir"/onshi.db-shm "$dir"/onshi.db.keys "$dir"/onshi.db.ca "$dir"/clinic \
  "$dir"/insurer "$dir"/forms.csv "$dir"/import-errors.csv "$dir"/onshi.db.jpki "$dir"/onshi.db.cards \
  "$dir"/onshi.db.card-issuer.key "$dir"/window "$dir"/ops "$dir"/reader "$dir"/print
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
echo "== 新宿区's window issues two My Number cards to its residents (JPKI certificates, PINs below)"
# A window acts only on its own residents: 新宿区 (131041) for people living there.
"$onshi" municipal add --db "$dir/onshi.db" --code 131041 --name "新宿区" --out "$dir/window" >/dev/null
"$onshi" admin add --db "$dir/onshi.db" --name ops --out "$dir/ops" >/dev/null
# 新宿区 residents insured today, once, without a card yet.
people=$(sqlite3 "$dir/onshi.db" "SELECT m.person_id FROM members m JOIN persons p USING (person_id)
  WHERE linkage='linked' AND lost IS NULL AND p.municipality = '131041'
  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = m.person_id)
  AND (SELECT COUNT(*) FROM members x WHERE x.person_id = m.person_id) = 1 ORDER BY m.person_id LIMIT 2")
set -- $people
"$onshi" card issue --db "$dir/onshi.db" --municipality 131041 --person-id "$1" --pin 1234 | tee "$dir/card1.txt"
card1=$(sed -nE 's/.*card ([0-9]+) \(person.*/\1/p' "$dir/card1.txt" | head -1)
"$onshi" card register --db "$dir/onshi.db" --card "$card1" --channel portal >/dev/null
"$onshi" card issue --db "$dir/onshi.db" --municipality 131041 --person-id "$2" --pin 5678 | tee "$dir/card2.txt"
card2=$(sed -nE 's/.*card ([0-9]+) \(person.*/\1/p' "$dir/card2.txt" | head -1)
d=$(echo "$today" | tr -d -)
base="https://127.0.0.1:$port"
cat <<MSG

== onshi is starting on $base/   (stop with Ctrl-C)
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
     in a browser: openssl pkcs12 -export -in $dir/insurer/cert.pem -inkey $dir/insurer/key.pem -out insurer.p12
       then import insurer.p12 and open $base/insurer/errors  (rejected lines: $dir/import-errors.csv)
     submit more: curl --cacert $dir/insurer/ca.pem --cert $dir/insurer/cert.pem --key $dir/insurer/key.pem \
       -H 'Content-Type: text/csv; charset=utf-8' --data-binary @FILE.csv $base/insurer/v1/submissions
   the forms link after 2 business days (onshi serve runs the linker every minute; or: $onshi link --db $dir/onshi.db)
   the insurer's documents (資格確認書, 資格情報のお知らせ, …): what is due today, then print it all
     $onshi documents due --db $dir/onshi.db --insurer 06139992
     $onshi documents issue --db $dir/onshi.db --insurer 06139992 --out $dir/print
     or over the API: curl -s --cacert $dir/insurer/ca.pem --cert $dir/insurer/cert.pem --key $dir/insurer/key.pem $base/insurer/v1/documents/due
   audit chain: $onshi audit verify --db $dir/onshi.db
   My Number cards (files sealed with $dir/onshi.db.card-issuer.key):
     card $card1: PIN 1234, registered for insurance use (利用登録) — $dir/onshi.db.cards/card-$card1.card
     card $card2: PIN 5678, not registered yet: register it at the window
       curl --cacert $dir/window/ca.pem --cert $dir/window/cert.pem --key $dir/window/key.pem \\
         -H 'Content-Type: application/json' --data '{"pin":"5678"}' $base/municipal/v1/cards/$card2/register
     put a card behind a PC/SC reader (vsmartcard vpcd + pcscd), then read it with OpenSC:
       $onshi card emulate --card $dir/onshi.db.cards/card-$card1.card --issuer-key $dir/onshi.db.card-issuer.key
       pkcs15-tool --list-certificates
     check eligibility with a card (照会区分 1): POST $base/oqs-api-pro/card/challenge, have the card sign it
       after VERIFY (PIN mode) — or, by face or 目視, have the clinic's reader sign it with its key
       $dir/reader/reader-key.pem (id in $dir/reader/reader-id) — then POST $base/oqs-api-pro/card/search
       (docs/card-protocol.md; tests/app/card_e2e_test.cpp shows both exchanges); the card's part
       without a reader: $onshi card sign --card $dir/onshi.db.cards/card-$card1.card \
         --issuer-key $dir/onshi.db.card-issuer.key --pin 1234 --audience $clinic --challenge CHALLENGE
     the clinic's readers:  $onshi reader list --db $dir/onshi.db --facility $clinic
   the portal (マイナポータル): log in with a card, register it, see 資格情報 (and its PDF), documents,
   consents and who looked you up. The reader agent is started below on http://127.0.0.1:$agent_port;
   put a card behind pcscd (vsmartcard's vpcd, as above), e.g. card $card2 (PIN 5678, not registered yet):
       $onshi card emulate --card $dir/onshi.db.cards/card-$card2.card --issuer-key $dir/onshi.db.card-issuer.key
     then open $base/portal/ in Chromium (trust $dir/clinic/ca.pem as an authority, or accept the
     certificate once). Without a browser: tests/web/run_portal.sh build does it all headless.
   the card reader's kiosk (README "The card reader's kiosk"): with the card emulated as above
   (add --surface $dir/card-surface), in another terminal
       $onshi terminal --central $base --ca $dir/clinic/ca.pem --cert $dir/clinic/cert.pem \
         --key $dir/clinic/key.pem --body $dir/clinic/body.json --dir $dir/terminal \
         --kiosk 8088 --facility $clinic --reader-key $dir/reader --card-surface $dir/card-surface
     open http://127.0.0.1:8088/ (card $card1: 暗証番号 1234; card $card2 goes to 利用登録 at the reader),
     staff: http://127.0.0.1:8088/staff; Face files appear in $dir/terminal/Face. 顔認証 needs a card
     issued with --photo (the demo cards have none) and npm ci in src/web/kiosk.
MSG
# The portal's reader agent, on loopback, for this server's origin only; it
# stops with the server.
"$onshi" reader-agent --origin "$base" --listen "127.0.0.1:$agent_port" &
agent_pid=$!
trap 'kill "$agent_pid" 2>/dev/null || true' EXIT
"$onshi" serve --db "$dir/onshi.db" --listen "127.0.0.1:$port" --reader-agent "http://127.0.0.1:$agent_port"
