import { ShareServiceClient, StorageSharedKeyCredential } from "@azure/storage-file-share";
const s = new ShareServiceClient("http://127.0.0.1:18100/devstoreaccount1", new StorageSharedKeyCredential("devstoreaccount1","Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="));
const sh = s.getShareClient("r"); await sh.create();
const d = sh.getDirectoryClient("rename-src"); await d.create();
const f = d.getFileClient("old name.txt"); await f.create(3);
try { await f.rename("rename-src/new name é.txt"); console.log("ok"); } catch (e) { console.log(e.statusCode, e.details, e.request?.url, e.request?.headers?.toJSON?.()); }
