#include "checker/verify.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "browse/tree_walk.h"
#include "pipeline/task_pool.h"
#include "repo/blob_codec.h"
#include "repo/format.h"
#include "repo/pack.h"

namespace arbor {
namespace {

using PackContents = std::map<Digest, std::vector<IndexEntry>>;

class Verifier {
 public:
  Verifier(Repository& repo, const VerifyOptions& options) : repo_(repo), options_(options) {}

  Status Run() {
    // A shared lock keeps prune away while we look; taking it re-reads the index, and
    // listing snapshots before that guarantees every listed snapshot's blobs are in
    // the index we check against (a snapshot is written after its index).
    std::vector<DamagedObject> damaged;
    ARBOR_ASSIGN_OR_RETURN(snapshots_, repo_.ListSnapshots(&damaged));
    ARBOR_ASSIGN_OR_RETURN(lock_, repo_.Lock(LockKind::kShared, std::chrono::seconds(60)));
    for (const auto& d : damaged) {
      result_.problems.push_back({"snapshot object " + d.key + " is damaged (" + d.problem +
                                      "); `arbor repair snapshots --forget` removes it",
                                  {}});
    }
    for (const auto& d : repo_.index().damaged_segments()) {
      result_.problems.push_back(
          {"index segment " + d.key + " is damaged (" + d.problem + "); " +
               std::to_string(repo_.index().recovered_packs()) +
               " packs were read in its place. `arbor repair index` rewrites the index",
           {}});
    }
    ARBOR_RETURN_IF_ERROR(LoadIndex());
    ARBOR_RETURN_IF_ERROR(CheckPacks());
    if (options_.read_data) ReadAllPacks();
    ARBOR_RETURN_IF_ERROR(CheckSnapshots());
    ExplainUnindexedPacks();
    return Status::Ok();
  }

  VerifyResult& result() { return result_; }
  ProgressCounters& progress() { return progress_; }

 private:
  Status LoadIndex() {
    return repo_.index().ForEach([&](const std::string&, const IndexEntry& e) {
      packs_[e.location.pack].push_back(e);
      return Status::Ok();
    });
  }

  // Every pack the index names exists and is at least as long as its entries need
  // (a truncated pack is found without reading it).
  Status CheckPacks() {
    std::map<Digest, uint64_t> stored;
    ARBOR_RETURN_IF_ERROR(repo_.ListPacks([&](const Digest& id, uint64_t size) {
      stored[id] = size;
      return Status::Ok();
    }));
    for (const auto& [pack, entries] : packs_) {
      auto it = stored.find(pack);
      if (it == stored.end()) {
        AddBad(entries, "pack " + pack.Hex() + " is missing");
        continue;
      }
      uint64_t end = 0;
      // The blobs the trailer lists (grouped ones are in their group's table, before
      // `end`), by their place in the pack: one blob indexed by two segments is one
      // record of the pack's trailer, not two.
      std::vector<uint64_t> offsets;
      offsets.reserve(entries.size());
      for (const auto& e : entries) {
        end = std::max<uint64_t>(end, uint64_t{e.location.offset} + e.location.length);
        if (!StoredInGroup(e.location.length)) offsets.push_back(e.location.offset);
      }
      std::sort(offsets.begin(), offsets.end());
      uint64_t blobs = std::unique(offsets.begin(), offsets.end()) - offsets.begin();
      uint64_t need = MinPackSize(end, blobs, repo_.cipher() != nullptr);
      if (it->second < need) {
        AddBad(entries, "pack " + pack.Hex() + " is " + std::to_string(it->second) +
                            " bytes, shorter than the " + std::to_string(need) +
                            " its index entries need (truncated)");
      }
    }
    for (const auto& [id, size] : stored) unindexed_packs_ += packs_.count(id) == 0 ? 1 : 0;
    result_.packs = packs_.size();
    return Status::Ok();
  }

