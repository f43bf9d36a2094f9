// Store: file content (sparse files), written-range bookkeeping, copy-on-write after
// snapshots, and List Ranges.
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store.h"
#include "store_codec.h"

namespace arbor::azfiles {
namespace {

Status InvalidRange() {
  return ApiError("InvalidRange", "The range specified is invalid for the current size of the resource.");
}

Status CopyRange(int from, int to, const ByteRange& r) {
  std::string buf;
  for (uint64_t done = 0; done < r.length;) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(r.length - done, 4u << 20));
    ARBOR_RETURN_IF_ERROR(PreadFull(from, r.offset + done, chunk, &buf));
    buf.resize(chunk, '\0');  // a short read past the end of a sparse file reads zeros
    if (::pwrite(to, buf.data(), buf.size(), static_cast<off_t>(r.offset + done)) != static_cast<ssize_t>(buf.size())) {
      return Status::FromErrno(errno, "pwrite");
    }
    done += chunk;
  }
  return Status::Ok();
}

Status PwriteAll(int fd, uint64_t offset, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "pwrite");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<UniqueFd> OpenContent(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (!fd.valid()) return Status::FromErrno(errno, "open " + path);
  return fd;
}

}  // namespace

Result<int64_t> Store::NextSeq() {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value"));
  ARBOR_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status::Internal("meta.seq is missing");
  int64_t seq = s.Int(0);
  ARBOR_RETURN_IF_ERROR(s.Run());
  return seq;
}

Result<RangeMap> Store::LoadRanges(int64_t content_id) {
  if (content_id == 0) return RangeMap();
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement s,
      db_->Prepare("SELECT start, length, seq FROM ranges WHERE content_id = $1 ORDER BY start"));
  s.Bind(1, content_id);
  std::vector<SeqRange> pieces;
  while (true) {
    ARBOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    pieces.push_back({FromSql(s.Int(0)), FromSql(s.Int(1)), FromSql(s.Int(2))});
  }
  return RangeMap(std::move(pieces));
}

Status Store::SaveRanges(int64_t content_id, const RangeMap& map) {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement del, db_->Prepare("DELETE FROM ranges WHERE content_id = $1"));
  ARBOR_RETURN_IF_ERROR(del.Bind(1, content_id).Run());
  for (const SeqRange& p : map.pieces()) {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement ins, db_->Prepare("INSERT INTO ranges VALUES($1, $2, $3, $4)"));
    ARBOR_RETURN_IF_ERROR(ins.Bind(1, content_id)
                              .Bind(2, ToSql(p.offset))
                              .Bind(3, ToSql(p.length))
                              .Bind(4, ToSql(p.seq))
                              .Run());
  }
  return Status::Ok();
}

// Gives `node` a content it alone may write: a new empty one, or a copy of a content that a
// snapshot froze (only the written ranges are copied, so sparse files stay sparse).
Status Store::EnsureWritableContent(Node* node) {
  bool frozen = false;
  if (node->content_id != 0) {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s, db_->Prepare("SELECT frozen FROM contents WHERE id = $1"));
    ARBOR_ASSIGN_OR_RETURN(bool row, s.Bind(1, node->content_id).Step());
    frozen = row && s.Int(0) != 0;
    if (!frozen) return Status::Ok();
  }
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement next,
      db_->Prepare("UPDATE meta SET value = value + 1 WHERE key = 'content' RETURNING value"));
  ARBOR_ASSIGN_OR_RETURN(bool got, next.Step());
  if (!got) return Status::Internal("meta.content is missing");
  int64_t id = next.Int(0);
  ARBOR_RETURN_IF_ERROR(next.Run());
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement add, db_->Prepare("INSERT INTO contents VALUES($1, 0)"));
  ARBOR_RETURN_IF_ERROR(add.Bind(1, id).Run());
  ARBOR_ASSIGN_OR_RETURN(UniqueFd out, OpenContent(ContentPath(id), O_RDWR | O_CREAT | O_TRUNC));
  if (::ftruncate(out.get(), static_cast<off_t>(node->size)) != 0)
    return Status::FromErrno(errno, "ftruncate");
  if (frozen) {
    ARBOR_ASSIGN_OR_RETURN(RangeMap map, LoadRanges(node->content_id));
    ARBOR_ASSIGN_OR_RETURN(UniqueFd in, OpenContent(ContentPath(node->content_id), O_RDONLY));
    for (const ByteRange& r : map.Valid()) ARBOR_RETURN_IF_ERROR(CopyRange(in.get(), out.get(), r));
    ARBOR_RETURN_IF_ERROR(SaveRanges(id, map));
  }
  node->content_id = id;
  return Status::Ok();
}

