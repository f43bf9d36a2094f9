// What an unencrypted arbor pack holds, read from its own table of contents (the tar member
// ".arbor-pack-index": u32 count, then per blob a type byte, 0 data or 1 tree; see
// src/repo/pack.h): "data", "tree", or "-" for anything that is not such a pack.
export function packKind(buf) {
  for (let at = 0; at + 512 <= buf.length; ) {
    const name = buf.toString("latin1", at, at + 100).replace(/\0.*$/s, "");
    if (!name) break;
    const size = parseInt(buf.toString("latin1", at + 124, at + 136).replace(/\0.*$/s, "").trim(), 8) || 0;
    if (name === ".arbor-pack-index") {
      if (size < 5) return "-";
      return buf[at + 512 + 4] === 1 ? "tree" : "data";
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return "-";
}
