// Small POSIX file helpers shared by the local object store, the POSIX source and the
// restorer. All return Status values; none throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor {

// Owns one file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Reads exactly `len` bytes at `offset` (fewer only at end of file) into `out`.
Status PreadFull(int fd, uint64_t offset, size_t len, std::string* out);
// Writes all of `data`, retrying short writes and EINTR.
Status WriteFull(int fd, std::string_view data, std::string_view what);
Result<std::string> ReadWholeFile(const std::string& path);
// Writes `data` to a temporary file beside `path`, fsyncs it, renames it over `path`
// and fsyncs the directory: readers see the old file or the new one, never a part.
Status WriteFileAtomic(const std::string& path, std::string_view data);
// mkdir -p.
Status MakeDirs(const std::string& path);
// rm -rf (used by tests and by the restorer's error cleanup only).
Status RemoveAll(const std::string& path);
Status FsyncDir(const std::string& dir);

}  // namespace arbor
