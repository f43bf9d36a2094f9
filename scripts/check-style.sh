#!/usr/bin/env bash
# Style checks on what a branch changes, never on the whole tree: older files are not all
# formatted yet, and reformatting them wholesale would collide with other branches.
#   - clang-format --dry-run -Werror on the changed lines of every changed C++ file (all
#     of a new file);
#   - clang-tidy with the checks of .clang-tidy on the changed lines of changed .cc files,
#     when clang-tidy is installed and the build tree has compile_commands.json.
# Usage: scripts/check-style.sh [BASE]
#   BASE defaults to $ARBOR_STYLE_BASE, else main, else origin/main. Changes since the
#   merge base with BASE count, committed or not, and untracked new files; on BASE itself,
#   the changes since the commit in .ci/style-base (the last landed one).
#   ARBOR_BUILD_DIR names the build tree whose compile database clang-tidy uses (it must
#   be built: clang-tidy reads generated headers).
#   ARBOR_STYLE_CHECKS=format|tidy|all (default all) runs one half, so CI can check the
#   format before the build and clang-tidy after it.
#   ARBOR_REQUIRE_TIDY=1 (CI) makes a missing clang-tidy or compile database an error
#   instead of a skipped check.
# Exit 0 when clean (or when there is no base to compare with), 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:-${ARBOR_STYLE_BASE:-}}
if [[ -z "$base" ]]; then
  for candidate in main origin/main; do
    if git rev-parse -q --verify "$candidate^{commit}" >/dev/null; then base=$candidate; break; fi
  done
fi
if [[ -z "$base" ]]; then
  echo "check-style: no base branch (main, origin/main) to compare with; nothing checked"
  exit 0
fi
merge_base=$(git merge-base "$base" HEAD)
# On main itself (CI's clean clone) the merge base is HEAD and nothing would be checked:
# check what changed since the last landed commit instead, which each stop records in
# .ci/style-base.
if [[ "$merge_base" == "$(git rev-parse HEAD)" && -f .ci/style-base ]]; then
  merge_base=$(tr -d '[:space:]' <.ci/style-base)
  git rev-parse -q --verify "$merge_base^{commit}" >/dev/null ||
    { echo "check-style: .ci/style-base names $merge_base, which is not a commit here" >&2; exit 1; }
  echo "check-style: on $base itself; checking what changed since $merge_base (.ci/style-base)"
fi

# One line per changed C++ file: "path<TAB>start:end start:end ..." (its changed lines).
changed_lines() {
  { git diff -U0 --no-color --diff-filter=ACMR "$merge_base" -- '*.cc' '*.h'
    git ls-files --others --exclude-standard -- '*.cc' '*.h' | sed 's/^/untracked /'; } | python3 -c '
import re, sys
ranges, name = {}, None
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("untracked "):
        path = line[len("untracked "):]
        with open(path, "rb") as f:
            ranges[path] = [(1, max(1, f.read().count(b"\n")))]
        continue
    m = re.match(r"\+\+\+ b/(.*)", line)
    if m:
        name = m.group(1)
        ranges.setdefault(name, [])
        continue
    m = re.match(r"@@ .*\+(\d+)(?:,(\d+))? @@", line)
    if m and name:
        start, count = int(m.group(1)), int(m.group(2) or 1)
        if count:
            ranges[name].append((start, start + count - 1))
for name, spans in sorted(ranges.items()):
    if spans and "/node_modules/" not in name:
        print(name + "\t" + " ".join("%d:%d" % s for s in spans))
'
}

mapfile -t changes < <(changed_lines)
if ((${#changes[@]} == 0)); then
  echo "check-style: no C++ line changed since $base"
  exit 0
fi

failed=0
checks=${ARBOR_STYLE_CHECKS:-all}
clang_format=${CLANG_FORMAT:-clang-format}
if [[ "$checks" != tidy ]] && ! command -v "$clang_format" >/dev/null; then
  echo "check-style: $clang_format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
[[ "$checks" == tidy ]] && changes_to_format=() || changes_to_format=("${changes[@]}")
for entry in "${changes_to_format[@]}"; do
  file=${entry%%$'\t'*}
  line_args=()
  for span in ${entry#*$'\t'}; do line_args+=("--lines=$span"); done
  if ! "$clang_format" --dry-run -Werror "${line_args[@]}" "$file"; then
    echo "check-style: to fix: git clang-format $merge_base -- $file" >&2
    failed=1
  fi
done

build_dir=${ARBOR_BUILD_DIR:-build}
clang_tidy=${CLANG_TIDY:-clang-tidy}
tidied=0
if [[ "$checks" == format ]]; then
  :
elif command -v "$clang_tidy" >/dev/null && [[ -f "$build_dir/compile_commands.json" ]]; then
  # One clang-tidy per core (a file takes 10-20 s; a stop changes dozens): each file's
  # findings are kept apart and printed whole, in order, when all have run.
  out_dir=$(mktemp -d)
  trap 'rm -rf "$out_dir"' EXIT
  parallel=$(nproc 2>/dev/null || echo 2)
  # xargs -P runs them and returns only when every one has ended (a `wait -n` loop in
  # bash left some files' .rc unwritten when it returned, read as failures).
  tidy_one() {  # n file line-filter
    "$clang_tidy" -p "$build_dir" --quiet --extra-arg=-Wno-unknown-warning-option \
      -line-filter="$3" "$2" >"$out_dir/$1.out" 2>&1
    echo $? >"$out_dir/$1.rc"
  }
  export -f tidy_one
  export clang_tidy build_dir out_dir
  : >"$out_dir/list"
  for entry in "${changes[@]}"; do
    file=${entry%%$'\t'*}
    [[ "$file" == *.cc ]] || continue
    grep -qF "\"$PWD/$file\"" "$build_dir/compile_commands.json" || continue  # not built here
    filter=$(python3 -c 'import json, sys
print(json.dumps([{"name": sys.argv[1], "lines": [[int(x) for x in s.split(":")] for s in sys.argv[2:]]}]))' \
      "$file" ${entry#*$'\t'})
    printf '%05d\0%s\0%s\0' "$tidied" "$file" "$filter" >>"$out_dir/list"
    tidied=$((tidied + 1))
  done
  xargs -0 -n 3 -P "$parallel" bash -c 'tidy_one "$@"' _ <"$out_dir/list" || true
  for out in "$out_dir"/*.out; do
    [[ -e "$out" ]] || continue
    cat "$out"
    [[ $(cat "${out%.out}.rc") == 0 ]] || failed=1
  done
elif [[ "${ARBOR_REQUIRE_TIDY:-0}" == 1 ]]; then
  echo "check-style: clang-tidy is required here but $clang_tidy is not installed or" \
    "$build_dir/compile_commands.json is missing (build first; scripts/install-deps.sh installs it)" >&2
  exit 1
else
  echo "check-style: clang-tidy skipped (not installed, or no $build_dir/compile_commands.json)"
fi

if ((failed)); then exit 1; fi
echo "check-style: ${#changes[@]} changed file(s) clean ($checks; clang-tidy ran on $tidied .cc file(s))"
