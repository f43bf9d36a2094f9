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
#include <set>
#include <unordered_set>
#include <utility>

#include "base/file_util.h"
#include "browse/tree_walk.h"
#include "chunking/fastcdc.h"
#include "hash/sha256.h"
#include "shares/posix_source.h"

namespace arbor::resp {
namespace {

constexpr size_t kExistsBatch = 1000;               // hashes per BEXISTS
constexpr size_t kPendingBytes = size_t{32} << 20;  // chunk bytes held before asking
constexpr size_t kReadBlock = size_t{1} << 20;
constexpr size_t kEntryWords = 6;  // TREE.PUT's name type mode mtime size ref

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

// A listed entry: its name and what lstat said.
struct Entry {
  std::string name;
  struct stat st {};
};

// What the exclusion rules look at: name, kind and size.
Node RuleNode(const Entry& e) {
  Node n;
  n.name = e.name;
  n.kind = NodeKindOfMode(e.st.st_mode);
  n.size = static_cast<uint64_t>(e.st.st_size);
  return n;
}

// The first bytes of a small file (a CACHEDIR.TAG's signature); empty when unreadable.
std::string ReadHead(const std::string& path) {
  std::string head(64, '\0');
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  ssize_t n = fd.valid() ? ::pread(fd.get(), head.data(), head.size(), 0) : -1;
  head.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return head;
}

class Walker {
 public:
  Walker(RemoteClient& client, const RemoteBackupOptions& options, RemoteBackupResult* result)
      : client_(client),
        options_(options),
        excludes_(options.excludes),
        result_(*result),
        uploader_(client, result),
        chunker_(ChunkerParams{}) {}

  // TREE.PUT of `dir` (on device `device`) once its files' chunks are on the server and
  // its subdirectories have ids; returns its tree id. `keep_empty`: a directory kept
  // without its entries (a mount point under one_file_system).
  Result<std::string> StoreDir(const std::string& dir, dev_t device, bool keep_empty = false) {
    ++result_.dirs;
    std::vector<Entry> entries;
    if (!keep_empty) {
      ARBOR_ASSIGN_OR_RETURN(entries, ListSelected(dir));
    }
    std::vector<std::string> args{"TREE.PUT"};
    args.reserve(1 + entries.size() * kEntryWords);
    for (Entry& e : entries) {
      ARBOR_ASSIGN_OR_RETURN(auto words, EntryWords(JoinPath(dir, e.name), e, device));
      if (words)
        args.insert(args.end(), std::make_move_iterator(words->begin()),
                    std::make_move_iterator(words->end()));
    }
    // TREE.PUT refuses parts the server does not hold yet.
    ARBOR_RETURN_IF_ERROR(uploader_.Flush());
    ARBOR_RETURN_IF_ERROR(client_.Append(args));
    return client_.NextBulk();
  }

  // The six words TREE.PUT takes for the entry `e` at `path` (a directory stored first),
  // or nullopt (and a warning) when it is left out. `device`: its directory's.
  using Words = std::optional<std::vector<std::string>>;
  Result<Words> EntryWords(const std::string& path, const Entry& e, dev_t device) {
    const struct stat& st = e.st;
    std::string type, size = "0", ref;
    if (S_ISDIR(st.st_mode)) {
      type = "dir";
      ARBOR_ASSIGN_OR_RETURN(ref, StoreDir(path, st.st_dev, options_.one_file_system && st.st_dev != device));
    } else if (S_ISLNK(st.st_mode)) {
      type = "symlink";
      std::error_code ec;
      auto target = std::filesystem::read_symlink(path, ec);
      if (ec) {
        result_.warnings.push_back(path + ": " + ec.message() + " (left out)");
        return Words();
      }
      ref = target.string();
    } else if (S_ISREG(st.st_mode)) {
      type = "file";
      uint64_t length = 0;
      ARBOR_ASSIGN_OR_RETURN(auto parts, StoreFile(path, &length));
      if (!parts) return Words();  // unreadable: a warning, not a failed backup
      ref = std::move(*parts);
      size = std::to_string(length);
      ++result_.files;
      result_.bytes += length;
    } else {
      result_.warnings.push_back(path + ": not a file, directory or symlink (left out)");
      return Words();
    }
    char mode[8];
    std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(st.st_mode & 07777));
    int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return Words(std::vector<std::string>{e.name, type, mode, std::to_string(mtime), size, std::move(ref)});
  }

