// The second S3 client for arbor's S3 store test (tests/s3/s3_store_test.cc): the official
// AWS SDK for JavaScript v3 (@aws-sdk/client-s3) with its default options, pointed at
// s3rver with forcePathStyle. It proves that objects arbor writes are ordinary S3 objects
// to another client, and that arbor reads objects another client wrote.
//
//   node s3_sdk_tool.mjs check ENDPOINT BUCKET PREFIX MANIFEST
//       lists PREFIX with ListObjectsV2 (every page) and reads each object with GetObject;
//       exits 1 unless the keys, sizes and SHA-256s are exactly those in MANIFEST.
//   node s3_sdk_tool.mjs write ENDPOINT BUCKET PREFIX MANIFEST
//       writes a few objects with PutObject (sizes 0 B to 6 MiB) under PREFIX and saves
//       their keys, sizes and SHA-256s to MANIFEST.
//   node s3_sdk_tool.mjs classes ENDPOINT BUCKET PREFIX
//       "KEY KIND CLASS" of every object under PREFIX (KIND: pack_kind.mjs), CLASS the x-amz-storage-class HeadObject
//       reports ("-" when none, which S3 means as STANDARD).
// MANIFEST: JSON {"KEY": {"size": N, "sha256": "hex"}} with full object keys.
// Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment (the SDK's
// default chain).
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { packKind } from "./pack_kind.mjs";

let sdk;
try {
  sdk = await import("@aws-sdk/client-s3");
} catch (e) {
  throw new Error("@aws-sdk/client-s3 is missing: run `npm ci` in tests/js first (" + e.message + ")");
}
const { S3Client, ListObjectsV2Command, GetObjectCommand, PutObjectCommand, HeadObjectCommand } = sdk;

const [mode, endpoint, bucket, prefix, manifestPath] = process.argv.slice(2);
if (!["check", "write", "classes"].includes(mode) || (!manifestPath && mode !== "classes")) {
  console.error("usage: s3_sdk_tool.mjs check|write ENDPOINT BUCKET PREFIX MANIFEST | classes ENDPOINT BUCKET PREFIX");
  process.exit(2);
}
const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true });
const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");

async function check() {
  const want = JSON.parse(readFileSync(manifestPath, "utf8"));
  const seen = {};
  let token;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 2 }));
    for (const obj of page.Contents ?? []) seen[obj.Key] = { listedSize: obj.Size };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const problems = [];
  for (const key of Object.keys(seen)) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await got.Body.transformToByteArray());
    seen[key].size = body.length;
    seen[key].sha256 = sha256(body);
  }
  for (const [key, w] of Object.entries(want)) {
    const s = seen[key];
    if (!s) problems.push(`${key}: not listed`);
    else if (s.size !== w.size || s.listedSize !== w.size || s.sha256 !== w.sha256) {
      problems.push(`${key}: got ${s.size} B (listed ${s.listedSize}) ${s.sha256}, want ${w.size} B ${w.sha256}`);
    }
  }
  for (const key of Object.keys(seen)) if (!(key in want)) problems.push(`${key}: listed but not written`);
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log(`checked ${Object.keys(want).length} objects`);
}

async function write() {
  const manifest = {};
  const sizes = { "empty": 0, "small": 1000, "odd/nested/key": 4097, "big": 6 * 1024 * 1024 + 3 };
  for (const [name, size] of Object.entries(sizes)) {
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = (i * 131 + name.length) & 0xff;
    const key = `${prefix}${name}`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    manifest[key] = { size, sha256: sha256(body) };
  }
  writeFileSync(manifestPath, JSON.stringify(manifest));
  console.log(`wrote ${Object.keys(manifest).length} objects`);
}

async function classes() {
  let token;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const obj of page.Contents ?? []) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: obj.Key }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key }));
      const kind = packKind(Buffer.from(await got.Body.transformToByteArray()));
      console.log(obj.Key + " " + kind + " " + (head.StorageClass ?? "-"));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

await (mode === "check" ? check() : mode === "write" ? write() : classes());