Status Store::ResizeContent(Node* node, uint64_t size) {
  node->size = size;
  if (node->content_id == 0) return Status::Ok();
  ARBOR_RETURN_IF_ERROR(EnsureWritableContent(node));
  ARBOR_ASSIGN_OR_RETURN(UniqueFd fd, OpenContent(ContentPath(node->content_id), O_RDWR));
  if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) return Status::FromErrno(errno, "ftruncate");
  ARBOR_ASSIGN_OR_RETURN(RangeMap map, LoadRanges(node->content_id));
  map.Truncate(size);
  return SaveRanges(node->content_id, map);
}

Status Store::ReleaseContent(int64_t content_id) {
  if (content_id == 0) return Status::Ok();
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s, db_->Prepare("SELECT frozen FROM contents WHERE id = $1"));
  ARBOR_ASSIGN_OR_RETURN(bool row, s.Bind(1, content_id).Step());
  if (row && s.Int(0) != 0) return Status::Ok();  // a snapshot still reads it; CollectGarbage frees it later
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement del, db_->Prepare("DELETE FROM contents WHERE id = $1"));
  ARBOR_RETURN_IF_ERROR(del.Bind(1, content_id).Run());
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement ranges, db_->Prepare("DELETE FROM ranges WHERE content_id = $1"));
  ARBOR_RETURN_IF_ERROR(ranges.Bind(1, content_id).Run());
  ::unlink(ContentPath(content_id).c_str());
  return Status::Ok();
}

Status Store::CollectGarbage() {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("SELECT id FROM contents WHERE NOT EXISTS (SELECT 1 FROM nodes WHERE "
                                      "content_id = contents.id AND content_id != 0)"));
  std::vector<int64_t> orphans;
  while (true) {
    ARBOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    orphans.push_back(s.Int(0));
  }
  for (int64_t id : orphans) {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement del, db_->Prepare("DELETE FROM contents WHERE id = $1"));
    ARBOR_RETURN_IF_ERROR(del.Bind(1, id).Run());
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement ranges,
                           db_->Prepare("DELETE FROM ranges WHERE content_id = $1"));
    ARBOR_RETURN_IF_ERROR(ranges.Bind(1, id).Run());
    ::unlink(ContentPath(id).c_str());
  }
  return Status::Ok();
}

Result<ReadHandle> Store::OpenForRead(const std::string& share, const std::string& snapshot,
                                      const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, snapshot));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir) return ResourceNotFound();
  ReadHandle handle;
  if (node.content_id != 0) {
    ARBOR_ASSIGN_OR_RETURN(handle.fd, OpenContent(ContentPath(node.content_id), O_RDONLY));
  }
  handle.file = std::move(node);
  return handle;
}

Result<Node> Store::WriteRange(const std::string& share, const std::string& path, uint64_t offset,
                               std::string_view data, bool preserve_last_write) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir) return ResourceNotFound();
  if (offset + data.size() > node.size) return InvalidRange();
  ARBOR_RETURN_IF_ERROR(EnsureWritableContent(&node));
  ARBOR_ASSIGN_OR_RETURN(UniqueFd fd, OpenContent(ContentPath(node.content_id), O_RDWR));
  ARBOR_RETURN_IF_ERROR(PwriteAll(fd.get(), offset, data));
  ARBOR_ASSIGN_OR_RETURN(int64_t seq, NextSeq());
  ARBOR_ASSIGN_OR_RETURN(RangeMap map, LoadRanges(node.content_id));
  map.Write(offset, data.size(), FromSql(seq));
  ARBOR_RETURN_IF_ERROR(SaveRanges(node.content_id, map));
  FileTime now = FileTime::Now();
  if (!preserve_last_write) node.last_write = now;
  node.change = now;
  Touch(&node);
  ARBOR_RETURN_IF_ERROR(SaveNode(info.row, node));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return node;
}

