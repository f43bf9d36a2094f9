#include "shares/azure_files_source.h"

#include <algorithm>
#include <future>
#include <optional>
#include <vector>

#include "azure/file_attributes.h"
#include "repo/tree_codec.h"
#include "shares/azure_share_url.h"

namespace arbor {
namespace {

using azure::kMaxRangeBytes;

constexpr int kParallelReads = 4;  // 4 MiB ranges in flight per reader

int64_t Nanos(const std::optional<azure::FileTime>& t) { return t ? t->UnixNanos() : 0; }

uint32_t ModeFor(bool is_dir, uint32_t attributes) {
  if (is_dir) return 0755;
  return (attributes & azure::kAttrReadOnly) != 0 ? 0444 : 0644;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// A listing of at most this many pages answers the Stats of named entries of a directory
// when there are at least this many named entries per page: fewer requests, and no more
// waiting (the Stats' requests run 32 at a time, a listing's pages one after another).
constexpr size_t kNamedPerListingPage = 4;

Node NodeFromProperties(const azure::ItemProperties& p) {
  Node n;
  n.kind = p.is_directory ? NodeKind::kDirectory : NodeKind::kFile;
  n.size = p.is_directory ? 0 : p.size;
  n.mtime_ns = Nanos(p.last_write_time);
  n.ctime_ns = Nanos(p.change_time);
  n.btime_ns = Nanos(p.creation_time);
  n.inode = n.file_id = p.file_id;
  n.nlink = 1;
  n.attributes = p.attributes;
  n.mode = ModeFor(p.is_directory, p.attributes);
  return n;
}

// A small file's content, fetched by LoadExtended in the same request as its
// properties and handed to the next Open of that file on the same thread (the
// backup calls the two in a row on one worker). Anything else finds it stale.
struct StashedContent {
  const void* owner = nullptr;
  std::string path;
  std::string data;
};
thread_local StashedContent t_stash;

class AzureFileReader final : public FileReader {
 public:
  AzureFileReader(azure::FilesClient* client, azure::ShareRef share, std::string path, uint64_t size,
                  std::optional<std::string> head)
      : client_(client),
        share_(std::move(share)),
        path_(std::move(path)),
        size_(size),
        head_(std::move(head)) {}

  Result<std::vector<Extent>> DataExtents() override {
    if (size_ <= kMaxRangeBytes || head_) return std::vector<Extent>{{0, size_}};  // one read anyway
    ARBOR_ASSIGN_OR_RETURN(azure::RangeList list, client_->ListRanges(share_, path_));
    std::vector<Extent> out;
    for (const auto& r : list.ranges) {
      uint64_t end = std::min(r.end(), size_);
      if (r.offset >= end) continue;
      if (!out.empty() && r.offset <= out.back().offset + out.back().length) {
        out.back().length = std::max(out.back().offset + out.back().length, end) - out.back().offset;
      } else {
        out.push_back({r.offset, end - r.offset});
      }
    }
    return out;
  }

  Result<size_t> ReadAt(uint64_t offset, char* buf, size_t len) override {
    if (offset >= size_ || len == 0) return static_cast<size_t>(0);
    if (head_ && offset < head_->size()) {
      size_t n = std::min<size_t>(len, head_->size() - offset);
      std::copy_n(head_->data() + offset, n, buf);
      return n;
    }
    uint64_t want = std::min<uint64_t>({len, size_ - offset, kParallelReads * kMaxRangeBytes});
    std::vector<std::future<Result<std::string>>> pieces;
    for (uint64_t pos = 0; pos < want; pos += kMaxRangeBytes) {
      uint64_t n = std::min<uint64_t>(kMaxRangeBytes, want - pos);
      pieces.push_back(
          std::async(want <= kMaxRangeBytes ? std::launch::deferred : std::launch::async,
                     [this, at = offset + pos, n] { return client_->ReadRange(share_, path_, at, n); }));
    }
    size_t done = 0;
    Status error;
    for (auto& piece : pieces) {
      Result<std::string> data = piece.get();  // every future is waited for before returning
      if (!data.ok() && error.ok()) error = data.status();
      if (!error.ok() || done % kMaxRangeBytes != 0)
        continue;  // after a short piece, nothing more is contiguous
      std::copy(data->begin(), data->end(), buf + done);
      done += data->size();
    }
    if (!error.ok() && done == 0) return error;
    return done;
  }

  Result<std::vector<Extent>> ChangedRangesSince(const std::string& previous_source_snapshot) override {
    if (previous_source_snapshot.empty())
      return Status::Unsupported("no earlier share snapshot to compare with");
    azure::ListRangesOptions options;
    options.previous_snapshot = previous_source_snapshot;
    options.support_rename = true;
    ARBOR_ASSIGN_OR_RETURN(azure::RangeList list, client_->ListRanges(share_, path_, options));
    std::vector<Extent> out;
    for (const auto& r : list.ranges) out.push_back({r.offset, r.length});
    for (const auto& r : list.clear_ranges) out.push_back({r.offset, r.length});
    return out;
  }

 private:
  azure::FilesClient* const client_;
  const azure::ShareRef share_;
  const std::string path_;
  const uint64_t size_;
  const std::optional<std::string> head_;
};

}  // namespace

Node NodeFromEntry(const azure::DirectoryEntry& e) {
  Node n;
  n.name = e.name;
  n.kind = e.is_directory ? NodeKind::kDirectory : NodeKind::kFile;
  n.size = e.is_directory ? 0 : e.size;
  n.mtime_ns = Nanos(e.last_write_time);
  n.ctime_ns = Nanos(e.change_time);
  n.btime_ns = Nanos(e.creation_time);
  n.atime_ns = Nanos(e.last_access_time);
  n.inode = n.file_id = e.file_id;
  n.nlink = 1;
  n.attributes = e.attributes.value_or(0);
  n.mode = ModeFor(e.is_directory, n.attributes);
  return n;
}

AzureFilesSource::AzureFilesSource(azure::FilesClient* client, std::string account, azure::ShareRef share,
                                   PrefetchOptions prefetch, ReadAheadOptions read_ahead)
    : client_(client),
      account_(std::move(account)),
      share_(std::move(share)),
      stats_from_listings_(prefetch.stats_from_listings),
      prefetcher_(client, share_, prefetch),
      permissions_(client),
      files_ahead_(client, share_, read_ahead) {}

std::string AzureFilesSource::Kind() const { return AzureShareUrl{account_, share_.name, ""}.ShareKind(); }

Result<Node> AzureFilesSource::Stat(const std::string& path) {
  std::string p = ShareRelativePath(path);
  if (std::optional<Node> listed = StatFromListing(p)) return *std::move(listed);
  auto dir = prefetcher_.TakeDirectoryProperties(p);
  Result<azure::ItemProperties> props = dir;
  if (!dir.ok() && !p.empty() && !dir.status().Is(StatusCode::kPermissionDenied) &&
      !dir.status().Is(StatusCode::kUnavailable)) {
    props = client_->GetFileProperties(share_, p);
    if (!props.ok() && props.status().Is(StatusCode::kNotFound)) {
      return Status::NotFound("'" + path + "' does not exist in share '" + share_.name + "'");
    }
  }
  if (!props.ok()) return props.status();
  Node n = NodeFromProperties(*props);
  n.name = p.empty() ? "/" : BaseName(p);
  return n;
}

void AzureFilesSource::Expect(const std::vector<std::string>& stat_dirs,
                              const std::vector<std::string>& list_dirs) {
  std::vector<std::string> stat, list, flat;
  {
    std::lock_guard lock(flat_mu_);
    flat_dirs_ = std::move(next_flat_dirs_);  // this backup's; a previous one's are stale
    next_flat_dirs_.clear();
    flat_listing_.reset();
    for (const auto& d : stat_dirs) {
      std::string p = ShareRelativePath(d);
      if (p.empty() || flat_dirs_.count(DirName(p)) == 0)
        stat.push_back(std::move(p));  // else from a listing
    }
    for (const auto& d : flat_dirs_) {
      if (!d.empty()) flat.push_back(d);  // the root is listed by the first Stat, on the walker's thread
    }
  }
  for (const auto& d : list_dirs) list.push_back(ShareRelativePath(d));
  prefetcher_.Expect(stat, list, flat);
}

void AzureFilesSource::WillStatIn(const std::string& dir, size_t named, size_t entries, bool listed) {
  if (!stats_from_listings_) return;
  size_t pages = entries / azure::kMaxListResults + 1;
  if (!listed && named < kNamedPerListingPage * pages) return;
  std::lock_guard lock(flat_mu_);
  next_flat_dirs_.insert(ShareRelativePath(dir));
}

std::optional<Node> AzureFilesSource::StatFromListing(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::lock_guard lock(flat_mu_);
  if (flat_dirs_.count(DirName(path)) == 0) return std::nullopt;
  const auto& entries = FlatListing(DirName(path));
  if (!entries.ok()) return std::nullopt;  // Get Properties says what the error is
  std::string name = BaseName(path);
  auto it = std::lower_bound(entries->begin(), entries->end(), name,
                             [](const azure::DirectoryEntry& e, const std::string& n) { return e.name < n; });
  if (it == entries->end() || it->name != name) return std::nullopt;  // gone? Get Properties says
  stats_from_listings_count_++;
  Node n = NodeFromEntry(*it);
  n.atime_ns = 0;  // what Stat records: Get Properties has no last access time
  return n;
}

const Result<std::vector<azure::DirectoryEntry>>& AzureFilesSource::FlatListing(const std::string& dir) {
  if (!flat_listing_ || flat_dir_ != dir) {
    flat_listing_ = prefetcher_.TakeListing(dir, /*read_ahead_below=*/false);
    flat_dir_ = dir;
    if (flat_listing_->ok()) {
      std::sort(
          (*flat_listing_)->begin(), (*flat_listing_)->end(),
          [](const azure::DirectoryEntry& a, const azure::DirectoryEntry& b) { return a.name < b.name; });
    }
  }
  return *flat_listing_;
}

Status AzureFilesSource::List(const std::string& dir, std::vector<Node>* children,
                              std::vector<Status>* warnings) {
  std::string p = ShareRelativePath(dir);
  std::optional<Result<std::vector<azure::DirectoryEntry>>> flat;
  {
    std::lock_guard lock(flat_mu_);
    if (flat_dirs_.count(p) != 0) flat = FlatListing(p);  // a shallow unit: the listing its Stats used
  }
  ARBOR_ASSIGN_OR_RETURN(auto entries, flat ? std::move(*flat) : prefetcher_.TakeListing(p));
  size_t first = children->size();
  for (const auto& e : entries) {
    if (!IsSafeName(e.name)) {
      warnings->push_back(
          Status::InvalidArgument("listing of " + dir + " has an entry with an unsafe name; skipped"));
      continue;
    }
    children->push_back(NodeFromEntry(e));
  }
  SortNodes(children);
  // A share's names are unique (case-insensitively, even); a listing that repeats one is
  // not trusted with both.
  auto dup = std::adjacent_find(children->begin() + static_cast<std::ptrdiff_t>(first), children->end(),
                                [](const Node& a, const Node& b) { return a.name == b.name; });
  while (dup != children->end()) {
    warnings->push_back(
        Status::InvalidArgument("listing of " + dir + " repeats the name '" + dup->name + "'; kept once"));
    children->erase(dup + 1);
    dup = std::adjacent_find(dup, children->end(),
                             [](const Node& a, const Node& b) { return a.name == b.name; });
  }
  return Status::Ok();
}

Status AzureFilesSource::LoadExtended(const std::string& path, Node* node) {
  t_stash = StashedContent{};
  std::string p = ShareRelativePath(path);
  if (node->IsDir()) {
    ARBOR_ASSIGN_OR_RETURN(azure::ItemProperties props, prefetcher_.TakeDirectoryProperties(p));
    return ApplyProperties(props, node);
  }
  if (node->IsFile() && node->size > 0 && node->size <= kMaxRangeBytes) {
    std::optional<Result<azure::FileRead>> ahead = files_ahead_.Take(p);
    ARBOR_ASSIGN_OR_RETURN(
        azure::FileRead read,
        ahead ? std::move(*ahead) : client_->ReadRangeWithProperties(share_, p, 0, node->size));
    if (read.data.size() == node->size) t_stash = StashedContent{this, p, std::move(read.data)};
    return ApplyProperties(read.properties, node);
  }
  ARBOR_ASSIGN_OR_RETURN(azure::ItemProperties props, client_->GetFileProperties(share_, p));
  return ApplyProperties(props, node);
}

Status AzureFilesSource::ApplyProperties(const azure::ItemProperties& props, Node* node) {
  node->metadata.assign(props.metadata.begin(), props.metadata.end());
  node->permission.reset();
  if (!props.permission_key.empty()) {
    ARBOR_ASSIGN_OR_RETURN(Digest id, PermissionBlob(props.permission_key));
    node->permission = id;
  }
  return Status::Ok();
}

Result<Digest> AzureFilesSource::PermissionBlob(const std::string& key) {
  BlobSink sink;
  {
    std::lock_guard lock(mu_);
    auto it = permission_blobs_.find(key);
    if (it != permission_blobs_.end()) return it->second;
    sink = sink_;
  }
  if (!sink) return Status::Internal("the backup gave the Azure Files source no blob sink");
  ARBOR_ASSIGN_OR_RETURN(std::string sddl, permissions_.Get(share_.name, key));
  ARBOR_ASSIGN_OR_RETURN(Digest id, sink(sddl));
  std::lock_guard lock(mu_);
  permission_blobs_.emplace(key, id);
  return id;
}

Result<std::unique_ptr<FileReader>> AzureFilesSource::Open(const std::string& path, const Node& node) {
  std::string p = ShareRelativePath(path);
  std::optional<std::string> head;
  if (t_stash.owner == this && t_stash.path == p) head = std::move(t_stash.data);
  t_stash = StashedContent{};
  return std::unique_ptr<FileReader>(
      std::make_unique<AzureFileReader>(client_, share_, std::move(p), node.size, std::move(head)));
}

bool AzureFilesSource::IsFatal(const Status& error) const {
  return error.Is(StatusCode::kUnavailable) || error.Is(StatusCode::kCorruption) ||
         error.Is(StatusCode::kPermissionDenied) || error.Is(StatusCode::kInternal);
}

void AzureFilesSource::WillRead(const std::string& path, const Node& node) {
  if (node.IsFile() && node.size <= kMaxRangeBytes) files_ahead_.Want(ShareRelativePath(path), node.size);
}

void AzureFilesSource::SetBlobSink(BlobSink sink) {
  std::lock_guard lock(mu_);
  sink_ = std::move(sink);
  permission_blobs_.clear();  // ids from another repository mean nothing here
}

AzureSourceStats AzureFilesSource::stats() const {
  AzureSourceStats s;
  s.prefetch = prefetcher_.stats();
  {
    std::lock_guard lock(flat_mu_);
    s.stats_from_listings = stats_from_listings_count_;
  }
  s.permission_fetches = permissions_.fetches();
  s.read_ahead = files_ahead_.stats();
  return s;
}

}  // namespace arbor
