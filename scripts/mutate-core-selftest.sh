#!/bin/bash
# Self-test of scripts/mutate-core.sh (ctest: mutate_core_selftest, about 1 s).
# 1. On a small sample file, the mutants are exactly the expected ones:
#    comparisons, logic, constants, booleans, `!`, +/-, returned conditions;
#    nothing in comments, strings, #include/#define lines, assert(), template
#    brackets or a forwarding reference.
# 2. A run interrupted (SIGTERM) while a mutant is being built leaves the copy
#    of src/core as it was, and the worktree's file is never written. The run
#    uses a stand-in ninja and its own lock file, so it needs no compiler and
#    never waits for the shared build lock.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/src/src/core" "$tmp/src/tests/core" "$tmp/src/scripts" "$tmp/bin"
cat >"$tmp/src/src/core/sample.cpp" <<'CPP'
#include <vector>  // 1 < 2 in a comment on an include line
#define LIMIT 3
namespace n {
constexpr int kTable[] = {7, 8};  // outside a function: only with --tables
bool Rule(int a, int b) {
  // a < b in a comment
  assert(a >= 0);
  std::vector<int> v;
  auto&& r = v;
  const char* s = "a < b && 1";
  if (a < 5 && !r.empty()) return true;
  return a + b == 2;
}
}  // namespace n
CPP
sample="$tmp/src/src/core/sample.cpp"
cp "$sample" "$tmp/sample.orig"

python3 "$here/scripts/mutate-core.py" --source-dir "$tmp/src" --work-dir "$tmp/w" --list \
  >"$tmp/list" 2>/dev/null
# Columns: key, place, operator, original -> mutant.
got=$(sed 's/^[0-9a-f]* *//' "$tmp/list" | tr -s ' ')
want="sample.cpp:11  cmp    '<' -> '<='
sample.cpp:11  cmp    '<' -> '>='
sample.cpp:11  const  '5' -> '6'
sample.cpp:11  const  '5' -> '4'
sample.cpp:11  const  '5' -> '0'
sample.cpp:11  logic  '&&' -> '||'
sample.cpp:11  not    '!' -> ''
sample.cpp:11  bool   'true' -> 'false'
sample.cpp:12  return 'a + b == 2' -> '!(a + b == 2)'
sample.cpp:12  arith  '+' -> '-'
sample.cpp:12  cmp    '==' -> '!='
sample.cpp:12  const  '2' -> '3'
sample.cpp:12  const  '2' -> '1'
sample.cpp:12  const  '2' -> '0'"
want=$(echo "$want" | tr -s ' ')
if [ "$got" != "$want" ]; then
  echo "FAIL: unexpected mutants"
  diff <(echo "$want") <(echo "$got") || true
  exit 1
fi
with_tables=$(python3 "$here/scripts/mutate-core.py" --source-dir "$tmp/src" --work-dir "$tmp/w" \
  --list --tables 2>/dev/null | grep -c "sample.cpp:4 ")
[ "$with_tables" = 6 ] || { echo "FAIL: --tables gave $with_tables mutants on line 4, want 6"; exit 1; }

# An equivalent mutant is listed by key and then not run nor counted.
key=$(awk '/sample.cpp:12  const  .2. -> .3./ { print $1 }' "$tmp/list")
echo "$key  sample.cpp:12 2 -> 3  # self-test entry" >"$tmp/src/scripts/mutate-core.equivalent"
python3 "$here/scripts/mutate-core.py" --source-dir "$tmp/src" --work-dir "$tmp/w" --list \
  >"$tmp/list2" 2>/dev/null
grep -q "^$key .*\[equivalent\]" "$tmp/list2" || { echo "FAIL: equivalent not marked"; exit 1; }
echo "$key  no reason given" >"$tmp/src/scripts/mutate-core.equivalent"
if python3 "$here/scripts/mutate-core.py" --source-dir "$tmp/src" --work-dir "$tmp/w" --list \
  >/dev/null 2>&1; then
  echo "FAIL: an equivalent entry without a reason was accepted"
  exit 1
fi
rm "$tmp/src/scripts/mutate-core.equivalent"

# A stand-in ninja: the baseline build "succeeds" (a core_tests that passes);
# the first mutant's build waits until the test interrupts the run.
cat >"$tmp/bin/ninja" <<EOF
#!/bin/bash
build=\$2
if [ ! -e "$tmp/baseline-done" ]; then
  printf '#!/bin/sh\nexit 0\n' >"\$build/core_tests"; chmod +x "\$build/core_tests"
  touch "$tmp/baseline-done"; exit 0
fi
touch "$tmp/mutant-building"
exec sleep 30
EOF
chmod +x "$tmp/bin/ninja"
mkdir -p "$tmp/w/build"
touch "$tmp/w/build/build.ninja"  # configured already: no cmake
# mutate-core.sh takes its source tree from its own location: run a copy of
# the scripts placed beside the sample.
cp "$here/scripts/mutate-core.sh" "$here/scripts/mutate-core.py" "$tmp/src/scripts/"
PATH="$tmp/bin:$PATH" setsid "$tmp/src/scripts/mutate-core.sh" --work-dir "$tmp/w" \
  --lock "$tmp/lock" >"$tmp/run.log" 2>&1 &
run=$!
for _ in $(seq 100); do
  [ -e "$tmp/mutant-building" ] && break
  sleep 0.05
done
[ -e "$tmp/mutant-building" ] || { echo "FAIL: no mutant was built"; cat "$tmp/run.log"; exit 1; }
if cmp -s "$tmp/w/tree/src/core/sample.cpp" "$tmp/sample.orig"; then
  echo "FAIL: the copy is not mutated while the mutant builds"
  exit 1
fi
kill -TERM -- "-$run"
wait "$run" 2>/dev/null || true
cmp "$tmp/w/tree/src/core/sample.cpp" "$tmp/sample.orig" ||
  { echo "FAIL: the copy was left mutated"; exit 1; }
cmp "$sample" "$tmp/sample.orig" || { echo "FAIL: the source file was written"; exit 1; }
echo "mutate-core self-test: ok"
