// RebasedSource: a local directory shown at another absolute path, so that a backup of it
// reads as a backup of that path. The drop directory's staged tree (drop_area.h) is backed
// up this way: files dropped in MNT/<tenant>/<share>/.drop/x land at <share path>/x in the
// snapshot, where the share's own snapshots keep their files.
//
// `at` and the directories above it exist (the backup names them on the way down): they
// take the staged directory's metadata under their own names. Nothing else exists.
// Kind() is "drop", so a regular backup of the share never takes a drop's snapshot as its
// parent (FindParentSnapshot matches the source kind).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shares/posix_source.h"

namespace arbor {

class RebasedSource final : public Source {
 public:
  // REQUIRES: `dir` and `at` absolute; `at` '/'-separated without a trailing '/' (or "/").
  RebasedSource(std::string dir, std::string at);

  std::string Kind() const override { return "drop"; }
  Result<Node> Stat(const std::string& path) override;
  Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) override;
  Status LoadExtended(const std::string& path, Node* node) override;
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override;

 private:
  // The local path `path` stands for; nullopt when it is not `at` or below it.
  std::optional<std::string> Local(const std::string& path) const;
  bool AboveAt(const std::string& path) const;

  const std::string dir_;
  const std::string at_;
  PosixSource posix_;
};

}  // namespace arbor
