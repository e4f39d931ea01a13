#!/usr/bin/env bash
# Fails when the repository tracks a private key or any state file onshi
# writes (issue 15: the JPKI CA's key and the card-issuer key were committed,
# and with them anyone could mint a certificate for a victim's card serial).
#
#   bash tests/no_secrets_tracked.sh [REPO]      check REPO (default: this checkout)
#   bash tests/no_secrets_tracked.sh --self-test show that the check catches
#                                                what it must, in a scratch repo
#
# What counts, in the index (`git ls-files`: staged files count too):
#   - any file holding a PEM private key block ("-----BEGIN … PRIVATE KEY-----");
#   - key files by name: *.key, *.keys, key.pem, *-key.pem, *.p12, *.pfx;
#   - onshi's state: databases (*.db, -wal, -shm, -journal, *.sqlite), the CA
#     directories (<db>.ca/, <db>.jpki/), card files (<db>.cards/, *.card),
#     the audit spool and journals, login bodies (body.json), demo/.
# Exit 0: clean; 1: something is tracked (each path is named); 77: REPO is not
# a git checkout (ctest reports the test as skipped).
set -euo pipefail

# Assembled, so that this file itself never holds the marker it looks for.
pem_marker="PRIVATE"" KEY-----"
pem_re="-----BEGIN ([A-Z0-9]+ )*${pem_marker}"

# Prints every offending path of the checkout at $1; returns 1 if any.
check() {
  local repo=$1 bad=0 path
  while IFS= read -r -d '' path; do
    case "/$path" in
      */key.pem | *-key.pem | *.key | *.keys | *.p12 | *.pfx | *.card | \
        *.db | *.db-wal | *.db-shm | *.db-journal | *.sqlite | *.sqlite3 | \
        *.ca/* | *.jpki/* | *.cards/* | */audit-spool/* | *.journal-* | */body.json | /demo/*)
        echo "tracked state or key file: $path"
        bad=1
        ;;
    esac
  done < <(git -C "$repo" ls-files -z)
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    echo "tracked file holds a PEM private key: $path"
    bad=1
  done < <(git -C "$repo" grep --cached -l -I -E -e "$pem_re" || true)
  return "$bad"
}

self_test() {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  local repo=$tmp/repo
  mkdir -p "$repo/src"
  git -C "$repo" init -q
  echo "int main() {}" >"$repo/src/main.cpp"
  git -C "$repo" add src/main.cpp
  check "$repo" >/dev/null || { echo "self-test: a clean repository was refused"; return 1; }
  # A key whose name says nothing: found by its content.
  printf -- "-----BEGIN EC %s\nMHcCAQEE\n-----END EC %s\n" "$pem_marker" "$pem_marker" \
    >"$repo/src/notes.txt"
  git -C "$repo" add src/notes.txt
  if check "$repo" >/dev/null; then echo "self-test: a PEM private key went unnoticed"; return 1; fi
  git -C "$repo" rm -q --cached src/notes.txt
  local name
  for name in onshi.card-issuer.key onshi.jpki/ca.pem t.db t.db-wal onshi.keys clinic/key.pem \
    x.ca/server/server-cert.pem demo/onshi.db.cards/card-1.card; do
    mkdir -p "$(dirname "$repo/$name")"
    echo x >"$repo/$name"
    git -C "$repo" add -f "$name"
    if check "$repo" >/dev/null; then echo "self-test: $name went unnoticed"; return 1; fi
    git -C "$repo" rm -q --cached "$name"
  done
  check "$repo" >/dev/null || { echo "self-test: clean again, yet refused"; return 1; }
  # Not a checkout: skipped, not passed.
  mkdir "$tmp/plain"
  local rc=0
  bash "${BASH_SOURCE[0]}" "$tmp/plain" >/dev/null || rc=$?
  [ "$rc" -eq 77 ] || { echo "self-test: a directory outside git gave $rc, not 77"; return 1; }
  echo "no_secrets_tracked self-test: every planted key and state file was found"
}

if [ "${1:-}" = "--self-test" ]; then
  self_test
  exit
fi

repo=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
# A checkout has .git (a directory, or a file in a worktree). Only outside
# one is there nothing to check; a checkout without a usable git is an error.
if [ ! -e "$repo/.git" ] && ! git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "no_secrets_tracked: $repo is not a git checkout; skipped"
  exit 77
fi
if check "$repo"; then
  echo "no_secrets_tracked: no private key or state file is tracked in $repo"
else
  echo "no_secrets_tracked: remove these from the repository (git rm --cached) and rotate the keys"
  exit 1
fi
