// node-redis (the `redis` package, the Redis project's own Node client) against `arbor serve
// --resp`, with its default options: it connects with `HELLO 3 AUTH default <token>` (RESP3),
// pipelines what is issued in the same tick, and maps replies to JS types. Every call
// goes through the client's own encoder and reply parser; a reply it cannot parse, or an
// error it does not surface as its ErrorReply, fails the test.
//
// Run: ARBOR=/path/to/arbor node --test resp_redis.test.mjs
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";

let redis;
try {
  redis = await import("redis");
} catch (e) {
  throw new Error("redis is missing: run `npm ci` in tests/js first (" + e.message + ")");
}
const { createClient, ErrorReply, RESP_TYPES } = redis;

const ARBOR = process.env.ARBOR;
if (!ARBOR) throw new Error("set ARBOR to the arbor binary");
const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");

// A repository, an operator token and a server on a port it picks (printed on stderr).
async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "arbor-resp-node-"));
  const env = {
    ...process.env,
    ARBOR_REPO: join(dir, "repo"),
    ARBOR_STATE_DIR: join(dir, "state"),
    ARBOR_CATALOG: join(dir, "catalog.db"),
    ARBOR_PASSWORD: "node-redis test password",
  };
  execFileSync(ARBOR, ["init", "-q", "--kdf-memory", "1", "--kdf-iterations", "1"], { env });
  const token = execFileSync(ARBOR, ["token", "create", "--operator"], { env }).toString().trim();
  const child = spawn(ARBOR, ["serve", "--resp", "127.0.0.1:0", "--resp-data", join(dir, "resp")], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const port = await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error("arbor serve did not start: " + log)), 30000);
    child.stderr.on("data", (d) => {
      log += d;
      const m = /arbor serve: RESP on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`arbor serve exited (${code}): ${log}`)));
  });
  return { dir, child, port, token };
}

describe("arbor serve --resp driven by node-redis", () => {
  let server, client;

  before(async () => {
    server = await startServer();
    client = createClient({ url: `redis://:${server.token}@127.0.0.1:${server.port}` });
    client.on("error", () => {}); // connection errors surface through the rejected calls
    await client.connect();
  });

  after(async () => {
    await client?.close();
    server?.child.kill("SIGTERM");
    if (server) rmSync(server.dir, { recursive: true, force: true });
  });

  it("authenticates with an arbor token, and refuses a wrong one", async () => {
    assert.equal(await client.ping(), "PONG");
    const wrong = createClient({
      url: `redis://:arbor_wrong@127.0.0.1:${server.port}`,
      socket: { reconnectStrategy: false },
    });
    wrong.on("error", () => {});
    await assert.rejects(wrong.connect(), (e) => e instanceof ErrorReply && /WRONGPASS/.test(e.message));
  });

  it("strings: SET, GET, INCR, MSET/MGET", async () => {
    assert.equal(await client.set("greeting", "hello from node"), "OK");
    assert.equal(await client.get("greeting"), "hello from node");
    assert.equal(await client.get("missing"), null);
    assert.equal(await client.incr("counter"), 1);
    assert.equal(await client.incrBy("counter", 41), 42);
    await client.mSet({ a: "1", b: "2" });
    assert.deepEqual(await client.mGet(["a", "b", "missing"]), ["1", "2", null]);
  });

  it("hashes: HSET, HGET, HGETALL (a RESP3 map)", async () => {
    assert.equal(await client.hSet("user:1", { name: "ada", lang: "en", year: "1815" }), 3);
    assert.equal(await client.hGet("user:1", "name"), "ada");
    assert.deepEqual({ ...(await client.hGetAll("user:1")) }, { lang: "en", name: "ada", year: "1815" });
    assert.deepEqual({ ...(await client.hGetAll("no-such-hash")) }, {});
  });

  it("sets: SADD, SMEMBERS in byte order, SISMEMBER", async () => {
    assert.equal(await client.sAdd("tags", ["pear", "apple", "fig", "apple"]), 3);
    assert.deepEqual(await client.sMembers("tags"), ["apple", "fig", "pear"]);
    assert.equal(await client.sIsMember("tags", "fig"), 1);
    assert.equal(await client.sIsMember("tags", "kiwi"), 0);
  });

  it("lists: LPUSH, RPUSH, LRANGE, LLEN", async () => {
    assert.equal(await client.lPush("queue", ["b", "a"]), 2);
    assert.equal(await client.rPush("queue", "c"), 3);
    assert.deepEqual(await client.lRange("queue", 0, -1), ["a", "b", "c"]);
    assert.deepEqual(await client.lRange("queue", 1, 1), ["b"]);
    assert.equal(await client.lLen("queue"), 3);
  });

  it("MULTI/EXEC runs the group and answers each command", async () => {
    const replies = await client.multi().set("tx", "10").incrBy("tx", 5).hSet("txh", "f", "v").get("tx").exec();
    assert.deepEqual(replies, ["OK", 15, 1, "15"]);
    assert.equal(await client.hGet("txh", "f"), "v");
  });

  it("WRONGTYPE is the client's ErrorReply, and the connection goes on", async () => {
    await client.set("plain", "x");
    for (const call of [() => client.hGet("plain", "f"), () => client.lPush("plain", "y"), () => client.sAdd("user:1", "m")]) {
      await assert.rejects(call(), (e) => {
        assert.ok(e instanceof ErrorReply, `not an ErrorReply: ${e}`);
        assert.match(e.message, /^WRONGTYPE Operation against a key holding the wrong kind of value/);
        return true;
      });
    }
    assert.equal(await client.get("plain"), "x");
  });

  it("blobs through sendCommand: BPUT, BEXISTS (one and many), BGET byte for byte", async () => {
    const blobs = Array.from({ length: 300 }, (_, i) => randomBytes(100 + i * 97));
    // Issued in one tick: node-redis pipelines them on the one connection.
    const hashes = await Promise.all(blobs.map((b) => client.sendCommand(["BPUT", b])));
    assert.deepEqual(hashes, blobs.map(sha256));
    assert.equal(await client.sendCommand(["BEXISTS", hashes[0]]), 1);
    const absent = sha256(Buffer.from("never stored"));
    assert.deepEqual(await client.sendCommand(["BEXISTS", ...hashes, absent]), [...hashes.map(() => 1), 0]);
    const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const back = await Promise.all(hashes.map((h) => binary.sendCommand(["BGET", h])));
    back.forEach((b, i) => assert.ok(Buffer.isBuffer(b) && b.equals(blobs[i]), `BGET of blob ${i} differs`));
    assert.equal(await binary.sendCommand(["BGET", absent]), null);
    await assert.rejects(client.sendCommand(["BGET", "not-a-hash"]), ErrorReply);
  });
});
