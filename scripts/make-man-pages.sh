#!/usr/bin/env bash
# Makes the man pages from the CLI's own --help, so they cannot drift from it:
# arbor.1 for `arbor --help` and arbor-COMMAND.1 for each command's `--help` (the
# command list is read from `arbor --help`). Run by the build (src/cli/CMakeLists.txt,
# target man_pages) and installed by `cmake --install` into share/man/man1.
# Usage: make-man-pages.sh ARBOR_BINARY OUT_DIR
set -euo pipefail
bin=$(realpath "$1")
out=$2
mkdir -p "$out"
rm -f "$out"/*.1
links=$(mktemp -d)
trap 'rm -rf "$links"' EXIT
version=$("$bin" --version | awk '{print $NF}')
top_help=$("$bin" --help)
commands=$(awk '/^Subcommands:/ {f = 1; next} f && /^  [a-z]/ {print $1} f && /^$/ {exit}' <<<"$top_help")
[[ -n "$commands" ]] || { echo "make-man-pages: no commands in $bin --help" >&2; exit 1; }

page() {  # page NAME DESCRIPTION HELP_OPTION: help2man names the page after the program it runs
  ln -sf "$bin" "$links/$1"
  help2man --no-info --no-discard-stderr --version-string "$version" --name "$2" \
    --help-option "$3" --output "$out/$1.1" "$links/$1"
}
page arbor "deduplicating backup for file shares with billions of files" "--help"
for c in $commands; do
  desc=$(awk -v c="$c" '$1 == c {$1 = ""; sub(/^ +/, ""); print; exit}' <<<"$top_help")
  page "arbor-$c" "$desc" "$c --help"
done
echo "made $(ls "$out" | wc -l) man pages in $out"
