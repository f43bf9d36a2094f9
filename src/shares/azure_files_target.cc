#include "shares/azure_files_target.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>

#include "azure/file_attributes.h"
#include "shares/azure_share_url.h"

namespace arbor {
namespace {

using azure::FileTime;

constexpr size_t kMaxInFlight = 3;  // Put Range calls per file
constexpr uint32_t kKnownAttributes = azure::kAttrReadOnly | azure::kAttrHidden | azure::kAttrSystem |
                                      azure::kAttrDirectory | azure::kAttrArchive | azure::kAttrTemporary |
                                      azure::kAttrOffline | azure::kAttrNotContentIndexed |
                                      azure::kAttrNoScrubData;

// A name no snapshot file has (the prefix) and no two writers share (the random part).
std::string TempName() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[40];
  std::snprintf(buf, sizeof buf, ".arbor-tmp-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

azure::Metadata MetadataOf(const Node& node) {
  return azure::Metadata(node.metadata.begin(), node.metadata.end());
}

// Batches a file's pieces (increasing offsets, gaps are holes) into Put Range calls of
// up to 4 MiB, a few in flight at once. A batch of zeros is not sent: the file was
// created full of zeros.
class RangeUploader {
 public:
  RangeUploader(azure::FilesClient* client, const std::string& share, const std::string& path)
      : client_(client), share_(share), path_(path) {}

  Status Add(uint64_t offset, std::string_view data) {
    if (!buf_.empty() && offset != start_ + buf_.size()) ARBOR_RETURN_IF_ERROR(Flush());
    while (!data.empty()) {
      if (buf_.empty()) start_ = offset;
      size_t n = std::min<size_t>(data.size(), azure::kMaxRangeBytes - buf_.size());
      buf_.append(data.substr(0, n));
      data.remove_prefix(n);
      offset += n;
      if (buf_.size() == azure::kMaxRangeBytes) ARBOR_RETURN_IF_ERROR(Flush());
    }
    return Status::Ok();
  }

  // Sends what is left and waits for every call; the first error wins.
  Status Finish() {
    Status st = Flush();
    while (!in_flight_.empty()) {
      Status done = in_flight_.front().get();
      in_flight_.pop_front();
      if (st.ok()) st = done;
    }
    return st;
  }

  bool wrote() const { return wrote_; }

 private:
  Status Flush() {
    std::string data = std::move(buf_);
    buf_.clear();
    if (data.empty() || std::all_of(data.begin(), data.end(), [](char c) { return c == 0; }))
      return Status::Ok();
    if (in_flight_.size() >= kMaxInFlight) {
      Status done = in_flight_.front().get();
      in_flight_.pop_front();
      ARBOR_RETURN_IF_ERROR(done);
    }
    wrote_ = true;
    in_flight_.push_back(std::async(std::launch::async, [this, at = start_, data = std::move(data)] {
      return client_->PutRange(share_, path_, at, data, /*preserve_last_write_time=*/true);
    }));
    return Status::Ok();
  }

  azure::FilesClient* const client_;
  const std::string& share_;
  const std::string& path_;
  std::string buf_;
  uint64_t start_ = 0;
  bool wrote_ = false;
  std::deque<std::future<Status>> in_flight_;
};

}  // namespace

AzureFilesTarget::AzureFilesTarget(azure::FilesClient* client, std::string account, std::string share,
                                   std::string root, BlobLoader load_blob)
    : client_(client),
      account_(std::move(account)),
      share_(std::move(share)),
      root_(std::move(root)),
      load_blob_(std::move(load_blob)) {}

std::string AzureFilesTarget::Describe() const { return AzureShareUrl{account_, share_, root_}.ToString(); }

std::string AzureFilesTarget::Remote(const std::string& path) const {
  std::string rel = ShareRelativePath(path);
  if (root_.empty()) return rel;
  return rel.empty() ? root_ : root_ + "/" + rel;
}

// The share must exist (restores do not create shares); the directories of `root_`
// are created as needed.
Status AzureFilesTarget::MakeRoot() {
  Status st = client_->GetShareProperties({share_, ""}).status();
  if (st.Is(StatusCode::kNotFound)) {
    return Status::NotFound("share '" + share_ + "' does not exist in account '" + account_ +
                            "' (create it first)");
  }
  ARBOR_RETURN_IF_ERROR(st);
  std::string prefix;
  for (size_t pos = 0; pos < root_.size();) {
    size_t slash = root_.find('/', pos);
    if (slash == std::string::npos) slash = root_.size();
    prefix = root_.substr(0, slash);
    pos = slash + 1;
    auto made = client_->CreateDirectory(share_, prefix);
    if (made.ok() || !made.status().Is(StatusCode::kAlreadyExists)) {
      ARBOR_RETURN_IF_ERROR(made.status());
      continue;
    }
    ARBOR_RETURN_IF_ERROR(client_->GetDirectoryProperties({share_, ""}, prefix)
                              .status()
                              .Annotate("restore target " + Describe() + ": '" + prefix + "' is in the way"));
  }
  return Status::Ok();
}

Status AzureFilesTarget::MakeDirectory(const std::string& path, const Node& node) {
  if (path == "/") return MakeRoot();
  std::string remote = Remote(path);
  ARBOR_ASSIGN_OR_RETURN(azure::SmbProperties smb, SmbFor(node, true, false));
  smb.last_write_time.reset();  // set after the children, at FinishDirectory
  auto made = client_->CreateDirectory(share_, remote, smb, MetadataOf(node));
  if (made.ok() || !made.status().Is(StatusCode::kAlreadyExists)) return made.status();
  if (!client_->GetDirectoryProperties({share_, ""}, remote).ok()) {
    return Status::AlreadyExists(Describe() + ": '" + remote +
                                 "' exists and is not a directory; not restoring into it");
  }
  std::lock_guard lock(mu_);
  existed_.insert(remote);
  return Status::Ok();
}

Status AzureFilesTarget::WriteFile(const std::string& path, const Node& node,
                                   const ContentProducer& content) {
  std::string remote = Remote(path);
  // The file is written under a temporary name beside its final one and renamed into
  // place once complete, so a failed or interrupted write never leaves a partial file
  // (or a truncated copy of one that was there) under the final name.
  std::string temp = remote.substr(0, remote.rfind('/') + 1) + TempName();
  ARBOR_ASSIGN_OR_RETURN(azure::SmbProperties create_smb, SmbFor(node, false, true));
  ARBOR_RETURN_IF_ERROR(client_->CreateFile(share_, temp, node.size, create_smb, MetadataOf(node)).status());
  RangeUploader uploader(client_, share_, temp);
  Status produced =
      content([&](uint64_t offset, std::string_view data) { return uploader.Add(offset, data); });
  Status uploaded = uploader.Finish();
  if (produced.ok() && uploaded.ok()) {
    azure::RenameOptions replace;
    replace.replace_if_exists = true;
    replace.ignore_read_only = true;
    uploaded = client_->Rename(share_, temp, remote, replace).status();
  }
  if (!produced.ok() || !uploaded.ok()) {
    (void)client_->DeleteFile(share_, temp);
    return produced.ok() ? uploaded : produced;
  }
  // Writes and the rename move the change time; ReadOnly would refuse the writes: the
  // final properties are set last.
  ARBOR_ASSIGN_OR_RETURN(azure::SmbProperties final_smb, SmbFor(node, true, true));
  final_smb.permission_key.clear();  // preserved
  return client_->SetFileProperties(share_, remote, final_smb).status();
}

Status AzureFilesTarget::MakeSpecial(const std::string& path, const Node& node) {
  return Status::Unsupported(Describe() + ": " + path + " is a " + std::string(NodeKindName(node.kind)) +
                             ", which an Azure Files share cannot hold; not restored");
}

Status AzureFilesTarget::MakeHardLink(const std::string& path, const std::string& existing) {
  return Status::Unsupported(Describe() + ": " + path + " is a hard link to " + existing +
                             ", which an Azure Files share cannot hold; not restored");
}

// Metadata first (a directory that was already there kept its own), then attributes
// and times, so the change time set here is the last word.
Status AzureFilesTarget::FinishDirectory(const std::string& path, const Node& node) {
  std::string remote = Remote(path);
  bool existed = false;
  {
    std::lock_guard lock(mu_);
    existed = existed_.count(remote) != 0;
  }
  if (existed) ARBOR_RETURN_IF_ERROR(client_->SetDirectoryMetadata(share_, remote, MetadataOf(node)));
  ARBOR_ASSIGN_OR_RETURN(azure::SmbProperties smb, SmbFor(node, true, true));
  return client_->SetDirectoryProperties(share_, remote, smb).status();
}

Result<std::optional<Node>> AzureFilesTarget::StatExisting(const std::string& path) {
  auto props = client_->GetFileProperties({share_, ""}, Remote(path));
  if (!props.ok() && props.status().Is(StatusCode::kNotFound)) return std::optional<Node>();
  if (!props.ok()) return props.status();
  Node n;
  n.kind = NodeKind::kFile;
  n.size = props->size;
  n.mtime_ns = props->last_write_time ? props->last_write_time->UnixNanos() : 0;
  return std::optional<Node>(std::move(n));
}

Result<azure::SmbProperties> AzureFilesTarget::SmbFor(const Node& node, bool with_read_only,
                                                      bool with_change_time) {
  azure::SmbProperties smb;
  uint32_t attributes = node.attributes & kKnownAttributes;
  attributes = node.IsDir() ? attributes | azure::kAttrDirectory : attributes & ~azure::kAttrDirectory;
  if (!with_read_only) attributes &= ~azure::kAttrReadOnly;
  smb.attributes = attributes;
  if (node.btime_ns != 0) smb.creation_time = FileTime::FromUnixNanos(node.btime_ns);
  smb.last_write_time = FileTime::FromUnixNanos(node.mtime_ns);
  if (with_change_time && node.ctime_ns != 0) smb.change_time = FileTime::FromUnixNanos(node.ctime_ns);
  if (node.permission) {
    ARBOR_ASSIGN_OR_RETURN(smb.permission_key, PermissionKey(*node.permission));
  }
  return smb;
}

// One Create Permission per distinct security descriptor; concurrent callers wait for
// the first. A failure is not remembered, so a later file tries again.
Result<std::string> AzureFilesTarget::PermissionKey(const Digest& id) {
  std::promise<Result<std::string>> promise;
  std::shared_future<Result<std::string>> future;
  bool mine = false;
  {
    std::lock_guard lock(mu_);
    auto it = keys_.find(id);
    if (it == keys_.end()) {
      future = promise.get_future().share();
      keys_.emplace(id, future);
      mine = true;
    } else {
      future = it->second;
    }
  }
  if (mine) {
    auto sddl = load_blob_(id);
    Result<std::string> key =
        sddl.ok() ? client_->CreatePermission(share_, *sddl)
                  : Result<std::string>(sddl.status().Annotate("security descriptor " + id.Hex()));
    if (!key.ok()) {
      std::lock_guard lock(mu_);
      keys_.erase(id);
    }
    promise.set_value(key);
  }
  return future.get();
}

}  // namespace arbor
