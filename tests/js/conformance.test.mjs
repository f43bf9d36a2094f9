// Conformance of arbor's Azure Files emulator with Microsoft's official JavaScript SDK
// (@azure/storage-file-share). Every call goes through the SDK's own pipeline: SharedKey
// signing (with its culture-aware header order), request shaping, response parsing and
// status-code checks. A call that the SDK does not accept fails the test.
//
// Run: ARBOR_AZFILES_EMULATOR=/path/to/arbor-azfiles-emulator node --test conformance.test.mjs
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { ACCOUNT, KEY, startEmulator } from "./emulator.mjs";

let sdk;
try {
  sdk = await import("@azure/storage-file-share");
} catch (e) {
  throw new Error("@azure/storage-file-share is missing: run `npm ci` in tests/js first (" + e.message + ")");
}
const {
  ShareServiceClient, StorageSharedKeyCredential, FileSystemAttributes, generateAccountSASQueryParameters,
  AccountSASPermissions, AccountSASResourceTypes, AccountSASServices, FileSASPermissions,
} = sdk;

const MiB = 1024 * 1024;
const SDDL_A = "O:BAG:SYD:(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
const SDDL_B = "O:SYG:SYD:(A;;FA;;;SY)(A;;FA;;;S-1-5-21-397955417-626881126-188441444-512)";

