#include "engine/partition.h"

#include "engine/exclude.h"
#include "engine/tree_walk.h"

namespace arbor {
namespace {

struct Target {
  std::string path;
  bool shallow = false;
  int64_t entries = 0;
  int64_t bytes = 0;
};

struct Totals {
  int64_t entries = 0;
  int64_t bytes = 0;
};

class Partitioner {
 public:
  Partitioner(Source& source, const PartitionOptions& options, Partition* out)
      : source_(source), options_(options), excludes_(options.excludes), out_(out) {}

  // Lists `dir` and everything below it; appends its targets (in depth-first order) to
  // `targets` and returns its subtree's totals (the directory itself counted as one entry).
  Result<Totals> Visit(const std::string& dir, std::vector<Target>* targets) {
    if (options_.cancelled && options_.cancelled()) return Status::Cancelled("scan cancelled");
    std::vector<Node> nodes;
    std::vector<Status> warnings;
    Status st = source_.List(dir, &nodes, &warnings);
    for (auto& w : warnings) out_->warnings.push_back(w.message());
    if (!st.ok()) out_->warnings.push_back(st.message());  // the unit's backup will say so again
    Totals own{1, 0};  // the directory and its non-directory entries
    Totals total;
    std::vector<Target> below;
    for (const Node& node : nodes) {
      std::string path = JoinPath(dir, node.name);
      if (!excludes_.empty() && excludes_.Excluded(path, node.name)) continue;
      if (options_.progress) options_.progress->files_done++;
      if (!node.IsDir()) {
        own.entries++;
        if (node.IsFile()) own.bytes += static_cast<int64_t>(node.size);
        if (options_.progress && node.IsFile()) options_.progress->bytes_done += node.size;
        continue;
      }
      ARBOR_ASSIGN_OR_RETURN(Totals sub, Visit(path, &below));
      total.entries += sub.entries;
      total.bytes += sub.bytes;
    }
    total.entries += own.entries;
    total.bytes += own.bytes;
    if (Fits(total)) {
      targets->push_back({dir, false, total.entries, total.bytes});  // whole: forget the finer split
    } else {
      targets->push_back({dir, true, own.entries, own.bytes});
      for (auto& t : below) targets->push_back(std::move(t));
    }
    return total;
  }

  bool Fits(const Totals& t) const { return t.entries <= options_.max_entries && t.bytes <= options_.max_bytes; }

  // Packs targets, in order, into units up to the limits.
  void Pack(std::vector<Target> targets) {
    BackupUnit unit;
    auto flush = [&] {
      if (unit.paths.empty() && unit.shallow.empty()) return;
      out_->units.push_back(std::move(unit));
      unit = BackupUnit();
    };
    for (auto& t : targets) {
      size_t count = unit.paths.size() + unit.shallow.size();
      if (count > 0 && (!Fits({unit.entries + t.entries, unit.bytes + t.bytes}) || count >= options_.max_paths)) {
        flush();
      }
      (t.shallow ? unit.shallow : unit.paths).push_back(std::move(t.path));
      unit.entries += t.entries;
      unit.bytes += t.bytes;
    }
    flush();
  }

 private:
  Source& source_;
  const PartitionOptions& options_;
  ExcludeMatcher excludes_;
  Partition* out_;
};

}  // namespace

Result<Partition> PartitionTree(Source& source, const std::vector<std::string>& roots,
                                const PartitionOptions& options) {
  if (options.max_entries < 1 || options.max_bytes < 1 || options.max_paths < 1) {
    return Status::InvalidArgument("unit limits must be positive");
  }
  Partition out;
  Partitioner partitioner(source, options, &out);
  std::vector<Target> targets;
  for (const auto& root : roots) {
    ARBOR_ASSIGN_OR_RETURN(Node node, source.Stat(root));
    if (!node.IsDir()) return Status::InvalidArgument(root + " is not a directory");
    ARBOR_ASSIGN_OR_RETURN(auto totals, partitioner.Visit(root, &targets));
    out.entries += totals.entries;
    out.bytes += totals.bytes;
  }
  partitioner.Pack(std::move(targets));
  return out;
}

}  // namespace arbor
