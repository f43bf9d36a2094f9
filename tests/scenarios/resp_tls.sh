#!/usr/bin/env bash
# RESP over TLS (`serve --resp-tls-cert/--resp-tls-key`) with two real clients: Debian's
# redis-cli (--tls --cacert) and Python's ssl module (OpenSSL) speaking RESP; a client
# that does not trust the certificate and a plaintext client on the TLS port are refused
# while the server goes on serving; a missing or mismatched certificate or key is a clear
# error at start. (Debian's hiredis 0.14 has no hiredis_ssl, hence Python as the second.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

step "a certificate for 127.0.0.1 and localhost, and a second key that is not its"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl genrsa -out "$WORK/other.pem" 2048 2>/dev/null

step "bad certificate or key: a clear error at start, exit non-zero"
serve_fails() {  # serve_fails TEXT serve-options...
  local text=$1
  shift
  expect_exit 1 "$ARBOR" serve --resp 127.0.0.1:0 --resp-data "$WORK/resp" "$@"
  expect_stderr "$text"
}
serve_fails "--resp-tls-cert $WORK/missing.pem" --resp-tls-cert "$WORK/missing.pem" --resp-tls-key "$WORK/key.pem"
serve_fails "--resp-tls-key $WORK/missing.pem" --resp-tls-cert "$WORK/cert.pem" --resp-tls-key "$WORK/missing.pem"
serve_fails "--resp-tls-key $WORK/other.pem: key values mismatch" --resp-tls-cert "$WORK/cert.pem" --resp-tls-key "$WORK/other.pem"
serve_fails "go together" --resp-tls-cert "$WORK/cert.pem"
serve_fails "--resp-tls-cert $WORK/key.pem" --resp-tls-cert "$WORK/key.pem" --resp-tls-key "$WORK/key.pem"

step "redis-cli over TLS"
RESP_CLI_TLS=(--tls --cacert "$WORK/cert.pem")
resp_start --resp-tls-cert "$WORK/cert.pem" --resp-tls-key "$WORK/key.pem"
want OK SET greeting "hello over tls"
want "hello over tls" GET greeting
head -c 200000 /dev/urandom >"$WORK/blob"
hash=$(rcli -x BPUT <"$WORK/blob")
[[ "$hash" == "$(sha256sum "$WORK/blob" | cut -d' ' -f1)" ]] || fail "BPUT over TLS answered $hash"
rcli --no-raw BGET "$hash" >/dev/null
rcli BGET "$hash" | head -c 200000 | cmp - "$WORK/blob" || fail "BGET over TLS differs"
want 1 BEXISTS "$hash"

step "a client that does not trust the certificate gets no session"
if redis-cli --tls -p "$RESP_PORT" PING >"$WORK/untrusted" 2>&1; then
  grep -q PONG "$WORK/untrusted" && fail "an untrusted certificate was accepted"
fi
grep -qi "certificate" "$WORK/untrusted" || { cat "$WORK/untrusted" >&2; fail "redis-cli did not say why"; }

step "a plaintext client on the TLS port is closed without a reply; the server goes on"
python3 - "$RESP_PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"*1\r\n$4\r\nPING\r\n")
got = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    got += chunk
assert b"PONG" not in got, got
# Nothing but, at most, a TLS alert record (content type 21) before the close.
assert got == b"" or got[0] == 21, got
PY
if redis-cli -p "$RESP_PORT" PING >"$WORK/plain" 2>&1; then
  grep -q PONG "$WORK/plain" && fail "a plaintext PING was answered"
fi
want "hello over tls" GET greeting
failures=$(rcli INFO | tr -d '\r' | sed -n 's/^arbor_tls_handshake_failures://p')
((failures >= 3)) || fail "INFO counts $failures failed handshakes, expected at least 3"

step "Python's ssl client: verified session, 1,000 pipelined commands, RESP3"
python3 - "$RESP_PORT" "$WORK/cert.pem" <<'PY'
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        assert s.version() in ("TLSv1.2", "TLSv1.3"), s.version()
        f = s.makefile("rb")
        def frame(*args):
            out = b"*%d\r\n" % len(args)
            for a in args:
                a = a.encode() if isinstance(a, str) else a
                out += b"$%d\r\n%s\r\n" % (len(a), a)
            return out
        s.sendall(b"".join(frame("SET", "py:%d" % i, "v%d" % i) + frame("GET", "py:%d" % i) for i in range(500)))
        for i in range(500):
            assert f.readline() == b"+OK\r\n"
            assert f.readline() == b"$%d\r\n" % len("v%d" % i)
            assert f.readline() == b"v%d\r\n" % i
        s.sendall(frame("HELLO", "3") + frame("GET", "greeting"))
        assert f.readline().startswith(b"%")  # HELLO 3 answers a map
        line = f.readline()
        while line != b"$14\r\n":  # skip the map's entries up to GET's reply
            line = f.readline()
        assert f.readline() == b"hello over tls\r\n"
PY
want v499 GET py:499
resp_stop
echo "resp_tls: ok"
