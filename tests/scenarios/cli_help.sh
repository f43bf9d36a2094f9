#!/usr/bin/env bash
# Help that fits a screen and tells the truth: every command's --help (nested ones too) is
# at most 40 lines, names the program "arbor" and no path of the build machine, and points
# to the reference (exit codes, environment) that only `arbor --help` / `arbor help` print.
# A mistyped command is answered with the nearest one.
source "$(dirname "$0")/lib.sh"

# Subcommand names listed in a help text (CLI11's "Subcommands:" block).
subcommands_of() {
  awk '/^Subcommands:/ {on=1; next} on && /^$/ {on=0} on && /^  [a-z]/ {print $1}' <<<"$1"
}

build_dir=$(cd "$(dirname "$ARBOR")" && pwd)
checked=0
check_help() {  # words of a command ("" for the top level)
  local words=("$@") text lines
  text=$("$ARBOR" "${words[@]}" --help)
  lines=$(wc -l <<<"$text")
  ((lines <= 40)) || [[ ${#words[@]} -eq 0 ]] || fail "'arbor ${words[*]} --help' is $lines lines (at most 40)"
  grep -q "^Usage: arbor" <<<"$text" || fail "'arbor ${words[*]} --help' usage does not start with 'arbor': $(grep Usage <<<"$text")"
  ! grep -qF "$build_dir" <<<"$text" || fail "'arbor ${words[*]} --help' names the build folder $build_dir"
  ! grep -q "Excludes:" <<<"$text" || fail "'arbor ${words[*]} --help' shows CLI11's Excludes: notes"
  if ((${#words[@]})); then
    ! grep -q "^Exit codes:" <<<"$text" || fail "'arbor ${words[*]} --help' repeats the exit-code block"
    grep -q "arbor help exit-codes" <<<"$text" || fail "'arbor ${words[*]} --help' does not point to 'arbor help exit-codes'"
    grep -q -- "--repo" <<<"$text" || fail "'arbor ${words[*]} --help' does not mention the global options"
  fi
  checked=$((checked + 1))
  local sub
  for sub in $(subcommands_of "$text"); do check_help "${words[@]}" "$sub"; done
}
check_help
((checked > 30)) || fail "only $checked help texts found: the Subcommands: parsing broke"
echo "$checked help texts checked"

top=$("$ARBOR" --help)
grep -q "^Exit codes:" <<<"$top" || fail "arbor --help lost the exit codes"
env_help=$("$ARBOR" help environment)
for v in ARBOR_STATE_DIR ARBOR_CATALOG_KEY ARBOR_INDEX ARBOR_PASSWORD_FILE ARBOR_REPO; do
  grep -q "$v" <<<"$env_help" || fail "arbor help environment does not name $v"
done
"$ARBOR" help exit-codes | grep -q "^  12  wrong or missing password" || fail "arbor help exit-codes lacks code 12"
"$ARBOR" help job submit | grep -q "^Usage: arbor job submit" || fail "arbor help job submit is not that command's help"

expect_exit 1 "$ARBOR" bakup
expect_stderr "unknown command 'bakup'; did you mean 'backup'?"
expect_exit 1 "$ARBOR" -r /nonexistent snap
expect_stderr "did you mean 'snapshots'?"
expect_exit 1 "$ARBOR" help nope
expect_stderr "no topic or command 'nope'"
! grep -q "did you mean" "$WORK/last.err" || fail "help nope suggested a far-off command: $(cat "$WORK/last.err")"
echo "PASS: cli_help"
