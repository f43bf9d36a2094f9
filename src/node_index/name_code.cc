// Static canonical Huffman codes for name suffixes (docs/format/node-index.md, "Name
// code"), one code per context: the class of the byte before the symbol (none, a-z, A-Z,
// 0-9, other ASCII, >= 0x80). Digits after a digit or a lower-case letter after one cost
// about 4 bits instead of 8.
//
// Why fixed codes: per-record code tables would cost more than they save on directories
// of a few dozen names, and a per-tree table would make every record depend on another
// row. The lengths come from generic weights (English letter frequencies within letters,
// digits, common separators, a share per class of next byte for each context, a floor
// for every other byte, an end-of-name mark), limited to 15 bits; they were not fitted
// to any benchmark data. Names whose code is longer than their bytes (non-Latin scripts,
// odd punctuation) are stored raw: the encoder picks the shorter form.
#include "node_index/name_code.h"

#include <algorithm>
#include <array>

namespace arbor::node_index {
namespace {

constexpr int kSymbols = 257;  // bytes 0..255 and the end-of-name mark
constexpr int kEnd = 256;
constexpr int kMaxBits = 15;
constexpr int kFastBits = 10;
constexpr size_t kMaxDecoded = 4096;  // kMaxNameLength

// Code length (hex digit, 1..15) of each symbol, per context; the symbol order is byte
// 0x00..0xff, then end-of-name. The context is the class of the byte before the symbol.
constexpr int kContexts = 6;
constexpr std::array<const char*, kContexts> kCodeLengths = {
    // after nothing (first byte of the suffix with no shared prefix)
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee5eeeeebb99eba67e5556655555eeeeee"
    "e687758866c978668c666798b8dbebe6e587657866b977668c665787b7ceeebd"
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    "3",
    // after a-z
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee5eeeeebb99eba67e8878888888eeeeee"
    "e9bba9bba9edaba9beaa9bcbebebebe6e466536654a756446a544676a6beeebe"
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeed"
    "4",
    // after A-Z
    "ffffffffffffffffffffffffffffffff5fffffbb99fba67f7777777777ffffff"
    "f687758866b978668c666798b8dbfbf6f476546755a866557b554676a6bfffbf"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "feeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
    "4",
    // after 0-9
    "ffffffffffffffffffffffffffffffff5fffffbb99fba67f4334444444ffffff"
    "facbb9bcaafdbbaacfaa9bdbfcfbfbf6f9bba8bb99fcab99bfa99bcbfbffffbf"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffeeeeeeeeeee"
    "3",
    // after any other ASCII byte
    "ffffffffffffffffffffffffffffffff6fffffcb99fbb77f5555555555ffffff"
    "f587657766b967667c665787b7cbfbf6f587657766b967667c665787b7cfeebe"
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    "5",
    // after a byte >= 0x80
    "ffffffffffffffffffffffffffffffff7fffffccaafcb78f999a999999ffffff"
    "fbdcbaddbbfeccbbdfbbacdcfdfcfcf7f9bba8bb99fcab99bf999bcbebffffcf"
    "8888888888888888888888888888887777777777777777777777777777777777"
    "7777777777777777777777777777777777777777777777777777777777777777"
    "5",
};

constexpr int LengthOf(int context, int symbol) {
  char c = kCodeLengths[context][symbol];
  return c <= '9' ? c - '0' : c - 'a' + 10;
}

constexpr int ContextOfByte(int b) {
  if (b >= 'a' && b <= 'z') return 1;
  if (b >= 'A' && b <= 'Z') return 2;
  if (b >= '0' && b <= '9') return 3;
  return b < 0x80 ? 4 : 5;
}

// Context of each possible previous byte; index 256 is "no previous byte".
constexpr std::array<uint8_t, 257> kContextOf = [] {
  std::array<uint8_t, 257> c{};
  for (int b = 0; b < 256; ++b) c[b] = static_cast<uint8_t>(ContextOfByte(b));
  c[256] = 0;
  return c;
}();

int ContextOf(int prev) { return kContextOf[prev < 0 ? 256 : prev]; }

struct Tables {
  std::array<uint16_t, kSymbols> code{};
  std::array<uint8_t, kSymbols> bits{};
  // Fast path: the next kFastBits bits -> (symbol << 4 | length), 0 when longer.
  std::array<uint16_t, 1 << kFastBits> fast{};
  // Canonical decoding of longer codes: per length, the first code and the index of its
  // first symbol in `sorted`, and how many codes have that length.
  std::array<uint32_t, kMaxBits + 1> first_code{};
  std::array<uint16_t, kMaxBits + 1> first_index{};
  std::array<uint16_t, kMaxBits + 1> count{};
  std::array<uint16_t, kSymbols> sorted{};

