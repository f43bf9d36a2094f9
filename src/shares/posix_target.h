// PosixTarget: restores into a local directory. Restores owners only when running
// as root.
//
// Every path is reached one component at a time from the root through open
// directories (base/dir_resolver.h), and every call names at most one component: trees
// deeper than PATH_MAX are restored whole, and no symlink in the target, wherever it
// sits in a path, is ever followed: a restore never writes outside its root. (The root
// itself is followed if it is a symlink: the caller chose it.)
//
// A file is written under a temporary name in its directory (".<name>.arbor-tmp-<hex>")
// and renamed onto its name only once its content and metadata are in place.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <vector>

#include "base/dir_resolver.h"
#include "shares/restore_target.h"

namespace arbor {

class PosixTarget final : public RestoreTarget {
 public:
  // Creates `root` if needed on the first MakeDirectory.
  explicit PosixTarget(std::string root);

  std::string Describe() const override { return root_; }
  Status MakeDirectory(const std::string& path, const Node& node) override;
  Status WriteFile(const std::string& path, const Node& node, const ContentProducer& content) override;
  Result<std::unique_ptr<DirectoryFiles>> OpenFiles(const std::string& dir) override;
  // Runs of up to 256 files: the threads work in different directories instead of
  // queueing on one directory's lock (docs/benchmarks.md, "Restore in runs").
  size_t FilesPerRun() const override { return 256; }
  Status MakeSpecial(const std::string& path, const Node& node) override;
  Status MakeHardLink(const std::string& path, const std::string& existing) override;
  Status FinishDirectory(const std::string& path, const Node& node) override;
  Result<std::optional<Node>> StatExisting(const std::string& path) override;
  std::vector<std::string> TakeWarnings() override;
  // ~umask & 0777 as read at construction: files whose mode it keeps are created with
  // that mode and need no chmod. 0 when it could not be read (every mode set by chmod).
  mode_t creation_mask() const { return creation_mask_; }

 private:
  class Files;
  std::string Local(const std::string& path) const { return resolver_.Display(path); }
  // Writes the file `name` of the open directory `dirfd` (`local`: its path, for messages).
  Status WriteFileAt(int dirfd, const std::string& name, const std::string& local, const Node& node,
                     const ContentProducer& content);
  // Writes the content and metadata into the open temporary file `fd`. `mode_set`: it
  // was created with its final mode.
  Status FillFile(int fd, const std::string& local, const Node& node, const ContentProducer& content,
                  bool mode_set);
  // Metadata of an open file or directory (its mode unless `mode_set`).
  void ApplyMetadata(int fd, const std::string& local, const Node& node, bool mode_set = false);
  // Metadata of a symlink or special file, named `name` in the open directory `dirfd`.
  void ApplyMetadataAt(int dirfd, const std::string& name, const std::string& local, const Node& node);
  void Warn(const Status& st);

  const std::string root_;
  const bool as_root_;
  const mode_t creation_mask_;  // ~umask & 0777 at construction (0: unknown)
  DirResolver resolver_;
  std::mutex mu_;
  std::vector<std::string> warnings_;  // guarded by mu_
};

}  // namespace arbor
