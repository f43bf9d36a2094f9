#!/usr/bin/env bash
# verify --read-data-subset n/t reads group n of t of the packs, the same groups in every
# run: 1/3, 2/3 and 3/3 together read every pack exactly once, and a damaged pack is
# found by the one group that holds it. P% reads a random share. Bad values: exit 1.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S"
for i in $(seq 1 12); do random_file "$S/f$i.bin" $((64 * 1024)) "$i"; done
arbor_init -q --pack-size 64KiB >/dev/null
"$ARBOR" -q backup "$S"
read_stats() { "$ARBOR" --json -q verify "$@" | tail -n 1 | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["packs_read"], o["bytes_read"], o["ok"])'; }

step "the three groups of 1/3..3/3 read every pack exactly once"
read -r all_packs all_bytes ok <<<"$(read_stats --read-data)"
[[ $ok == True ]] || fail "fresh repository does not verify"
((all_packs >= 9)) || fail "expected many packs, got $all_packs"
sum_packs=0 sum_bytes=0
for n in 1 2 3; do
  read -r p b ok <<<"$(read_stats --read-data-subset $n/3)"
  [[ $ok == True ]] || fail "group $n/3 found problems in a fresh repository"
  ((p > 0 && p < all_packs)) || fail "group $n/3 read $p of $all_packs packs"
  read -r p2 b2 _ <<<"$(read_stats --read-data-subset $n/3)"
  [[ "$p/$b" == "$p2/$b2" ]] || fail "group $n/3 is not the same in two runs ($p/$b vs $p2/$b2)"
  sum_packs=$((sum_packs + p)) sum_bytes=$((sum_bytes + b))
done
[[ "$sum_packs/$sum_bytes" == "$all_packs/$all_bytes" ]] \
  || fail "groups read $sum_packs packs / $sum_bytes bytes, --read-data $all_packs / $all_bytes"

step "a flipped byte is found by exactly one group"
pack=$(find "$ARBOR_REPO" -name '*.tar' -size +32k | sort | head -n 1)
python3 -c "
import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0x40; open(p, 'wb').write(b)" "$pack"
found=0
for n in 1 2 3; do
  if ! "$ARBOR" -q verify --read-data-subset $n/3 >/dev/null 2>&1; then found=$((found + 1)); fi
done
[[ $found == 1 ]] || fail "the damaged pack was found by $found groups, not 1"

step "P%: 100% reads every pack"
read -r p _ _ <<<"$(read_stats --read-data-subset 100%)"
[[ $p == "$all_packs" ]] || fail "100% read $p of $all_packs packs"

step "bad values: exit 1 with the forms said"
for bad in 0/3 4/3 3 1/0 0% 101% x% 1/3x; do
  expect_exit 1 "$ARBOR" verify --read-data-subset "$bad"
  expect_stderr "give n/t"
done
echo "PASS: verify_subset"
