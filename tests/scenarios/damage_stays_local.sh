#!/usr/bin/env bash
# One damaged or lost object costs what depends on it, never the repository: restore
# goes on past lost data, a damaged index segment or snapshot object is skipped and
# reported, `arbor repair` makes the repository whole, and prune refuses to run on
# what it cannot see. Also: prune killed with kill -9 while it repacks, then run again,
# loses nothing (the data-loss bug; tests/crash proves it over every crash point).
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/small" "$S/big"
for i in $(seq 1 200); do echo "small file $i" > "$S/small/f$i.txt"; done
for i in 1 2 3 4 5 6; do random_file "$S/big/b$i.bin" $((700 * 1024)) "$i"; done
arbor_init --pack-size 1MiB >/dev/null
"$ARBOR" backup "$S" -q >/dev/null
first=$(arbor_json snapshots | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
echo "more" >> "$S/small/f1.txt"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "fresh repository does not verify"
cp -a "$ARBOR_REPO" "$WORK/pristine"
reset_repo() { rm -rf "$ARBOR_REPO"; cp -a "$WORK/pristine" "$ARBOR_REPO"; }
NS="$ARBOR_REPO/default/default"

step "restore goes on past a lost pack, lists what it lost, leaves no partial file"
# The data pack holding b3.bin: find it by the blob ids that make up the file.
victim=$(python3 - "$NS" <<'PY'
import sys, tarfile, glob
best = None
for p in glob.glob(sys.argv[1] + "/packs/*/*.tar"):
    with tarfile.open(p) as t:
        names = [m for m in t.getmembers() if len(m.name) == 64]
        big = [m for m in names if m.size > 100000]
        if big and (best is None or len(big) < best[0]):
            best = (len(big), p)
print(best[1])
PY
)
rm "$victim"
expect_exit 3 "$ARBOR" restore latest --target "$WORK/out"
expect_stderr "could not be restored"
lost=$(grep -c "not restored, its data is damaged or missing" "$WORK/last.err") || true
[[ $lost -ge 1 ]] || fail "no damaged file listed"
restored=$(find "$WORK/out" -type f | wc -l)
[[ $restored -eq $((206 - lost)) ]] || fail "expected $((206 - lost)) files restored, got $restored"
for f in $(grep -o "missing in the repository: [^ ]*" "$WORK/last.err" | awk '{print $NF}'); do
  [[ ! -e "$WORK/out$f" ]] || fail "damaged file $f left under its final name"
done
[[ -z $(find "$WORK/out" -name '*.arbor-tmp*') ]] || fail "temporary files left behind"
for f in $(cd "$S" && find . -type f); do
  if [[ -e "$WORK/out$S/$f" ]]; then cmp -s "$S/$f" "$WORK/out$S/$f" || fail "$f restored wrong"; fi
done
rm -rf "$WORK/out"
expect_exit 1 "$ARBOR" verify
grep -q "is missing" "$WORK/last.out" || fail "verify did not report the missing pack"
step "repair snapshots leaves the lost files out; then everything verifies"
"$ARBOR" repair index -q >/dev/null
expect_exit 0 "$ARBOR" repair snapshots --forget
grep -q "leaving out" "$WORK/last.out" || fail "repair snapshots did not say what it left out"
"$ARBOR" verify -q >/dev/null || fail "repaired repository does not verify"
"$ARBOR" snapshots | grep -q repaired || fail "repaired snapshots are not tagged"
reset_repo

step "one flipped byte in an index segment: every command still works, repair index fixes it"
seg=$(ls "$NS"/index/* | head -1)
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=1; open(p,'wb').write(b)" "$seg"
expect_exit 0 "$ARBOR" snapshots
expect_stderr "index segment .* is damaged"
expect_exit 0 "$ARBOR" restore latest --target "$WORK/out"
same_tree "$S" "$WORK/out$S"; rm -rf "$WORK/out"
expect_exit 0 "$ARBOR" stats
expect_exit 1 "$ARBOR" verify
grep -q "index segment .* is damaged" "$WORK/last.out" || fail "verify did not name the damaged segment"
expect_exit 1 "$ARBOR" prune
expect_stderr "repair index"
"$ARBOR" repair index -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after repair index"
reset_repo

step "a deleted index segment: verify says the index lost records; prune refuses; repair index restores it"
rm "$NS"/index/*
expect_exit 1 "$ARBOR" verify
grep -q "index records were lost" "$WORK/last.out" || fail "verify did not explain the unindexed packs"
expect_exit 1 "$ARBOR" prune
expect_stderr "repair index"
[[ $(ls "$NS"/packs/*/*.tar | wc -l) -eq $(ls "$WORK/pristine/default/default/packs/"*/*.tar | wc -l) ]] ||
  fail "prune deleted packs it could not see"
"$ARBOR" repair index -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after repair index"
reset_repo

step "a truncated snapshot object: the other snapshot restores, forget works, verify names it"
snapobj=$(for f in "$NS"/snapshots/*; do if [[ $(basename "$f") == "$first"* ]]; then echo "$f"; fi; done)
[[ -n "$snapobj" ]] || fail "first snapshot object not found"
truncate -s 20 "$snapobj"
expect_exit 0 "$ARBOR" snapshots
expect_stderr "is damaged"
expect_exit 0 "$ARBOR" restore latest --target "$WORK/out"
same_tree "$S" "$WORK/out$S"; rm -rf "$WORK/out"
expect_exit 1 "$ARBOR" verify
grep -q "snapshot object .* is damaged" "$WORK/last.out" || fail "verify did not name the damaged snapshot"
expect_exit 1 "$ARBOR" prune
expect_stderr "repair snapshots"
"$ARBOR" repair snapshots --forget -q >/dev/null
"$ARBOR" verify -q >/dev/null || fail "verify after repair snapshots"
expect_exit 0 "$ARBOR" forget --keep-last 1
reset_repo

step "a flipped byte inside a snapshot object is caught by its name"
snapobj=$(ls "$NS"/snapshots/* | head -1)
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[-9]^=1; open(p,'wb').write(b)" "$snapobj"
expect_exit 1 "$ARBOR" verify --read-data
grep -q "does not match its name" "$WORK/last.out" || fail "a modified snapshot object passed verify"
reset_repo

step "a pack truncated to half fails plain verify"
pack=$(ls -S "$NS"/packs/*/*.tar | head -1)
truncate -s $(( $(stat -c %s "$pack") / 2 )) "$pack"
expect_exit 1 "$ARBOR" verify
grep -q "truncated" "$WORK/last.out" || fail "a truncated pack passed verify"
reset_repo

step "a pack cut right after its first group (trailer lost): repair index salvages the group, everything restores"
# The group's table sits in front of its blobs and is sealed (encrypted repository):
# salvage opens it with the key and copies its blobs to new packs (docs/format/repository.md).
read -r pack cut < <(python3 - "$NS" <<'PY'
import sys, tarfile, glob
for p in sorted(glob.glob(sys.argv[1] + "/packs/*/*.tar")):
    with tarfile.open(p) as t:
        groups = [m for m in t.getmembers() if m.name.startswith(".arbor-group-")]
        if groups:
            print(p, groups[0].offset_data + groups[0].size); break
PY
)
[[ -n $pack ]] || fail "no pack with a group member"
truncate -s "$cut" "$pack"
out=$(arbor_json repair index --read-all-packs)  # rebuild from the packs alone
salvaged=$(json_field "$out" blobs_salvaged)
[[ $salvaged -ge 1 ]] || fail "repair index salvaged $salvaged blobs from a pack cut behind a complete group"
rm -rf "$WORK/salvaged"
"$ARBOR" restore latest --target "$WORK/salvaged" -q >/dev/null || fail "restore after salvage"
diff -r "$S" "$WORK/salvaged$S" >/dev/null || diff -r "$S" "$WORK/salvaged" >/dev/null ||
  fail "restore after salvage differs from the source"
reset_repo

step "prune reports the bytes it freed"
echo "changed" > "$S/big/b1.bin"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" forget --keep-last 1 -q >/dev/null
out=$(arbor_json prune --max-unused 0)
freed=$(json_field "$out" bytes_freed)
[[ $freed -gt 500000 ]] || fail "prune says it freed $freed bytes"
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after prune"

step "prune killed while it repacks, then run again, keeps every remaining snapshot whole"
for v in $(seq 1 8); do
  for i in $(seq $((v * 5)) $((v * 5 + 20))); do random_file "$S/small/r$i.bin" 40000 $((v * 1000 + i)); done
  rm -f "$S/small/r$((v * 5 - 5)).bin"
  "$ARBOR" backup "$S" -q >/dev/null
done
"$ARBOR" forget --keep-last 3 -q >/dev/null
cp -a "$ARBOR_REPO" "$WORK/before-prune"
keep=$(arbor_json snapshots | python3 -c "import json,sys; print(' '.join(s['id'] for s in json.load(sys.stdin)))")
for delay in 0.05 0.1 0.2 0.3 0.5; do
  rm -rf "$ARBOR_REPO"; cp -a "$WORK/before-prune" "$ARBOR_REPO"
  "$ARBOR" prune --max-unused 0 -q >/dev/null 2>&1 & pid=$!
  sleep "$delay"; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  "$ARBOR" prune --max-unused 0 -q >/dev/null || fail "prune after a kill at ${delay}s"
  "$ARBOR" verify --read-data -q >/dev/null || fail "verify after prune killed at ${delay}s"
  for id in $keep; do
    "$ARBOR" restore "$id" --target "$WORK/r" -q >/dev/null || fail "snapshot $id lost after a kill at ${delay}s"
    rm -rf "$WORK/r"
  done
  "$ARBOR" backup "$S" -q >/dev/null || fail "backup after prune killed at ${delay}s"
  "$ARBOR" verify -q >/dev/null || fail "verify after the backup that followed a kill at ${delay}s"
done
echo "PASS"
