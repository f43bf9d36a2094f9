// AzureFilesSource: an Azure Files share (live, or one of its share snapshots) as a
// backup source, through the FileREST client (src/azure).
//
// Engine paths are share paths with a leading '/' ("/" is the share root). Mapping:
//   LastWriteTime -> mtime_ns, ChangeTime -> ctime_ns, CreationTime -> btime_ns,
//   LastAccessTime -> atime_ns, FileId -> file_id and inode (so the engine's unchanged
//   check compares FileIds and a renamed entry keeps its identity), SMB attributes ->
//   attributes, user metadata -> metadata, the security descriptor (SDDL, fetched once
//   per distinct permission key) -> a data blob whose id is Node::permission.
//   mode is synthesized for local restores: 0755 directories, 0644 files (0444 ReadOnly).
//
// Listings come from a ListingPrefetcher, so the engine's one-directory-at-a-time walk
// runs at the service's pace. Metadata needs one request per changed entry (listings do
// not carry it): for a file of at most 4 MiB, LoadExtended fetches the content in the
// same request and Open hands it to the reader, so a new small file costs one request.
// New small files are announced by the backup as it queues them (WillRead) and read
// ahead by a SmallFileReadAhead, up to 128 at once whatever the worker count, so a
// first backup is not capped at one request per worker at a time.
// Large files list their valid ranges (holes are not read) and read 4 MiB ranges, four
// at a time; FileReader::ChangedRangesSince uses List Ranges with prevsharesnapshot.
//
// Thread safety: as Source requires. The client must outlive the source.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "azure/files_client.h"
#include "azure/permission_cache.h"
#include "shares/listing_prefetcher.h"
#include "shares/small_file_read_ahead.h"
#include "shares/source.h"

namespace arbor {

struct AzureSourceStats {
  PrefetchStats prefetch;
  uint64_t stats_from_listings = 0;  // Stats answered by a listing of the parent (WillStatIn)
  uint64_t permission_fetches = 0;   // Get Permission requests (one per distinct key)
  ReadAheadStats read_ahead;
};

class AzureFilesSource final : public Source {
 public:
  // `account` names the source in snapshots ("azfiles://account/share").
  AzureFilesSource(azure::FilesClient* client, std::string account, azure::ShareRef share,
                   PrefetchOptions prefetch = {}, ReadAheadOptions read_ahead = {});

  std::string Kind() const override;
  // A directory's properties come from the prefetcher (read ahead when Expect named it).
  Result<Node> Stat(const std::string& path) override;
  Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) override;
  Status LoadExtended(const std::string& path, Node* node) override;
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override;
  bool StableFileIds() const override { return true; }
  // Retries exhausted, malformed responses and authorization failures: a snapshot
  // with a hole where a directory could not be listed must not look complete.
  bool IsFatal(const Status& error) const override;
  void Expect(const std::vector<std::string>& stat_dirs, const std::vector<std::string>& list_dirs) override;
  // Lists `dir` once for the Stats of its named entries when that takes fewer requests
  // than a Get Properties each (PrefetchOptions::stats_from_listings).
  bool TakesStatHints() const override { return true; }
  void WillStatIn(const std::string& dir, size_t named, size_t entries, bool listed) override;
  void SetBlobSink(BlobSink sink) override;
  // Starts reading a small file's content and properties (SmallFileReadAhead).
  void WillRead(const std::string& path, const Node& node) override;

  AzureSourceStats stats() const;

 private:
  Status ApplyProperties(const azure::ItemProperties& props, Node* node);
  // Stat of share path `path` from its parent's listing, when WillStatIn chose that and
  // the listing has it.
  std::optional<Node> StatFromListing(const std::string& path);
  // The listing of flat directory `dir` (share-relative), sorted by name, taken once and
  // kept until another flat directory's is needed. REQUIRES: flat_mu_.
  const Result<std::vector<azure::DirectoryEntry>>& FlatListing(const std::string& dir);
  Result<Digest> PermissionBlob(const std::string& key);

  azure::FilesClient* const client_;
  const std::string account_;
  const azure::ShareRef share_;
  const bool stats_from_listings_;
  ListingPrefetcher prefetcher_;
  azure::PermissionCache permissions_;
  SmallFileReadAhead files_ahead_;

  mutable std::mutex mu_;
  BlobSink sink_;                                   // guarded by mu_
  std::map<std::string, Digest> permission_blobs_;  // key -> blob id; guarded by mu_

  // Directories whose named entries are Stat'ed from a listing (WillStatIn), and the one
  // listing kept (the walker never comes back to a directory it has left).
  mutable std::mutex flat_mu_;
  std::set<std::string> next_flat_dirs_;                                    // guarded by flat_mu_
  std::set<std::string> flat_dirs_;                                         // guarded by flat_mu_
  std::string flat_dir_;                                                    // guarded by flat_mu_
  std::optional<Result<std::vector<azure::DirectoryEntry>>> flat_listing_;  // guarded by flat_mu_
  uint64_t stats_from_listings_count_ = 0;                                  // guarded by flat_mu_
};

// The Node a listing entry describes (no metadata or permission yet).
Node NodeFromEntry(const azure::DirectoryEntry& entry);

}  // namespace arbor
