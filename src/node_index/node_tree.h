// The node tree of one (tenant, share): every directory is one packed record holding its
// own id, parent id and name plus its files as compressed columns. No path is stored;
// a path is rebuilt by walking parent ids. A rename or move of a directory rewrites that
// directory's record and nothing below it. Aggregates (bytes, files, directories of every
// subtree) are maintained on each write, so `du` of any directory is O(1).
//
// Ownership and lifetime: a NodeTree owns its records. Clone() makes a second tree that
// shares every record copy-on-write; either may then change independently.
// Thread safety: const methods may run concurrently with each other (on one tree or on
// clones of it); any non-const call needs exclusive access to that tree.
// Cost model: navigation and aggregates are O(path depth); changing a directory's files
// re-encodes that directory's record, O(its own file count).
//
// Change detection (what the backup engine does per directory it lists):
//   1. Classify(dir_id, listing): which children are unchanged (same node id, kind,
//      size, mtime second and 24-bit change stamp over mtime ns + change key) and their
//      stored hashes, which are new, modified or replaced, which disappeared.
//   2. Read only the new, modified and replaced files; fill in every FileFacts::hash
//      (previous_hash for the unchanged ones). Treat a file whose mtime or ctime lies
//      within the timestamp granularity of the previous scan's start as modified
//      ("racy" files, as git does): the index cannot see a change made in the same tick.
//   3. PutDirectory(dir, listing): writes the one record if anything differs.
//   After the walk, FinishScan(root) deletes directories that no PutDirectory (or
//   KeepSubtree, for an unreadable directory) touched since the previous FinishScan:
//   a directory that vanished from one listing but was moved elsewhere survives,
//   because its own PutDirectory re-parents it first. A file moved between directories
//   shows as removed in one listing and new in another (Diff pairs them by node id);
//   the engine may look the new id up in its own set of removed ids before reading it.
//   Then IndexStore::Save writes the changed records as the new version.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "node_index/node_types.h"

namespace arbor::node_index {

enum class ChildChange : uint8_t {
  kUnchanged,  // same node id, kind, size, mtime second and change stamp
  kModified,   // same name and node id, something else differs
  kNew,        // no child of that name before
  kReplaced,   // the name now belongs to a different node id
};

struct ChildStatus {
  ChildChange change = ChildChange::kNew;
  uint64_t previous_hash = 0;  // valid when change == kUnchanged
};

struct Classification {
  bool directory_known = false;       // false: the directory is new, all children kNew
  std::vector<ChildStatus> children;  // parallel to the listing passed in
  std::vector<NodeInfo> removed;      // stored children absent from the listing
};

struct SubtreeTotals {
  uint64_t bytes = 0;        // sum of file sizes below (and in) the directory
  uint64_t files = 0;        // non-directory nodes below
  uint64_t directories = 0;  // directories below, not counting itself
};

// Bytes this tree holds, all counted: records with their allocator overhead, the
// per-directory slots and both hash tables.
struct MemoryUsage {
  size_t record_bytes = 0;  // encoded bytes + malloc overhead of every record
  size_t slot_bytes = 0;    // per-directory navigation and aggregate state
  size_t table_bytes = 0;   // id and name hash tables
  size_t total() const { return record_bytes + slot_bytes + table_bytes; }
  // The cold column's file (stamps and hashes, dead runs included): disk, not RAM.
  uint64_t cold_file_bytes = 0;
};

class NodeTree {
 public:
  NodeTree();
  ~NodeTree();
  NodeTree(NodeTree&&) noexcept;
  NodeTree& operator=(NodeTree&&) noexcept;
  NodeTree(const NodeTree&) = delete;
  NodeTree& operator=(const NodeTree&) = delete;

  // A tree sharing every record with this one; O(directories), copies no record bytes.
  NodeTree Clone() const;

  // Moves every file's change stamp and content hash (11 bytes per file) out of RAM into a
  // cold column: an unlinked file in `dir`, read back by change detection, diffs,
  // duplicates and saves only. Setting ARBOR_INDEX_COLD_DIR does this for every tree the
  // process makes. Clones share the column. IOError when `dir` cannot hold the file.
  Status UseColdColumn(const std::string& dir);
  bool has_cold_column() const;

  // ---- Writes. InvalidArgument on a bad name or a duplicate; NotFound on a missing
  // directory. A failed call leaves the tree unchanged.

  // Creates, replaces, renames or moves `dir` and sets its non-directory children to
  // `files` (any order). The parent must exist unless dir is the root (parent_id ==
  // node_id); a tree has one root. Moving a directory under itself is InvalidArgument.
  Status PutDirectory(const DirFacts& dir, std::span<const FileFacts> files);
  // Inserts or replaces one child of `dir` by name.
  Status PutFile(NodeId dir, const FileFacts& file);
  Status RemoveFile(NodeId dir, std::string_view name);
  // Rename and/or move; writes exactly one record whatever lies below.
  Status MoveDirectory(NodeId dir, NodeId new_parent, std::string_view new_name);
  // Removes the directory and everything below it (the root too, leaving an empty tree).
  Status DeleteSubtree(NodeId dir);
  // Marks `dir` and everything below it as seen in this scan (see FinishScan).
  Status KeepSubtree(NodeId dir);
  // Deletes every directory under `scope` (inclusive) not seen since the previous
  // FinishScan, then forgets what was seen. Returns how many directories it deleted.
  Result<size_t> FinishScan(NodeId scope);

  // ---- Change detection: see the header comment. Read-only.
  Result<Classification> Classify(NodeId dir, std::span<const FileFacts> listing) const;

  // ---- Navigation.
  std::optional<NodeId> root() const;
  // "/" is the root; "/a/b" (leading and trailing '/' optional) walks names.
  // A file's content facts (stamp, hash) come with it unless `content` is kSkip, which
  // leaves them 0 in every form of tree: with a cold column they are a read of the
  // column's file (a disk read when not cached), and resolving a path for navigation
  // never needs them. A directory's facts are all in RAM: kSkip leaves them whole.
  enum class ContentFacts { kInclude, kSkip };
  Result<NodeInfo> Lookup(std::string_view path, ContentFacts content = ContentFacts::kInclude) const;
  Result<NodeInfo> Directory(NodeId dir) const;
  // The opaque DirFacts::ref last stored for `dir` (the backup engine's tree id).
  Result<std::string> DirectoryRef(NodeId dir) const;
  // The path of a directory, or of any node given its NodeInfo (parent id + name).
  Result<std::string> PathOf(NodeId dir) const;
  Result<std::string> PathOf(const NodeInfo& node) const;
  // Children of `dir`, directories and files together, sorted by name (byte order).
  Result<std::vector<NodeInfo>> List(NodeId dir) const;
  // Directories directly below `dir`, unsorted (cheap; for walks).
  Result<std::vector<NodeId>> Subdirectories(NodeId dir) const;
  Result<SubtreeTotals> Totals(NodeId dir) const;  // O(1)
  // Calls `fn` for every non-directory node at or below `dir`, directory by directory.
  // The NodeInfo is reused between calls; copy what you keep.
  Status ForEachFile(NodeId dir, const std::function<void(const NodeInfo&)>& fn) const;

  size_t directory_count() const;
  uint64_t file_count() const;
  MemoryUsage Memory() const;

  class Impl;  // opaque outside arbor_index

 private:
  friend class TreeAccess;  // stores, loaders and analytics inside arbor_index
  explicit NodeTree(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace arbor::node_index
