#!/usr/bin/env bash
# kill -9 of the RESP server under a pipelined write load loses no acknowledged write:
# a loader pipelines SET, HSET, RPUSH and BPUT in windows of 100 and logs each write only after
# its reply arrived; the server is killed mid-load, restarted, and every logged key,
# field and blob is read back; the repository then verifies clean with --read-data.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

cat >"$WORK/resp_load.py" <<'PY'
# resp_load.py load PORT ACKFILE START | check PORT ACKFILE: a minimal RESP client (the standard library only).
import hashlib, socket, sys

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    return s, s.makefile("rb")

def frame(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out

def reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("closed")
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b":"):
        return rest
    if t == b"-":
        raise RuntimeError(rest.decode())
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        if len(data) != n + 2:
            raise ConnectionError("closed")
        return data[:-2]
    if t == b"*":
        return [reply(f) for _ in range(int(rest))]
    raise RuntimeError("bad reply %r" % line)

def blob(i):
    return (b"blob %d " % i) * (1 + i % 50)

def load(port, ackfile, start):
    s, f = connect(port)
    acks = open(ackfile, "a")
    i = start
    try:
        while i < start + 1000000:
            window = []
            for j in range(i, i + 100):
                kind = j % 4
                if kind == 0:
                    window.append(("k", j, frame("SET", "key:%d" % j, "value:%d" % j)))
                elif kind == 1:
                    window.append(("h", j, frame("HSET", "hash:%d" % (j % 7), "f%d" % j, "v%d" % j)))
                elif kind == 3:
                    window.append(("l", j, frame("RPUSH", "list:%d" % (j % 5), "i%d" % j)))
                else:
                    window.append(("b", j, frame("BPUT", blob(j))))
            s.sendall(b"".join(w[2] for w in window))
            for kind, j, _ in window:
                r = reply(f)
                if kind == "b" and r.decode() != hashlib.sha256(blob(j)).hexdigest():
                    raise RuntimeError("BPUT answered %r" % r)
                # RPUSH answers the list's length: the item's index, checked after restart.
                acks.write("%s %d %d\n" % (kind, j, int(r) if kind == "l" else 0))
            acks.flush()
            i += 100
    except (ConnectionError, OSError):
        pass
    print(i - start)

def check(port, ackfile):
    s, f = connect(port)
    acks = [line.split() for line in open(ackfile)]
    for kind, j, length in acks:
        j = int(j)
        if kind == "k":
            s.sendall(frame("GET", "key:%d" % j))
            want = b"value:%d" % j
        elif kind == "h":
            s.sendall(frame("HGET", "hash:%d" % (j % 7), "f%d" % j))
            want = b"v%d" % j
        elif kind == "l":
            s.sendall(frame("LINDEX", "list:%d" % (j % 5), str(int(length) - 1)))
            want = b"i%d" % j
        else:
            s.sendall(frame("BGET", hashlib.sha256(blob(j)).hexdigest()))
            want = blob(j)
        got = reply(f)
        if got != want:
            sys.exit("acknowledged %s %d lost: got %r" % (kind, j, got[:40] if got else got))
    print(len(acks))

if sys.argv[1] == "load":
    load(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
else:
    check(int(sys.argv[2]), sys.argv[3])
PY

acked() { if [[ -f "$WORK/acks" ]]; then wc -l <"$WORK/acks"; else echo 0; fi; }
for round in 1 2 3; do
  step "round $round: pipelined load, kill -9 mid-way"
  resp_start
  # Each round writes new keys and new blobs (from round*1000000), so each round's are checked.
  before=$(acked)
  python3 "$WORK/resp_load.py" load "$RESP_PORT" "$WORK/acks" $((round * 1000000)) >"$WORK/load.out" &
  LOADER=$!
  # Kill only once the load runs: python can take seconds to start on a loaded machine.
  for _ in $(seq 600); do (($(acked) > before)) && break; sleep 0.05; done
  sleep 1
  resp_kill9
  wait "$LOADER"
  echo "loader got to $(cat "$WORK/load.out") writes this round; $(wc -l <"$WORK/acks") acknowledged so far"
  step "restart: every acknowledged write is there"
  resp_start
  n=$(python3 "$WORK/resp_load.py" check "$RESP_PORT" "$WORK/acks") || fail "an acknowledged write was lost"
  echo "checked $n acknowledged writes"
  resp_stop
done
[[ $(wc -l <"$WORK/acks") -gt 300 ]] || fail "the load acknowledged too little to prove anything"
"$ARBOR" verify --read-data -q || fail "verify --read-data after kill -9"
echo "resp_kill9: ok"
