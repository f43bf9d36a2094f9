#include "archiver/partition.h"

#include "archiver/exclude.h"
#include "browse/tree_walk.h"

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

// Fills units, in the order targets arrive, and hands each on as soon as the next target
// would not fit in it.
class Packer {
 public:
  Packer(const PartitionOptions& options, const UnitSink& sink) : options_(options), sink_(sink) {}

  Status Add(Target t) {
    size_t count = unit_.paths.size() + unit_.shallow.size();
    if (count > 0 && (!Fits(options_, {unit_.entries + t.entries, unit_.bytes + t.bytes}) ||
                      count >= options_.max_paths)) {
      ARBOR_RETURN_IF_ERROR(Flush());
    }
    (t.shallow ? unit_.shallow : unit_.paths).push_back(std::move(t.path));
    unit_.entries += t.entries;
    unit_.bytes += t.bytes;
    return Status::Ok();
  }

  Status Flush() {
    if (unit_.paths.empty() && unit_.shallow.empty()) return Status::Ok();
    BackupUnit full = std::move(unit_);
    unit_ = BackupUnit();
    return sink_(std::move(full));
  }

  static bool Fits(const PartitionOptions& o, const Totals& t) {
    return t.entries <= o.max_entries && t.bytes <= o.max_bytes;
  }

 private:
  const PartitionOptions& options_;
  const UnitSink& sink_;
  BackupUnit unit_;
};

// One directory being listed. Until its subtree is known not to fit a unit, it may still
// become one whole target, so the targets found below it wait in `held`. Once it does not
// fit (it is "split"), so does every ancestor: its own files become a shallow target and
// what is held, and everything found below it from then on, goes straight to the packer.
// Held targets all lie in one subtree that fits, so at most max_entries of them wait at
// any time, however large the share: the scan's memory does not grow with the share.
struct Frame {
  std::string dir;
  Frame* parent = nullptr;
  Totals own;    // the directory and its non-directory entries
  Totals total;  // own plus the subdirectories visited so far
  bool split = false;
  std::vector<Target> held;
};

class Partitioner {
 public:
  Partitioner(Source& source, const PartitionOptions& options, Packer& packer, PartitionTotals* totals)
      : source_(source), options_(options), excludes_(options.excludes), packer_(packer), totals_(totals) {}

  // Lists `dir` and everything below it; returns its subtree's totals.
  Result<Totals> Visit(const std::string& dir, Frame* parent) {
    if (options_.cancelled && options_.cancelled()) return Status::Cancelled("scan cancelled");
    std::vector<Node> nodes;
    std::vector<Status> warnings;
    Status st = source_.List(dir, &nodes, &warnings);
    for (auto& w : warnings) totals_->warnings.push_back(w.message());
    if (!st.ok()) totals_->warnings.push_back(st.message());  // the unit's backup will say so again

    Frame frame{dir, parent, {1, 0}, {}, false, {}};
    std::vector<std::string> subdirs;
    for (const Node& node : nodes) {
      std::string path = JoinPath(dir, node.name);
      if (!excludes_.Empty() && excludes_.Excluded(path, node.name)) continue;
      if (options_.progress) options_.progress->files_done++;
      if (node.IsDir()) {
        subdirs.push_back(std::move(path));
        continue;
      }
      frame.own.entries++;
      if (node.IsFile()) {
        frame.own.bytes += static_cast<int64_t>(node.size);
        if (options_.progress) options_.progress->bytes_done += node.size;
      }
    }
    nodes.clear();
    nodes.shrink_to_fit();
    frame.total = frame.own;
    if (!Packer::Fits(options_, frame.total)) ARBOR_RETURN_IF_ERROR(Split(&frame));
    for (const std::string& sub : subdirs) {
      ARBOR_ASSIGN_OR_RETURN(Totals t, Visit(sub, &frame));
      frame.total.entries += t.entries;
      frame.total.bytes += t.bytes;
      if (!frame.split && !Packer::Fits(options_, frame.total)) ARBOR_RETURN_IF_ERROR(Split(&frame));
    }
    if (!frame.split) {
      // Whole: one target for the subtree, the finer split held below is forgotten.
      ARBOR_RETURN_IF_ERROR(Emit(parent, {dir, false, frame.total.entries, frame.total.bytes}));
    }
    return frame.total;
  }

 private:
  // Marks `frame` and its ancestors split, releasing what they held in depth-first order:
  // an ancestor's own files and held targets come before those of the directories below.
  Status Split(Frame* frame) {
    if (frame->split) return Status::Ok();
    if (frame->parent) ARBOR_RETURN_IF_ERROR(Split(frame->parent));
    frame->split = true;
    ARBOR_RETURN_IF_ERROR(packer_.Add({frame->dir, true, frame->own.entries, frame->own.bytes}));
    for (Target& t : frame->held) ARBOR_RETURN_IF_ERROR(packer_.Add(std::move(t)));
    frame->held.clear();
    frame->held.shrink_to_fit();
    return Status::Ok();
  }

  // A finished target goes to the packer once its directory's parent is split (or is a
  // root); until then the parent holds it.
  Status Emit(Frame* parent, Target t) {
    if (parent == nullptr || parent->split) return packer_.Add(std::move(t));
    parent->held.push_back(std::move(t));
    return Status::Ok();
  }

  Source& source_;
  const PartitionOptions& options_;
  ExcludeMatcher excludes_;
  Packer& packer_;
  PartitionTotals* totals_;
};

}  // namespace

Result<PartitionTotals> PartitionTree(Source& source, const std::vector<std::string>& roots,
                                      const PartitionOptions& options, const UnitSink& on_unit) {
  if (options.max_entries < 1 || options.max_bytes < 1 || options.max_paths < 1) {
    return Status::InvalidArgument("unit limits must be positive");
  }
  PartitionTotals totals;
  Packer packer(options, on_unit);
  Partitioner partitioner(source, options, packer, &totals);
  // Every root is checked before the first unit goes out: a bad root fails the scan
  // before any part is enqueued.
  for (const auto& root : roots) {
    ARBOR_ASSIGN_OR_RETURN(Node node, source.Stat(root));
    if (!node.IsDir()) return Status::InvalidArgument(root + " is not a directory");
  }
  for (const auto& root : roots) {
    ARBOR_ASSIGN_OR_RETURN(Totals t, partitioner.Visit(root, nullptr));
    totals.entries += t.entries;
    totals.bytes += t.bytes;
  }
  ARBOR_RETURN_IF_ERROR(packer.Flush());
  return totals;
}

Result<Partition> PartitionTree(Source& source, const std::vector<std::string>& roots,
                                const PartitionOptions& options) {
  Partition out;
  auto collect = [&out](BackupUnit unit) {
    out.units.push_back(std::move(unit));
    return Status::Ok();
  };
  ARBOR_ASSIGN_OR_RETURN(PartitionTotals totals, PartitionTree(source, roots, options, collect));
  static_cast<PartitionTotals&>(out) = std::move(totals);
  return out;
}

}  // namespace arbor
