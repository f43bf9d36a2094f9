#!/usr/bin/env bash
# The RESP server (docs/resp.md) as redis-cli sees it: every command family with its
# errors and WRONGTYPE, MULTI/EXEC, blobs whose hash is the content's SHA-256, data kept
# across a restart, then AUTH with arbor tokens and tenant isolation (tenant B cannot
# SELECT, GET, SCAN or BGET what tenant A stored, even knowing the names and hashes).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

step "server on a free loopback port; no token yet: loopback clients are the operator"
resp_start
want "PONG" PING
want "hello" ECHO hello

step "strings"
want "OK" SET greeting hi
want "hi" GET greeting
want "" GET missing
want "0" SETNX greeting other
want "OK" MSET a 1 b 2
want $'1\n\n2' MGET a nothing b
want "2" INCR a
want "ERR value is not an integer or out of range" INCR greeting
want "ERR wrong number of arguments for 'get' command" GET
want "ERR unknown command 'FROB', with args beginning with: 'x' " FROB x
want "2" EXISTS a b

step "hashes, sets (lexicographic), lists (by index)"
want "2" HSET user:1 name ada lang en
want "ada" HGET user:1 name
want $'lang\nen\nname\nada' HGETALL user:1
want "3" SADD fruit pear apple fig
want $'apple\nfig\npear' SMEMBERS fruit
want $'fig\npear' SRANGEBYLEX fruit "(apple" +
want "3" RPUSH queue one two three
want "4" LPUSH queue zero
want $'zero\none\ntwo\nthree' LRANGE queue 0 -1
want "three" LINDEX queue -1
want "ERR index out of range" LSET queue 9 x

step "WRONGTYPE like Redis"
WT="WRONGTYPE Operation against a key holding the wrong kind of value"
want "$WT" GET user:1
want "$WT" HGET fruit x
want "$WT" LPUSH greeting x
want "$WT" SADD queue x
want "hash" TYPE user:1
want "list" TYPE queue

step "keyspace: SCAN (redis-cli --scan), KEYS, DBSIZE, RENAME, DEL"
want $'a\nb\nfruit\ngreeting\nqueue\nuser:1' --scan
want $'user:1' --scan --pattern 'user:*'
want "6" DBSIZE
want "OK" RENAME fruit fruits
want $'apple\nfig\npear' SMEMBERS fruits
want "1" DEL b

step "MULTI/EXEC on one connection"
out=$(printf 'MULTI\nSET t 1\nINCR t\nEXEC\nGET t\n' | rcli)
[[ "$out" == $'OK\nQUEUED\nQUEUED\nOK\n2\n2' ]] || fail "MULTI/EXEC: got [$out]"

step "blobs: BPUT answers the SHA-256, BGET the content, BEXISTS in batches, BDEL drops"
printf 'a blob of text' >"$WORK/blob.txt"
H=$(sha256sum "$WORK/blob.txt" | cut -c1-64)
want "$H" -x BPUT <"$WORK/blob.txt"
want "a blob of text" BGET "$H"
ABSENT=$(printf 'absent' | sha256sum | cut -c1-64)
want $'1\n0\n1' BEXISTS "$H" "$ABSENT" "$H"
want "0" BEXISTS "$ABSENT"
want "ERR a blob hash is 64 hex digits" BGET nothex
D=$(printf 'to be dropped' | rcli -x BPUT)
want "1" BDEL "$D" "$ABSENT"
want $'0\n1' BEXISTS "$D" "$H"
want "" BGET "$D"
want "0" BDEL "$D"
want "ERR a blob hash is 64 hex digits" BDEL "$H" nothex
want "1" BEXISTS "$H"

step "restart: everything acknowledged is still there; the blob is in a pack, not a file"
resp_stop
resp_start
want "hi" GET greeting
want $'apple\nfig\npear' SMEMBERS fruits
want "a blob of text" BGET "$H"
[[ -z $(grep -rl "a blob of text" "$ARBOR_REPO" || true) ]] || fail "the blob is stored in clear"
"$ARBOR" verify --read-data -q || fail "verify --read-data after blobs through RESP"

