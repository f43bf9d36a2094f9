#include "archiver/index_detector.h"

#include "share_index/share_index.h"

namespace arbor {

std::optional<Digest> IndexChangeDetector::SameSubdirectory(uint64_t parent_id, const Node& child) const {
  auto info = tree_->Directory(child.file_id);
  if (!info.ok() || info->parent_id != parent_id || info->name != child.name ||
      info->mtime_s != node_index::MtimeSeconds(child.mtime_ns) ||
      info->stamp != node_index::ChangeStamp(child.mtime_ns, static_cast<uint64_t>(child.ctime_ns))) {
    return std::nullopt;
  }
  auto ref = tree_->DirectoryRef(child.file_id);
  if (!ref.ok() || ref->size() != 32) return std::nullopt;
  return Digest::FromBytes(*ref);
}

std::optional<std::vector<std::optional<Digest>>> IndexChangeDetector::Unchanged(
    uint64_t dir_id, const Digest& parent_tree, const std::vector<Node>& children) const {
  if (tree_ == nullptr) return std::nullopt;
  auto ref = tree_->DirectoryRef(dir_id);
  if (!ref.ok() || *ref != parent_tree.view()) return std::nullopt;
  std::vector<node_index::FileFacts> files;
  size_t dirs = 0;
  for (const auto& c : children) {
    if (c.IsDir()) ++dirs;
    else files.push_back(FileFactsOf(c));
  }
  auto classes = tree_->Classify(dir_id, files);
  auto stored_dirs = tree_->Subdirectories(dir_id);
  if (!classes.ok() || !classes->removed.empty() || !stored_dirs.ok() || stored_dirs->size() != dirs) {
    return std::nullopt;
  }
  for (const auto& c : classes->children) {
    if (c.change != node_index::ChildChange::kUnchanged) return std::nullopt;
  }
  std::vector<std::optional<Digest>> subtrees(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    if (!children[i].IsDir()) continue;
    subtrees[i] = SameSubdirectory(dir_id, children[i]);
    if (!subtrees[i]) return std::nullopt;
  }
  return subtrees;
}

}  // namespace arbor