  // Packs the index does not name are harmless leftovers of an interrupted backup or
  // prune, unless snapshots reference blobs the index lacks: then the index lost them.
  void ExplainUnindexedPacks() {
    if (unindexed_packs_ == 0) return;
    std::string count =
        std::to_string(unindexed_packs_) + (unindexed_packs_ == 1 ? " pack is" : " packs are");
    if (blobs_not_indexed_ > 0) {
      result_.problems.push_back({count + " not named by the index, and snapshots reference " +
                                      std::to_string(blobs_not_indexed_) +
                                      " blobs the index lacks: index records were lost. `arbor repair index` "
                                      "re-reads the packs the index does not name",
                                  {}});
      return;
    }
    result_.notes.push_back(count +
                            " not named by the index and hold nothing a snapshot references (left by an "
                            "interrupted backup or prune); `arbor prune` deletes them");
  }

  void AddBad(const std::vector<IndexEntry>& entries, const std::string& message) {
    size_t problem = result_.problems.size();
    result_.problems.push_back({message, {}});
    for (const auto& e : entries) bad_[e.id] = problem;
  }

  void ReadAllPacks() {
    TaskPool pool(options_.threads > 0 ? options_.threads : DefaultThreads(), 8);
    std::mutex mu;
    std::mt19937_64 random(std::random_device{}());
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (const auto& [pack, entries] : packs_) {
      if (IsBadPack(entries)) continue;
      if (options_.subset_groups > 0 && pack.Prefix64() % options_.subset_groups != options_.subset_group - 1)
        continue;
      if (options_.subset_fraction > 0 && uniform(random) >= options_.subset_fraction) continue;
      result_.packs_read++;
      pool.Submit([&, pack = pack] {
        std::string message;
        std::vector<IndexEntry> damaged = CheckPack(pack, packs_.at(pack), &message);
        std::lock_guard lock(mu);
        if (!message.empty()) {
          size_t problem = result_.problems.size();
          result_.problems.push_back({message, {}});
          for (const auto& e : damaged) bad_[e.id] = problem;
        }
      });
    }
    pool.Wait();
  }

  bool IsBadPack(const std::vector<IndexEntry>& entries) const {
    return !entries.empty() && bad_.count(entries.front().id) != 0;
  }

  // Reads one pack; returns the damaged blobs and sets *message when anything is wrong.
  std::vector<IndexEntry> CheckPack(const Digest& pack, const std::vector<IndexEntry>& entries,
                                    std::string* message) {
    auto data = repo_.store()->Get(format::PackKey(repo_.prefix(), pack));
    if (!data.ok()) {
      *message = "pack " + pack.Hex() + " cannot be read: " + data.status().message();
      return entries;
    }
    progress_.bytes_done += data->size();
    bytes_read_ += data->size();
    std::vector<IndexEntry> damaged;
    for (const auto& e : entries) {
      const auto& loc = e.location;
      bool good = static_cast<uint64_t>(loc.offset) + loc.length <= data->size();
      if (good) {
        std::string_view stored = std::string_view(*data).substr(loc.offset, loc.length);
        if (const ObjectCipher* cipher = repo_.cipher()) {
          good = cipher->DecodeBlob(loc.type, e.id, stored, loc.raw_length).ok();  // checks the keyed id
        } else {
          auto raw = DecodeBlob(stored, loc.raw_length);
          good = raw.ok() && Sha256Of(*raw) == e.id;
        }
      }
      if (!good) damaged.push_back(e);
      blobs_checked_++;
    }
    progress_.files_done++;
    bool hash_ok = Sha256Of(*data) == pack;
    auto members = ReadPackMembers(*data, repo_.cipher());
    if (!damaged.empty()) {
      *message = "pack " + pack.Hex() + ": " + std::to_string(damaged.size()) + " damaged blob(s)";
    } else if (!hash_ok || !members.ok()) {
      *message = "pack " + pack.Hex() + " is damaged outside its blobs (" +
                 (members.ok() ? "checksum mismatch" : members.status().message()) +
                 "); its blobs still read back";
    }
    return damaged;
  }