Result<Node> Store::ClearRange(const std::string& share, const std::string& path, ByteRange range,
                               bool preserve_last_write) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir) return ResourceNotFound();
  if (range.end() > node.size) return InvalidRange();
  if (node.content_id != 0) {
    ARBOR_RETURN_IF_ERROR(EnsureWritableContent(&node));
    ARBOR_ASSIGN_OR_RETURN(UniqueFd fd, OpenContent(ContentPath(node.content_id), O_RDWR));
    ARBOR_ASSIGN_OR_RETURN(int64_t seq, NextSeq());
    ARBOR_ASSIGN_OR_RETURN(RangeMap map, LoadRanges(node.content_id));
    RangeMap::ClearPlan plan = map.Clear(range.offset, range.length, FromSql(seq));
    for (const ByteRange& z : plan.zero_fill)
      ARBOR_RETURN_IF_ERROR(PwriteAll(fd.get(), z.offset, std::string(z.length, '\0')));
    if (plan.punch && ::fallocate(fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                  static_cast<off_t>(plan.punch->offset), static_cast<off_t>(plan.punch->length)) != 0) {
      ARBOR_RETURN_IF_ERROR(PwriteAll(fd.get(), plan.punch->offset, std::string(plan.punch->length, '\0')));
    }
    ARBOR_RETURN_IF_ERROR(SaveRanges(node.content_id, map));
  }
  FileTime now = FileTime::Now();
  if (!preserve_last_write) node.last_write = now;
  node.change = now;
  Touch(&node);
  ARBOR_RETURN_IF_ERROR(SaveNode(info.row, node));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return node;
}

Result<RangeReply> Store::ListRanges(const std::string& share, const std::string& snapshot,
                                     const std::string& path, const std::string& previous_snapshot,
                                     std::optional<ByteRange> window, bool support_rename) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, snapshot));
  RangeReply reply;
  ARBOR_ASSIGN_OR_RETURN(reply.file, Resolve(info, path));
  if (reply.file.is_dir) return ResourceNotFound();
  ByteRange whole{0, reply.file.size};
  ByteRange clip = window ? ByteRange{window->offset, std::min(window->end(), whole.end()) - std::min(window->offset, whole.end())} : whole;
  ARBOR_ASSIGN_OR_RETURN(RangeMap target, LoadRanges(reply.file.content_id));
  if (previous_snapshot.empty()) {
    reply.ranges.ranges = target.Valid(clip);
    return reply;
  }
  Result<ShareInfo> prev = LoadShare(share, previous_snapshot);
  if (!prev.ok()) return ApiError("PreviousSnapshotNotFound", "The previous snapshot does not exist.");
  Result<Node> before = LoadNode(prev->row, reply.file.file_id);
  if (!before.ok()) {
    // Not in the earlier snapshot: new since then, unless its path held another file.
    Result<Node> same_path = Resolve(*prev, path);
    if (same_path.ok())
      return ApiError("FileGenerationMismatch", "The file was re-created since the previous snapshot.");
    reply.ranges.ranges = target.Valid(clip);
    return reply;
  }
  bool renamed = before->parent_id != reply.file.parent_id || NameKey(before->name) != NameKey(reply.file.name);
  if (renamed && !support_rename) {
    return ApiError(
        "FileRenamedSincePreviousSnapshot",
        "The file was renamed or moved since the previous snapshot; send x-ms-file-support-rename.");
  }
  if (before->content_id == reply.file.content_id) return reply;
  ARBOR_ASSIGN_OR_RETURN(RangeMap earlier, LoadRanges(before->content_id));
  reply.ranges.ranges = target.ChangedSince(FromSql(prev->snapshot_seq), clip);
  reply.ranges.clear_ranges = SubtractRanges(earlier.Valid(clip), target.Valid(clip));
  return reply;
}

}  // namespace arbor::azfiles
