// MovedEntries: finds a directory of the parent snapshot by its stable file id, for
// sources whose ids survive renames and moves (Source::StableFileIds, Azure FileId).
//
// The backup matches entries with the parent snapshot by name, directory by
// directory. A renamed directory has a new name, so without this every file below
// it would look new and be read again. With it, the renamed directory is compared
// with its old self and its children are matched by name inside the old subtree, so
// a rename costs no reads, whatever lies below it.
//
// The index of the parent's directories (file id -> node) is built on the first
// lookup that needs it, by walking the parent's trees once; a backup where every
// directory keeps its name never pays for it. Files that moved to another directory
// are not looked up (they are read again; their chunks deduplicate).
//
// Thread safety: none; the backup's walker thread owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "repo/node.h"
#include "repo/repository.h"

namespace arbor {

class MovedEntries {
 public:
  // `parent_root`: the parent snapshot's root tree; nullopt disables lookups.
  MovedEntries(Repository& repo, std::optional<Digest> parent_root)
      : repo_(repo), parent_root_(std::move(parent_root)) {}

  // The parent snapshot's directory with `now`'s file id, or nullptr. The pointer
  // stays valid for the life of this object.
  const Node* Find(const Node& now);

  size_t indexed() const { return dirs_.size(); }

 private:
  void BuildIndex();

  Repository& repo_;
  const std::optional<Digest> parent_root_;
  bool built_ = false;
  std::unordered_map<uint64_t, Node> dirs_;  // file id -> directory node (with subtree)
};

}  // namespace arbor
