#include "resp/remote_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <unordered_set>
#include <utility>

#include "base/file_util.h"
#include "chunking/fastcdc.h"
#include "hash/sha256.h"

namespace arbor::resp {
namespace {

constexpr size_t kExistsBatch = 1000;               // hashes per BEXISTS
constexpr size_t kPendingBytes = size_t{32} << 20;  // chunk bytes held before asking
constexpr size_t kReadBlock = size_t{1} << 20;

// Makes chunks present on the server: queues them, asks BEXISTS for a batch,
// and sends the missing ones with pipelined BPUT. A hash the server has
// confirmed (or was sent in this run) is not asked for again.
class Uploader {
 public:
  Uploader(RemoteClient& client, RemoteBackupResult* result) : client_(client), result_(*result) {}

  // Queues `chunk`; returns its SHA-256 in hex.
  Result<std::string> Add(std::string chunk) {
    std::string hex = Sha256Of(chunk).Hex();
    ++result_.chunks;
    if (!known_.contains(hex) && queued_.insert(hex).second) {
      pending_bytes_ += chunk.size();
      pending_.emplace_back(hex, std::move(chunk));
      if (pending_.size() >= kExistsBatch || pending_bytes_ >= kPendingBytes) ARBOR_RETURN_IF_ERROR(Flush());
    }
    return hex;
  }

  // Every chunk queued so far is on the server when this returns OK.
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    std::vector<std::string> ask;
    ask.reserve(pending_.size() + 1);
    ask.emplace_back("BEXISTS");
    for (const auto& p : pending_) ask.push_back(p.first);
    ARBOR_RETURN_IF_ERROR(client_.Append(ask));
    std::vector<int64_t> have;
    if (pending_.size() == 1) {
      ARBOR_ASSIGN_OR_RETURN(int64_t one, client_.NextInteger());
      have.push_back(one);
    } else {
      ARBOR_ASSIGN_OR_RETURN(have, client_.NextIntegers());
    }
    if (have.size() != pending_.size())
      return Status::Corruption("BEXISTS answered the wrong number of hashes");
    std::vector<size_t> sent;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (have[i] != 0) continue;
      ARBOR_RETURN_IF_ERROR(client_.Append({"BPUT", pending_[i].second}));
      sent.push_back(i);
    }
    for (size_t i : sent) {
      ARBOR_ASSIGN_OR_RETURN(std::string hash, client_.NextBulk());
      if (hash != pending_[i].first) {
        return Status::Corruption("the server named a blob " + hash + ", not its SHA-256 " +
                                  pending_[i].first);
      }
      ++result_.blobs_sent;
      result_.bytes_sent += pending_[i].second.size();
    }
    for (auto& p : pending_) known_.insert(std::move(p.first));
    pending_.clear();
    queued_.clear();
    pending_bytes_ = 0;
    return Status::Ok();
  }

 private:
  RemoteClient& client_;
  RemoteBackupResult& result_;
  std::vector<std::pair<std::string, std::string>> pending_;  // hex, chunk
  std::unordered_set<std::string> queued_;
  std::unordered_set<std::string> known_;
  size_t pending_bytes_ = 0;
};

class Walker {
 public:
  Walker(RemoteClient& client, RemoteBackupResult* result)
      : client_(client), result_(*result), uploader_(client, result), chunker_(ChunkerParams{}) {}

  // TREE.PUT of `dir` once its files' chunks are on the server and its
  // subdirectories have ids; returns its tree id.
  Result<std::string> StoreDir(const std::string& dir) {
    ++result_.dirs;
    std::error_code ec;
    std::vector<std::string> names;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
    std::sort(names.begin(), names.end());
    std::vector<std::string> args{"TREE.PUT"};
    for (const std::string& name : names) {
      std::string path = dir;
      path += '/';
      path += name;
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) {
        result_.warnings.push_back(path + ": " + std::strerror(errno) + " (left out)");
        continue;
      }
      std::string type, size = "0", ref;
      if (S_ISDIR(st.st_mode)) {
        type = "dir";
        ARBOR_ASSIGN_OR_RETURN(ref, StoreDir(path));
      } else if (S_ISLNK(st.st_mode)) {
        type = "symlink";
        auto target = std::filesystem::read_symlink(path, ec);
        if (ec) {
          result_.warnings.push_back(path + ": " + ec.message() + " (left out)");
          continue;
        }
        ref = target.string();
      } else if (S_ISREG(st.st_mode)) {
        type = "file";
        uint64_t length = 0;
        ARBOR_ASSIGN_OR_RETURN(auto parts, StoreFile(path, &length));
        if (!parts) continue;  // unreadable: a warning, not a failed backup
        ref = std::move(*parts);
        size = std::to_string(length);
        ++result_.files;
        result_.bytes += length;
      } else {
        result_.warnings.push_back(path + ": not a file, directory or symlink (left out)");
        continue;
      }
      char mode[8];
      std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(st.st_mode & 07777));
      int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      args.insert(args.end(), {name, type, mode, std::to_string(mtime), size, std::move(ref)});
    }
    // TREE.PUT refuses parts the server does not hold yet.
    ARBOR_RETURN_IF_ERROR(uploader_.Flush());
    ARBOR_RETURN_IF_ERROR(client_.Append(args));
    return client_.NextBulk();
  }

 private:
  // The file's chunks' SHA-256s, concatenated in order; nullopt (and a warning)
  // when the file cannot be read. An error is the server's or the connection's.
  Result<std::optional<std::string>> StoreFile(const std::string& path, uint64_t* length) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return Unreadable(path);
    std::string buffer, ref;
    bool eof = false;
    size_t max_size = chunker_.params().max_size;
    while (true) {
      while (!eof && buffer.size() < max_size) {
        size_t old = buffer.size();
        buffer.resize(old + kReadBlock);
        ssize_t n = ::read(fd.get(), buffer.data() + old, kReadBlock);
        if (n < 0) {
          buffer.resize(old);
          if (errno == EINTR) continue;
          return Unreadable(path);
        }
        buffer.resize(old + static_cast<size_t>(n));
        eof = n == 0;
      }
      if (buffer.empty()) break;
      size_t cut = chunker_.NextCut(buffer, eof);
      ARBOR_ASSIGN_OR_RETURN(std::string hex, uploader_.Add(buffer.substr(0, cut)));
      ref += hex;
      *length += cut;
      buffer.erase(0, cut);
    }
    return std::optional<std::string>(std::move(ref));
  }

  std::optional<std::string> Unreadable(const std::string& path) {
    result_.warnings.push_back(path + ": " + std::strerror(errno) + " (left out)");
    return std::nullopt;
  }

  RemoteClient& client_;
  RemoteBackupResult& result_;
  Uploader uploader_;
  Chunker chunker_;
};

}  // namespace

Result<RemoteBackupResult> RunRemoteBackup(RemoteClient& client, const std::string& path) {
  std::error_code ec;
  std::string root = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) return Status::InvalidArgument(path + ": " + ec.message());
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(path + " is not a folder (backup --remote backs up one folder)");
  }
  RemoteBackupResult result;
  Walker walker(client, &result);
  ARBOR_ASSIGN_OR_RETURN(std::string tree, walker.StoreDir(root));
  ARBOR_RETURN_IF_ERROR(client.Append({"SNAP.COMMIT", root, tree}));
  ARBOR_ASSIGN_OR_RETURN(result.snapshot_id, client.NextBulk());
  return result;
}

}  // namespace arbor::resp
