#!/usr/bin/env bash
# `arbor completion bash|zsh|fish`: generated from the command definitions. Bash's is run
# for real (the function bash calls on TAB, with COMP_WORDS as bash sets them): commands,
# nested commands, options, global options with their values skipped, files after an
# option that takes one. zsh's wraps the same function; fish's names every command.
source "$(dirname "$0")/lib.sh"
"$ARBOR" completion bash >"$WORK/arbor.bash"
bash -n "$WORK/arbor.bash" || fail "the bash script does not parse"

complete_words() {  # the words bash would offer for the command line "$@" (last word: being typed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _arbor; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$WORK/arbor.bash" "$@"
}
offers() {  # offers WORD CMDLINE...: WORD is among the completions
  local want=$1; shift
  complete_words "$@" | grep -qx -- "$want" || fail "'$*' does not offer $want (offers: $(complete_words "$@" | tr '\n' ' '))"
}
refuses() {
  local unwanted=$1; shift
  ! complete_words "$@" | grep -qx -- "$unwanted" || fail "'$*' offers $unwanted"
}

offers backup arbor ba
refuses snapshots arbor ba
offers submit arbor job su
offers snapshots arbor -r /srv/repo --password-file /tmp/pw snap   # option values skipped
offers --exclude-caches arbor backup --exclude-c
offers --repo arbor backup --re                                    # global options after the command
refuses --keep-daily arbor backup --keep
mkdir -p "$WORK/files" && touch "$WORK/files/patterns.txt"
offers "$WORK/files/patterns.txt" arbor backup --exclude-file "$WORK/files/pat"

"$ARBOR" completion zsh >"$WORK/_arbor"
grep -q "^#compdef arbor" "$WORK/_arbor" && grep -q "bashcompinit" "$WORK/_arbor" && grep -q "^_arbor()" "$WORK/_arbor" \
  || fail "the zsh script is not a bashcompinit wrapper of the bash function"
"$ARBOR" completion fish >"$WORK/arbor.fish"
for c in backup restore snapshots job worker completion; do
  grep -q -- "-a $c " "$WORK/arbor.fish" || fail "fish script lacks command $c"
done
grep -q "__fish_seen_subcommand_from backup' -l exclude-file -r -F" "$WORK/arbor.fish" || fail "fish: backup --exclude-file"
expect_exit 1 "$ARBOR" completion tcsh
expect_stderr "tcsh not in"
echo "PASS: completion"
