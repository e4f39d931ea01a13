#!/usr/bin/env bash
# Runs the suites that talk TLS to real clients (curl, Node, Chromium) and the
# card suites with the machine's real clock moved by OFFSET, while the tests
# keep their own simulated dates (--now 2026-11-…): with the default "-2y" the
# simulated dates lie two years after the (faked) real one, with "+3y" three
# years before it. Issue 21: test certificates must be valid around the real
# time whatever simulated date a test runs at (auth/facility_ca.hpp, Create).
#
# libfaketime (Debian package faketime) moves the real clock of every process
# started under it: the test binaries, `onshi`, curl, node, pcscd. Monotonic
# clocks are left alone, so timeouts and waits behave as usual.
#
# The browser test (web) is the exception: Chromium treats a clock earlier
# than its own build date as wrong and fails every HTTPS page, so there the
# real clock stays and the simulated dates move instead: ONSHI_WEB_TODAY
# (tests/web/run_insurer_report.sh) is set to the real date minus OFFSET,
# e.g. two years after today for "-2y".
#
#   scripts/test-clock-offset.sh BUILD_DIR [OFFSET] [SUITE...]
#   SUITE: app_tests card_tests reader_tests jpki_tests web (default: all five)
#
# On this shared machine run it under the build lock:
#   flock /tmp/onshi-build.lock scripts/test-clock-offset.sh build -2y
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [OFFSET] [SUITE...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
offset=${2:--2y}
shift $(($# < 2 ? $# : 2))
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(app_tests card_tests reader_tests jpki_tests web)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

command -v faketime >/dev/null || { echo "test-clock-offset: faketime is missing (run scripts/install-deps.sh)" >&2; exit 1; }
export FAKETIME_DONT_FAKE_MONOTONIC=1

echo "test-clock-offset: real clock $(date -u +%FT%TZ), faked to $(faketime -f "$offset" date -u +%FT%TZ)"
failed=()
for s in "${suites[@]}"; do
  echo "test-clock-offset: --- $s at real clock $offset ---"
  if [ "$s" = web ]; then
    # "-2y" → "+2 years", "+3y" → "-3 years", "-30d" → "+30 days".
    n=${offset#[-+]}
    case "$n" in
      *y) unit=years ;;
      *d) unit=days ;;
      *) echo "test-clock-offset: web needs an offset in years or days (like -2y), got $offset" >&2
         failed+=("$s"); continue ;;
    esac
    sign=+
    [ "${offset:0:1}" = + ] && sign=-
    today=$(date -d "$sign${n%[yd]} $unit" +%F)
    echo "test-clock-offset: web at the real clock, simulated day $today"
    if ! ONSHI_WEB_TODAY=$today bash "$root/tests/web/run_insurer_report.sh" "$build"; then
      failed+=("$s")
    fi
  elif ! faketime -f "$offset" "$build/$s"; then
    failed+=("$s")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-clock-offset: FAILED at real clock $offset: ${failed[*]}" >&2
  exit 1
fi
echo "test-clock-offset: all passed at real clock $offset: ${suites[*]}"
