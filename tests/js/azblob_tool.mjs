// Reads and writes Azure Blob containers through Microsoft's SDK (@azure/storage-blob) with
// its default options, for arbor's Azure Blob store tests: what arbor wrote must be listed
// and read back by the official client byte for byte, and what the client wrote must be
// readable by arbor. Credentials come from AZURE_STORAGE_CONNECTION_STRING, as for arbor.
//
//   node azblob_tool.mjs mkcontainer CONTAINER          create a container (exists: fine)
//   node azblob_tool.mjs manifest CONTAINER [PREFIX]    JSON lines {name, size, sha256} of
//                                                       every blob, each downloaded whole
//   node azblob_tool.mjs upload CONTAINER NAME FILE     upload FILE as block blob NAME
//   node azblob_tool.mjs tiers CONTAINER [PREFIX]       "NAME KIND TIER" of every blob (KIND: pack_kind.mjs), the tier from
//                                                       Get Blob Properties ("-" when none)
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { packKind } from "./pack_kind.mjs";

const sdk = await import("@azure/storage-blob").catch((e) => {
  throw new Error("@azure/storage-blob is missing: run `npm ci` in tests/js first (" + e.message + ")");
});

const cs = process.env.AZURE_STORAGE_CONNECTION_STRING;
if (!cs) throw new Error("set AZURE_STORAGE_CONNECTION_STRING");
const service = sdk.BlobServiceClient.fromConnectionString(cs);
const [command, container, ...args] = process.argv.slice(2);
const client = service.getContainerClient(container);

if (command === "mkcontainer") {
  await client.createIfNotExists();
} else if (command === "manifest") {
  for await (const blob of client.listBlobsFlat({ prefix: args[0] ?? "" })) {
    const data = await client.getBlobClient(blob.name).downloadToBuffer();
    const sha256 = createHash("sha256").update(data).digest("hex");
    console.log(JSON.stringify({ name: blob.name, size: blob.properties.contentLength, read: data.length, sha256 }));
  }
} else if (command === "tiers") {
  for await (const blob of client.listBlobsFlat({ prefix: args[0] ?? "" })) {
    const props = await client.getBlobClient(blob.name).getProperties();
    const kind = packKind(await client.getBlobClient(blob.name).downloadToBuffer());
    console.log(blob.name + " " + kind + " " + (props.accessTier ?? "-"));
  }
} else if (command === "upload") {
  const data = await readFile(args[1]);
  await client.getBlockBlobClient(args[0]).uploadData(data);
} else {
  console.error("usage: azblob_tool.mjs mkcontainer|manifest|upload|tiers CONTAINER ...");
  process.exit(2);
}
