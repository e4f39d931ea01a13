#!/usr/bin/env python3
"""Mutation testing of src/core against core_tests (issue 21).

Called by scripts/mutate-core.sh, which owns the trap that restores the
mutation copy; run that script, not this one. Python 3 standard library only.

A mutant is one small change to one token of a src/core/*.cpp file (a
comparison turned into its neighbour or negation, && <-> ||, an integer
constant moved by one or set to 0, true <-> false, a `!` removed, + <-> -,
a returned condition negated). Each mutant is written into a COPY of src/core
(build-mutate/tree/src/core, never the worktree), core_tests is rebuilt in
build-mutate/build at -O0 and run with a timeout:
  killed         the build or a test failed, or the tests timed out;
  did not compile  counted separately (the compiler, not a test, caught it);
  survived       every test passed: the tests cannot tell the change apart.
Mutants listed in scripts/mutate-core.equivalent (by key) cannot change
behaviour, are not run and do not count.
"""

import argparse
import datetime
import fcntl
import json
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

LOCK = "/tmp/onshi-build.lock"

# --- lexer -------------------------------------------------------------------
# Only what mutation needs: where code tokens are, so that comments, string and
# character literals and preprocessor lines are never touched.

PUNCT = [
    "<=>", "<<=", ">>=", "->*", "...",
    "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ".*",
]
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
NUMBER_RE = re.compile(r"(?:0[xX][0-9A-Fa-f']+|0[bB][01']+|\d[\d']*)(?:\.[\d']*)?(?:[eE][+-]?\d+)?[A-Za-z]*")


class Tok:
    __slots__ = ("kind", "text", "start", "line")

    def __init__(self, kind, text, start, line):
        self.kind, self.text, self.start, self.line = kind, text, start, line

    def __repr__(self):
        return f"{self.kind}:{self.text!r}@{self.line}"


def lex(src):
    """Tokens of C++ source: kinds ident, number, string, char, punct.
    Comments and preprocessor directives produce no tokens."""
    toks = []
    i, n, line = 0, len(src), 1
    at_line_start = True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if at_line_start and c == "#":
            # A directive runs to the end of the line, continued by backslashes.
            while i < n and src[i] != "\n":
                if src[i] == "\\" and i + 1 < n and src[i + 1] == "\n":
                    line += 1
                    i += 1
                i += 1
            continue
        at_line_start = False
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += src.count("\n", i, j)
            i = j
            continue
        m = IDENT_RE.match(src, i)
        if m:
            word = m.group()
            # Raw strings and prefixed literals: R"(..)", u8"..", L'x'.
            if i + len(word) < n and src[i + len(word)] in "\"'" and word in (
                    "R", "u8R", "uR", "UR", "LR", "u8", "u", "U", "L"):
                q = src[i + len(word)]
                if word.endswith("R") and q == '"':
                    open_paren = src.index("(", i + len(word))
                    delim = src[i + len(word) + 1:open_paren]
                    j = src.index(")" + delim + '"', open_paren) + len(delim) + 2
                else:
                    j = skip_quoted(src, i + len(word), q)
                toks.append(Tok("string" if q == '"' else "char", src[i:j], i, line))
                line += src.count("\n", i, j)
                i = j
                continue
            toks.append(Tok("ident", word, i, line))
            i = m.end()
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = NUMBER_RE.match(src, i)
            if m and m.end() > i:
                toks.append(Tok("number", m.group(), i, line))
                i = m.end()
                continue
        if c in "\"'":
            j = skip_quoted(src, i, c)
            toks.append(Tok("string" if c == '"' else "char", src[i:j], i, line))
            i = j
            continue
        for p in PUNCT:
            if src.startswith(p, i):
                toks.append(Tok("punct", p, i, line))
                i += len(p)
                break
        else:
            toks.append(Tok("punct", c, i, line))
            i += 1
    return toks


def skip_quoted(src, i, q):
    j = i + 1
    while j < len(src) and src[j] != q:
        j += 2 if src[j] == "\\" else 1
    return j + 1


