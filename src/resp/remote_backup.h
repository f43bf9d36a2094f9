// RunRemoteBackup: `arbor backup --remote resp://...` (docs/resp.md, "Remote
// backup"). The client does the reading and chunking, the server the storing:
// each file is cut with arbor's chunker (FastCDC, default parameters, public
// seed), every chunk named by its plain SHA-256; the chunks are asked for with
// BEXISTS in batches of up to 1,000 and only the missing ones are sent, with
// pipelined BPUT; each directory is then described with TREE.PUT (bottom up)
// and the folder committed with SNAP.COMMIT under its absolute path. Several
// folders make one snapshot whose root holds each under its own name (so their
// names must differ), committed under all their paths. A second
// backup of an unchanged folder sends no blob, and a backup cut short (the
// server killed) is resumed by running it again: what the server acknowledged
// is not sent again.
//
// Entries other than files, directories and symlinks (FIFOs, sockets, devices)
// are left out and listed in the warnings; so is an entry that cannot be read.
// What is selected follows the local backup's rules (archiver/exclude.h, the same
// ExcludeMatcher): patterns with a '/' match the whole absolute path, others the
// entry's name; a directory excluded for what it holds, or a mount point under
// one_file_system, is kept empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archiver/exclude.h"
#include "base/status.h"
#include "resp/remote_client.h"

namespace arbor::resp {

struct RemoteBackupResult {
  std::string snapshot_id;
  uint64_t files = 0;
  uint64_t dirs = 0;
  uint64_t bytes = 0;       // the files' bytes read
  uint64_t chunks = 0;      // chunks cut (with repeats)
  uint64_t blobs_sent = 0;  // BPUTs: chunks the server did not have
  uint64_t bytes_sent = 0;
  std::vector<std::string> warnings;
};

// What a local backup's selection options (--exclude ..., -x) leave out.
struct RemoteBackupOptions {
  ExcludeRules excludes;
  bool one_file_system = false;
};

// Backs up the folders `paths` (one or more) through `client`.
Result<RemoteBackupResult> RunRemoteBackup(RemoteClient& client, const std::vector<std::string>& paths,
                                           const RemoteBackupOptions& options = {});

}  // namespace arbor::resp
