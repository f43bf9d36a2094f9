// The fixed Huffman code for name suffixes in directory records. Pure functions, no state
// beyond constant tables. Internal to arbor_index.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace arbor::node_index {

// `prev` is the byte before the suffix (the last byte of the shared prefix), or -1.
// Bytes EncodeNameCode would append for `suffix` (its code, the end mark, padding).
size_t NameCodeBytes(std::string_view suffix, int prev);
// Appends the code of each byte of `suffix`, then the end mark, zero-padded to a byte.
void EncodeNameCode(std::string_view suffix, int prev, std::string* out);
// Decodes one coded suffix from the front of *in, appending at most max_len bytes to
// *out (whose last byte, if any, is the context of the first symbol) and consuming the
// padded bytes; false on malformed or overlong input.
bool DecodeNameCode(std::string_view* in, std::string* out, size_t max_len);

// Compares (coded suffix from the front of `in`, then `tail`) with `target` in byte
// order, decoding only as far as the first difference: <0, 0 or >0. `prev` as for
// EncodeNameCode. False on malformed input.
bool CompareNameCode(std::string_view in, int prev, std::string_view tail, std::string_view target, int* cmp);

}  // namespace arbor::node_index
