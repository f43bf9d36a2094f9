#!/usr/bin/env bash
# What restic users expect of the everyday commands: -q prints nothing but problems,
# --json times are RFC 3339 with the zone, and an --include that names nothing is said
# (and, when nothing matches at all, nothing is touched).
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/docs/deep"
echo alpha >"$S/docs/a.txt"
echo beta >"$S/docs/deep/b.txt"
arbor_init -q >/dev/null

step "-q backup and -q restore print nothing on stdout"
out=$("$ARBOR" -q backup "$S")
[[ -z "$out" ]] || fail "-q backup printed: $out"
out=$("$ARBOR" -q restore latest --target "$WORK/quiet")
[[ -z "$out" ]] || fail "-q restore printed: $out"
cmp "$S/docs/a.txt" "$WORK/quiet$S/docs/a.txt" || fail "-q restore did not restore"
out=$("$ARBOR" backup "$S")
grep -q "^snapshot [0-9a-f]\{8\} saved" <<<"$out" || fail "backup without -q lost its summary: $out"

step "snapshots --json: RFC 3339 time with nanoseconds and the local offset, equal to time_ns"
for zone in UTC Asia/Kolkata America/St_Johns; do
  json=$(TZ=$zone "$ARBOR" snapshots --json)
  python3 - "$json" "$zone" <<'PY'
import datetime, json, re, sys
snaps, zone = json.loads(sys.argv[1]), sys.argv[2]
want_offset = {"UTC": "+00:00", "Asia/Kolkata": "+05:30", "America/St_Johns": None}[zone]
for s in snaps:
    t = s["time"]
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})([+-]\d\d:\d\d)", t)
    assert m, f"not RFC 3339 with ns and offset: {t}"
    if want_offset:
        assert m.group(3) == want_offset, f"{zone}: offset {m.group(3)}, want {want_offset}"
    else:
        assert m.group(3) in ("-03:30", "-02:30"), f"{zone}: offset {m.group(3)}"
    whole = datetime.datetime.fromisoformat(m.group(1) + m.group(3))
    ns = int(whole.timestamp()) * 10**9 + int(m.group(2))
    assert ns == s["time_ns"], f"{t} is {ns} ns, snapshot says {s['time_ns']}"
PY
done

step "restore --include of a path not in the snapshot: exit 1, nothing written"
expect_exit 1 "$ARBOR" restore latest --target "$WORK/none" --include /nope
expect_stderr "--include /nope: not in snapshot"
expect_stderr "nothing was restored"
[[ ! -e "$WORK/none" ]] || fail "a restore that matched nothing created its target"

step "one --include of two missing: a warning, the other restored"
expect_exit 0 "$ARBOR" restore latest --target "$WORK/some" --include /nope --include "$S/docs/deep"
expect_stderr "warning: --include /nope is not in snapshot"
cmp "$S/docs/deep/b.txt" "$WORK/some$S/docs/deep/b.txt" || fail "the matching include was not restored"
[[ ! -e "$WORK/some$S/docs/a.txt" ]] || fail "a file outside the includes was restored"
echo "PASS: cli_conventions"
