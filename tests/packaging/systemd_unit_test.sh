#!/bin/bash
# The shipped systemd unit (packaging/systemd/onshi.service, issue 19), as
# `make install` writes it: `systemd-analyze verify` finds nothing wrong (the
# binary it names exists, every directive is known) and its sandbox rates an
# exposure of at most 2.0 of 10 ("OK") in `systemd-analyze security`.
# Usage: systemd_unit_test.sh BUILD_DIR
set -euo pipefail
build=$1
unit=$build/packaging/onshi.service
[ -f "$unit" ] || { echo "no generated unit at $unit"; exit 1; }
grep -q "ExecStart=$build/onshi serve" "$unit" || { echo "ExecStart does not name the built binary"; exit 1; }
out=$(systemd-analyze verify --man=no "$unit" 2>&1) || { echo "$out"; exit 1; }
# verify prints warnings without failing; a clean unit prints nothing.
[ -z "$out" ] || { echo "systemd-analyze verify: $out"; exit 1; }
systemd-analyze security --offline=yes --threshold=20 "$unit" > "$build/packaging/security.txt" 2>&1 \
  || { tail -30 "$build/packaging/security.txt"; echo "exposure above 2.0"; exit 1; }
grep "Overall exposure level" "$build/packaging/security.txt"
# A unit with the hardening removed must fail the same check (the check can fail).
grep -v -E '^(Protect|Private|Restrict|SystemCall|NoNewPrivileges|CapabilityBoundingSet|MemoryDeny|LockPersonality|DynamicUser|UMask|ProcSubset|DevicePolicy|KeyringMode|RemoveIPC)' \
  "$unit" > "$build/packaging/unhardened.service"
if systemd-analyze security --offline=yes --threshold=20 "$build/packaging/unhardened.service" >/dev/null 2>&1; then
  echo "the exposure check passed a unit without hardening"; exit 1
fi
echo "ok"
