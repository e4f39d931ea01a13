#!/bin/bash
# Mutation run over src/core (issue 21): how many small changes to the rule
# code the core tests notice. See scripts/mutate-core.py for what a mutant is.
#
#   scripts/mutate-core.sh                      every mutant of every src/core/*.cpp
#   scripts/mutate-core.sh --filter 'wareki|date' --max-mutants 50
#   scripts/mutate-core.sh --list               print the mutants and their keys
#   scripts/mutate-core.sh --only KEY1,KEY2     rerun some mutants
#
# Options: --filter REGEX (file names), --max-mutants N / --sample FRACTION
# (a seeded sample), --jobs N (ninja -j per rebuild, default 1), --timeout S,
# --tables (also constant tables outside functions), --work-dir DIR
# (default build-mutate), --report FILE (default build-mutate/report.md).
#
# The worktree is never written: mutants go into build-mutate/tree/src/core,
# a copy that is put back after every mutant and by the trap below on any exit.
# Each mutant's rebuild and test run hold /tmp/onshi-build.lock (flock), one
# mutant at a time, so other builds interleave.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work="$here/build-mutate"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --work-dir) work=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$work"
work=$(cd "$work" && pwd)

restore_copy() {
  # Whatever happened, the copy holds the worktree's src/core again.
  if [ -d "$work/tree/src/core" ]; then
    # Plain cp: a fresh time, so that ninja rebuilds what a mutant compiled.
    for f in "$here"/src/core/*.cpp; do
      cmp -s "$f" "$work/tree/src/core/${f##*/}" || cp "$f" "$work/tree/src/core/"
    done
  fi
}
trap restore_copy EXIT

[ -f /root/.ccache.env ] && . /root/.ccache.env
export CCACHE_BASEDIR="$work"
python3 "$here/scripts/mutate-core.py" --source-dir "$here" --work-dir "$work" ${args[@]+"${args[@]}"}
