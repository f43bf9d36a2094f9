#include "shares/restore_target.h"

#include "base/dir_resolver.h"

namespace arbor {
namespace {

// Each file through the target's WriteFile, by its full path.
class FilesByPath final : public DirectoryFiles {
 public:
  FilesByPath(RestoreTarget* target, std::string dir) : target_(target), dir_(std::move(dir)) {}
  Status Write(const std::string& name, const Node& node, const ContentProducer& content) override {
    return target_->WriteFile(JoinPath(dir_, name), node, content);
  }

 private:
  RestoreTarget* target_;
  std::string dir_;
};

}  // namespace

Result<std::unique_ptr<DirectoryFiles>> RestoreTarget::OpenFiles(const std::string& dir) {
  return std::unique_ptr<DirectoryFiles>(std::make_unique<FilesByPath>(this, dir));
}

}  // namespace arbor