step "prune refuses a repository the RESP server stores blobs in, even with the server stopped"
resp_stop
expect_exit 1 "$ARBOR" prune
expect_stderr "stored through the RESP server"
expect_exit 1 "$ARBOR" forget --keep-last 1 --prune
resp_start
want "a blob of text" BGET "$H"

step "tokens: once one exists every client must AUTH; tenants are isolated"
"$ARBOR" tenant add acme >/dev/null
"$ARBOR" tenant add globex >/dev/null
TA=$("$ARBOR" token create --tenant acme)
TB=$("$ARBOR" token create --tenant globex)
TOP=$("$ARBOR" token create --operator)
want "NOAUTH Authentication required." GET greeting
want $'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\nNOAUTH Authentication required.' \
  -a arbor_0000 GET greeting
out=$(printf 'DB.CREATE photos\nSELECT photos\nSET album summer\nBPUT acme-secret\n' | rcli -a "$TA")
AH=$(printf 'acme-secret' | sha256sum | cut -c1-64)
[[ "$out" == $'OK\nOK\nOK\n'"$AH" ]] || fail "tenant A's writes: got [$out]"
want "" -a "$TA" GET greeting  # acme's default is not the operator's
want "ERR no such database 'photos'" -a "$TB" SELECT photos
ACME_ID=$("$ARBOR" tenant list --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin) if t['name']=='acme'][0])")
want "ERR no such database '$ACME_ID/photos'" -a "$TB" SELECT "$ACME_ID/photos"
want "0" -a "$TB" BEXISTS "$AH"
want "" -a "$TB" BGET "$AH"
want "0" -a "$TB" BDEL "$AH"  # nor drop it
want "ERR no such database '$ACME_ID/photos'" -a "$TB" DB.DROP "$ACME_ID/photos"
out=$(printf 'SELECT photos\nBEXISTS %s\n' "$AH" | rcli -a "$TA")
[[ "$out" == $'OK\n1' ]] || fail "tenant B's BDEL reached tenant A's blob: got [$out]"
want "" -a "$TB" --scan
out=$(printf 'DB.CREATE photos\nSELECT photos\nGET album\nDBSIZE\n' | rcli -a "$TB")
[[ "$out" == $'OK\nOK\n\n0' ]] || fail "tenant B's own photos: got [$out]"
out=$(printf 'SELECT %s/photos\nGET album\nBGET %s\n' "$ACME_ID" "$AH" | rcli -a "$TOP")
[[ "$out" == $'OK\nsummer\nacme-secret' ]] || fail "the operator reaches acme's database: got [$out]"

step "DB.DROP: tenant B drops its own photos, acme's stay; a connection that had it selected is told"
out=$(printf 'SELECT photos\nSET k v\nDB.DROP photos\nGET k\nDB.LIST\n' | rcli -a "$TB")
# (redis-cli ends an error with an empty line; DB.LIST lists [default, ""].)
[[ "$out" == $'OK\nOK\nOK\nERR database \'photos\' was dropped (SELECT another)\n\ndefault' ]] ||
  fail "tenant B's DB.DROP: got [$out]"
out=$(printf 'SELECT photos\nGET album\n' | rcli -a "$TA")
[[ "$out" == $'OK\nsummer' ]] || fail "acme's photos after B dropped its own: got [$out]"
resp_stop

step "a first serve on a fresh machine: no catalog and no state folder yet, both made"
saved_catalog=$ARBOR_CATALOG saved_state=$ARBOR_STATE_DIR
unset ARBOR_CATALOG
export ARBOR_STATE_DIR="$WORK/fresh/state"  # its parent does not exist either
resp_start
want "PONG" PING
[[ -f "$WORK/fresh/state/catalog.db" ]] || fail "serve did not make the default catalog"
resp_stop
export ARBOR_CATALOG=$saved_catalog ARBOR_STATE_DIR=$saved_state
echo "resp_cli: ok"
