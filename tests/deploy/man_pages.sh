#!/usr/bin/env bash
# The man pages the build makes (scripts/make-man-pages.sh): one per command listed by
# `arbor --help`, each renders with man without warnings, names its command and its
# options as --help does, leaks no path of the build machine, and `cmake --install` puts
# them in share/man/man1.
set -euo pipefail
ARBOR="${ARBOR:?set ARBOR to the arbor binary}"
MAN_DIR="$1"
BUILD_DIR="$2"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
top_help=$("$ARBOR" --help)
commands=$(awk '/^Subcommands:/ {f = 1; next} f && /^  [a-z]/ {print $1} f && /^$/ {exit}' <<<"$top_help")
(( $(wc -w <<<"$commands") >= 20 )) || fail "too few commands read from --help: $commands"
[[ -f "$MAN_DIR/arbor.1" ]] || fail "no arbor.1"
for c in $commands; do
  page="$MAN_DIR/arbor-$c.1"
  [[ -f "$page" ]] || fail "no man page for $c"
  text=$(MANWIDTH=100 man --warnings -l "$page" 2>"$WORK/warn")
  [[ ! -s "$WORK/warn" ]] || { cat "$WORK/warn" >&2; fail "arbor-$c.1 renders with warnings"; }
  grep -q "arbor $c" <<<"$text" || fail "arbor-$c.1 does not name 'arbor $c'"
  # every long option of the command's --help is in its page
  for opt in $("$ARBOR" "$c" --help | grep -o -E -- '--[a-z][a-z0-9-]+' | sort -u); do
    grep -q -- "$opt" <<<"$text" || fail "arbor-$c.1 lacks $opt"
  done
  ! grep -q -e "$BUILD_DIR" -e "$(dirname "$ARBOR")" "$page" || fail "arbor-$c.1 names a build path"
done
MANWIDTH=100 man -l "$MAN_DIR/arbor-backup.1" 2>/dev/null | grep -q -- "--dry-run" || fail "arbor-backup.1 lacks --dry-run"
DESTDIR="$WORK/root" cmake --install "$BUILD_DIR" --prefix /usr/local >/dev/null
[[ -f "$WORK/root/usr/local/share/man/man1/arbor-backup.1" ]] || fail "cmake --install did not install the man pages"
[[ -x "$WORK/root/usr/local/bin/arbor" ]] || fail "cmake --install did not install arbor"
echo "PASS: $(wc -w <<<"$commands") command pages and arbor.1"
