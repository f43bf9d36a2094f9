#include "mount/dump.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>
#include <unordered_map>

#include "base/file_util.h"
#include "browse/tree_walk.h"
#include "mount/file_content.h"
#include "mount/node_mode.h"

namespace arbor {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

Status ArchiveError(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return Status::IOError("writing the archive (" + what + "): " + (msg ? msg : "unknown error"));
}

// Writes one archive entry per node, in the order WalkTree visits them.
class ArchiveDumper {
 public:
  ArchiveDumper(BlobCache& cache, archive* a, const std::function<void(const std::string&)>& warn)
      : cache_(cache), a_(a), warn_(warn) {}

  Status Add(const std::string& name, const Node& node) {
    if (node.kind == NodeKind::kSocket) {
      warn_("left out of the archive (sockets cannot be archived): " + name);
      return Status::Ok();
    }
    EntryPtr e(archive_entry_new());
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), NodeTypeBits(node.kind));
    archive_entry_set_perm(e.get(), node.mode & 07777);
    archive_entry_set_uid(e.get(), node.uid);
    archive_entry_set_gid(e.get(), node.gid);
    if (!node.user.empty()) archive_entry_set_uname(e.get(), node.user.c_str());
    if (!node.group.empty()) archive_entry_set_gname(e.get(), node.group.c_str());
    archive_entry_set_mtime(e.get(), node.mtime_ns / 1000000000, node.mtime_ns % 1000000000);
    archive_entry_set_atime(e.get(), node.atime_ns / 1000000000, node.atime_ns % 1000000000);
    for (const auto& [key, value] : node.xattrs) {
      archive_entry_xattr_add_entry(e.get(), key.c_str(), value.data(), value.size());
    }
    if (node.kind == NodeKind::kSymlink) archive_entry_set_symlink(e.get(), node.symlink_target.c_str());
    if (node.kind == NodeKind::kCharDevice || node.kind == NodeKind::kBlockDevice) {
      archive_entry_set_rdev(e.get(), node.rdev);
    }
    bool write_data = node.IsFile();
    if (node.IsFile() && node.hardlink_group != 0) {
      auto [it, first] = links_.emplace(node.hardlink_group, name);
      if (!first) {
        archive_entry_set_hardlink(e.get(), it->second.c_str());
        write_data = false;
      }
    }
    archive_entry_set_size(e.get(), write_data ? static_cast<la_int64_t>(node.size) : 0);
    if (archive_write_header(a_, e.get()) < ARCHIVE_WARN) return ArchiveError(a_, name);
    if (!write_data) return Status::Ok();
    FileContent content(node);
    return content.ReadAll(cache_, [&](std::string_view piece) {
      if (archive_write_data(a_, piece.data(), piece.size()) < 0) return ArchiveError(a_, name);
      return Status::Ok();
    });
  }

 private:
  BlobCache& cache_;
  archive* a_;
  const std::function<void(const std::string&)>& warn_;
  std::unordered_map<uint64_t, std::string> links_;  // hard-link group -> first name
};

}  // namespace

Status DumpFile(BlobCache& cache, const Node& file, int fd) {
  if (!file.IsFile()) return Status::InvalidArgument(file.name + " is not a file");
  FileContent content(file);
  return content.ReadAll(cache,
                         [&](std::string_view piece) { return WriteFull(fd, piece, "standard output"); });
}

Status DumpTree(Repository& repo, BlobCache& cache, const Node& dir, ArchiveFormat format, int fd,
                const std::function<void(const std::string&)>& warn) {
  if (!dir.IsDir()) return Status::InvalidArgument(dir.name + " is not a directory");
  ArchivePtr a(archive_write_new());
  int rc = format == ArchiveFormat::kTar ? archive_write_set_format_pax(a.get())
                                         : archive_write_set_format_zip(a.get());
  if (rc != ARCHIVE_OK) return ArchiveError(a.get(), "format");
  // xattrs as SCHILY.xattr records only: the ones GNU tar reads (--xattrs), without the
  // LIBARCHIVE.xattr duplicates it warns about.
  if (format == ArchiveFormat::kTar &&
      archive_write_set_format_option(a.get(), "pax", "xattrheader", "SCHILY") != ARCHIVE_OK) {
    return ArchiveError(a.get(), "xattr header option");
  }
  // Streams to a pipe: no padding of the last block beyond what tar needs.
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open_fd(a.get(), fd) != ARCHIVE_OK) return ArchiveError(a.get(), "open");
  ArchiveDumper dumper(cache, a.get(), warn);
  // Names below the directory's own name; the root's children sit at the top.
  std::string top = dir.name == "/" ? "" : dir.name;
  if (!top.empty()) ARBOR_RETURN_IF_ERROR(dumper.Add(top, dir));
  ARBOR_RETURN_IF_ERROR(WalkTree(repo, *dir.subtree, "/", [&](const std::string& path, const Node& node) {
    return dumper.Add(top.empty() ? path.substr(1) : top + path, node);
  }));
  if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), "close");
  return Status::Ok();
}

}  // namespace arbor