# --- which tokens are operators (and not template brackets, references, ...) --

TYPEISH = {"const", "unsigned", "signed", "long", "short", "int", "char", "bool", "double",
           "float", "auto", "void", "std", "size_t", "typename", "volatile"}


def template_brackets(toks):
    """Indices of < and > that are template argument brackets: a < after a
    name whose matching > is reached through type-like tokens only."""
    out = set()
    for i, t in enumerate(toks):
        if t.text != "<" or i == 0 or toks[i - 1].kind != "ident":
            continue
        depth, j, ok = 1, i + 1, False
        inner = []
        while j < len(toks) and j < i + 60:
            x = toks[j]
            if x.text == "<":
                depth += 1
                inner.append(j)
            elif x.text == ">":
                depth -= 1
                if depth == 0:
                    ok = True
                    break
                inner.append(j)
            elif x.text == ">>":
                depth -= 2
                if depth <= 0:
                    ok = depth == 0
                    break
            elif x.kind in ("ident", "number") or x.text in ("::", ",", "*", "&", "(", ")", "[", "]"):
                # ( ) only inside function types such as std::function<void(int)>.
                pass
            else:
                break
            j += 1
        if ok:
            # A comparison chain like `a < b)` ends at ), never at >, so a
            # paren before the closing > means a type only if they balance.
            body = toks[i + 1:j]
            if sum(1 for x in body if x.text == "(") == sum(1 for x in body if x.text == ")"):
                out.update([i, j])
                out.update(inner)
    return out


def is_operand_end(t):
    return t.kind in ("ident", "number", "char") or t.text in (")", "]")


KEYWORDS_NOT_OPERANDS = {"return", "case", "co_return", "throw", "else", "do", "sizeof", "new",
                         "delete", "operator", "auto", "const", "constexpr", "static",
                         "inline", "int", "bool", "char", "unsigned", "long", "double",
                         "void", "typename", "template", "using", "struct", "class", "enum"}


def is_binary_position(toks, i):
    if i == 0:
        return False
    p = toks[i - 1]
    if p.kind == "ident" and p.text in KEYWORDS_NOT_OPERANDS:
        return False
    return is_operand_end(p)


# --- mutation operators --------------------------------------------------------

CMP_SWAPS = {
    "<": ["<=", ">="],
    "<=": ["<", ">"],
    ">": [">=", "<="],
    ">=": [">", "<"],
    "==": ["!="],
    "!=": ["=="],
}


def int_value(text):
    body = text.replace("'", "")
    m = re.match(r"(0[xX][0-9A-Fa-f]+|0[bB][01]+|\d+)([uUlLzZ]*)$", body)
    if not m:
        return None, None
    digits, suffix = m.groups()
    if digits[:2] in ("0x", "0X"):
        v = int(digits, 16)
    elif digits[:2] in ("0b", "0B"):
        v = int(digits, 2)
    elif len(digits) > 1 and digits[0] == "0":
        v = int(digits, 8)
    else:
        v = int(digits)
    return v, suffix


def function_spans(toks):
    """(start, end) token index ranges of brace blocks that are function bodies
    (a { after `)`, `const`, `noexcept` or `override`): only code inside them
    is mutated, so namespace-level tables and signatures are left alone unless
    --tables is given."""
    spans = []
    stack = []
    for i, t in enumerate(toks):
        if t.text == "{":
            prev = toks[i - 1].text if i else ""
            is_fn = prev in (")", "const", "noexcept", "override", "mutable") and not any(
                s[1] for s in stack)
            stack.append((i, is_fn))
        elif t.text == "}" and stack:
            s, is_fn = stack.pop()
            if is_fn:
                spans.append((s, i))
    return spans


