#include "node_index/record_stats.h"

#include "base/coding.h"
#include "node_index/node_tree_impl.h"
#include "node_index/record_format.h"

namespace arbor::node_index {

Result<RecordFieldBytes> MeasureRecordFields(const NodeTree& tree) {
  const NodeTree::Impl& t = TreeAccess::Of(tree);
  RecordFieldBytes out;
  FileEntry e;
  for (size_t s = 0; s < t.slots_.size(); ++s) {
    if (!t.Live(static_cast<uint32_t>(s))) continue;
    std::string_view rec = t.Rec(static_cast<uint32_t>(s));
    RecordView v;
    Status st = RecordView::Parse(rec, &v, Verify::kTrusted);
    if (!st.ok()) return st;
    ++out.records;
    out.allocator += t.slots_[s].rec.get()->AllocatedBytes() - rec.size();
    out.checksum += kChecksumBytes;
    out.dir_header += rec.size() - kChecksumBytes - v.Body().size();
    out.block_table += v.block_table_bytes();
    uint64_t entries = 0;
    for (EntryCursor c(v); c.Next(&e);) {
      ++out.files;
      auto size = static_cast<uint64_t>(VarintLength(e.size));
      auto mtime = static_cast<uint64_t>(VarintLength(static_cast<uint64_t>(e.mtime_s - v.mtime_base())));
      auto id = static_cast<uint64_t>(VarintLength(e.node_id - v.id_base()));
      out.sizes += size;
      out.mtimes += mtime;
      out.ids += id;
      entries += size + mtime + id;
      if (v.hot()) continue;  // stamp and hash are in the cold column, not in RAM
      out.stamps += kStampBytes;
      out.hashes += sizeof e.hash;
      entries += kStampBytes + sizeof e.hash;
    }
    // Everything in the entries that is not a fixed column is a tag, an escape or a name.
    out.names += v.entry_bytes() - entries;
    out.column_header += v.Body().size() - v.entry_bytes() - v.block_table_bytes();
  }
  return out;
}

}  // namespace arbor::node_index
