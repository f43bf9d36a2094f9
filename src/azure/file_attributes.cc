#include "azure/file_attributes.h"

#include <array>
#include <utility>

namespace arbor::azure {
namespace {

constexpr std::array<std::pair<uint32_t, std::string_view>, 9> kNames = {{
    {kAttrReadOnly, "ReadOnly"},
    {kAttrHidden, "Hidden"},
    {kAttrSystem, "System"},
    {kAttrDirectory, "Directory"},
    {kAttrArchive, "Archive"},
    {kAttrTemporary, "Temporary"},
    {kAttrOffline, "Offline"},
    {kAttrNotContentIndexed, "NotContentIndexed"},
    {kAttrNoScrubData, "NoScrubData"},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string FormatFileAttributes(uint32_t attributes) {
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((attributes & bit) == 0) continue;
    if (!out.empty()) out += " | ";
    out += name;
  }
  return out.empty() ? "None" : out;
}

Result<uint32_t> ParseFileAttributes(std::string_view text) {
  uint32_t out = 0;
  bool saw_none = false;
  size_t parts = 0;
  while (true) {
    size_t bar = text.find('|');
    std::string_view name = Trim(text.substr(0, bar));
    ++parts;
    if (EqualsIgnoreCase(name, "None")) {
      saw_none = true;
    } else {
      bool known = false;
      for (const auto& [bit, spelled] : kNames) {
        if (EqualsIgnoreCase(name, spelled)) {
          out |= bit;
          known = true;
        }
      }
      if (!known) return Status::InvalidArgument("unknown file attribute '" + std::string(name) + "'");
    }
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  if (saw_none && parts > 1) return Status::InvalidArgument("file attribute None must stand alone");
  return out;
}

}  // namespace arbor::azure
