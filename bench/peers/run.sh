#!/usr/bin/env bash
# Side-by-side benchmark: arbor, restic and borg on the same datasets in one run.
#
#   ARBOR_BENCH_DEPS=1 ./scripts/install-deps.sh     # restic, borg, hyperfine
#   ./bench/peers/run.sh [--files N] [--gib G] [--work DIR] [--tools "arbor restic borg"]
#
# For each dataset (small files, large files) and tool: first backup, unchanged
# re-backup, one-file-changed re-backup, full restore. Each step is timed with
# /usr/bin/time -v (wall time, peak RSS). Prints a markdown table (also written to
# WORK/results.md) with files/s, MB/s, repository size and object count, and
# arbor's ratio to each peer. Caches are warm for every tool alike (the data was
# just written); restic always encrypts, borg runs with -e none, arbor encrypts
# (its default; tool "arbor-plain" is arbor with --insecure-no-encryption).
#
# --cold drops the page cache (sync; echo 3 > /proc/sys/vm/drop_caches, needs root)
# before every timed step, as a nightly backup meets it. Each dataset also gets the
# machine's floor: the time just to read every file (tar to a pipe; GNU tar skips
# reading when its archive is /dev/null), under the same cache state as the tools, and
# the restore's floor: copying the tree with `tar -c | tar -x` into a fresh directory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FILES=1000000
GIB=3
WORK="${TMPDIR:-/tmp}/arbor-bench"
TOOLS="arbor restic borg"
COLD=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --gib) GIB=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --cold) COLD=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
ARBOR="${ARBOR:-$ROOT/build/src/cli/arbor}"
export RESTIC_PASSWORD=bench BORG_PASSPHRASE=bench ARBOR_PASSWORD=bench BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_BASE_DIR="$WORK/borg-home" RESTIC_CACHE_DIR="$WORK/restic-cache"
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

# Deleting a tree of many files makes the next trees created on the same ext4 file system
# slow for a while: its inode allocator skips inodes freed in the last seconds
# (`recently_deleted`, up to 35 s), reading their inode table blocks, so every file
# created pays for the ones just deleted. Measured here on 50,000 small files: `tar -c |
# tar -x` into a fresh directory took 1.2 s, and 34 s right after `rm -rf` of a tree of the
# same files (perf: `find_get_block_common` under `recently_deleted`); each tool's restore
# ran right after the previous tool's was deleted. So restored trees are kept until the
# dataset is done, and after deleting a tree of files the run waits until the deleted
# inodes are no longer recent.
drop_tree() {  # drop_tree DIR...: deletes, then waits out ext4's "recently deleted" window
  local d found=0
  for d in "$@"; do [[ -e $d ]] && found=1; rm -rf "$d"; done
  if [[ $found == 1 ]]; then sync; sleep 40; fi
}
drop_tree "$WORK"/restore-* "$WORK/floor-copy"  # left by an earlier run

dataset() {  # dataset NAME: creates it once
  local dir="$WORK/data/$1"
  [[ -f "$dir.done" ]] && return
  rm -rf "$dir"
  echo "generating $1 dataset..." >&2
  if [[ $1 == small ]]; then python3 "$ROOT/bench/peers/make_datasets.py" small "$dir" --count "$FILES"
  else python3 "$ROOT/bench/peers/make_datasets.py" large "$dir" --gib "$GIB"; fi
  touch "$dir.done"
}

# timed TOOL DATASET STEP cmd...: runs cmd, appends "tool dataset step seconds rss_kb" to RESULTS.
timed() {
  local tool=$1 ds=$2 step=$3; shift 3
  local log="$WORK/time-$tool-$ds-$step.txt"
  # Every step starts with no dirty pages: otherwise a restore pays for writing back
  # the previous tool's restore (a warm run once timed arbor-plain's restore at 2.7x
  # arbor's for that reason alone).
  sync
  if [[ $COLD == 1 ]]; then
    echo 3 > /proc/sys/vm/drop_caches || { echo "--cold needs root (drop_caches)" >&2; exit 1; }
  fi
  /usr/bin/time -v "$@" >"$WORK/out-$tool-$ds-$step.txt" 2>"$log" || {
    local rc=$?
    # arbor exit 3 / restic exit 3 mean "partial": still a result; anything else is a failure.
    [[ $rc == 3 ]] || { tail -20 "$log" >&2; echo "$tool $ds $step failed ($rc)" >&2; exit 1; }
  }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$ds" "$step" "$wall" "$rss" >> "$RESULTS"
  echo "$tool $ds $step: ${wall}s, $((rss / 1024)) MiB RSS" >&2
}

