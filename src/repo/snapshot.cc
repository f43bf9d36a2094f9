#include "repo/snapshot.h"

#include "repo/format.h"
#include "repo/schema/snapshot_generated.h"

namespace arbor {
namespace {

fb::Hash32 ToFb(const Digest& d) { return fb::Hash32(flatbuffers::span<const uint8_t, 32>(d.bytes)); }

Digest FromFb(const fb::Hash32& h) {
  Digest d;
  std::copy(h.b()->begin(), h.b()->end(), d.bytes.begin());
  return d;
}

std::vector<std::string> Strings(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v) {
    for (const auto* s : *v) out.push_back(s->str());
  }
  return out;
}

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

}  // namespace

std::string Snapshot::Encode() const {
  flatbuffers::FlatBufferBuilder b(1024);
  auto hostname_off = b.CreateString(hostname);
  auto username_off = b.CreateString(username);
  auto paths_off = b.CreateVectorOfStrings(paths);
  auto tags_off = b.CreateVectorOfStrings(tags);
  auto source_off = b.CreateString(source);
  auto source_snapshot_off = b.CreateString(source_snapshot);
  auto version_off = b.CreateString(program_version);
  auto stats_off = fb::CreateSnapshotStats(b, stats.files_total, stats.dirs_total, stats.bytes_total,
                                           stats.files_read, stats.bytes_read, stats.bytes_added, stats.blobs_added,
                                           stats.packs_written, stats.errors);
  fb::SnapshotBuilder sb(b);
  sb.add_version(format::kSnapshotVersion);
  fb::Hash32 tree_fb = ToFb(tree), parent_fb;
  sb.add_tree(&tree_fb);
  sb.add_time_ns(time_ns);
  sb.add_end_time_ns(end_time_ns);
  sb.add_hostname(hostname_off);
  sb.add_username(username_off);
  sb.add_paths(paths_off);
  sb.add_tags(tags_off);
  if (parent) {
    parent_fb = ToFb(*parent);
    sb.add_parent(&parent_fb);
  }
  sb.add_source(source_off);
  sb.add_source_snapshot(source_snapshot_off);
  sb.add_program_version(version_off);
  sb.add_stats(stats_off);
  b.Finish(sb.Finish(), fb::SnapshotIdentifier());
  return format::Header(format::kSnapshotMagic, format::kSnapshotVersion) +
         std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

Result<Snapshot> Snapshot::Decode(std::string_view object) {
  ARBOR_ASSIGN_OR_RETURN(std::string_view body, format::CheckHeader(object, format::kSnapshotMagic,
                                                                    format::kSnapshotVersion, "snapshot"));
  const auto* data = reinterpret_cast<const uint8_t*>(body.data());
  flatbuffers::Verifier verifier(data, body.size());
  if (body.size() < 8 || !fb::SnapshotBufferHasIdentifier(data) || !fb::VerifySnapshotBuffer(verifier)) {
    return Status::Corruption("snapshot object fails verification");
  }
  const fb::Snapshot* f = fb::GetSnapshot(data);
  if (!f->tree()) return Status::Corruption("snapshot has no tree");
  Snapshot s;
  s.tree = FromFb(*f->tree());
  s.time_ns = f->time_ns();
  s.end_time_ns = f->end_time_ns();
  s.hostname = Str(f->hostname());
  s.username = Str(f->username());
  s.paths = Strings(f->paths());
  s.tags = Strings(f->tags());
  if (f->parent()) s.parent = FromFb(*f->parent());
  s.source = Str(f->source());
  s.source_snapshot = Str(f->source_snapshot());
  s.program_version = Str(f->program_version());
  if (const auto* st = f->stats()) {
    s.stats = {st->files_total(), st->dirs_total(),  st->bytes_total(),   st->files_read(), st->bytes_read(),
               st->bytes_added(), st->blobs_added(), st->packs_written(), st->errors()};
  }
  return s;
}

std::string PartialTag(int64_t scan_job_id) { return std::string(kPartialTagPrefix) + std::to_string(scan_job_id); }

std::optional<int64_t> PartialOf(const Snapshot& snapshot) {
  for (const auto& tag : snapshot.tags) {
    if (tag.rfind(kPartialTagPrefix, 0) != 0) continue;
    try {
      return std::stoll(tag.substr(kPartialTagPrefix.size()));
    } catch (const std::exception&) {
      return int64_t{0};  // a malformed id is still partial
    }
  }
  return std::nullopt;
}

bool IsPartial(const Snapshot& snapshot) { return PartialOf(snapshot).has_value(); }

}  // namespace arbor