def generate(path, rel, src, include_tables):
    toks = lex(src)
    templ = template_brackets(toks)
    spans = function_spans(toks)
    inside = [False] * len(toks)
    for s, e in spans:
        for k in range(s, e + 1):
            inside[k] = True
    # assert(...) and static_assert(...) check the code; they are not rules.
    checks = [False] * len(toks)
    for i, t in enumerate(toks):
        if t.text in ("assert", "static_assert") and i + 1 < len(toks) and toks[i + 1].text == "(":
            depth, j = 0, i + 1
            while j < len(toks):
                depth += toks[j].text == "("
                depth -= toks[j].text == ")"
                checks[j] = True
                if depth == 0:
                    break
                j += 1
    lines = src.split("\n")
    mutants = []
    # Per line: the how-many-th token of the line, for a key that survives
    # edits elsewhere in the file.
    per_line_count = {}

    def add(i, new_text, op, replace_end=None, orig_text=None):
        t = toks[i]
        start = t.start
        end = replace_end if replace_end is not None else t.start + len(t.text)
        orig = orig_text if orig_text is not None else src[start:end]
        line_text = lines[t.line - 1].strip()
        k = per_line_index[i]
        # Identical lines (a repeated `return x;`) are told apart by which
        # occurrence of that text they are.
        same = sum(1 for x in lines[:t.line - 1] if x.strip() == line_text)
        key_src = f"{rel}\0{line_text}\0{same}\0{k}\0{orig}\0{new_text}"
        key = hashlib.sha1(key_src.encode()).hexdigest()[:12]
        mutants.append({
            "key": key, "file": rel, "path": path, "line": t.line, "op": op,
            "start": start, "end": end, "orig": orig, "new": new_text, "code": line_text,
        })

    per_line_index = {}
    for i, t in enumerate(toks):
        c = per_line_count.get(t.line, 0)
        per_line_index[i] = c
        per_line_count[t.line] = c + 1

    for i, t in enumerate(toks):
        if checks[i] or (not inside[i] and not include_tables):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prv = toks[i - 1] if i > 0 else None
        if t.kind == "punct":
            if t.text in CMP_SWAPS and i not in templ and is_binary_position(toks, i):
                if t.text in ("<", ">") and prv and prv.text == "operator":
                    continue
                for r in CMP_SWAPS[t.text]:
                    add(i, r, "cmp")
            elif t.text in ("&&", "||") and is_binary_position(toks, i):
                # `T&& x` (a forwarding reference) is a declaration, not logic.
                if t.text == "&&" and nxt and nxt.kind == "ident" and i + 2 < len(toks) and \
                        toks[i + 2].text in (")", ",", "=", ":", ";") and prv.kind == "ident" and \
                        (prv.text in TYPEISH or (i >= 2 and toks[i - 2].text in ("(", ",", "const"))):
                    continue
                add(i, "||" if t.text == "&&" else "&&", "logic")
            elif t.text == "!" and nxt is not None:
                add(i, "", "not")
            elif t.text in ("+", "-") and is_binary_position(toks, i):
                # + on strings is concatenation; - of a string does not compile.
                if (nxt and nxt.kind == "string") or (prv and prv.kind == "string"):
                    continue
                add(i, "-" if t.text == "+" else "+", "arith")
            elif t.text in ("+=", "-="):
                if nxt and nxt.kind in ("string", "char"):
                    continue
                add(i, "-=" if t.text == "+=" else "+=", "arith")
            elif t.text in ("++", "--"):
                add(i, "--" if t.text == "++" else "++", "arith")
        elif t.kind == "number":
            v, suffix = int_value(t.text)
            if v is None:
                continue
            # A negative literal is `-` then a number: keep the sign as written.
            cands = []
            for nv in (v + 1, v - 1, 0):
                if nv < 0 or nv == v:
                    continue
                if nv not in cands:
                    cands.append(nv)
            for nv in cands:
                add(i, f"{nv}{suffix}", "const")
        elif t.kind == "ident":
            if t.text in ("true", "false"):
                add(i, "false" if t.text == "true" else "true", "bool")
            elif t.text == "return" and nxt and nxt.text not in (";", "{", "true", "false"):
                # return <condition>; -> return !(<condition>); only for
                # conditions (a comparison or logic at the top level), so the
                # mutant is about the decision and still compiles.
                depth, j, has_cond = 0, i + 1, False
                while j < len(toks):
                    x = toks[j]
                    if x.text in ("(", "[", "{"):
                        depth += 1
                    elif x.text in (")", "]", "}"):
                        depth -= 1
                    elif x.text == ";" and depth == 0:
                        break
                    elif depth == 0 and (x.text in ("==", "!=", "<=", ">=", "&&", "||") or
                                         (x.text in ("<", ">") and j not in templ)):
                        has_cond = True
                    elif depth == 0 and x.text == "?":
                        has_cond = False
                        break
                    j += 1
                if has_cond and j < len(toks):
                    s = nxt.start
                    e = toks[j].start
                    expr = src[s:e]
                    add(i + 1, f"!({expr})", "return", replace_end=e, orig_text=expr)
    return mutants