change_one_file() {  # appends to one file deep in the tree
  local f
  f=$(find "$1" -type f -print -quit)
  echo "changed $(date +%s%N)" >> "$f"
}

repo_facts() {  # repo_facts TOOL DATASET REPO
  local bytes objects
  bytes=$(du -sb "$3" | cut -f1)
  objects=$(find "$3" -type f | wc -l)
  printf '%s\t%s\trepo\t%s\t%s\n' "$1" "$2" "$bytes" "$objects" >> "$RESULTS"
}

run_tool() {  # run_tool TOOL DATASET
  local tool=$1 ds=$2 src="$WORK/data/$2" repo="$WORK/repo-$1-$2" out="$WORK/restore-$1-$2"
  rm -rf "$repo" "$out"
  mkdir -p "$out"
  case $tool in
    arbor | arbor-plain)
      # arbor encrypts by default (Argon2id at its default cost, paid once per command);
      # arbor-plain is the same binary with --insecure-no-encryption.
      # It is given no password: one given would make it refuse to write into an
      # unencrypted repository (downgrade protection).
      local arbor=("$ARBOR")
      if [[ $tool == arbor ]]; then "$ARBOR" -r "$repo" init -q >/dev/null
      else
        arbor=(env -u ARBOR_PASSWORD "$ARBOR")
        "${arbor[@]}" -r "$repo" init -q --insecure-no-encryption >/dev/null 2>&1
      fi
      timed "$tool" "$ds" first "${arbor[@]}" -r "$repo" -q backup "$src"
      timed "$tool" "$ds" unchanged "${arbor[@]}" -r "$repo" -q backup "$src"
      change_one_file "$src"
      timed "$tool" "$ds" one_changed "${arbor[@]}" -r "$repo" -q backup "$src"
      timed "$tool" "$ds" restore "${arbor[@]}" -r "$repo" -q restore latest --target "$out" ;;
    restic)
      restic -r "$repo" init -q >/dev/null
      timed restic "$ds" first restic -r "$repo" -q backup "$src"
      timed restic "$ds" unchanged restic -r "$repo" -q backup "$src"
      change_one_file "$src"
      timed restic "$ds" one_changed restic -r "$repo" -q backup "$src"
      timed restic "$ds" restore restic -r "$repo" -q restore latest --target "$out" ;;
    borg)
      borg init -e none "$repo" >/dev/null
      timed borg "$ds" first borg create "$repo::a" "$src"
      timed borg "$ds" unchanged borg create "$repo::b" "$src"
      change_one_file "$src"
      timed borg "$ds" one_changed borg create "$repo::c" "$src"
      timed borg "$ds" restore bash -c "cd '$out' && borg extract '$repo::c'" ;;
  esac
  repo_facts "$tool" "$ds" "$repo"
  diff -r --no-dereference "$src" "$out$src" >/dev/null || { echo "$tool restore of $ds differs!" >&2; exit 1; }
}

for ds in small large; do
  dataset "$ds"
  sync
  # The floor: reading every file once, nothing else (warm runs read it once first).
  [[ $COLD == 1 ]] || tar -cf - -C "$WORK/data/$ds" . | cat >/dev/null
  timed floor "$ds" read bash -c "tar -cf - -C '$WORK/data/$ds' . | cat >/dev/null"
  # The restore's floor: the same files written into a fresh directory with nothing else
  # done (tar to tar: one reader, one writer; every file created, written, its metadata set).
  mkdir -p "$WORK/floor-copy"
  timed floor "$ds" copy bash -c "tar -cf - -C '$WORK/data/$ds' . | tar -xf - -C '$WORK/floor-copy'"
  for tool in $TOOLS; do run_tool "$tool" "$ds"; done
  drop_tree "$WORK"/restore-* "$WORK/floor-copy"
done
python3 "$ROOT/bench/peers/report.py" "$RESULTS" "$WORK/data" "$FILES" "$([[ $COLD == 1 ]] && echo cold || echo warm)" | tee "$WORK/results.md"
