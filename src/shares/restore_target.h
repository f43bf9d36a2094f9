// RestoreTarget: where a restore writes (a local directory now; an Azure Files share
// through src/azure). The restorer decides what to create and in which order; a
// target only knows how.
//
// Paths are the snapshot's paths ("/home/u/a.txt"); the target maps them under its
// own root. Calls for different files may run concurrently; a directory is created
// before anything inside it, and FinishDirectory runs after everything inside it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "repo/node.h"

namespace arbor {

// Receives a file's bytes piece by piece, in increasing offset order; gaps between
// pieces are holes.
using PieceWriter = std::function<Status(uint64_t offset, std::string_view data)>;
// Produces the bytes of one file into a PieceWriter.
using ContentProducer = std::function<Status(const PieceWriter&)>;

// What a restore does with a file that already exists in the target.
enum class OverwritePolicy {
  kAlways,     // replace it
  kIfChanged,  // replace it unless size and modification time match the snapshot's
  kNever,      // keep it
};

// The files of one directory, written one after another by one thread: a restore hands a
// thread a run of a directory's files so that the target reaches the directory once for
// all of them (PosixTarget: one open and check instead of one per file) and the threads
// work in different directories instead of contending for one.
class DirectoryFiles {
 public:
  virtual ~DirectoryFiles() = default;
  // As RestoreTarget::WriteFile for the entry `name` of the directory.
  virtual Status Write(const std::string& name, const Node& node, const ContentProducer& content) = 0;
};

class RestoreTarget {
 public:
  virtual ~RestoreTarget() = default;
  // Human-readable root ("/restore", "azfiles://acct/share/dir").
  virtual std::string Describe() const = 0;
  // Creates the directory if missing. AlreadyExists when something that is not a
  // directory is in the way (the restore then skips that subtree).
  virtual Status MakeDirectory(const std::string& path, const Node& node) = 0;
  // Creates or replaces a regular file with `node`'s size, content and metadata.
  // All or nothing: the file appears under `path` only once `content` has succeeded and
  // the file is complete (both targets write it under a temporary name in the same
  // directory and rename it). On any error, including one returned by `content`,
  // nothing new is left behind, a file already at `path` is left as it was, and the
  // error is returned. NoSpace when the target is full (the restore stops).
  virtual Status WriteFile(const std::string& path, const Node& node, const ContentProducer& content) = 0;
  // A writer for files of the directory `dir` (made by MakeDirectory), used by one
  // thread. The default writes each through WriteFile. An error (the directory cannot
  // be reached) is each file's error.
  virtual Result<std::unique_ptr<DirectoryFiles>> OpenFiles(const std::string& dir);
  // How many files of one directory a restore hands one thread at a time. 1 (the
  // default): every file is a task of its own, for a target whose time is in round trips
  // (Azure Files keeps many files in flight). A local file system gains from runs.
  virtual size_t FilesPerRun() const { return 1; }
  // Symlinks, FIFOs, devices. Kinds the target cannot hold are skipped (OK).
  virtual Status MakeSpecial(const std::string& path, const Node& node) = 0;
  virtual Status MakeHardLink(const std::string& path, const std::string& existing) = 0;
  // Sets a directory's own metadata once its children are in place.
  virtual Status FinishDirectory(const std::string& path, const Node& node) = 0;
  // The file already at `path` (kind, size and mtime at least), or nullopt when there is
  // none. Consulted only when the overwrite policy is not kAlways; the default says
  // "none", so a target that cannot tell always writes.
  virtual Result<std::optional<Node>> StatExisting(const std::string& path) {
    (void)path;
    return std::optional<Node>();
  }
  // Warnings collected by the target about metadata it could not set.
  virtual std::vector<std::string> TakeWarnings() { return {}; }
};

}  // namespace arbor
