// PosixTarget: restores into a local directory. Never writes through a symlink
// found in the target; restores owners only when running as root.
#pragma once

#include <mutex>
#include <vector>

#include "engine/restore_target.h"

namespace arbor {

class PosixTarget final : public RestoreTarget {
 public:
  // Creates `root` if needed on the first MakeDirectory.
  explicit PosixTarget(std::string root);

  std::string Describe() const override { return root_; }
  Status MakeDirectory(const std::string& path, const Node& node) override;
  Status WriteFile(const std::string& path, const Node& node, const ContentProducer& content) override;
  Status MakeSpecial(const std::string& path, const Node& node) override;
  Status MakeHardLink(const std::string& path, const std::string& existing) override;
  Status FinishDirectory(const std::string& path, const Node& node) override;
  Result<std::optional<Node>> StatExisting(const std::string& path) override;
  std::vector<std::string> TakeWarnings() override;

 private:
  std::string Local(const std::string& path) const { return path == "/" ? root_ : root_ + path; }
  void ApplyMetadata(const std::string& local, const Node& node, int fd);
  void Warn(const Status& st);

  const std::string root_;
  const bool as_root_;
  std::mutex mu_;
  std::vector<std::string> warnings_;  // guarded by mu_
};

}  // namespace arbor
