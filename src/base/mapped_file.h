// MappedFile: a read-only memory map of a whole file, so a large staged object (a 32 MiB
// pack) can be handed to a network client as a string_view without copying it into the
// heap; the kernel pages it in as the client sends it.
//
// Thread safety: the view is immutable and may be read from any thread while the object
// lives. The file must not be truncated while mapped (reads past the new end fault).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor {

class MappedFile {
 public:
  // NotFound/PermissionDenied/IOError as open(2) and mmap(2) report them. An empty file
  // maps to an empty view.
  static Result<MappedFile> Open(const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }
  size_t size() const { return size_; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void Unmap();

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace arbor
