// AzureBlobStore: an ObjectStore in an Azure Blob Storage container (or Azurite), as
// `-r azblob://ACCOUNT/CONTAINER[/PREFIX]`. Key "a/b" is the block blob PREFIX/a/b.
//
// Requests (api version 2025-01-05), signed with SharedKey or carrying a SAS token:
//   Put        Put Blob (one request, Content-MD5) up to 32 MiB; larger: blocks, as PutFile
//   PutFile    up to one block (4 MiB): Put Blob; larger: Put Block per 4 MiB block, read
//              from the staged file, 4 in flight, each with Content-MD5 (the service
//              refuses a block whose bytes do not match), then Put Block List
//   Get        Get Blob with a Range, in pieces of at most 32 MiB; a read of a whole blob
//              is checked against the blob's stored MD5 when it has one (Corruption)
//   Stat       Get Blob Properties (HEAD)
//   List       List Blobs with the prefix, 5000 a page, following NextMarker
//   Delete     Delete Blob (with its snapshots); 404 is OK
//
// Atomicity: a blob becomes visible only when Put Blob or Put Block List commits it, whole.
// Blocks of an upload killed before its commit stay uncommitted: invisible to Get and
// List, and garbage-collected by the service after a week. Each upload names its blocks
// with its own random nonce, so two uploads of one key never mix blocks; an upload whose
// blocks were discarded by a concurrent commit of the same key fails InvalidBlockList and
// is reported Unavailable, so a retry sends it again.
//
// Tiers (AzureBlobOptions::pack_tier): when set, objects written cold (PutOptions: the
// repository's data packs) are committed in that tier and every other object (tree packs
// too) explicitly Hot, so listing and planning a restore never touch cool or archived objects. When empty no
// tier is sent and blobs take the account's default (premium accounts refuse tiers).
//
// Requests are made once: retries, limits and counting are the wrappers' job
// (wrap_remote.h). Thread-safe: one store serves every worker thread.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "azure/credentials.h"
#include "azure/service_call.h"
#include "http/http_transport.h"
#include "store/object_store.h"

namespace arbor {

struct AzureBlobOptions {
  std::string staging_dir;  // where packs are staged before PutFile; made by Open
  std::string pack_tier;    // "" or Hot|Cool|Cold|Archive
  uint64_t block_size = 4u << 20;
  int blocks_in_flight = 4;
  uint64_t max_single_put = 32u << 20;  // Put of at most this is one Put Blob
  uint64_t max_get_piece = 32u << 20;   // a Get asks for at most this per request
  bool report_requests = false;         // print HTTP requests by operation to stderr at close
};

class AzureBlobStore final : public ObjectStore {
 public:
  // The HTTP operations the store makes, for its request counters.
  enum class Op {
    kPutBlob,
    kPutBlock,
    kPutBlockList,
    kGetBlob,
    kGetProperties,
    kListBlobs,
    kDeleteBlob,
    kCount
  };

  // Checks that the container exists and the credentials may list it (one List Blobs of
  // one result). NotFound for a missing container (arbor never creates one),
  // PermissionDenied for credentials the service refuses, InvalidArgument for a bad tier.
  // `transport` defaults to a libcurl pool.
  static Result<std::unique_ptr<AzureBlobStore>> Open(
      azure::Credentials credentials, std::string container, std::string prefix, AzureBlobOptions options,
      std::shared_ptr<http::HttpTransport> transport = nullptr);
  ~AzureBlobStore() override;

  std::string Describe() const override;
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;
  std::string StagingDir() const override { return options_.staging_dir; }

  uint64_t requests(Op op) const { return requests_[static_cast<size_t>(op)]; }
  // "Put Blob 3, Put Block 16, Put Block List 2, Get Blob 5, ..." (only the non-zero ones).
  std::string RequestSummary() const;

 private:
  // Reads `length` bytes at `offset` of the object being uploaded.
  using Reader = std::function<Status(uint64_t offset, uint64_t length, std::string* out)>;

  AzureBlobStore(azure::Credentials credentials, std::string container, std::string prefix,
                 AzureBlobOptions options, std::shared_ptr<http::HttpTransport> transport);
  Result<http::HttpResponse> Call(Op op, azure::ServiceCall call);
  Result<std::string> BlobName(std::string_view key) const;
  void AddTier(const PutOptions& put, http::HeaderList* headers) const;
  Status PutBlob(std::string_view key, const std::string& blob, std::string_view data, const PutOptions& put);
  Status PutBlocks(std::string_view key, const std::string& blob, uint64_t size, const Reader& read,
                   const PutOptions& put);
  Status PutBlockRange(const std::string& blob, const std::string& block_id, const Reader& read,
                       uint64_t offset, uint64_t length);
  // Lists one page and reports its blobs; returns the next marker ("" at the end).
  Result<std::string> ListPage(const std::string& full_prefix, const std::string& marker,
                               const std::function<Status(const ObjectInfo&)>& fn);

  const std::string account_;
  const std::string container_;
  const std::string prefix_;  // "" or "p/q", no leading or trailing '/'
  const AzureBlobOptions options_;
  azure::CallExecutor executor_;
  std::array<std::atomic<uint64_t>, static_cast<size_t>(Op::kCount)> requests_{};
};

// The credentials for `account`'s Blob service from the environment, as the Azure tools
// read them: AZURE_STORAGE_CONNECTION_STRING (BlobEndpoint=... reaches Azurite), else
// AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN (with AZURE_STORAGE_ACCOUNT, if set,
// naming the same account). InvalidArgument when they are for another account;
// PermissionDenied when there are none. Messages never contain a secret.
Result<azure::Credentials> AzureBlobCredentials(std::string_view account, const azure::EnvLookup& env = {});

}  // namespace arbor