  Status CheckSnapshots() {
    result_.snapshots = snapshots_.size();
    for (const auto& snap : snapshots_) {
      std::string label = "snapshot " + snap.id.Hex().substr(0, 8);
      CheckTree(snap.tree, "/", label);
    }
    result_.blobs = blobs_checked_ > 0 ? blobs_checked_.load() : CountIndexed();
    result_.bytes_read = bytes_read_;
    return Status::Ok();
  }

  uint64_t CountIndexed() const {
    uint64_t n = 0;
    for (const auto& [pack, entries] : packs_) n += entries.size();
    return n;
  }

  // Walks one tree; returns true when nothing below it is damaged.
  bool CheckTree(const Digest& tree, const std::string& path, const std::string& label) {
    auto known = clean_trees_.find(tree);
    if (known != clean_trees_.end() && known->second) return true;
    result_.trees += known == clean_trees_.end() ? 1 : 0;
    bool clean = true;
    auto nodes =
        bad_.count(tree) ? Result<std::vector<Node>>(Status::Corruption("damaged")) : repo_.LoadTree(tree);
    if (!nodes.ok()) {
      if (nodes.status().Is(StatusCode::kNotFound) && bad_.count(tree) == 0) blobs_not_indexed_++;
      Report(tree, label + ": directory " + path + " and everything below it",
             "directory object " + tree.Hex() + " cannot be read: " + nodes.status().message());
      clean_trees_[tree] = false;
      return false;
    }
    for (const auto& n : *nodes) {
      std::string child = JoinPath(path, n.name);
      if (n.permission && !BlobOk(*n.permission)) {  // an SMB security descriptor (Azure Files)
        if (bad_.count(*n.permission) == 0) blobs_not_indexed_++;
        Report(*n.permission, label + ": " + child, "blob " + n.permission->Hex() + " is not in the index");
        clean = false;
      }
      if (n.IsDir()) {
        clean = CheckTree(*n.subtree, child, label) && clean;
        continue;
      }
      for (const auto& id : n.content) {
        if (!BlobOk(id)) {
          if (bad_.count(id) == 0) blobs_not_indexed_++;
          Report(id, label + ": " + child, "blob " + id.Hex() + " is not in the index");
          clean = false;
          break;
        }
      }
    }
    clean_trees_[tree] = clean;
    return clean;
  }

  bool BlobOk(const Digest& id) {
    if (bad_.count(id)) return false;
    if (indexed_.empty()) {
      for (const auto& [pack, entries] : packs_) {
        for (const auto& e : entries) indexed_.insert(e.id);
      }
    }
    return indexed_.count(id) != 0;
  }

  // Adds `affected` to the problem already known for `id`, or records a new one.
  void Report(const Digest& id, const std::string& affected, const std::string& message_if_new) {
    auto it = bad_.find(id);
    if (it != bad_.end()) {
      result_.problems[it->second].affected_files.push_back(affected);
      return;
    }
    bad_[id] = result_.problems.size();
    result_.problems.push_back({message_if_new, {affected}});
  }

  Repository& repo_;
  const VerifyOptions& options_;
  std::vector<Snapshot> snapshots_;
  std::unique_ptr<RepoLock> lock_;
  VerifyResult result_;
  ProgressCounters progress_;
  PackContents packs_;
  std::unordered_map<Digest, size_t, DigestHash> bad_;  // damaged blob -> problem index
  std::unordered_set<Digest, DigestHash> indexed_;
  std::unordered_map<Digest, bool, DigestHash> clean_trees_;
  uint64_t unindexed_packs_ = 0;
  uint64_t blobs_not_indexed_ = 0;  // distinct blobs snapshots reference that no entry names
  std::atomic<uint64_t> blobs_checked_{0};
  std::atomic<uint64_t> bytes_read_{0};
};

}  // namespace

Result<VerifyResult> RunVerify(Repository& repo, const VerifyOptions& options) {
  Verifier v(repo, options);
  Status st;
  {
    ProgressReporter reporter(options.progress, "verify", &v.progress());
    st = v.Run();
  }
  if (!st.ok()) return st;
  return std::move(v.result());
}

}  // namespace arbor
