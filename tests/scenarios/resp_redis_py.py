#!/usr/bin/env python3
"""redis-py (Debian's python3-redis) against `arbor serve --resp`: the third client from a
registry, beside redis-cli/hiredis and node-redis (docs/resp.md, "Tests").

Every call goes through redis-py's own command encoder, connection setup (AUTH, SELECT of
a numbered database) and reply parser, with its default options (bytes replies, a
connection pool), so a reply it cannot parse, an error it does not raise as its own
exception class, or a value that comes back different fails the test.

Run: ARBOR=/path/to/arbor python3 resp_redis_py.py
"""
import hashlib
import inspect
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import redis
except ImportError as e:  # a clear message rather than a traceback
    sys.exit(f"redis-py is missing: install Debian's python3-redis (scripts/install-deps.sh): {e}")

ARBOR = os.environ.get("ARBOR") or sys.exit("set ARBOR to the arbor binary")
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
BLOBS = 3000


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).hexdigest().encode()


class Server:
    """A repository, an operator token, two tenants with a token each, and a server on a
    loopback port it picks (printed on its stderr, which goes to a file)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="arbor-resp-py-")
        self.env = dict(os.environ,
                        ARBOR_REPO=os.path.join(self.dir, "repo"),
                        ARBOR_STATE_DIR=os.path.join(self.dir, "state"),
                        ARBOR_CATALOG=os.path.join(self.dir, "catalog.db"),
                        ARBOR_PASSWORD="redis-py test password")
        self.run("init", "-q", "--kdf-memory", "1", "--kdf-iterations", "1")
        self.operator = self.run("token", "create", "--operator")
        self.run("tenant", "add", "acme")
        self.run("tenant", "add", "globex")
        self.acme = self.run("token", "create", "--tenant", "acme")
        self.globex = self.run("token", "create", "--tenant", "globex")
        tenants = json.loads(self.run("tenant", "list", "--json"))
        self.acme_id = [t["id"] for t in tenants if t["name"] == "acme"][0]
        self.log_path = os.path.join(self.dir, "serve.log")
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [ARBOR, "serve", "--resp", "127.0.0.1:0", "--resp-data", os.path.join(self.dir, "resp")],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None:
            with open(self.log_path) as log:
                m = re.search(r"arbor serve: RESP on 127\.0\.0\.1:(\d+)", log.read())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("arbor serve --resp did not start: " + open(self.log_path).read())
            else:
                time.sleep(0.05)

    def run(self, *args) -> str:
        return subprocess.run([ARBOR, *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout.strip()

    def client(self, token=None, **options) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port,
                           password=self.operator if token is None else token, **options)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisPyAgainstArbor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.r = cls.server.client()  # redis-py's defaults: RESP2, bytes replies, a pool

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.server.stop()

    def assertWrongType(self, call):
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            call()
        self.assertTrue(str(caught.exception).startswith(WRONGTYPE), str(caught.exception))

    def test_auth_refuses_a_wrong_token(self):
        self.assertTrue(self.r.ping())
        bad = self.server.client("arbor_0000wrong")
        # redis-py 4.3 maps NOAUTH, not WRONGPASS, to its AuthenticationError: the AUTH it
        # sends on connect fails as a ResponseError carrying the server's reply.
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            bad.ping()
        self.assertTrue(str(caught.exception).startswith("WRONGPASS invalid username-password pair"),
                        str(caught.exception))
        # With a user name redis-py sends AUTH user token: arbor ignores the name.
        self.assertTrue(self.server.client(username="default").ping())

    def test_strings(self):
        r = self.r
        self.assertTrue(r.set("py:greeting", "hello from python"))
        self.assertEqual(r.get("py:greeting"), b"hello from python")
        self.assertIsNone(r.get("py:missing"))
        self.assertEqual(r.incr("py:counter"), 1)
        self.assertEqual(r.incrby("py:counter", 41), 42)
        self.assertEqual(r.decr("py:counter"), 41)
        self.assertTrue(r.mset({"py:a": "1", "py:b": b"\x00\xff binary"}))
        self.assertEqual(r.mget(["py:a", "py:b", "py:missing"]), [b"1", b"\x00\xff binary", None])
        self.assertTrue(r.setnx("py:once", "first"))
        self.assertFalse(r.setnx("py:once", "second"))
        self.assertEqual(r.get("py:once"), b"first")
        self.assertEqual(r.strlen("py:greeting"), len("hello from python"))
        self.assertIsNone(r.set("py:absent", "x", xx=True))  # XX on a missing key: null
        self.assertEqual(r.exists("py:a", "py:b", "py:missing"), 2)
        self.assertEqual(r.delete("py:a", "py:missing"), 1)
        self.assertEqual(r.exists("py:a"), 0)

    def test_hashes(self):
        r = self.r
        self.assertEqual(r.hset("py:user", mapping={"name": "ada", "lang": "en", "year": "1815"}), 3)
        self.assertEqual(r.hget("py:user", "name"), b"ada")
        self.assertEqual(r.hmget("py:user", ["year", "nope", "lang"]), [b"1815", None, b"en"])
        self.assertEqual(r.hgetall("py:user"), {b"name": b"ada", b"lang": b"en", b"year": b"1815"})
        self.assertEqual(r.hgetall("py:no-such-hash"), {})
        self.assertEqual(r.hlen("py:user"), 3)
        self.assertTrue(r.hexists("py:user", "lang"))
        self.assertEqual(r.hdel("py:user", "lang", "nope"), 1)
        self.assertFalse(r.hexists("py:user", "lang"))
        fields = {f"f{i:04d}": str(i) for i in range(250)}
        r.hset("py:wide", mapping=fields)
        # hscan_iter follows arbor's cursors page by page until 0.
        got = dict(r.hscan_iter("py:wide", count=17))
        self.assertEqual(got, {k.encode(): v.encode() for k, v in fields.items()})

    def test_sets_in_byte_order(self):
        r = self.r
        self.assertEqual(r.sadd("py:tags", "pear", "apple", "fig", "apple"), 3)
        self.assertEqual(r.smembers("py:tags"), {b"apple", b"fig", b"pear"})
        self.assertEqual(list(r.sscan_iter("py:tags", count=1)), [b"apple", b"fig", b"pear"])
        self.assertTrue(r.sismember("py:tags", "fig"))
        self.assertFalse(r.sismember("py:tags", "kiwi"))
        self.assertEqual(r.scard("py:tags"), 3)
        self.assertEqual(r.execute_command("SRANGEBYLEX", "py:tags", "[b", "+"), [b"fig", b"pear"])
        self.assertEqual(r.srem("py:tags", "fig", "kiwi"), 1)
        self.assertEqual(r.smembers("py:tags"), {b"apple", b"pear"})

    def test_lists(self):
        r = self.r
        self.assertEqual(r.lpush("py:queue", "b", "a"), 2)
        self.assertEqual(r.rpush("py:queue", "c", "d"), 4)
        self.assertEqual(r.lrange("py:queue", 0, -1), [b"a", b"b", b"c", b"d"])
        self.assertEqual(r.lrange("py:queue", 1, 2), [b"b", b"c"])
        self.assertEqual(r.lindex("py:queue", -1), b"d")
        self.assertTrue(r.lset("py:queue", 1, "B"))
        self.assertEqual(r.llen("py:queue"), 4)
        self.assertEqual(r.lpop("py:queue"), b"a")
        self.assertEqual(r.rpop("py:queue"), b"d")
        self.assertEqual(r.lrange("py:queue", 0, -1), [b"B", b"c"])

    def test_keyspace(self):
        r = self.r
        for i in range(120):
            r.set(f"py:scan:{i:03d}", i)
        keys = set(r.scan_iter(match="py:scan:*", count=25))
        self.assertEqual(keys, {f"py:scan:{i:03d}".encode() for i in range(120)})
        self.assertEqual(r.type("py:scan:007"), b"string")
        self.assertTrue(r.rename("py:scan:007", "py:renamed"))
        self.assertEqual(r.get("py:renamed"), b"7")
        self.assertGreaterEqual(r.dbsize(), 120)

    def test_multi_exec_through_a_transaction_pipeline(self):
        with self.r.pipeline(transaction=True) as p:
            p.set("py:tx", 10).incrby("py:tx", 5).hset("py:txh", "f", "v").get("py:tx")
            self.assertEqual(p.execute(), [True, 15, 1, b"15"])
        self.assertEqual(self.r.hget("py:txh", "f"), b"v")

    def test_wrongtype_is_a_response_error_and_the_connection_goes_on(self):
        r = self.r
        r.set("py:plain", "x")
        r.hset("py:h", "f", "v")
        self.assertWrongType(lambda: r.hget("py:plain", "f"))
        self.assertWrongType(lambda: r.lpush("py:plain", "y"))
        self.assertWrongType(lambda: r.sadd("py:h", "m"))
        self.assertWrongType(lambda: r.get("py:h"))
        # In a pipeline redis-py raises the first error after reading every reply.
        with r.pipeline(transaction=False) as p:
            p.get("py:plain").hget("py:plain", "f").get("py:plain")
            results = p.execute(raise_on_error=False)
        self.assertEqual(results[0], b"x")
        self.assertIsInstance(results[1], redis.exceptions.ResponseError)
        self.assertTrue(str(results[1]).startswith(WRONGTYPE))
        self.assertEqual(results[2], b"x")
        self.assertEqual(r.get("py:plain"), b"x")

    def test_blobs_pipelined(self):
        r = self.r
        rnd = random.Random(7)
        blobs = [rnd.randbytes(64 + rnd.randrange(4000)) for _ in range(BLOBS)]
        with r.pipeline(transaction=False) as p:  # one write of every BPUT, then the replies
            for b in blobs:
                p.execute_command("BPUT", b)
            hashes = p.execute()
        self.assertEqual(hashes, [sha256(b) for b in blobs])
        absent = sha256(b"never stored")
        self.assertEqual(r.execute_command("BEXISTS", *hashes, absent), [1] * BLOBS + [0])
        with r.pipeline(transaction=False) as p:
            for h in hashes[:500] + [absent]:
                p.execute_command("BEXISTS", h)
            self.assertEqual(p.execute(), [1] * 500 + [0])
        with r.pipeline(transaction=False) as p:
            for h in hashes:
                p.execute_command("BGET", h)
            back = p.execute()
        for i, (got, want) in enumerate(zip(back, blobs)):
            self.assertEqual(got, want, f"BGET of blob {i} differs")
        self.assertEqual(len(back), BLOBS)
        self.assertIsNone(r.execute_command("BGET", absent))
        self.assertEqual(r.execute_command("BSTAT", hashes[0])[:2], [b"size", len(blobs[0])])
        with self.assertRaises(redis.exceptions.ResponseError):
            r.execute_command("BGET", "not-a-hash")

    def test_numbered_database_through_the_db_option(self):
        self.r.execute_command("DB.CREATE", "1")
        one = self.server.client(db=1)  # redis-py sends SELECT 1 on each new connection
        self.assertTrue(one.set("py:where", "in database 1"))
        self.assertEqual(one.get("py:where"), b"in database 1")
        self.assertIsNone(self.r.get("py:where"))
        one.close()

    def test_tenant_tokens_are_isolated(self):
        acme = self.server.client(self.server.acme, single_connection_client=True)
        globex = self.server.client(self.server.globex, single_connection_client=True)
        operator = self.server.client(single_connection_client=True)
        try:
            self.assertEqual(acme.execute_command("DB.CREATE", "photos"), b"OK")
            self.assertTrue(acme.execute_command("SELECT", "photos"))  # redis-py maps +OK to True
            self.assertTrue(acme.set("album", "summer"))
            secret = acme.execute_command("BPUT", b"acme secret")
            self.assertEqual(secret, sha256(b"acme secret"))
            self.assertIsNone(globex.get("album"))  # globex's default, not acme's photos
            for name in ("photos", f"{self.server.acme_id}/photos"):
                with self.assertRaises(redis.exceptions.ResponseError) as caught:
                    globex.execute_command("SELECT", name)
                self.assertEqual(str(caught.exception), f"no such database '{name}'")
            self.assertEqual(globex.execute_command("BEXISTS", secret), 0)
            self.assertIsNone(globex.execute_command("BGET", secret))
            self.assertEqual(list(globex.scan_iter()), [])
            # The operator reaches acme's database by its full name.
            self.assertTrue(operator.execute_command("SELECT", f"{self.server.acme_id}/photos"))
            self.assertEqual(operator.get("album"), b"summer")
        finally:
            operator.close()
            acme.close()
            globex.close()

    def test_resp3(self):
        if "protocol" not in inspect.signature(redis.Redis.__init__).parameters:
            self.skipTest(f"redis-py {redis.__version__} has no protocol=3 (RESP3 came in redis-py 5)")
        r3 = self.server.client(protocol=3)
        r3.hset("py:r3", mapping={"a": "1", "b": "2"})
        self.assertEqual(r3.hgetall("py:r3"), {b"a": b"1", b"b": b"2"})
        self.assertEqual(r3.sadd("py:tags3", "y", "x"), 2)
        self.assertEqual(r3.smembers("py:tags3"), {b"x", b"y"})
        self.assertIsNone(r3.get("py:missing"))
        r3.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
