#include "store/object_key.h"

#include <string>

namespace arbor {

bool IsValidObjectKey(std::string_view key) {
  if (key.empty() || key.front() == '/' || key.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view part = key.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

namespace {

bool HasSegment(std::string_view key, std::string_view segment) {
  for (size_t start = 0; start < key.size();) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) return false;  // the last part is the object's name
    if (key.substr(start, end - start) == segment) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool IsPackKey(std::string_view key) { return HasSegment(key, "packs"); }

bool IsImmutableObjectKey(std::string_view key) {
  return HasSegment(key, "packs") || HasSegment(key, "index");
}

Status CheckObjectKey(std::string_view key) {
  if (IsValidObjectKey(key)) return Status::Ok();
  return Status::InvalidArgument("invalid object key '" + std::string(key) + "'");
}

}  // namespace arbor
