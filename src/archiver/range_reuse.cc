#include "archiver/range_reuse.h"

#include <algorithm>

#include "archiver/chunk_writer.h"
#include "archiver/file_saver.h"
#include "hash/quickxor.h"

namespace arbor {
namespace {

constexpr uint64_t kReadPiece = 4u << 20;

// Sorted, merged (touching ranges too), clipped to [0, limit).
std::vector<Extent> Normalize(std::vector<Extent> ranges, uint64_t limit) {
  std::sort(ranges.begin(), ranges.end(),
            [](const Extent& a, const Extent& b) { return a.offset < b.offset; });
  std::vector<Extent> out;
  for (const Extent& r : ranges) {
    uint64_t begin = r.offset, end = std::min(r.offset + r.length, limit);
    if (begin >= end) continue;
    if (!out.empty() && begin <= out.back().offset + out.back().length) {
      out.back().length = std::max(out.back().offset + out.back().length, end) - out.back().offset;
    } else {
      out.push_back({begin, end - begin});
    }
  }
  return out;
}

bool Overlaps(const std::vector<Extent>& sorted, uint64_t begin, uint64_t end) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), begin,
                             [](uint64_t pos, const Extent& e) { return pos < e.offset + e.length; });
  return it != sorted.end() && it->offset < end;
}

// One incremental save in progress. Read failures of the source are kept in
// *read_error and unwind as Cancelled; any other error is the repository's.
class Rebuilder {
 public:
  Rebuilder(Repository& repo, FileReader& reader, const Node& base, const RangeReusePlan& plan, Node* node,
            uint64_t* bytes_read, Status* read_error)
      : repo_(repo),
        reader_(reader),
        base_(base),
        plan_(plan),
        node_(node),
        bytes_read_(bytes_read),
        read_error_(read_error) {}

  Status Run(uint64_t new_size) {
    node_->content.clear();
    node_->chunk_sizes.clear();
    delta_.SetLength(new_size);
    new_size_ = new_size;
    size_t next = 0;
    for (const auto& run : plan_.runs) {
      Keep(next, run.first_chunk);
      ARBOR_RETURN_IF_ERROR(Rebuild(run));
      next = run.end_chunk;
    }
    Keep(next, base_.content.size());
    node_->quickxor = delta_.Amend(*base_.quickxor, base_.size);
    node_->size = new_size;
    node_->data_extents.clear();
    return Status::Ok();
  }

 private:
  void Keep(size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      node_->content.push_back(base_.content[k]);
      node_->chunk_sizes.push_back(base_.chunk_sizes[k]);
    }
  }

  Status Rebuild(const RangeReusePlan::Run& run) {
    ChunkWriter out(repo_, node_);
    for (size_t k = run.first_chunk; k < run.end_chunk; ++k) {
      ARBOR_ASSIGN_OR_RETURN(std::string bytes, repo_.LoadBlob(base_.content[k]));
      if (bytes.size() != base_.chunk_sizes[k])
        return Status::Corruption("chunk " + base_.content[k].Hex() + " has the wrong size");
      uint64_t offset = plan_.offsets[k];
      delta_.UpdateAt(offset, bytes);  // the old bytes out...
      bytes.resize(
          static_cast<size_t>(std::min<uint64_t>(bytes.size(), new_size_ - std::min(new_size_, offset))));
      ARBOR_RETURN_IF_ERROR(Overlay(offset, &bytes));
      delta_.UpdateAt(offset, bytes);  // ...and the new ones in
      ARBOR_RETURN_IF_ERROR(out.Append(bytes));
    }
    for (uint64_t pos = std::max(run.begin, base_.size); pos < run.new_end; pos += kReadPiece) {
      std::string piece(static_cast<size_t>(std::min(kReadPiece, run.new_end - pos)), '\0');
      ARBOR_RETURN_IF_ERROR(ReadExact(pos, piece.data(), piece.size()));
      delta_.UpdateAt(pos, piece);
      ARBOR_RETURN_IF_ERROR(out.Append(piece));
    }
    return out.Finish();
  }

  // Reads the changed ranges that fall inside [offset, offset + bytes->size()) over *bytes.
  Status Overlay(uint64_t offset, std::string* bytes) {
    uint64_t end = offset + bytes->size();
    for (const Extent& e : plan_.changed) {
      uint64_t from = std::max(e.offset, offset), to = std::min(e.offset + e.length, end);
      if (from >= to) continue;
      ARBOR_RETURN_IF_ERROR(ReadExact(from, bytes->data() + (from - offset), static_cast<size_t>(to - from)));
    }
    return Status::Ok();
  }

  Status ReadExact(uint64_t offset, char* buf, size_t len) {
    while (len > 0) {
      auto n = reader_.ReadAt(offset, buf, len);
      if (!n.ok() || *n == 0) {
        *read_error_ = n.ok() ? Status::IOError("the file shrank while it was read") : n.status();
        return Status::Cancelled("read failed");
      }
      *bytes_read_ += *n;
      offset += *n;
      buf += *n;
      len -= *n;
    }
    return Status::Ok();
  }

  Repository& repo_;
  FileReader& reader_;
  const Node& base_;
  const RangeReusePlan& plan_;
  Node* node_;
  uint64_t* bytes_read_;
  Status* read_error_;
  QuickXorHash delta_;
  uint64_t new_size_ = 0;
};

}  // namespace

