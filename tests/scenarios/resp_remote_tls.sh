#!/usr/bin/env bash
# `arbor backup/ls/restore --remote rediss://...` (docs/resp.md, "Remote backup over
# TLS"): the client speaks TLS to `serve --resp-tls-cert` and verifies the server's
# certificate, by default against the system's store, or against --remote-ca /
# ARBOR_REMOTE_CA; --remote-insecure-skip-verify is the explicit way around it. A backup
# and a restore over TLS are identical; a certificate the client cannot verify (no CA
# given, another CA, another host name) is a clear error, and nothing is written: no blob
# or snapshot on the server, no restored file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

step "a CA, a server certificate it signs for 127.0.0.1 only, and an unrelated CA"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=arbor-test-ca \
  -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/req.pem" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$WORK/san.ext"
openssl x509 -req -in "$WORK/req.pem" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
  -extfile "$WORK/san.ext" -out "$WORK/cert.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
  -keyout "$WORK/other.key" -out "$WORK/other.pem" 2>/dev/null

SRC="$WORK/src"
mkdir -p "$SRC/a/b" "$SRC/empty"
random_file "$SRC/big.bin" 3000000 1
echo "small" >"$SRC/a/b/small.txt"
: >"$SRC/a/empty.txt"
ln -s big.bin "$SRC/link"
chmod 600 "$SRC/a/b/small.txt"

RESP_CLI_TLS=(--tls --cacert "$WORK/ca.pem")
resp_start --resp-tls-cert "$WORK/cert.pem" --resp-tls-key "$WORK/key.pem"
URL="rediss://127.0.0.1:$RESP_PORT/default"
puts() { rcli INFO | tr -d '\r' | sed -n 's/^arbor_blob_puts://p'; }
nothing_stored() {
  [[ "$(puts)" == 0 ]] || fail "the server stored $(puts) blobs for a client that did not verify it"
  [[ -z "$(rcli SNAP.LIST)" ]] || fail "a snapshot was written: $(rcli SNAP.LIST)"
}

step "a certificate the client cannot verify: a clear error, nothing sent"
expect_exit 1 "$ARBOR" backup --remote "$URL" "$SRC"  # the system's store does not know the test CA
expect_stderr "presented a TLS certificate that does not verify"
expect_stderr "give the CA that signed it with --remote-ca FILE"
expect_exit 1 "$ARBOR" backup --remote "$URL" --remote-ca "$WORK/other.pem" "$SRC"
expect_stderr "127.0.0.1:$RESP_PORT presented a TLS certificate that does not verify"
ARBOR_REMOTE_CA="$WORK/other.pem" expect_exit 1 "$ARBOR" backup --remote "$URL" "$SRC"
expect_stderr "does not verify"
if grep -q "run the same backup again" "$WORK/last.err"; then fail "a trust failure is not something to retry"; fi
step "the right CA but another host name than the certificate's"
expect_exit 1 "$ARBOR" backup --remote "rediss://localhost:$RESP_PORT/default" --remote-ca "$WORK/ca.pem" "$SRC"
expect_stderr "does not verify (hostname mismatch)"
nothing_stored

step "TLS options with a plaintext URL, and an unreadable CA file: refused"
expect_exit 1 "$ARBOR" backup --remote "resp://127.0.0.1:$RESP_PORT/default" --remote-ca "$WORK/ca.pem" "$SRC"
expect_stderr "use rediss://"
expect_exit 1 "$ARBOR" backup --remote "$URL" --remote-ca "$WORK/missing.pem" "$SRC"
expect_stderr "--remote-ca $WORK/missing.pem"
nothing_stored

step "backup over rediss:// with --remote-ca; restore with ARBOR_REMOTE_CA: identical"
OUT=$("$ARBOR" --json backup --remote "$URL" --remote-ca "$WORK/ca.pem" "$SRC" | tail -n 1)
S1=$(json_field "$OUT" snapshot_id)
(($(json_field "$OUT" blobs_sent) > 0)) || fail "no blob sent: $OUT"
[[ "$(puts)" == "$(json_field "$OUT" blobs_sent)" ]] || fail "the server counted $(puts) BPUTs: $OUT"
ARBOR_REMOTE_CA="$WORK/ca.pem" "$ARBOR" restore --remote "$URL" "$S1" --target "$WORK/out" >/dev/null
same_tree "$SRC" "$WORK/out"

step "ls over rediss:// lists what the local ls lists; --remote-insecure-skip-verify trusts anything"
"$ARBOR" ls "$S1" >"$WORK/ls.local"
"$ARBOR" ls --remote "$URL" --remote-ca "$WORK/ca.pem" "$S1" >"$WORK/ls.remote"
diff "$WORK/ls.local" "$WORK/ls.remote" >&2 || fail "ls --remote over TLS differs from the local ls"
"$ARBOR" ls --remote "$URL" --remote-insecure-skip-verify "$S1" >"$WORK/ls.insecure"
diff "$WORK/ls.local" "$WORK/ls.insecure" >&2 || fail "ls --remote-insecure-skip-verify differs"

step "restore with the wrong CA: a clear error, nothing restored"
expect_exit 1 "$ARBOR" restore --remote "$URL" --remote-ca "$WORK/other.pem" "$S1" --target "$WORK/none"
expect_stderr "does not verify"
[[ ! -e "$WORK/none" ]] || fail "a restore that could not verify the server wrote $WORK/none"
expect_exit 1 "$ARBOR" ls --remote "$URL" "$S1"
expect_stderr "does not verify"
resp_stop

step "rediss:// to a plaintext server: a clear error"
RESP_CLI_TLS=()
resp_start
expect_exit 1 "$ARBOR" ls --remote "rediss://127.0.0.1:$RESP_PORT/default" --remote-ca "$WORK/ca.pem" latest
expect_stderr "the TLS handshake with the RESP server at 127.0.0.1:$RESP_PORT failed"
resp_stop
