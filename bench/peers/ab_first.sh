#!/usr/bin/env bash
# Before/after of arbor binaries on one step: the first backup of a tree into a fresh
# encrypted repository, source warm in the page cache, the binaries alternated round by
# round so that a change in the machine's load hits them alike (issue 17).
#
#   bench/peers/ab_first.sh [--rounds N] [--work DIR] [--plain] SOURCE_DIR BINARY...
#
# Prints one line per run: binary, wall s, user s, sys s, CPU us per file, peak RSS KiB,
# repository bytes, the load average beside it (`uptime`) and the context switches
# (voluntary/involuntary), then the medians per binary.
set -euo pipefail

ROUNDS=3
WORK="${TMPDIR:-/tmp}/arbor-ab"
INIT=(init -q)
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --plain) INIT=(init -q --insecure-no-encryption); shift ;;
    -h | --help) sed -n 2,9p "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -ge 2 ]] || { sed -n 2,9p "$0" >&2; exit 2; }
SRC=$1
shift
export ARBOR_PASSWORD=bench
[[ ${INIT[*]} == *insecure* ]] && unset ARBOR_PASSWORD
mkdir -p "$WORK"
files=$(find "$SRC" -type f | wc -l)
find "$SRC" -type f -print0 | xargs -0 cat >/dev/null  # warm, like every run after it

results="$WORK/results.tsv"
: >"$results"
for ((r = 1; r <= ROUNDS; r++)); do
  for bin in "$@"; do
    repo="$WORK/repo"
    rm -rf "$repo"
    "$bin" -r "$repo" "${INIT[@]}" >/dev/null
    load=$(uptime | sed 's/.*load average: //')
    /usr/bin/time -f "%e %U %S %M %w %c" -o "$WORK/time" "$bin" -r "$repo" -q backup "$SRC"
    read -r wall user sys rss vcs ics <"$WORK/time"
    bytes=$(du -sb "$repo" | cut -f1)
    us=$(awk -v u="$user" -v s="$sys" -v n="$files" 'BEGIN { printf "%.1f", (u + s) * 1e6 / n }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$bin")" "$wall" "$user" "$sys" "$us" "$rss" \
      "$bytes" "$load ctx $vcs/$ics" | tee -a "$results"
  done
done
rm -rf "$WORK/repo"
echo "medians over $ROUNDS rounds, $files files:"
for bin in "$@"; do
  b=$(basename "$bin")
  median() { awk -F'\t' -v b="$b" -v c="$1" '$1 == b { print $c }' "$results" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
  printf '%s\twall %s s\tuser %s s\tsys %s s\t%s us CPU/file\n' "$b" "$(median 2)" "$(median 3)" "$(median 4)" "$(median 5)"
done
