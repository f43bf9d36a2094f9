// Fills and inspects Azure Files shares through Microsoft's SDK (@azure/storage-file-share),
// for arbor's Azure scenario tests (tests/azure/scenarios). Everything that a test checks
// about a share is read back through the SDK, not through arbor's own client.
//
//   node azfiles_tool.mjs ENDPOINT COMMAND ARGS...      (ENDPOINT: http://127.0.0.1:PORT/ACCOUNT)
//
//   mkshare SHARE                         create a share
//   mkdir SHARE PATH                      create a directory
//   fill SHARE                            the round-trip tree: every SMB attribute, several
//                                         SDDLs (one over 8 KiB), metadata, unicode and space
//                                         names, empty, sparse and multi-MiB files
//   manifest SHARE [DIR]                  JSON lines: every entry below DIR with its properties
//   compare SHARE_A DIR_A SHARE_B DIR_B   exit 1 and print the differences
//   bigfile SHARE PATH MIB SEED           a file of random content, written in 4 MiB ranges
//   patch SHARE PATH PERCENT KIB SEED     overwrite PERCENT of the file in KIB-sized ranges;
//                                         prints the bytes written
//   rename SHARE FROM TO                  rename a directory (FileIds stay)
//   md5 SHARE PATH                        hex MD5 of a file's content
//   snapshots SHARE                       JSON: the share's snapshots with their metadata
//   sas SHARE SECONDS                     an account SAS valid for SECONDS (negative: expired)
import { createHash } from "node:crypto";

const sdk = await import("@azure/storage-file-share").catch((e) => {
  throw new Error("@azure/storage-file-share is missing: run `npm ci` in tests/js first (" + e.message + ")");
});
const {
  ShareServiceClient, StorageSharedKeyCredential, FileSystemAttributes, generateAccountSASQueryParameters,
  AccountSASPermissions, AccountSASResourceTypes, AccountSASServices,
} = sdk;

const KEY = process.env.AZURE_STORAGE_KEY ??
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const MiB = 1024 * 1024;

const SDDL_A = "O:BAG:SYD:(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
const SDDL_B = "O:SYG:SYD:(A;;FA;;;SY)(A;;FA;;;S-1-5-21-397955417-626881126-188441444-512)";
// Over the 8 KiB an x-ms-file-permission header may carry: only Create Permission stores it.
const SDDL_BIG = "O:BAG:BUD:" + Array.from({ length: 180 }, (_, i) =>
  `(A;OICI;0x1200a9;;;S-1-5-21-1004336348-1177238915-682003330-${10000 + i})`).join("");

