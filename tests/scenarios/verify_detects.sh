#!/usr/bin/env bash
# verify --read-data finds one flipped byte in any pack and names the files it
# affects; plain verify finds a deleted pack.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/docs" "$S/media"
for i in $(seq 1 30); do echo "document $i $(date +%N)" > "$S/docs/d$i.txt"; done
random_file "$S/media/movie.bin" $((3 * 1024 * 1024)) 3
arbor_init >/dev/null
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "fresh repository does not verify"

# Byte offset of a byte inside a blob of a pack (from the tar structure): the middle of a
# member of its own (named by the blob id), or the middle of a group member's blobs (u32
# table size, the table, then the blobs; docs/format/repository.md).
blob_offset() {
  python3 - "$1" <<'PY'
import struct, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if len(m.name) == 64 and m.size > 8:
            print(m.offset_data + m.size // 2); break
        if m.name.startswith(".arbor-group-"):
            data = t.extractfile(m).read()
            table = struct.unpack_from("<I", data, 0)[0]
            print(m.offset_data + 4 + table + (m.size - 4 - table) // 2); break
PY
}
flip() { python3 -c "
import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, 'rb').read()); b[o] ^= 0x40; open(p, 'wb').write(b)" "$1" "$2"; }

packs=$(find "$ARBOR_REPO" -name '*.tar' | sort)
[[ $(echo "$packs" | wc -l) -ge 2 ]] || fail "expected data and tree packs"
for pack in $packs; do
  step "flip one byte inside a blob of $(basename "$pack")"
  off=$(blob_offset "$pack")
  flip "$pack" "$off"
  expect_exit 1 "$ARBOR" verify --read-data --json -q
  python3 - "$WORK/last.out" "$S" <<'PY' || fail "verify did not name the damaged file(s)"
import json, sys
out = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert not out["ok"], out
files = [f for p in out["problems"] for f in p["affected_files"]]
assert files and all(f.startswith("snapshot ") and sys.argv[2] in f for f in files), out
PY
  flip "$pack" "$off"
  step "flip one byte of tar framing"
  flip "$pack" 100
  expect_exit 1 "$ARBOR" verify --read-data -q
  grep -q "damaged outside its blobs" "$WORK/last.out" || fail "framing damage not reported"
  flip "$pack" 100
done
"$ARBOR" verify --read-data -q >/dev/null || fail "repaired repository does not verify"

step "a deleted pack is found without reading data"
victim=$(ls -S $packs | head -1)  # the biggest: the data pack
mv "$victim" "$WORK/saved.tar"
expect_exit 1 "$ARBOR" verify
grep -q "is missing" "$WORK/last.out" || fail "missing pack not reported"
grep -q "affects snapshot .*movie.bin" "$WORK/last.out" || fail "affected file not named"
mv "$WORK/saved.tar" "$victim"
"$ARBOR" verify -q >/dev/null || fail "restored pack does not verify"
echo "PASS"
