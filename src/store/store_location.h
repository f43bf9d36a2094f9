// StoreLocation: where a repository lives, parsed from what a user writes after -r/--repo
// or `share add --repo`. The one parser of repository locations (the CLI, the catalog
// and the workers all use it):
//
//   /srv/repo  ./repo  local:/srv/repo  file:///srv/repo    a local directory
//   azblob://ACCOUNT/CONTAINER[/PREFIX]                       Azure Blob Storage
//   s3://BUCKET[/PREFIX]                                      S3, or an S3-compatible server
//   sftp://[USER@]HOST[:PORT]/PATH                            a directory over SFTP
//
// Credentials are never part of a location: they come from each ecosystem's usual
// places (store_options.h), so a location can be printed, logged and stored.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor {

struct StoreLocation {
  enum class Kind { kLocal, kAzureBlob, kS3, kSftp };
  Kind kind = Kind::kLocal;
  std::string path;       // kLocal: the directory (as given, '/' trimmed); kSftp: the remote directory
  std::string account;    // kAzureBlob
  std::string container;  // kAzureBlob
  std::string bucket;     // kS3
  std::string prefix;     // kAzureBlob, kS3: key prefix, no leading or trailing '/'; may be empty
  std::string user;       // kSftp; empty: the local user name
  std::string host;       // kSftp
  int port = 0;           // kSftp; 0: 22

  // The canonical text of the location ("azblob://acct/c/p", "/srv/repo"); parses back to
  // the same location.
  std::string ToString() const;
  bool IsLocal() const { return kind == Kind::kLocal; }
};

// InvalidArgument for a location that is malformed (empty, a scheme without its parts,
// a bad port); Unsupported for a scheme arbor does not know.
Result<StoreLocation> ParseStoreLocation(std::string_view text);

}  // namespace arbor
