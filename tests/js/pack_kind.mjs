// What an unencrypted arbor pack holds, read from its own table of contents (see
// src/repo/pack.h): the type byte of the first record of a group member's table
// (".arbor-group-<n>": u32 table size, u32 count, then per blob a type byte, 0 data or
// 1 tree) or of the trailer (".arbor-pack-toc", or ".arbor-pack-index" in packs written
// before 7 December 2026: u32 count, then per blob a type byte first): "data", "tree",
// or "-" for anything that is not such a pack.
export function packKind(buf) {
  for (let at = 0; at + 512 <= buf.length; ) {
    const name = buf.toString("latin1", at, at + 100).replace(/\0.*$/s, "");
    if (!name) break;
    const size = parseInt(buf.toString("latin1", at + 124, at + 136).replace(/\0.*$/s, "").trim(), 8) || 0;
    let type = -1;
    if (name.startsWith(".arbor-group-") && size >= 9) type = buf[at + 512 + 8];
    if ((name === ".arbor-pack-toc" || name === ".arbor-pack-index") && size >= 5) type = buf[at + 512 + 4];
    if (type >= 0) return type === 1 ? "tree" : "data";
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return "-";
}