async function streamToBuffer(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

const md5 = (buf) => createHash("md5").update(buf).digest("hex");

async function pool(items, concurrency, fn) {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

describe("Azure Files emulator driven by @azure/storage-file-share", () => {
  let emu, service, share;

  before(async () => {
    emu = await startEmulator();
    service = new ShareServiceClient(emu.url, new StorageSharedKeyCredential(ACCOUNT, KEY));
    share = service.getShareClient("conformance");
  });

  after(() => {
    emu?.child.kill("SIGTERM");
    if (emu) rmSync(emu.dataDir, { recursive: true, force: true });
  });

  it("creates, lists and describes shares", async () => {
    await share.create({ quota: 10, metadata: { purpose: "conformance" } });
    await assert.rejects(share.create(), (e) => e.statusCode === 409 && e.details?.errorCode === "ShareAlreadyExists");
    const props = await share.getProperties();
    assert.equal(props.quota, 10);
    assert.equal(props.metadata.purpose, "conformance");
    await share.setMetadata({ purpose: "conformance", owner: "arbor" });
    await share.setQuota(20);
    const found = [];
    for await (const s of service.listShares({ includeMetadata: true })) found.push(s);
    const mine = found.find((s) => s.name === "conformance");
    assert.ok(mine);
    assert.equal(mine.properties.quota, 20);
    assert.equal(mine.metadata.owner, "arbor");
    const stats = await share.getStatistics();
    assert.equal(stats.shareUsageBytes, 0);
  });

  it("creates directories with spaces and unicode, with SMB properties and metadata", async () => {
    const created = new Date("2020-01-02T03:04:05.123Z");
    const written = new Date("2021-06-07T08:09:10.456Z");
    for (const path of ["dir with spaces", "dir with spaces/données", "dir with spaces/données/日本語 ✓"]) {
      const dir = share.getDirectoryClient(path);
      const res = await dir.create({
        metadata: { ab: "1", a_b: "2", i_: "3", i0: "4" },
        fileAttributes: FileSystemAttributes.parse("Directory|Hidden"),
        creationTime: created,
        lastWriteTime: written,
      });
      assert.ok(res.fileId);
    }
    const props = await share.getDirectoryClient("dir with spaces/données/日本語 ✓").getProperties();
    assert.deepEqual(props.metadata, { ab: "1", a_b: "2", i_: "3", i0: "4" });
    assert.equal(props.fileCreatedOn.getTime(), created.getTime());
    assert.equal(props.fileLastWriteOn.getTime(), written.getTime());
    assert.match(props.fileAttributes, /Hidden/);
    assert.match(props.fileAttributes, /Directory/);
    await assert.rejects(share.getDirectoryClient("dir with spaces").create(), (e) => e.statusCode === 409);
    await assert.rejects(share.getDirectoryClient("nope/deeper").create(), (e) => e.details?.errorCode === "ParentNotFound");
  });

  it("stores files of 0 bytes, 1 byte and 5 MiB and reads them back by range", async () => {
    const dir = share.getDirectoryClient("dir with spaces/données");
    const empty = dir.getFileClient("empty file");
    await empty.create(0);
    assert.equal((await empty.getProperties()).contentLength, 0);
    assert.equal((await empty.downloadToBuffer()).length, 0);

    const one = dir.getFileClient("one byte ü.txt");
    await one.create(1);
    await one.uploadRange(Buffer.from("x"), 0, 1);
    assert.equal((await streamToBuffer((await one.download(0)).readableStreamBody)).toString(), "x");

    const data = randomBytes(5 * MiB);
    const five = dir.getFileClient("five.bin");
    await five.uploadData(data, { rangeSize: 4 * MiB, concurrency: 4, fileHttpHeaders: { fileContentType: "application/x-test" } });
    const whole = await five.downloadToBuffer();
    assert.equal(md5(whole), md5(data));
    const part = await five.download(4 * MiB - 10, 20);
    assert.equal(part.contentRange, `bytes ${4 * MiB - 10}-${4 * MiB + 9}/${5 * MiB}`);
    assert.equal(md5(await streamToBuffer(part.readableStreamBody)), md5(data.subarray(4 * MiB - 10, 4 * MiB + 10)));
    const withMd5 = await five.download(0, 1024, { rangeGetContentMD5: true });
    assert.equal(Buffer.from(withMd5.contentMD5).toString("hex"), md5(data.subarray(0, 1024)));
    const props = await five.getProperties();
    assert.equal(props.contentLength, 5 * MiB);
    assert.equal(props.contentType, "application/x-test");
  });

  it("keeps a 100 MiB sparse file sparse and lists its ranges", async () => {
    const sparse = share.rootDirectoryClient.getFileClient("sparse.bin");
    await sparse.create(100 * MiB);
    const chunk = randomBytes(64 * 1024);
    await sparse.uploadRange(chunk, 50 * MiB, chunk.length);
    await sparse.uploadRange(chunk, 100 * MiB - chunk.length, chunk.length);
    const ranges = await sparse.getRangeList();
    assert.deepEqual(ranges.rangeList, [
      { start: 50 * MiB, end: 50 * MiB + chunk.length - 1 },
      { start: 100 * MiB - chunk.length, end: 100 * MiB - 1 },
    ]);
    const middle = await sparse.downloadToBuffer(50 * MiB - 16, 32);
    assert.deepEqual(middle, Buffer.concat([Buffer.alloc(16), chunk.subarray(0, 16)]));
    await sparse.clearRange(50 * MiB, chunk.length);
    assert.equal((await sparse.getRangeList()).rangeList.length, 1);
    await assert.rejects(sparse.uploadRange(chunk, 100 * MiB - 10, chunk.length), (e) => e.statusCode === 416);
  });

  it("sets and reads SMB attributes, times, permissions and metadata", async () => {
    const keyA = (await share.createPermission(SDDL_A)).filePermissionKey;
    const keyB = (await share.createPermission(SDDL_B)).filePermissionKey;
    assert.notEqual(keyA, keyB);
    assert.equal((await share.getPermission(keyA)).permission, SDDL_A);
    const file = share.rootDirectoryClient.getFileClient("props.txt");
    const created = new Date("2019-03-04T05:06:07.890Z");
    await file.create(10, {
      filePermissionKey: keyA,
      fileAttributes: FileSystemAttributes.parse("ReadOnly|Archive"),
      creationTime: created,
      metadata: { Mixed_Case: "v1", z0: "v2", pct: "100%25 done %" },
    });
    let props = await file.getProperties();
    assert.equal(props.filePermissionKey, keyA);
    assert.equal(props.fileCreatedOn.getTime(), created.getTime());
    // Node lower-cases response header names, so metadata names come back lower-cased.
    assert.deepEqual(props.metadata, { mixed_case: "v1", z0: "v2", pct: "100%25 done %" });
    const attrs = FileSystemAttributes.parse(props.fileAttributes);
    assert.ok(attrs.readonly && attrs.archive && !attrs.hidden);
    const changed = new Date("2024-01-01T00:00:00.000Z");
    await file.setProperties({ filePermission: SDDL_B, fileAttributes: FileSystemAttributes.parse("Hidden"), changeTime: changed });
    props = await file.getProperties();
    assert.equal(props.filePermissionKey, keyB);
    assert.equal(props.fileAttributes, "Hidden");
    assert.equal(props.fileChangeOn.getTime(), changed.getTime());
    assert.equal(props.fileCreatedOn.getTime(), created.getTime(), "unset times are preserved");
    await file.setMetadata({ only: "this" });
    assert.deepEqual((await file.getProperties()).metadata, { only: "this" });
    await file.resize(4096);
    assert.equal((await file.getProperties()).contentLength, 4096);
  });

  it("lists more than 5000 entries in one directory with paging", async () => {
    const big = share.getDirectoryClient("big");
    await big.create();
    const names = Array.from({ length: 5100 }, (_, i) => `f${String(i).padStart(5, "0")}`);
    await pool(names, 32, (n) => big.getFileClient(n).create(7));
    await big.getDirectoryClient("zz subdir").create();
    const pages = [];
    for await (const page of big.listFilesAndDirectories({
      includeTimestamps: true, includeEtag: true, includeAttributes: true, includePermissionKey: true, includeExtendedInfo: true,
    }).byPage({ maxPageSize: 5000 })) {
      pages.push(page);
    }
    assert.equal(pages.length, 2);
    const files = pages.flatMap((p) => p.segment.fileItems);
    const dirs = pages.flatMap((p) => p.segment.directoryItems);
    assert.equal(files.length, 5100);
    assert.equal(dirs.length, 1);
    assert.equal(pages[0].segment.fileItems.length + pages[0].segment.directoryItems.length, 5000);
    const f = files[123];
    assert.equal(f.name, names[123]);
    assert.equal(f.properties.contentLength, 7);
    assert.ok(f.fileId && f.properties.creationTime instanceof Date && f.properties.etag && f.attributes && f.permissionKey);
    let count = 0;
    for await (const item of big.listFilesAndDirectories({ prefix: "f0500" })) {
      assert.ok(item.name.startsWith("f0500"));
      count++;
    }
    assert.equal(count, 10);
  });

  it("takes, reads, diffs, lists and deletes share snapshots", async () => {
    const file = share.rootDirectoryClient.getFileClient("snap.bin");
    const before = randomBytes(64 * 1024);
    await file.create(before.length);
    await file.uploadRange(before, 0, before.length);
    const { snapshot } = await share.createSnapshot();
    assert.match(snapshot, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    await file.uploadRange(Buffer.alloc(512, 7), 4096, 512);
    const diff = await file.getRangeListDiff(snapshot);
    assert.deepEqual(diff.ranges, [{ start: 4096, end: 4607 }]);
    const old = share.withSnapshot(snapshot).rootDirectoryClient.getFileClient("snap.bin");
    assert.equal(md5(await old.downloadToBuffer()), md5(before));
    const listed = [];
    for await (const s of service.listShares({ includeSnapshots: true })) if (s.name === "conformance") listed.push(s.snapshot);
    assert.ok(listed.includes(snapshot));
    const rootItems = [];
    for await (const item of share.withSnapshot(snapshot).rootDirectoryClient.listFilesAndDirectories()) rootItems.push(item.name);
    assert.ok(rootItems.includes("snap.bin"));
    await assert.rejects(old.uploadRange(Buffer.alloc(1), 0, 1), (e) => e.statusCode === 400);
    await share.withSnapshot(snapshot).delete();
    const after = [];
    for await (const s of service.listShares({ includeSnapshots: true })) if (s.snapshot) after.push(s.snapshot);
    assert.ok(!after.includes(snapshot));
  });

  it("renames files and directories and keeps their FileId", async () => {
    const dir = share.getDirectoryClient("rename-src");
    await dir.create();
    const file = dir.getFileClient("old name.txt");
    await file.create(3);
    const id = (await file.getProperties()).fileId;
    const { destinationFileClient } = await file.rename("rename-src/new name é.txt");
    assert.equal((await destinationFileClient.getProperties()).fileId, id);
    await assert.rejects(file.getProperties(), (e) => e.statusCode === 404);
    const { destinationDirectoryClient } = await dir.rename("rename-dst");
    assert.equal((await destinationDirectoryClient.getFileClient("new name é.txt").getProperties()).fileId, id);
  });

  it("accepts account and file SAS tokens and refuses expired ones", async () => {
    const cred = new StorageSharedKeyCredential(ACCOUNT, KEY);
    const sas = generateAccountSASQueryParameters({
      expiresOn: new Date(Date.now() + 3600e3),
      permissions: AccountSASPermissions.parse("rl"),
      resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
      services: AccountSASServices.parse("f").toString(),
    }, cred).toString();
    const viaSas = new ShareServiceClient(`${emu.url}?${sas}`);
    const names = [];
    for await (const s of viaSas.listShares()) names.push(s.name);
    assert.ok(names.includes("conformance"));
    const fileUrl = await share.rootDirectoryClient.getFileClient("snap.bin").generateSasUrl({
      permissions: FileSASPermissions.parse("r"), expiresOn: new Date(Date.now() + 3600e3),
    });
    const { ShareFileClient } = sdk;
    assert.equal((await new ShareFileClient(fileUrl).getProperties()).contentLength, 64 * 1024);
    const expired = generateAccountSASQueryParameters({
      expiresOn: new Date(Date.now() - 60e3),
      permissions: AccountSASPermissions.parse("rl"),
      resourceTypes: "sco",
      services: "f",
    }, cred).toString();
    await assert.rejects(new ShareServiceClient(`${emu.url}?${expired}`).listShares().next(), (e) => e.statusCode === 403);
    const wrongKey = new ShareServiceClient(emu.url, new StorageSharedKeyCredential(ACCOUNT, Buffer.from("wrong").toString("base64")));
    await assert.rejects(wrongKey.listShares().next(), (e) => e.statusCode === 403 && e.details?.errorCode === "AuthenticationFailed");
  });

  it("deletes files, directories and a share with snapshots", async () => {
    await share.rootDirectoryClient.getFileClient("sparse.bin").delete();
    await assert.rejects(share.getDirectoryClient("rename-dst").delete(), (e) => e.details?.errorCode === "DirectoryNotEmpty");
    await share.getDirectoryClient("rename-dst").getFileClient("new name é.txt").delete();
    await share.getDirectoryClient("rename-dst").delete();
    await share.createSnapshot();
    await assert.rejects(share.delete(), (e) => e.details?.errorCode === "ShareHasSnapshots");
    await share.delete({ deleteSnapshots: "include" });
    assert.equal(await share.exists(), false);
  });
});