 private:
  // The entries of `dir` in name order, less what the exclusion rules leave out (the local
  // backup's order: by name, path and size first, then the directory rules).
  Result<std::vector<Entry>> ListSelected(const std::string& dir) {
    std::error_code ec;
    std::vector<std::string> names;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
    std::sort(names.begin(), names.end());
    std::vector<Entry> entries;
    entries.reserve(names.size());
    for (std::string& name : names) {
      Entry e{std::move(name), {}};
      std::string path = JoinPath(dir, e.name);
      if (::lstat(path.c_str(), &e.st) != 0) {
        result_.warnings.push_back(path + ": " + std::strerror(errno) + " (left out)");
        continue;
      }
      entries.push_back(std::move(e));
    }
    if (excludes_.Empty()) return entries;
    std::erase_if(entries,
                  [&](const Entry& e) { return excludes_.Excluded(JoinPath(dir, e.name), RuleNode(e)); });
    if (excludes_.HasDirectoryRules()) {
      std::vector<Node> nodes;
      nodes.reserve(entries.size());
      for (const Entry& e : entries) nodes.push_back(RuleNode(e));
      if (excludes_.ExcludesDirectory(nodes, [&](const Node& n) { return ReadHead(JoinPath(dir, n.name)); }))
        entries.clear();
    }
    return entries;
  }

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
  const RemoteBackupOptions& options_;
  ExcludeMatcher excludes_;
  RemoteBackupResult& result_;
  Uploader uploader_;
  Chunker chunker_;
};

}  // namespace

Result<RemoteBackupResult> RunRemoteBackup(RemoteClient& client, const std::vector<std::string>& paths,
                                           const RemoteBackupOptions& options) {
  if (paths.empty()) return Status::InvalidArgument("backup --remote: give a folder to back up");
  // Each folder, absolute, with what stat says of it.
  std::vector<std::pair<std::string, struct stat>> folders;
  folders.reserve(paths.size());
  for (const std::string& path : paths) {
    std::error_code ec;
    std::string root = std::filesystem::absolute(path, ec).lexically_normal().string();
    if (ec) return Status::InvalidArgument(path + ": " + ec.message());
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(path + " is not a folder (backup --remote backs up folders)");
    }
    folders.emplace_back(std::move(root), st);
  }
  RemoteBackupResult result;
  Walker walker(client, options, &result);
  std::vector<std::string> commit{"SNAP.COMMIT", folders[0].first, ""};
  if (folders.size() == 1) {
    ARBOR_ASSIGN_OR_RETURN(commit[2], walker.StoreDir(folders[0].first, folders[0].second.st_dev));
  } else {
    // The root holds each folder under its own name, as `rsync a/x b/y dest/` lays them out.
    std::vector<std::string> args{"TREE.PUT"};
    std::set<std::string> names;
    for (const auto& folder : folders) {
      std::string name = std::filesystem::path(folder.first).filename().string();
      if (name.empty() || !names.insert(name).second) {
        return Status::InvalidArgument(
            "backup --remote of several folders keeps each under its own name: " +
            (name.empty() ? std::string("/ has none") : "two are named '" + name + "'") +
            " (back them up separately)");
      }
    }
    for (const auto& [root, st] : folders) {
      ARBOR_ASSIGN_OR_RETURN(
          auto words,
          walker.EntryWords(root, Entry{std::filesystem::path(root).filename().string(), st}, st.st_dev));
      if (words) args.insert(args.end(), words->begin(), words->end());
    }
    ARBOR_RETURN_IF_ERROR(client.Append(args));
    ARBOR_ASSIGN_OR_RETURN(commit[2], client.NextBulk());
    for (size_t i = 1; i < folders.size(); ++i) commit.push_back(folders[i].first);
  }
  ARBOR_RETURN_IF_ERROR(client.Append(commit));
  ARBOR_ASSIGN_OR_RETURN(result.snapshot_id, client.NextBulk());
  return result;
}

}  // namespace arbor::resp
