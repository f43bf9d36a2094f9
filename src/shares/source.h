// Source: where a backup reads from. The engine walks a source one directory at a
// time and reads only the files it decides have changed; each kind of share (a
// local POSIX tree now, Azure Files through src/azure) implements this interface.
//
// Paths are absolute within the source's namespace ("/home/u/data" for POSIX,
// "/dir/sub" for a share) and always use '/'.
// Thread safety: List/Stat/LoadExtended/Open may be called from several threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "repo/node.h"

namespace arbor {

// Reads one file's content. Not shared between threads.
class FileReader {
 public:
  virtual ~FileReader() = default;
  // Where the file's bytes are: one extent {0, size} for a dense file, fewer bytes
  // for a sparse one (the gaps are holes that read as zeros).
  virtual Result<std::vector<Extent>> DataExtents() = 0;
  // Reads up to `len` bytes at `offset`; returns the count (0 at end of file).
  virtual Result<size_t> ReadAt(uint64_t offset, char* buf, size_t len) = 0;
  // The byte ranges written or cleared since the source snapshot that an earlier
  // backup read from (Snapshot::source_snapshot), sorted and not overlapping, or an
  // error when the source cannot tell (Unsupported by default; also when that
  // snapshot is gone or the file was re-created since). Lets a large file be saved
  // from its changed ranges only (archiver/range_reuse.h).
  virtual Result<std::vector<Extent>> ChangedRangesSince(const std::string& previous_source_snapshot) {
    (void)previous_source_snapshot;
    return Status::Unsupported("this source cannot list changed ranges");
  }
  // Source::LoadExtended for the open file, for sources whose ExtendedFromOpenFile()
  // is true (Unsupported by default).
  virtual Status LoadExtended(Node* node) {
    (void)node;
    return Status::Unsupported("this source reads extended metadata by path");
  }
};

// Stores bytes as a data blob in the repository being written and returns the id.
// Sources use it for metadata too large for a tree node (security descriptors).
using BlobSink = std::function<Result<Digest>(std::string_view data)>;

class Source {
 public:
  virtual ~Source() = default;
  // "posix" or "azfiles://account/share": goes into the snapshot.
  virtual std::string Kind() const = 0;
  // Metadata of one path (not followed if it is a symlink).
  virtual Result<Node> Stat(const std::string& path) = 0;
  // The children of a directory with their basic metadata (no xattrs/ACLs yet),
  // sorted by name. Entries that cannot be examined are skipped and reported in
  // `warnings`; an unreadable directory is an error.
  virtual Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) = 0;
  // Fills what is costly to fetch and only needed for new or changed entries:
  // extended attributes, ACLs, security descriptors.
  virtual Status LoadExtended(const std::string& path, Node* node) = 0;
  // Whether a file's extended metadata is better read after Open, from the open file
  // (FileReader::LoadExtended), than by path before it: for POSIX it saves a path
  // lookup and a check per file. False keeps the order LoadExtended, then Open (Azure
  // Files fetches a small file's content with its metadata).
  virtual bool ExtendedFromOpenFile() const { return false; }
  // Whether the backup hands a directory's small files to a worker in batches
  // (BackupOptions::files_per_task) instead of one at a time: for a local file system,
  // where a small file costs a few microseconds of syscalls and the hand-off's futex
  // wake-up is a visible part of it. False for a remote source, whose reads of one
  // worker's files would then wait on each other's round trips.
  virtual bool BatchSmallFiles() const { return false; }
  // Whether the backup may list directories ahead of its walker on threads of its own
  // (archiver/list_prefetcher.h): List must be safe to run concurrently and cost CPU or
  // a local disk's time, not round trips that the source already overlaps itself.
  virtual bool ListAhead() const { return false; }
  // The listings a backup holds done ahead of its walker, at most (one unit of
  // kListAheadBudget per 64 entries, at least one per listing). A source that keeps
  // each listed directory open for the reads that follow (PosixSource) keeps this many
  // more than it needs for its readers, so that listing ahead does not close them.
  static constexpr size_t kListAheadBudget = 256;
  virtual Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) = 0;
  // Whether Node::file_id identifies an entry across renames and moves (Azure FileId,
  // a POSIX inode). The backup then matches a renamed directory with the parent
  // snapshot by id, so nothing below it is read again. An id may be reused by a new
  // entry once the old one is gone (an inode): the backup's checks must tell them apart.
  virtual bool StableFileIds() const { return false; }
  // Whether Node::btime_ns, when not 0, is set by the file system when the entry is
  // created and can never be changed (statx birth time; not Azure's creation time,
  // which clients set). The backup then looks up by id only entries born before the
  // parent snapshot ended, and takes a file found by id as unchanged when its birth
  // time, size and mtime match: a move sets the ctime, so the ctime cannot tell.
  virtual bool FixedBirthTimes() const { return false; }
  // Whether an error this source returned must stop the backup instead of becoming a
  // warning: a remote service that keeps failing or answers garbage would otherwise
  // leave silent gaps in a snapshot that looks complete. Local errors never are.
  virtual bool IsFatal(const Status& error) const {
    (void)error;
    return false;
  }
  // Where LoadExtended stores what a node references by blob id (Node::permission).
  // The backup sets it once, before the walk; the sink may be called from any thread.
  virtual void SetBlobSink(BlobSink sink) { (void)sink; }
  // A hint at the start of every backup: the named paths' directories (the units of a
  // split share) it will Stat, and those of them it will List, each in walk order (both
  // empty for a whole tree). A remote source fetches them ahead instead of one round trip
  // at a time; a local one ignores it.
  virtual void Expect(const std::vector<std::string>& stat_dirs, const std::vector<std::string>& list_dirs) {
    (void)stat_dirs;
    (void)list_dirs;
  }
  // A hint before Expect (which ends the backup's hints): the backup will Stat `named`
  // entries of directory `dir`, which held `entries` entries in the parent snapshot, and
  // List `dir` itself if `listed` (a shallow unit). A remote source may answer those
  // Stats from one listing of `dir` instead of a request each (what a Stat returns is in
  // a listing); a local one ignores it.
  // Whether WillStatIn does anything: the backup reads the parent snapshot's trees on the way
  // to the units only for a source that takes the hint (a local one does not: three more
  // tree loads for nothing on every backup of a path below the root).
  virtual bool TakesStatHints() const { return false; }
  virtual void WillStatIn(const std::string& dir, size_t named, size_t entries, bool listed) {
    (void)dir;
    (void)named;
    (void)entries;
    (void)listed;
  }
  // A hint that the backup has queued file `path` for reading: LoadExtended and Open of
  // it follow on some worker, roughly in the order of these calls. A remote source may
  // start the request now; a local one ignores it.
  virtual void WillRead(const std::string& path, const Node& node) {
    (void)path;
    (void)node;
  }
};

}  // namespace arbor
