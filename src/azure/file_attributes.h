// SMB file attributes as Azure Files spells them ("ReadOnly | Archive").
//
// The bit values are the Windows FILE_ATTRIBUTE_* values, so a backup can store them as
// one integer and a restore can hand them back unchanged. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::azure {

enum FileAttribute : uint32_t {
  kAttrReadOnly = 0x1,
  kAttrHidden = 0x2,
  kAttrSystem = 0x4,
  kAttrDirectory = 0x10,
  kAttrArchive = 0x20,
  kAttrTemporary = 0x100,
  kAttrOffline = 0x1000,
  kAttrNotContentIndexed = 0x2000,
  kAttrNoScrubData = 0x20000,
};

// "None" for 0; otherwise the names joined by " | " in bit order.
std::string FormatFileAttributes(uint32_t attributes);
// Accepts "A|B", "A | B" and "None" (alone); names match case-insensitively.
// InvalidArgument on an unknown name or on "None" combined with others.
Result<uint32_t> ParseFileAttributes(std::string_view text);

}  // namespace arbor::azure