  explicit constexpr Tables(int context) {
    std::array<int, kSymbols> length{};
    for (int s = 0; s < kSymbols; ++s) count[length[s] = LengthOf(context, s)]++;
    count[0] = 0;
    uint32_t code_value = 0;
    uint16_t index = 0;
    for (int len = 1; len <= kMaxBits; ++len) {
      code_value = (code_value + count[len - 1]) << 1;  // the canonical (DEFLATE) rule
      first_code[len] = code_value;
      first_index[len] = index;
      for (int s = 0; s < kSymbols; ++s) {
        if (length[s] == len) sorted[index++] = static_cast<uint16_t>(s);
      }
    }
    for (int len = 1; len <= kMaxBits; ++len) {
      for (int i = 0; i < count[len]; ++i) {
        int s = sorted[first_index[len] + i];
        code[s] = static_cast<uint16_t>(first_code[len] + i);
        bits[s] = static_cast<uint8_t>(len);
        if (len <= kFastBits) {
          int shift = kFastBits - len;
          for (int fill = 0; fill < (1 << shift); ++fill) {
            fast[(code[s] << shift) | fill] = static_cast<uint16_t>(s << 4 | len);
          }
        }
      }
    }
  }
};

// Built at compile time: no static-initialization order to worry about.
constexpr std::array<Tables, kContexts> kTables = {Tables(0), Tables(1), Tables(2),
                                                   Tables(3), Tables(4), Tables(5)};

const Tables& T(int context) { return kTables[context]; }

// Two symbols per lookup where both codes fit in kFastBits: for each context and window,
// (first symbol, its length, second symbol, total length, count 1 or 2), packed as
// sym1 | len1 << 9 | sym2 << 13 | total << 22 | count << 27; 0 when the first code is
// longer than kFastBits. An end-of-name first symbol never pairs.
constexpr uint32_t Pair(int context, uint32_t window) {
  uint16_t f1 = kTables[context].fast[window];
  if (f1 == 0) return 0;
  uint32_t sym1 = f1 >> 4, len1 = f1 & 0xf;
  uint32_t one = sym1 | len1 << 9 | len1 << 22 | 1u << 27;
  if (sym1 == kEnd || len1 >= kFastBits) return one;
  uint32_t rest = (window << len1) & ((1u << kFastBits) - 1);
  uint16_t f2 = kTables[ContextOfByte(static_cast<int>(sym1))].fast[rest];
  uint32_t len2 = f2 & 0xf;
  if (f2 == 0 || len1 + len2 > kFastBits) return one;
  return sym1 | len1 << 9 | static_cast<uint32_t>(f2 >> 4) << 13 | (len1 + len2) << 22 | 2u << 27;
}

using PairTable = std::array<uint32_t, 1 << kFastBits>;
constexpr std::array<PairTable, kContexts> kPairs = [] {
  std::array<PairTable, kContexts> t{};
  for (int c = 0; c < kContexts; ++c) {
    for (uint32_t w = 0; w < (1u << kFastBits); ++w) t[c][w] = Pair(c, w);
  }
  return t;
}();

class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  void Put(uint32_t code, int len) {
    acc_ = acc_ << len | code;
    bits_ += len;
    while (bits_ >= 8) {
      bits_ -= 8;
      out_->push_back(static_cast<char>(acc_ >> bits_));
    }
  }
  void Flush() {
    if (bits_ > 0) out_->push_back(static_cast<char>(acc_ << (8 - bits_)));
  }

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

}  // namespace

size_t NameCodeBytes(std::string_view suffix, int prev) {
  size_t bits = 0;
  for (unsigned char c : suffix) {
    bits += T(ContextOf(prev)).bits[c];
    prev = c;
  }
  bits += T(ContextOf(prev)).bits[kEnd];
  return (bits + 7) / 8;
}

void EncodeNameCode(std::string_view suffix, int prev, std::string* out) {
  BitWriter w(out);
  for (unsigned char c : suffix) {
    const Tables& t = T(ContextOf(prev));
    w.Put(t.code[c], t.bits[c]);
    prev = c;
  }
  const Tables& t = T(ContextOf(prev));
  w.Put(t.code[kEnd], t.bits[kEnd]);
  w.Flush();
}

bool DecodeNameCode(std::string_view* in, std::string* out, size_t max_len) {
  char buf[kMaxDecoded];
  max_len = std::min(max_len, sizeof buf);
  int prev = out->empty() ? -1 : static_cast<unsigned char>(out->back());
  const auto* p = reinterpret_cast<const unsigned char*>(in->data());
  size_t size = in->size(), next = 0;  // next byte to load into the window
  uint64_t window = 0;                 // unread bits, left-aligned
  int have = 0;                        // how many bits of `window` are real
  size_t used = 0, n = 0;              // bits consumed, bytes decoded
  for (;;) {
    while (have <= 56) {  // bytes past the end read as zero; `used` catches overruns
      window |= static_cast<uint64_t>(next < size ? p[next] : 0) << (56 - have);
      ++next;
      have += 8;
    }
    int context = ContextOf(prev);
    auto bits = static_cast<uint16_t>(window >> 48);
    if (uint32_t pair = kPairs[context][bits >> (16 - kFastBits)]; pair != 0) {
      int sym1 = pair & 0x1ff, total = (pair >> 22) & 0x1f;
      if (used + static_cast<size_t>(total) > size * 8) return false;
      if (sym1 == kEnd) {
        used += static_cast<size_t>(total);
        break;
      }
      if (n >= max_len) return false;
      buf[n++] = static_cast<char>(sym1);
      prev = sym1;
      if ((pair >> 27) == 2) {
        int sym2 = (pair >> 13) & 0x1ff;
        if (sym2 == kEnd) {
          used += static_cast<size_t>(total);
          break;
        }
        if (n >= max_len) return false;
        buf[n++] = static_cast<char>(sym2);
        prev = sym2;
      }
      window <<= total;
      have -= total;
      used += static_cast<size_t>(total);
      continue;
    }
    const Tables& t = kTables[context];
    int sym, len = kFastBits + 1;
    while (len <= kMaxBits && (static_cast<uint32_t>(bits >> (16 - len)) - t.first_code[len]) >= t.count[len]) ++len;
    if (len > kMaxBits) return false;
    sym = t.sorted[t.first_index[len] + ((bits >> (16 - len)) - t.first_code[len])];
    window <<= len;
    have -= len;
    used += static_cast<size_t>(len);
    if (used > size * 8) return false;
    if (sym == kEnd) break;
    if (n >= max_len) return false;
    buf[n++] = static_cast<char>(sym);
    prev = sym;
  }
  out->append(buf, n);
  in->remove_prefix((used + 7) / 8);
  return true;
}

bool CompareNameCode(std::string_view in, int prev, std::string_view tail, std::string_view target, int* cmp) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t size = in.size(), next = 0, used = 0, i = 0;
  uint64_t window = 0;
  int have = 0;
  for (;;) {
    while (have <= 56) {
      window |= static_cast<uint64_t>(next < size ? p[next] : 0) << (56 - have);
      ++next;
      have += 8;
    }
    const Tables& t = kTables[ContextOf(prev)];
    auto bits = static_cast<uint16_t>(window >> 48);
    int sym, len;
    if (uint16_t f = t.fast[bits >> (16 - kFastBits)]; f != 0) {
      sym = f >> 4;
      len = f & 0xf;
    } else {
      len = kFastBits + 1;
      while (len <= kMaxBits && (static_cast<uint32_t>(bits >> (16 - len)) - t.first_code[len]) >= t.count[len]) ++len;
      if (len > kMaxBits) return false;
      sym = t.sorted[t.first_index[len] + ((bits >> (16 - len)) - t.first_code[len])];
    }
    window <<= len;
    have -= len;
    used += static_cast<size_t>(len);
    if (used > size * 8) return false;
    if (sym == kEnd) break;
    if (i == target.size()) return *cmp = 1, true;  // the name is longer
    auto want = static_cast<unsigned char>(target[i++]);
    if (sym != want) return *cmp = sym < want ? -1 : 1, true;
    prev = sym;
  }
  int rest = tail.compare(target.substr(i));
  *cmp = rest < 0 ? -1 : rest > 0 ? 1 : 0;
  return true;
}

}  // namespace arbor::node_index
