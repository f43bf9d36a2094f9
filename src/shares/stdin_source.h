// StdinSource: `backup --stdin --stdin-filename NAME`, for database dumps and other
// streams (`pg_dump db | arbor backup --stdin --stdin-filename db.sql`). The source holds
// one regular file, /NAME, whose content is read from a file descriptor (standard
// input) once, front to back, while it is chunked: nothing is staged on disk, so a dump
// larger than the free space backs up. Its size is unknown until the stream ends; the
// file node says "very large" until then and the saver records the bytes it read
// (archiver/file_saver.cc ends a dense file where the reader ends).
//
// NAME may name folders ("dumps/db.sql"): they appear as directories with mode 0755.
// The file gets mode 0644, the caller's uid/gid and the time the backup started.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "shares/source.h"

namespace arbor {

class StdinSource final : public Source {
 public:
  // InvalidArgument for an empty name, or one with an empty, "." or ".." component.
  static Result<std::unique_ptr<StdinSource>> Create(const std::string& name, int fd);

  // The absolute path of the file in the snapshot ("/" + name).
  const std::string& file_path() const { return path_; }

  std::string Kind() const override { return "stdin"; }
  Result<Node> Stat(const std::string& path) override;
  Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) override;
  Status LoadExtended(const std::string& path, Node* node) override;
  // Once only: the stream cannot be read twice.
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override;

  // What the file node says its size is until the stream has ended.
  static constexpr uint64_t kUnknownSize = uint64_t{1} << 62;

 private:
  StdinSource(std::string path, int fd);
  Node DirNode(const std::string& name) const;

  const std::string path_;
  const int fd_;
  const int64_t time_ns_;
  std::atomic<bool> opened_{false};
};

}  // namespace arbor
