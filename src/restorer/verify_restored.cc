#include "restorer/verify_restored.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/file_util.h"
#include "restorer/include_paths.h"

namespace arbor {
namespace {

// Reads exactly `len` bytes of the file's data ranges, front to back; false at a short read.
class RangeReader {
 public:
  RangeReader(int fd, std::vector<Extent> ranges) : fd_(fd), ranges_(std::move(ranges)) {}

  Result<bool> Read(char* buf, size_t len) {
    size_t got = 0;
    while (got < len) {
      if (index_ >= ranges_.size()) return false;
      const Extent& r = ranges_[index_];
      uint64_t left = r.length - within_;
      if (left == 0) {
        ++index_;
        within_ = 0;
        continue;
      }
      size_t want = static_cast<size_t>(std::min<uint64_t>(left, len - got));
      ssize_t n = ::pread(fd_, buf + got, want, static_cast<off_t>(r.offset + within_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::FromErrno(errno, "reading");
      if (n == 0) return false;
      got += static_cast<size_t>(n);
      within_ += static_cast<uint64_t>(n);
    }
    return true;
  }

  bool AtEnd() const {
    for (size_t i = index_; i < ranges_.size(); ++i)
      if (ranges_[i].length > (i == index_ ? within_ : 0)) return false;
    return true;
  }

 private:
  int fd_;
  std::vector<Extent> ranges_;
  size_t index_ = 0;
  uint64_t within_ = 0;
};

// Empty when the file matches; else what differs.
Result<std::string> CheckFile(const ChunkNamer& name, const std::string& file, const Node& node,
                              uint64_t* bytes) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return std::string("cannot open: ") + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return std::string("not a regular file");
  if (static_cast<uint64_t>(st.st_size) != node.size)
    return "size " + std::to_string(st.st_size) + ", the snapshot says " + std::to_string(node.size);
  if (node.content.size() != node.chunk_sizes.size())
    return std::string("the snapshot's chunk list is damaged");
  std::vector<Extent> ranges =
      node.data_extents.empty() ? std::vector<Extent>{{0, node.size}} : node.data_extents;
  RangeReader reader(fd.get(), std::move(ranges));
  std::string buf;
  for (size_t i = 0; i < node.content.size(); ++i) {
    buf.resize(node.chunk_sizes[i]);
    ARBOR_ASSIGN_OR_RETURN(bool full, reader.Read(buf.data(), buf.size()));
    if (!full)
      return "shorter than chunk " + std::to_string(i + 1) + " of " + std::to_string(node.content.size());
    if (name(buf) != node.content[i]) {
      uint64_t at = 0;
      for (size_t k = 0; k < i; ++k) at += node.chunk_sizes[k];
      return "content differs in chunk " + std::to_string(i + 1) + " (data bytes from " + std::to_string(at) +
             ")";
    }
    *bytes += buf.size();
  }
  if (!reader.AtEnd()) return std::string("holds more data than the snapshot's chunks");
  return std::string();
}

}  // namespace

Result<VerifyRestoredResult> VerifyRestored(Repository& repo, const Snapshot& snapshot,
                                            const std::string& root,
                                            const std::vector<std::string>& includes) {
  return VerifyRestoredTree([&repo](const Digest& tree) { return repo.LoadTree(tree); },
                            [&repo](std::string_view data) { return repo.BlobId(data); }, snapshot.tree, root,
                            includes);
}

Result<VerifyRestoredResult> VerifyRestoredTree(const TreeLoader& load, const ChunkNamer& name,
                                                const Digest& tree, const std::string& root,
                                                const std::vector<std::string>& includes) {
  VerifyRestoredResult result;
  std::vector<std::pair<Digest, std::string>> stack{{tree, ""}};  // tree, its path ("" = /)
  while (!stack.empty()) {
    auto [dir_tree, dir] = std::move(stack.back());
    stack.pop_back();
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, load(dir_tree));
    for (const Node& node : nodes) {
      std::string path = dir + "/" + node.name;
      Wanted want = Want(includes, path);
      if (want == Wanted::kNo) continue;
      if (node.IsDir() && node.subtree) {
        stack.emplace_back(*node.subtree, path);
      } else if (node.IsFile() && want == Wanted::kYes) {
        ++result.files;
        ARBOR_ASSIGN_OR_RETURN(std::string problem, CheckFile(name, root + path, node, &result.bytes));
        if (!problem.empty()) result.problems.push_back(path.append(": ").append(problem));
      }
    }
  }
  return result;
}

}  // namespace arbor
