#include "azure/header_order.h"

#include <array>
#include <cstdint>
#include <string>

namespace arbor::azure {
namespace {

// Characters in the order Windows' default collation gives them at the first level; the
// position in this string is the weight. Letters are case-folded before lookup.
constexpr std::string_view kPrimaryOrder = "!#$%&*.^_`|~+0123456789abcdefghijklmnopqrstuvwxyz";
// Characters ignored at the first level and compared only at the last ("special weights").
constexpr std::string_view kSpecialOrder = "'-";
// Weight for anything not in the tables (non-token bytes): after all known characters,
// in byte order, so the comparison is still a total order.
constexpr uint32_t kUnknownBase = 0x100;

struct Weights {
  std::array<uint32_t, 256> primary{};  // 0: ignorable at the first level
  std::array<uint32_t, 256> special{};  // non-zero only for kSpecialOrder characters
};

constexpr Weights MakeWeights() {
  Weights w;
  for (uint32_t c = 0; c < 256; ++c) w.primary[c] = kUnknownBase + c;
  for (size_t i = 0; i < kPrimaryOrder.size(); ++i) {
    auto c = static_cast<unsigned char>(kPrimaryOrder[i]);
    w.primary[c] = static_cast<uint32_t>(i + 1);
    if (c >= 'a' && c <= 'z') w.primary[c - 'a' + 'A'] = static_cast<uint32_t>(i + 1);
  }
  for (size_t i = 0; i < kSpecialOrder.size(); ++i) {
    auto c = static_cast<unsigned char>(kSpecialOrder[i]);
    w.primary[c] = 0;
    w.special[c] = static_cast<uint32_t>(i + 1);
  }
  return w;
}

constexpr Weights kWeights = MakeWeights();

uint32_t Primary(char c) { return kWeights.primary[static_cast<unsigned char>(c)]; }
uint32_t Special(char c) { return kWeights.special[static_cast<unsigned char>(c)]; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// First level: primary weights of the non-ignorable characters, lexicographically.
int ComparePrimary(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && Primary(a[i]) == 0) ++i;
    while (j < b.size() && Primary(b[j]) == 0) ++j;
    if (i == a.size() || j == b.size()) return (i == a.size() ? 0 : 1) - (j == b.size() ? 0 : 1);
    if (Primary(a[i]) != Primary(b[j])) return Primary(a[i]) < Primary(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
}

// Second level: case. Lower case sorts before upper case at the first position that differs.
int CompareCase(std::string_view a, std::string_view b) {
  std::string ca, cb;
  for (char c : a) if (Primary(c) != 0) ca.push_back(IsUpper(c) ? 'U' : 'l');
  for (char c : b) if (Primary(c) != 0) cb.push_back(IsUpper(c) ? 'U' : 'l');
  return ca.compare(cb) < 0 ? -1 : (ca == cb ? 0 : 1);
}

// Last level: the ignorable characters by position. A special character further to the right
// (or none at all) sorts first; at the same position the lighter one sorts first.
int CompareSpecial(std::string_view a, std::string_view b) {
  size_t i = 0;
  while (true) {
    while (i < a.size() && i < b.size() && Special(a[i]) == 0 && Special(b[i]) == 0) ++i;
    bool a_has = i < a.size() && Special(a[i]) != 0;
    bool b_has = i < b.size() && Special(b[i]) != 0;
    if (!a_has && !b_has) return 0;
    if (a_has != b_has) return a_has ? 1 : -1;
    if (Special(a[i]) != Special(b[i])) return Special(a[i]) < Special(b[i]) ? -1 : 1;
    ++i;
  }
}

}  // namespace

bool CanonicalHeaderLess(std::string_view a, std::string_view b) {
  if (int c = ComparePrimary(a, b); c != 0) return c < 0;
  if (int c = CompareCase(a, b); c != 0) return c < 0;
  if (int c = CompareSpecial(a, b); c != 0) return c < 0;
  return a < b;  // identical under collation: fall back to bytes for a strict total order
}

}  // namespace arbor::azure
