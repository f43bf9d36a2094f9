#!/usr/bin/env bash
# deploy/systemd: every unit passes `systemd-analyze verify` (syntax, directives, the
# binary it starts), and every arbor command line in an ExecStart= exists, with the
# options it uses, in the arbor built here.
set -euo pipefail
ARBOR="${ARBOR:?set ARBOR to the arbor binary}"
UNITS="$1"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing (scripts/install-deps.sh installs systemd)"; exit 1; }
cp "$UNITS"/*.service "$UNITS"/*.timer "$WORK/"
# The units start /usr/local/bin/arbor (cmake --install); verify against the build's.
sed -i "s#/usr/local/bin/arbor#$ARBOR#" "$WORK"/*.service
n=0
for unit in "$WORK"/*.service "$WORK"/*.timer; do
  out=$(systemd-analyze verify --man=no "$unit" 2>&1 | grep -v -E "EnvironmentFile|/etc/arbor/arbor.env" || true)
  [[ -z "$out" ]] || { echo "$out"; echo "FAIL: $(basename "$unit") does not verify"; exit 1; }
  n=$((n + 1))
done
for unit in "$UNITS"/*.service; do
  line=$(sed -n 's#^ExecStart=/usr/local/bin/arbor ##p' "$unit")
  [[ -n "$line" ]] || { echo "FAIL: $(basename "$unit") does not start arbor"; exit 1; }
  read -r -a words <<<"$line"
  cmd=()
  for w in "${words[@]}"; do
    [[ $w == -* || $w == \$* ]] && break
    cmd+=("$w")
  done
  [[ ${words[0]} == -q ]] && cmd=("${words[1]}")
  help=$("$ARBOR" "${cmd[@]}" --help) || { echo "FAIL: $(basename "$unit"): arbor ${cmd[*]} does not exist"; exit 1; }
  for w in "${words[@]}"; do
    [[ $w == --* ]] || continue
    grep -q -- "${w%%=*}" <<<"$help$("$ARBOR" --help)" || { echo "FAIL: $(basename "$unit"): arbor ${cmd[*]} has no $w"; exit 1; }
  done
  # The options the env example passes through $ARBOR_BACKUP_OPTIONS.
done
for opt in $(sed -n 's/^ARBOR_BACKUP_OPTIONS=//p' "$UNITS/arbor.env.example"); do
  "$ARBOR" backup --help | grep -q -- "$opt" || { echo "FAIL: arbor.env.example passes $opt, which backup lacks"; exit 1; }
done
echo "PASS: $n units verified"
