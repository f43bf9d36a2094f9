// A second official client against arbor's Azure Files emulator: Microsoft's AzCopy
// (built on the Azure Storage Go SDK), from the npm package @azure-tools/azcopy-linux, run
// with its default options (only --from-to / --location, which AzCopy cannot infer from an
// emulator's http://127.0.0.1 URL, and --skip-version-check). It uploads a tree (directories, then Create
// File, Put Range in 4 MiB pieces, Set Properties and Metadata of directories), lists it,
// downloads it and removes part of it; the bytes must come back identical and the files
// must carry what the service would give them (an inherited permission).
//
// Run: ARBOR_AZFILES_EMULATOR=/path/to/arbor-azfiles-emulator node --test azcopy.test.mjs
// (AzCopy needs libsecret-1-0, which scripts/install-deps.sh installs.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { ACCOUNT, KEY, startEmulator } from "./emulator.mjs";

const { AzCopyExe } = await import("@azure-tools/azcopy-linux");
const {
  ShareServiceClient, StorageSharedKeyCredential, generateAccountSASQueryParameters, AccountSASPermissions,
  AccountSASResourceTypes, AccountSASServices,
} = await import("@azure/storage-file-share");

const MiB = 1024 * 1024;
// Relative path -> content. Sizes around AzCopy's 4 MiB range size; names with spaces and
// non-ASCII letters.
const TREE = {
  "empty.txt": Buffer.alloc(0),
  "one.bin": Buffer.from("x"),
  "docs/read me.txt": Buffer.from("hello from azcopy\n"),
  "docs/naïve/über.bin": randomBytes(64 * 1024),
  "big/nine.bin": randomBytes(9 * MiB + 123),
};

describe("Azure Files emulator driven by AzCopy with default options", () => {
  let emu, work, sas, service;
  const azcopy = async (...args) => {
    // --skip-version-check: AzCopy would otherwise look for a newer release online.
    const { stdout } = await promisify(execFile)(AzCopyExe, [...args, "--skip-version-check"], {
      env: { ...process.env, AZCOPY_LOG_LOCATION: join(work, "logs"), AZCOPY_JOB_PLAN_LOCATION: join(work, "plans") },
      maxBuffer: 16 * MiB,
    });
    return stdout;
  };
  const shareUrl = (path = "") => `${emu.url}/azcopy${path ? "/" + encodeURI(path) : ""}?${sas}`;

  before(async () => {
    emu = await startEmulator();
    work = mkdtempSync(join(tmpdir(), "arbor-azcopy-"));
    chmodSync(AzCopyExe, 0o755);  // the package ships the binary without its execute bit
    const credential = new StorageSharedKeyCredential(ACCOUNT, KEY);
    service = new ShareServiceClient(emu.url, credential);
    sas = generateAccountSASQueryParameters({
      expiresOn: new Date(Date.now() + 3600 * 1000),
      permissions: AccountSASPermissions.parse("rwdlc"),
      resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
      services: AccountSASServices.parse("f").toString(),
    }, credential).toString();
    await service.getShareClient("azcopy").create();  // `azcopy make` cannot tell an emulator URL is a share
    for (const [path, data] of Object.entries(TREE)) {
      mkdirSync(join(work, "up", path, ".."), { recursive: true });
      writeFileSync(join(work, "up", path), data);
    }
  });

  after(() => {
    emu?.child.kill("SIGTERM");
    if (emu) rmSync(emu.dataDir, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("uploads a tree; the files are what was sent and inherit their directory's permission", async () => {
    const out = await azcopy("copy", join(work, "up") + "/*", shareUrl(), "--recursive", "--from-to", "LocalFile");
    assert.match(out, /Final Job Status: Completed/);
    const share = service.getShareClient("azcopy");
    for (const [path, data] of Object.entries(TREE)) {
      const file = share.rootDirectoryClient.getFileClient(path);
      const props = await file.getProperties();
      assert.equal(props.contentLength, data.length, path);
      if (data.length > 0) assert.ok((await file.downloadToBuffer()).equals(data), path);
      const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
      const parent = await share.getDirectoryClient(dir).getProperties();
      assert.equal(props.filePermissionKey, parent.filePermissionKey, path + " did not inherit");
    }
  });

  it("lists the share", async () => {
    const out = await azcopy("list", shareUrl(), "--machine-readable", "--location", "File");
    for (const [path, data] of Object.entries(TREE)) {
      assert.ok(out.includes(path) && out.includes(`Content Length: ${data.length}`), `${path} in\n${out}`);
    }
  });

  it("downloads the tree byte for byte", async () => {
    const out = await azcopy("copy", shareUrl(), join(work, "down"), "--recursive", "--from-to", "FileLocal");
    assert.match(out, /Final Job Status: Completed/);
    for (const [path, data] of Object.entries(TREE)) {
      assert.ok(readFileSync(join(work, "down", "azcopy", path)).equals(data), path);
    }
  });

  it("removes a directory recursively", async () => {
    const out = await azcopy("remove", shareUrl("docs"), "--recursive", "--from-to", "FileTrash");
    assert.match(out, /Final Job Status: Completed/);
    const share = service.getShareClient("azcopy");
    assert.equal(await share.getDirectoryClient("docs").exists(), false);
    assert.ok(await share.rootDirectoryClient.getFileClient("big/nine.bin").exists());
  });
});
