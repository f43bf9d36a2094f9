// InPlaceTarget: a restore back over the snapshot's own paths ("restore this folder where
// it was"), into a target rooted at "/". It passes everything to the wrapped target
// except the metadata of the directories on the way to the included paths: those are
// live directories the restore only passes through (the share's root, its parents), so
// their owner, mode and times stay as they are now. What is at or below an include gets
// the snapshot's metadata, as any restore gives it.
//
// It deletes nothing: files the snapshot does not have stay (the restorer never removes;
// `arbor restore --delete` is a separate step the job does not take).
//
// Thread safety: as the wrapped target's. `inner` must outlive it.
#pragma once

#include <string>
#include <vector>

#include "shares/restore_target.h"

namespace arbor {

class InPlaceTarget final : public RestoreTarget {
 public:
  InPlaceTarget(RestoreTarget* inner, std::vector<std::string> includes)
      : inner_(inner), includes_(std::move(includes)) {}

  std::string Describe() const override { return inner_->Describe() + " (in place)"; }
  Status MakeDirectory(const std::string& path, const Node& node) override {
    return inner_->MakeDirectory(path, node);
  }
  Status WriteFile(const std::string& path, const Node& node, const ContentProducer& content) override {
    return inner_->WriteFile(path, node, content);
  }
  Result<std::unique_ptr<DirectoryFiles>> OpenFiles(const std::string& dir) override {
    return inner_->OpenFiles(dir);
  }
  size_t FilesPerRun() const override { return inner_->FilesPerRun(); }
  Status MakeSpecial(const std::string& path, const Node& node) override {
    return inner_->MakeSpecial(path, node);
  }
  Status MakeHardLink(const std::string& path, const std::string& existing) override {
    return inner_->MakeHardLink(path, existing);
  }
  Status FinishDirectory(const std::string& path, const Node& node) override;
  Result<std::optional<Node>> StatExisting(const std::string& path) override {
    return inner_->StatExisting(path);
  }
  std::vector<std::string> TakeWarnings() override { return inner_->TakeWarnings(); }

 private:
  RestoreTarget* inner_;
  const std::vector<std::string> includes_;
};

}  // namespace arbor
