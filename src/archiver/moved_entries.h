// MovedEntries: finds an entry of the parent snapshot by its file id, for sources
// whose ids survive renames and moves (Source::StableFileIds: Azure FileId, POSIX
// inode).
//
// The backup matches entries with the parent snapshot by name, directory by
// directory. A renamed directory has a new name, so without this every file below
// it would look new and be read again. With it, the renamed directory is compared
// with its old self and its children are matched by name inside the old subtree, each
// with the usual checks, so a rename costs no reads, whatever lies below it. This is
// right even when an id was reused by another directory: the old subtree is only what
// the children are compared with.
//
// Files are looked up too when the source's birth times cannot be set
// (Source::FixedBirthTimes, POSIX statx): a file renamed or moved alone is then taken
// as unchanged when SameFileMoved holds. Such a source also makes the lookups cheap to
// skip: an entry born after the parent snapshot ended cannot be in it.
//
// The index of the parent's directories (file id -> node) is built on the first
// lookup that needs it, by walking the parent's trees once; the index of its files
// (file id -> place in a tree) likewise, on the first file lookup. A backup where
// nothing moved never pays for either.
//
// Thread safety: none; the backup's walker thread owns it.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "repo/node.h"
#include "repo/repository.h"

namespace arbor {

// Whether `now`, found by file id as `before` in the parent snapshot, is the same file
// with the same content: both files, and inode, device, size, mtime and birth time
// (known, not 0) equal. The ctime is not compared: a rename sets it. An inode freed and
// reused by a new file has a new birth time; content rewritten in place moves the
// mtime (unless someone sets it back: the one change this cannot see, where the ctime
// would have).
bool SameFileMoved(const Node& now, const Node& before);

struct MovedEntriesOptions {
  bool files = false;      // also find files (Source::FixedBirthTimes)
  int64_t born_by_ns = 0;  // not 0: entries born later are new and not looked for
};

class MovedEntries {
 public:
  using Options = MovedEntriesOptions;

  // `parent_root`: the parent snapshot's root tree; nullopt disables lookups.
  MovedEntries(Repository& repo, std::optional<Digest> parent_root, Options options = {})
      : repo_(repo), parent_root_(std::move(parent_root)), options_(options) {}

  // The parent snapshot's entry with `now`'s file id and kind (a directory; a file when
  // options.files and `now` has a birth time), or nullptr. A directory's pointer stays
  // valid for the life of this object, a file's until the next call.
  const Node* Find(const Node& now);

  size_t indexed_dirs() const { return dirs_.size(); }
  size_t indexed_files() const { return files_.size(); }

 private:
  // Where a file of the parent snapshot is: its tree (an index into trees_) and its
  // position in that tree.
  struct Place {
    uint32_t tree = 0;
    uint32_t index = 0;
  };
  static constexpr size_t kLoadedTrees = 4;

  // Walks the parent's trees once, recording its directories or its files.
  void BuildIndex(bool files);
  const Node* FindFile(const Node& now);
  // A tree of trees_, loaded (a few are kept: moved files come in batches).
  const std::vector<Node>* LoadedTree(uint32_t tree);

  Repository& repo_;
  const std::optional<Digest> parent_root_;
  const Options options_;
  bool dirs_built_ = false;
  bool files_built_ = false;
  std::unordered_map<uint64_t, Node> dirs_;  // file id -> directory node (with subtree)
  std::unordered_map<uint64_t, Place> files_;
  std::vector<Digest> trees_;                                 // trees holding the files of files_
  std::list<std::pair<uint32_t, std::vector<Node>>> loaded_;  // most recently used first
};

}  // namespace arbor