RangeReusePlan PlanRangeReuse(const std::vector<uint32_t>& chunk_sizes, std::vector<Extent> changed,
                              uint64_t new_size) {
  RangeReusePlan plan;
  uint64_t old_size = 0;
  for (uint32_t s : chunk_sizes) {
    plan.offsets.push_back(old_size);
    old_size += s;
  }
  if (new_size > old_size) changed.push_back({old_size, new_size - old_size});
  plan.changed = Normalize(std::move(changed), new_size);
  for (const Extent& e : plan.changed) plan.changed_bytes += e.length;
  const size_t n = chunk_sizes.size();
  auto affected = [&](size_t k) {
    uint64_t end = plan.offsets[k] + chunk_sizes[k];
    return end > new_size || Overlaps(plan.changed, plan.offsets[k], end);
  };
  for (size_t k = 0; k < n;) {
    if (!affected(k)) {
      ++k;
      continue;
    }
    RangeReusePlan::Run run;
    run.first_chunk = k;
    run.begin = plan.offsets[k];
    while (k < n && affected(k)) ++k;
    run.end_chunk = k;
    run.old_end = k < n ? plan.offsets[k] : old_size;
    run.new_end = k < n ? run.old_end : new_size;
    plan.runs.push_back(run);
  }
  bool tail_covered = !plan.runs.empty() && plan.runs.back().end_chunk == n;
  if (new_size > old_size && !tail_covered) plan.runs.push_back({n, n, old_size, old_size, new_size});
  return plan;
}

std::shared_ptr<const Node> RangeReuseBase(const Node* old, const Node& now,
                                           const std::string& previous_source_snapshot) {
  if (old == nullptr || previous_source_snapshot.empty() || !old->IsFile() || !now.IsFile()) return nullptr;
  if (old->file_id == 0 || old->file_id != now.file_id || old->size < kMinRangeReuseSize) return nullptr;
  if (!old->data_extents.empty() || !old->quickxor || old->content.size() != old->chunk_sizes.size())
    return nullptr;
  auto base = std::make_shared<Node>();
  base->name = old->name;
  base->size = old->size;
  base->file_id = old->file_id;
  base->content = old->content;
  base->chunk_sizes = old->chunk_sizes;
  base->quickxor = old->quickxor;
  return base;
}

Status SaveChangedRanges(Repository& repo, FileReader& reader, const Node& base,
                         const std::string& previous_source_snapshot, Node* node, ProgressCounters* progress,
                         uint64_t* bytes_read, Status* read_error) {
  uint64_t old_size = 0;
  for (uint32_t s : base.chunk_sizes) old_size += s;
  auto changed = reader.ChangedRangesSince(previous_source_snapshot);
  if (!changed.ok() || old_size != base.size) {
    return SaveFileContent(repo, reader, node, progress, bytes_read, read_error);
  }
  RangeReusePlan plan = PlanRangeReuse(base.chunk_sizes, std::move(changed).value(), node->size);
  if (plan.changed_bytes * 2 > node->size) {  // mostly new: a plain read is as cheap and simpler
    return SaveFileContent(repo, reader, node, progress, bytes_read, read_error);
  }
  Rebuilder rebuilder(repo, reader, base, plan, node, bytes_read, read_error);
  Status st = rebuilder.Run(node->size);
  if (!read_error->ok()) return Status::Ok();  // the file is skipped with a warning
  if (st.ok()) progress->bytes_done += node->size;
  return st;
}

}  // namespace arbor
