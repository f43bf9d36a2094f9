// The arbor Azure Files emulator as a child process, for the SDK tests: started on a free
// port with a fresh data directory; the caller kills it and removes the directory.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const ACCOUNT = "devstoreaccount1";
export const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// Resolves to { child, dataDir, url } once the emulator prints its address.
export function startEmulator() {
  const binary = process.env.ARBOR_AZFILES_EMULATOR;
  if (!binary) throw new Error("set ARBOR_AZFILES_EMULATOR to the arbor-azfiles-emulator binary");
  const dataDir = mkdtempSync(join(tmpdir(), "arbor-azjs-"));
  const child = spawn(binary, ["--port", "0", "--data", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (!m) reject(new Error("unexpected emulator output: " + line));
      else resolve({ child, dataDir, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error("emulator exited with " + code)));
  });
}