# --- running -------------------------------------------------------------------

def read_equivalents(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key = line.split()[0]
            reason = line.split("#", 1)[1].strip() if "#" in line else ""
            if not reason:
                sys.exit(f"{path}: {key} has no reason (write '# why it cannot change behaviour')")
            out[key] = reason
    return out


def cmake_project(dest, tree, source_dir):
    """A project of its own: onshi_core from the copy, core_tests from the
    copy of tests/core, at -O0 without -g (a mutant rebuilds one object)."""
    os.makedirs(dest, exist_ok=True)
    text = f"""cmake_minimum_required(VERSION 3.25)
project(onshi_mutate LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_BUILD_TYPE None)
set(CMAKE_CXX_FLAGS "-O0")
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Werror)
add_link_options(-fuse-ld=lld)
find_package(GTest REQUIRED)
file(GLOB core_sources CONFIGURE_DEPENDS {tree}/src/core/*.cpp)
add_library(onshi_core STATIC ${{core_sources}})
target_include_directories(onshi_core PUBLIC {tree}/src)
file(GLOB test_sources CONFIGURE_DEPENDS {tree}/tests/core/*.cpp)
add_executable(core_tests ${{test_sources}})
target_link_libraries(core_tests PRIVATE onshi_core GTest::gtest GTest::gtest_main)
target_compile_definitions(core_tests PRIVATE ONSHI_BINARY="/nonexistent/onshi"
                                              ONSHI_SOURCE_DIR="{source_dir}")
"""
    p = os.path.join(dest, "CMakeLists.txt")
    old = open(p).read() if os.path.exists(p) else None
    if old != text:
        with open(p, "w") as f:
            f.write(text)


def locked(cmd, **kw):
    return subprocess.run(["flock", LOCK] + cmd, **kw)


class BuildLock:
    """/tmp/onshi-build.lock, the lock every build and test run on this
    machine takes (flock(2), as flock(1) does). Held for one mutant, or with
    --batch-seconds for as many mutants as fit in that time, then released
    so that other builds interleave."""

    def __init__(self, batch_seconds):
        self.batch_seconds = batch_seconds
        self.fd = None
        self.since = 0.0

    def before_mutant(self):
        if self.fd is not None and time.time() - self.since >= self.batch_seconds:
            self.release()
        if self.fd is None:
            self.fd = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.since = time.time()

    def after_mutant(self):
        if self.batch_seconds <= 0:
            self.release()

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def build_and_test(build, jobs, timeout, fail_fast=True):
    """Rebuild core_tests and run it (the caller holds the lock).
    Returns (outcome, detail)."""
    b = subprocess.run(["ninja", "-C", build, f"-j{jobs}", "core_tests"],
                       stdout=open(os.path.join(build, "last-build.log"), "w"),
                       stderr=subprocess.STDOUT)
    if b.returncode:
        return "uncompiled", ""
    log = os.path.join(build, "last-test.log")
    try:
        t = subprocess.run([os.path.join(build, "core_tests"), "--gtest_brief=1"] +
                           (["--gtest_fail_fast"] if fail_fast else []), stdout=open(log, "w"),
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "killed", "timeout"
    if t.returncode == 0:
        return "survived", ""
    return "killed", failed_test(log)


def failed_test(log):
    try:
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith("[  FAILED  ]"):
                    return line[12:].strip().split(" ")[0]
    except OSError:
        pass
    return "crash"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--filter", default="", help="regex on the file name (e.g. 'date|wareki')")
    ap.add_argument("--max-mutants", type=int, default=0, help="run at most N mutants (a sample)")
    ap.add_argument("--sample", type=float, default=0.0, help="run this fraction of the mutants")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--jobs", type=int, default=1, help="ninja -j for each rebuild")
    ap.add_argument("--timeout", type=int, default=30, help="seconds for one core_tests run")
    ap.add_argument("--tables", action="store_true",
                    help="also mutate code outside function bodies (constant tables)")
    ap.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    ap.add_argument("--only", default="", help="comma-separated mutant keys to run")
    ap.add_argument("--report", default="")
    ap.add_argument("--lock", default="/tmp/onshi-build.lock", help="the shared build lock (a test uses its own)")
    ap.add_argument("--resume", action="store_true",
                    help="reuse kills from build-mutate/results.json for unchanged files")
    ap.add_argument("--report-only", action="store_true",
                    help="write the report from build-mutate/results.json, run nothing "
                         "(results of files changed since are left out)")
    ap.add_argument("--batch-seconds", type=float, default=0.0,
                    help="keep the build lock for further mutants up to this long "
                         "(default 0: take and release it around each mutant)")
    a = ap.parse_args()
    global LOCK
    LOCK = a.lock

    src_dir = os.path.abspath(a.source_dir)
    work = os.path.abspath(a.work_dir)
    tree = os.path.join(work, "tree")
    build = os.path.join(work, "build")
    report = a.report or os.path.join(work, "report.md")
    equivalent_file = os.path.join(src_dir, "scripts", "mutate-core.equivalent")
    equivalents = read_equivalents(equivalent_file)

    core = os.path.join(src_dir, "src", "core")
    files = sorted(f for f in os.listdir(core) if f.endswith(".cpp"))
    if a.filter:
        files = [f for f in files if re.search(a.filter, f)]
    all_mutants = []
    originals = {}
    for f in files:
        p = os.path.join(core, f)
        with open(p, encoding="utf-8") as fh:
            originals[f] = fh.read()
        all_mutants += generate(p, f, originals[f], a.tables)

    seen = set()
    for m in all_mutants:
        if m["key"] in seen:
            sys.exit(f"duplicate mutant key {m['key']} at {m['file']}:{m['line']}")
        seen.add(m["key"])

    if a.list:
        for m in all_mutants:
            eq = "  [equivalent]" if m["key"] in equivalents else ""
            print(f"{m['key']}  {m['file']}:{m['line']}  {m['op']:6} {m['orig']!r} -> {m['new']!r}{eq}")
        print(f"{len(all_mutants)} mutants", file=sys.stderr)
        return 0

    unused = set(equivalents) - seen
    # The sample is drawn from every mutant, before equivalents are set
    # aside, so that listing an equivalent does not change which mutants
    # the sample holds.
    sampled = all_mutants
    if a.sample:
        rnd = random.Random(a.seed)
        sampled = [m for m in sampled if rnd.random() < a.sample]
    if a.max_mutants and len(sampled) > a.max_mutants:
        rnd = random.Random(a.seed)
        sampled = sorted(rnd.sample(sampled, a.max_mutants),
                         key=lambda m: (m["file"], m["start"]))
    selected = [m for m in sampled if m["key"] not in equivalents]
    if a.only:
        keys = set(a.only.split(","))
        selected = [m for m in selected if m["key"] in keys]

    if a.report_only:
        cache_path = os.path.join(work, "results.json")
        cache = json.load(open(cache_path)) if os.path.exists(cache_path) else {}
        file_hash = {f: hashlib.sha1(t.encode()).hexdigest() for f, t in originals.items()}
        results = []
        for m in selected:
            c = cache.get(m["key"])
            if c and c["file_hash"] == file_hash[m["file"]]:
                results.append((m, c["outcome"], c["detail"]))
        if len(results) < len(selected):
            print(f"{len(selected) - len(results)} of the selected mutants have no result yet")
        write_report(report, a, all_mutants, sampled, equivalents, results, unused, 0)
        print(f"report: {report}")
        return 0

    # The copy of src/core that mutants are written into.
    os.makedirs(os.path.join(tree, "src"), exist_ok=True)
    # Fresh modification times (shutil.copy, not copy2): an object compiled
    # from a mutant by a run that was killed is then rebuilt (a ccache hit).
    shutil.rmtree(os.path.join(tree, "src", "core"), ignore_errors=True)
    shutil.copytree(core, os.path.join(tree, "src", "core"), copy_function=shutil.copy)
    # The tests too: editing tests/core during a run does not change it.
    tests_copy = os.path.join(tree, "tests", "core")
    if os.path.isdir(tests_copy):
        for name in os.listdir(tests_copy):
            if not os.path.exists(os.path.join(src_dir, "tests", "core", name)):
                os.remove(os.path.join(tests_copy, name))
    for name in os.listdir(os.path.join(src_dir, "tests", "core")):
        if name.endswith(".cpp"):
            copy_if_changed(os.path.join(src_dir, "tests", "core", name),
                            os.path.join(tree, "tests", "core", name))
    project = os.path.join(work, "project")
    cmake_project(project, tree, src_dir)
    if not os.path.exists(os.path.join(build, "build.ninja")):
        r = locked(["cmake", "-S", project, "-B", build, "-G", "Ninja",
                    "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"])
        if r.returncode:
            return r.returncode

    current = {"file": None}

    def restore(*_):
        if current["file"]:
            write_source(tree, current["file"], originals[current["file"]])
            current["file"] = None

    def on_signal(signum, _frame):
        restore()
        sys.exit(128 + signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    lock = BuildLock(a.batch_seconds)
    print("baseline: building core_tests from the unmutated copy ...", flush=True)
    lock.before_mutant()
    outcome, detail = build_and_test(build, a.jobs, a.timeout * 3, fail_fast=False)
    lock.after_mutant()
    if outcome != "survived":
        lock.release()
        print(f"baseline fails ({outcome} {detail}); see {build}/last-build.log and last-test.log")
        for name in ("last-build.log", "last-test.log"):
            with open(os.path.join(build, name), errors="replace") as fh:
                lines = fh.read().splitlines()
            print("\n".join(l for l in lines if "error" in l or "FAILED" in l or "Failure" in l
                            or "Expected" in l or "Which is" in l or "  Actual" in l)[:6000])
        return 2

    # Results of earlier runs: with --resume a mutant killed before is not run
    # again as long as its file is unchanged (new tests can only kill more).
    cache_path = os.path.join(work, "results.json")
    cache = {}
    if os.path.exists(cache_path):
        with open(cache_path) as fh:
            cache = json.load(fh)
    file_hash = {f: hashlib.sha1(t.encode()).hexdigest() for f, t in originals.items()}

    results = []
    started = time.time()
    try:
        for n, m in enumerate(selected, 1):
            c = cache.get(m["key"])
            if a.resume and c and c["file_hash"] == file_hash[m["file"]] and \
                    c["outcome"] in ("killed", "uncompiled"):
                results.append((m, c["outcome"], c["detail"]))
                continue
            lock.before_mutant()
            current["file"] = m["file"]
            write_source(tree, m["file"], apply_mutant(originals[m["file"]], m))
            outcome, detail = build_and_test(build, a.jobs, a.timeout)
            restore()
            lock.after_mutant()
            results.append((m, outcome, detail))
            cache[m["key"]] = {"outcome": outcome, "detail": detail,
                               "file_hash": file_hash[m["file"]],
                               "date": datetime.date.today().isoformat()}
            print(f"[{n}/{len(selected)}] {outcome:10} {m['key']} {m['file']}:{m['line']} "
                  f"{m['orig']!r} -> {m['new']!r} {detail}", flush=True)
            if n % 20 == 0:
                save_json(cache_path, cache)
    finally:
        restore()
        lock.release()
        save_json(cache_path, cache)

    write_report(report, a, all_mutants, sampled, equivalents, results, unused,
                 time.time() - started)
    print(f"report: {report}")
    return 0


def copy_if_changed(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(src, "rb") as fh:
        data = fh.read()
    if os.path.exists(dst):
        with open(dst, "rb") as fh:
            if fh.read() == data:
                return
    with open(dst, "wb") as fh:
        fh.write(data)


def apply_mutant(text, m):
    return text[:m["start"]] + m["new"] + text[m["end"]:]


def write_source(tree, name, text):
    with open(os.path.join(tree, "src", "core", name), "w", encoding="utf-8") as fh:
        fh.write(text)


def save_json(path, data):
    with open(path + ".tmp", "w") as fh:
        json.dump(data, fh, indent=0, sort_keys=True)
    os.replace(path + ".tmp", path)


def write_report(path, a, all_mutants, sampled, equivalents, results, unused, secs):
    per_file = {}
    for m in all_mutants:
        d = per_file.setdefault(m["file"], {"generated": 0, "sampled": 0, "equivalent": 0,
                                            "run": 0, "uncompiled": 0, "killed": 0,
                                            "survived": 0})
        d["generated"] += 1
    for m in sampled:
        per_file[m["file"]]["sampled"] += 1
        if m["key"] in equivalents:
            per_file[m["file"]]["equivalent"] += 1
    for m, outcome, _ in results:
        d = per_file[m["file"]]
        d["run"] += 1
        d[outcome] += 1
    tot = {k: sum(d[k] for d in per_file.values()) for k in
           ("generated", "sampled", "equivalent", "run", "uncompiled", "killed", "survived")}

    def share(d):
        c = d["killed"] + d["survived"]
        return f"{100.0 * d['killed'] / c:.1f} %" if c else "–"

    out = []
    out.append(f"# Mutation run over src/core — {datetime.date.today().isoformat()}\n")
    args = " ".join(sys.argv[1:])
    out.append(f"Command: `scripts/mutate-core.sh` ({args}); {secs / 60:.1f} min.\n")
    out.append("Killed share = killed / (killed + survived): equivalent mutants (listed in "
               "scripts/mutate-core.equivalent) are not run, and mutants that did not compile "
               "are counted apart.\n")
    out.append("| file | generated | sampled | equivalent | run | did not compile | killed | "
               "survived | killed share |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in sorted(per_file):
        d = per_file[f]
        if not d["sampled"]:
            continue
        out.append(f"| {f} | {d['generated']} | {d['sampled']} | {d['equivalent']} | {d['run']} "
                   f"| {d['uncompiled']} | {d['killed']} | {d['survived']} | {share(d)} |")
    out.append(f"| **total** | {tot['generated']} | {tot['sampled']} | {tot['equivalent']} | "
               f"{tot['run']} | {tot['uncompiled']} | {tot['killed']} | {tot['survived']} | "
               f"**{share(tot)}** |")
    out.append("")
    out.append("## Survivors\n")
    out.append("key | place | original -> mutant | line")
    out.append("")
    for m, outcome, _ in results:
        if outcome == "survived":
            out.append(f"- `{m['key']}` {m['file']}:{m['line']} `{m['orig']}` -> `{m['new']}`  "
                       f"— `{m['code'][:100]}`")
    if unused:
        out.append("\n## Stale entries in scripts/mutate-core.equivalent (no such mutant any more)\n")
        for k in sorted(unused):
            out.append(f"- `{k}`")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