// A deterministic byte stream (xorshift), so tests can regenerate what they wrote.
function pseudoRandom(n, seed) {
  const out = Buffer.alloc(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const join = (a, b) => (a ? `${a}/${b}` : b);
const attrs = (s) => FileSystemAttributes.parse(s);
// "ReadOnly | Archive" and "Archive|ReadOnly" are the same set.
const normAttrs = (s) => (s ?? "").split("|").map((x) => x.trim()).filter(Boolean).sort().join("|");

function service(endpoint) {
  const account = new URL(endpoint).pathname.split("/").filter(Boolean)[0];
  return { account, client: new ShareServiceClient(endpoint, new StorageSharedKeyCredential(account, KEY)) };
}

async function uploadBuffer(file, data) {
  await file.create(data.length);
  const ranges = [];
  for (let off = 0; off < data.length; off += 4 * MiB) ranges.push(off);
  await pool(ranges, 4, (off) => {
    const piece = data.subarray(off, Math.min(off + 4 * MiB, data.length));
    return file.uploadRange(piece, off, piece.length);
  });
}

async function fill(share) {
  const keyA = (await share.createPermission(SDDL_A)).filePermissionKey;
  const keyB = (await share.createPermission(SDDL_B)).filePermissionKey;
  const keyBig = (await share.createPermission(SDDL_BIG)).filePermissionKey;
  const t = (iso) => new Date(iso);
  const dirs = [
    ["docs", { filePermissionKey: keyA, metadata: { owner: "alice", a_b: "x" } }],
    ["docs/dir with spaces", { fileAttributes: attrs("Directory|Hidden"), creationTime: t("2001-02-03T04:05:06.789Z") }],
    ["données", { filePermissionKey: keyB }],
    ["données/日本語 ✓", { metadata: { lang: "ja" }, fileAttributes: attrs("Directory|System|NotContentIndexed") }],
    ["empty dir", { filePermissionKey: keyBig }],
    ["big", {}],
  ];
  for (const [path, opts] of dirs) await share.getDirectoryClient(path).create(opts);
  const files = [
    ["readme.txt", Buffer.from("hello from the SDK\n"), { metadata: { purpose: "roundtrip", i_: "1", i0: "2" } }],
    ["empty.txt", Buffer.alloc(0), { fileAttributes: attrs("None") }],
    ["docs/readonly.txt", Buffer.from("read only"), { fileAttributes: attrs("ReadOnly|Archive"), filePermissionKey: keyB }],
    ["docs/hidden.txt", Buffer.from("hidden"), { fileAttributes: attrs("Hidden|System") }],
    ["docs/temp.tmp", Buffer.from("temporary"), { fileAttributes: attrs("Temporary|NoScrubData") }],
    ["docs/offline.dat", Buffer.from("offline"), { fileAttributes: attrs("Offline|NotContentIndexed") }],
    ["docs/dir with spaces/a b.txt", Buffer.from("spaces in names"), { filePermissionKey: keyBig }],
    ["données/日本語 ✓/ファイル ü.bin", pseudoRandom(1000, 3), { metadata: { Mixed_Case: "Value With Spaces" } }],
    ["big/five.bin", pseudoRandom(5 * MiB + 7, 5), {}],
    ["big/nine.bin", pseudoRandom(9 * MiB + 123, 9), { filePermissionKey: keyA }],
  ];
  await pool(files, 4, async ([path, data, opts]) => {
    const file = fileClient(share, path);
    await uploadBuffer(file, data);
    await file.setProperties({
      ...opts,
      creationTime: t("2010-01-02T03:04:05.678Z"),
      lastWriteTime: t("2011-02-03T04:05:06.789Z"),
      changeTime: t("2012-03-04T05:06:07.891Z"),
    });
    if (opts.metadata) await file.setMetadata(opts.metadata);
  });
  // Sparse: 20 MiB with two written 64 KiB ranges; the holes must stay holes.
  const sparse = share.rootDirectoryClient.getFileClient("sparse.bin");
  await sparse.create(20 * MiB);
  await sparse.uploadRange(pseudoRandom(65536, 11), 3 * MiB, 65536);
  await sparse.uploadRange(pseudoRandom(65536, 12), 20 * MiB - 65536, 65536);
  await share.getDirectoryClient("docs").setProperties({ lastWriteTime: t("2015-05-05T05:05:05.555Z") });
}

async function md5Of(file) {
  const h = createHash("md5");
  const res = await file.download(0);
  for await (const c of res.readableStreamBody) h.update(c);
  return h.digest("hex");
}

// Every entry below `root`, depth first, with what a restore must reproduce.
async function manifest(share, root) {
  const out = [];
  const sddlOf = new Map();
  const sddl = async (key) => {
    if (!key) return "";
    if (!sddlOf.has(key)) sddlOf.set(key, (await share.getPermission(key)).permission);
    return sddlOf.get(key);
  };
  const describe = async (rel, props, isDir, client) => {
    const h = props._response.headers;
    const e = {
      path: rel, type: isDir ? "dir" : "file",
      attributes: normAttrs(props.fileAttributes),
      creation: h.get("x-ms-file-creation-time"), last_write: h.get("x-ms-file-last-write-time"),
      change: h.get("x-ms-file-change-time"),
      sddl: await sddl(props.filePermissionKey),
      metadata: Object.fromEntries(Object.entries(props.metadata ?? {}).sort()),
    };
    if (!isDir) {
      e.size = props.contentLength;
      e.md5 = await md5Of(client);
    }
    out.push(e);
  };
  const walk = async (dirPath) => {
    const dir = share.getDirectoryClient(dirPath);
    const items = [];
    for await (const item of dir.listFilesAndDirectories()) items.push(item);
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    await pool(items.filter((i) => i.kind === "file"), 8, async (item) => {
      const f = dir.getFileClient(item.name);
      await describe(join(dirPath, item.name).slice(root.length).replace(/^\//, ""), await f.getProperties(), false, f);
    });
    for (const item of items.filter((i) => i.kind === "directory")) {
      const d = share.getDirectoryClient(join(dirPath, item.name));
      await describe(join(dirPath, item.name).slice(root.length).replace(/^\//, ""), await d.getProperties(), true, d);
      await walk(join(dirPath, item.name));
    }
  };
  await walk(root);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function compare(svc, [shareA, dirA, shareB, dirB]) {
  const a = await manifest(svc.getShareClient(shareA), dirA ?? "");
  const b = await manifest(svc.getShareClient(shareB), dirB ?? "");
  const byPath = (list) => new Map(list.map((e) => [e.path, e]));
  const ma = byPath(a), mb = byPath(b);
  const problems = [];
  for (const [path, ea] of ma) {
    const eb = mb.get(path);
    if (!eb) { problems.push(`missing in ${shareB}: ${path}`); continue; }
    for (const k of Object.keys(ea)) {
      if (JSON.stringify(ea[k]) !== JSON.stringify(eb[k])) {
        problems.push(`${path}: ${k} ${JSON.stringify(ea[k])} != ${JSON.stringify(eb[k])}`);
      }
    }
  }
  for (const path of mb.keys()) if (!ma.has(path)) problems.push(`extra in ${shareB}: ${path}`);
  if (problems.length) {
    console.error(problems.slice(0, 40).join("\n"));
    process.exit(1);
  }
  console.log(`same: ${a.length} entries (names, sizes, MD5 of content, attributes, times, SDDL, metadata)`);
}

// The client of a file by its share-relative path ("dir/sub/name").
function fileClient(share, path) {
  const slash = path.lastIndexOf("/");
  return share.getDirectoryClient(slash < 0 ? "" : path.slice(0, slash)).getFileClient(path.slice(slash + 1));
}

async function patch(share, [path, percent, kib, seed]) {
  const file = fileClient(share, path);
  const size = (await file.getProperties()).contentLength;
  const rangeBytes = Number(kib) * 1024;
  const slots = Math.floor(size / rangeBytes);
  const count = Math.max(1, Math.round((slots * Number(percent)) / 100));
  const picked = new Set();
  const rnd = pseudoRandom(count * 64, Number(seed));
  for (let i = 0; picked.size < count; i++) picked.add(rnd.readUInt32LE((i * 4) % (rnd.length - 4)) % slots);
  let written = 0;
  for (const slot of picked) {
    const data = pseudoRandom(rangeBytes, Number(seed) + slot + 1);
    await file.uploadRange(data, slot * rangeBytes, rangeBytes);
    written += rangeBytes;
  }
  console.log(written);
}

async function main() {
  const [endpoint, command, ...args] = process.argv.slice(2);
  const { account, client: svc } = service(endpoint);
  const share = args[0] ? svc.getShareClient(args[0]) : null;
  switch (command) {
    case "mkshare": await share.create(); break;
    case "mkdir": await share.getDirectoryClient(args[1]).create(); break;
    case "fill": await fill(share); break;
    case "manifest": for (const e of await manifest(share, args[1] ?? "")) console.log(JSON.stringify(e)); break;
    case "compare": await compare(svc, args); break;
    case "bigfile":
      await uploadBuffer(fileClient(share, args[1]), pseudoRandom(Number(args[2]) * MiB, Number(args[3])));
      break;
    case "patch": await patch(share, args.slice(1)); break;
    case "rename": await share.getDirectoryClient(args[1]).rename(args[2]); break;
    case "md5": console.log(await md5Of(fileClient(share, args[1]))); break;
    case "snapshots": {
      const snaps = [];
      for await (const s of svc.listShares({ includeSnapshots: true, includeMetadata: true, prefix: args[0] })) {
        if (s.name === args[0] && s.snapshot) snaps.push({ snapshot: s.snapshot, metadata: s.metadata ?? {} });
      }
      console.log(JSON.stringify(snaps));
      break;
    }
    case "sas": {
      const now = Date.now();
      const seconds = Number(args[1]);
      const sas = generateAccountSASQueryParameters({
        startsOn: new Date(Math.min(now, now + seconds * 1000) - 3600 * 1000),
        expiresOn: new Date(now + seconds * 1000),
        permissions: AccountSASPermissions.parse("rwdlc"),
        resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
        services: AccountSASServices.parse("f").toString(),
      }, new StorageSharedKeyCredential(account, KEY)).toString();
      console.log(sas);
      break;
    }
    default: throw new Error("unknown command " + command);
  }
}

await main();
