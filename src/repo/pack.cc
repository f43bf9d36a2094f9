#include "repo/pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>

#include "base/coding.h"
#include "repo/staging.h"

namespace arbor {

// The libarchive callback needs to reach PackWriter's private write path.
struct PackWriterAccess {
  static long Write(PackWriter* w, const void* buf, size_t len) { return w->OnWrite(buf, len); }
};

namespace {

archive* A(void* p) { return static_cast<archive*>(p); }

la_ssize_t WriteToPack(archive* /*a*/, void* writer, const void* buf, size_t len) {
  return PackWriterAccess::Write(static_cast<PackWriter*>(writer), buf, len);
}

constexpr size_t kTrailerRecordSize = 1 + 32 + 4 + 4 + 4;
// A group table's record: the trailer's without the offset, which follows from the
// lengths before it, and with the lengths as varints (a small blob's fit in 2-3 bytes).
constexpr size_t kGroupRecordFixed = 1 + 32;

size_t GroupRecordSize(uint32_t length, uint32_t raw_length) {
  return kGroupRecordFixed + VarintLength(length) + VarintLength(raw_length);
}
// Legacy group tables (packs written before 7 December 2026): id and stored length.
constexpr size_t kLegacyGroupEntrySize = 32 + 4;
// Blobs stored at most this long go into groups; a longer one's header costs under 1.2%.
constexpr size_t kMaxGroupedBlob = 64 << 10;
// A group is written once its blobs reach this size: large enough that the member's
// header and padding vanish (<0.1%), small enough to hold in memory per open pack.
constexpr size_t kGroupBytes = 1 << 20;
constexpr size_t kPackSaltBytes = 16;

std::string PackHeader(const ObjectCipher* cipher, std::string_view salt) {
  if (cipher == nullptr) return format::Header(format::kPackMagic, format::kPackVersion);
  return format::Header(format::kPackMagic, format::kEncryptedVersion) + std::string(salt);
}

// What a group table's seal binds besides the repository: the pack (its salt) and the
// group's place in it, so a table opens only in front of its own blobs.
std::string GroupBinding(std::string_view salt, uint32_t group) {
  std::string binding(salt);
  PutFixed32(&binding, group);
  return binding;
}

}  // namespace

Result<std::unique_ptr<PackWriter>> PackWriter::Create(const std::string& staging_dir,
                                                       const ObjectCipher* cipher) {
  std::unique_ptr<PackWriter> w(new PackWriter());
  w->cipher_ = cipher;
  if (cipher != nullptr) w->salt_ = crypto::RandomBytes(kPackSaltBytes);
  w->path_ = NewStagingPath(staging_dir);
  w->fd_.reset(::open(w->path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!w->fd_.valid()) return Status::FromErrno(errno, "creating pack " + w->path_);
  archive* a = archive_write_new();
  w->archive_ = a;
  archive_write_set_format_ustar(a);
  // Unbuffered: every header and data write reaches WriteCallback at once, so the
  // running byte count is the exact offset of the member being written.
  archive_write_set_bytes_per_block(a, 0);
  if (archive_write_open(a, w.get(), nullptr, &WriteToPack, nullptr) != ARCHIVE_OK) {
    return Status::Internal(std::string("libarchive: ") + archive_error_string(a));
  }
  ARBOR_RETURN_IF_ERROR(w->AddMember(format::kPackHeaderMember, PackHeader(cipher, w->salt_)).status());
  return w;
}

PackWriter::~PackWriter() {
  if (archive_ != nullptr) archive_write_free(A(archive_));
  if (fd_.valid()) {
    fd_.reset();
    ::unlink(path_.c_str());  // abandoned before Finish()
  }
}

long PackWriter::OnWrite(const void* buf, size_t len) {
  std::string_view data(static_cast<const char*>(buf), len);
  hash_.Update(data);
  written_ += len;
  // libarchive hands over a header, the data and the padding separately; batching
  // them saves three system calls per small blob.
  buffer_.append(data);
  if (buffer_.size() >= kWriteBuffer && !FlushBuffer().ok()) return -1;
  return static_cast<long>(len);
}

Status PackWriter::FlushBuffer() {
  Status st = WriteFull(fd_.get(), buffer_, path_);
  buffer_.clear();
  if (!st.ok()) write_error_ = st;
  return st;
}

Result<uint64_t> PackWriter::AddMember(std::string_view name, std::string_view data, std::string_view more) {
  archive_entry* e = archive_entry_new();
  archive_entry_copy_pathname(e, std::string(name).c_str());
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size() + more.size()));
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  int rc = archive_write_header(A(archive_), e);
  archive_entry_free(e);
  // Unbuffered output: the header has been written in full, so this is where the
  // member's data starts.
  uint64_t data_offset = written_;
  for (std::string_view part : {data, more}) {
    if (rc == ARCHIVE_OK && !part.empty() &&
        archive_write_data(A(archive_), part.data(), part.size()) != static_cast<la_ssize_t>(part.size())) {
      rc = ARCHIVE_FATAL;
    }
  }
  if (rc == ARCHIVE_OK) return data_offset;
  if (!write_error_.ok()) return write_error_;
  return Status::IOError(std::string("writing pack: ") + archive_error_string(A(archive_)));
}

uint64_t PackWriter::size() const {
  if (group_records_.empty()) return written_;
  return written_ + group_.size() + 8 + group_table_bytes_ + (cipher_ != nullptr ? crypto::kSealOverhead : 0);
}

bool StoredInGroup(uint64_t length) { return length <= kMaxGroupedBlob; }

Status PackWriter::Add(format::BlobType type, const Digest& id, std::string_view encoded,
                       uint32_t raw_length) {
  if (StoredInGroup(encoded.size())) {
    records_.push_back({type, id, 0, static_cast<uint32_t>(encoded.size()), raw_length});
    group_records_.push_back(records_.size() - 1);
    group_table_bytes_ += GroupRecordSize(records_.back().length, raw_length);
    group_.append(encoded);
    return group_.size() >= kGroupBytes ? FlushGroup() : Status::Ok();
  }
  ARBOR_ASSIGN_OR_RETURN(uint64_t offset, AddMember(id.Hex(), encoded));
  if (offset + encoded.size() > UINT32_MAX) return Status::Internal("pack grew past 4 GiB");
  records_.push_back(
      {type, id, static_cast<uint32_t>(offset), static_cast<uint32_t>(encoded.size()), raw_length});
  return Status::Ok();
}

std::string PackWriter::GroupTable(uint32_t group) const {
  std::string table;
  table.reserve(4 + group_table_bytes_);
  PutFixed32(&table, static_cast<uint32_t>(group_records_.size()));
  for (size_t i : group_records_) {
    const PackRecord& r = records_[i];
    table.push_back(static_cast<char>(r.type));
    table.append(r.id.view());
    PutVarint32(&table, r.length);
    PutVarint32(&table, r.raw_length);
  }
  if (cipher_ == nullptr) return table;
  return cipher_->master().encryption_key().Seal(
      table, cipher_->AssociatedData(SealedKind::kPackGroup, GroupBinding(salt_, group)));
}

Status PackWriter::FlushGroup() {
  if (group_records_.empty()) return Status::Ok();
  uint32_t group = groups_written_++;
  // The table's size, the table, then the blobs as they are: group_ is handed over, not
  // copied behind them.
  std::string head;
  std::string table = GroupTable(group);
  PutFixed32(&head, static_cast<uint32_t>(table.size()));
  head += table;
  std::string name = std::string(format::kPackGroupMemberPrefix) + std::to_string(group);
  ARBOR_ASSIGN_OR_RETURN(uint64_t at, AddMember(name, head, group_));
  at += head.size();
  if (at + group_.size() > UINT32_MAX) return Status::Internal("pack grew past 4 GiB");
  for (size_t i : group_records_) {
    records_[i].offset = static_cast<uint32_t>(at);
    at += records_[i].length;
  }
  group_.clear();
  group_records_.clear();
  group_table_bytes_ = 0;
  return Status::Ok();
}

Result<FinishedPack> PackWriter::Finish() {
  ARBOR_RETURN_IF_ERROR(FlushGroup());
  std::vector<PackRecord> own_members;
  for (const auto& r : records_) {
    if (!StoredInGroup(r.length)) own_members.push_back(r);
  }
  std::string trailer = EncodePackTrailer(own_members);
  if (cipher_ != nullptr) {
    trailer = cipher_->master().encryption_key().Seal(trailer,
                                                      cipher_->AssociatedData(SealedKind::kPackIndex, salt_));
  }
  ARBOR_RETURN_IF_ERROR(AddMember(format::kPackTocMember, trailer).status());
  if (archive_write_close(A(archive_)) != ARCHIVE_OK) {
    return write_error_.ok() ? Status::IOError("closing pack") : write_error_;
  }
  archive_write_free(A(archive_));
  archive_ = nullptr;
  ARBOR_RETURN_IF_ERROR(FlushBuffer());
  fd_.reset();
  FinishedPack out;
  out.id = hash_.Finish();
  out.staged_path = path_;
  out.size = written_;
  out.records = std::move(records_);
  return out;
}

uint64_t MinPackSize(uint64_t blobs_end, uint64_t trailer_count, bool encrypted) {
  constexpr uint64_t kBlock = 512;  // tar: headers and padded member data
  auto padded = [](uint64_t n) { return (n + kBlock - 1) / kBlock * kBlock; };
  uint64_t trailer = 4 + trailer_count * kTrailerRecordSize + (encrypted ? crypto::kSealOverhead : 0);
  return padded(blobs_end) + kBlock + padded(trailer) + 2 * kBlock;  // + end-of-archive blocks
}

std::string EncodePackTrailer(const std::vector<PackRecord>& records) {
  std::string out;
  out.reserve(4 + records.size() * kTrailerRecordSize);
  PutFixed32(&out, static_cast<uint32_t>(records.size()));
  for (const auto& r : records) {
    out.push_back(static_cast<char>(r.type));
    out.append(r.id.view());
    PutFixed32(&out, r.offset);
    PutFixed32(&out, r.length);
    PutFixed32(&out, r.raw_length);
  }
  return out;
}

Result<std::vector<PackRecord>> DecodePackTrailer(std::string_view data) {
  uint32_t count = 0;
  if (!GetFixed32(&data, &count) || data.size() != static_cast<size_t>(count) * kTrailerRecordSize) {
    return Status::Corruption("pack trailer has the wrong size");
  }
  std::vector<PackRecord> records(count);
  for (auto& r : records) {
    auto type = static_cast<uint8_t>(data[0]);
    if (type > 1) return Status::Corruption("pack trailer has an unknown blob type");
    r.type = static_cast<format::BlobType>(type);
    r.id = Digest::FromBytes(data.substr(1, 32));
    data.remove_prefix(33);
    (void)GetFixed32(&data, &r.offset);
    (void)GetFixed32(&data, &r.length);
    (void)GetFixed32(&data, &r.raw_length);
  }
  return records;
}

namespace {

// Reads members in order into *members until the archive ends (OK) or breaks (the
// error; what was read before stays in *members).
Status ReadMembers(std::string_view pack, std::vector<PackMember>* members) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), pack.data(), pack.size()) != ARCHIVE_OK) {
    return Status::Corruption(std::string("pack is not a tar archive: ") + archive_error_string(a.get()));
  }
  archive_entry* e = nullptr;
  int rc = 0;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    PackMember m;
    m.name = archive_entry_pathname(e);
    // ustar with short names: data follows the 512-byte header directly.
    m.data_offset = static_cast<uint64_t>(archive_read_header_position(a.get())) + 512;
    auto size = archive_entry_size(e);
    if (size < 0 || static_cast<uint64_t>(size) > pack.size())
      return Status::Corruption("pack member too large");
    m.data.resize(static_cast<size_t>(size));
    if (size > 0 && archive_read_data(a.get(), m.data.data(), m.data.size()) != size) {
      return Status::Corruption("pack member " + m.name + " is truncated");
    }
    members->push_back(std::move(m));
  }
  if (rc != ARCHIVE_EOF) {
    return Status::Corruption(std::string("pack tar structure is damaged: ") + archive_error_string(a.get()));
  }
  return Status::Ok();
}

bool IsGroup(const PackMember& m) { return m.name.starts_with(format::kPackGroupMemberPrefix); }
bool IsLegacyGroup(const PackMember& m) { return m.name.starts_with(format::kLegacyGroupMemberPrefix); }

// The salt in a version-2 pack's header member; empty when there is none.
std::string_view SaltOf(const std::vector<PackMember>& members) {
  if (members.empty() || members.front().name != format::kPackHeaderMember) return {};
  std::string_view header = members.front().data;
  if (header.size() != format::kHeaderSize + kPackSaltBytes) return {};
  return header.substr(format::kHeaderSize);
}

Status DamagedTable(const PackMember& group) {
  return Status::Corruption("pack member " + group.name + " has a damaged table");
}

// The plaintext of a group's table: itself in a version-1 pack, opened in a version-2
// pack with the group's number (from its name) bound in.
Result<std::string> OpenGroupTable(const PackMember& group, std::string_view table,
                                   const ObjectCipher* cipher, std::string_view salt) {
  if (cipher == nullptr) return std::string(table);
  std::string_view digits = std::string_view(group.name).substr(format::kPackGroupMemberPrefix.size());
  uint32_t number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size()) return DamagedTable(group);
  auto opened = cipher->master().encryption_key().Open(
      table, cipher->AssociatedData(SealedKind::kPackGroup, GroupBinding(salt, number)));
  if (!opened.ok()) return Status::Corruption("pack member " + group.name + "'s table does not open");
  return std::move(opened).value();
}

// Appends the blobs that follow a group's table (at `offset` in the pack) to *out, one
// member each, named by its record's id and, when the table held whole records
// (`full`), carrying its record with the offset filled in.
Status AppendGroupBlobs(const PackMember& group, uint64_t offset, std::string_view blobs,
                        std::vector<PackRecord> records, bool full, std::vector<PackMember>* out) {
  for (PackRecord& r : records) {
    if (r.length > blobs.size()) {
      return Status::Corruption("pack member " + group.name + " is shorter than its table says");
    }
    if (offset + r.length > UINT32_MAX)
      return Status::Corruption("pack member " + group.name + " lies past 4 GiB");
    r.offset = static_cast<uint32_t>(offset);
    PackMember m;
    m.name = r.id.Hex();
    m.data_offset = offset;
    m.data.assign(blobs.substr(0, r.length));
    if (full) m.record = r;
    blobs.remove_prefix(r.length);
    offset += r.length;
    out->push_back(std::move(m));
  }
  if (!blobs.empty())
    return Status::Corruption("pack member " + group.name + " is longer than its table says");
  return Status::Ok();
}

// Appends the blobs of a group member to *out, each as a member named by its id and
// carrying its record.
Status SplitGroup(const PackMember& group, const ObjectCipher* cipher, std::string_view salt,
                  std::vector<PackMember>* out) {
  std::string_view in = group.data;
  uint32_t table_size = 0;
  if (!GetFixed32(&in, &table_size) || table_size > in.size()) return DamagedTable(group);
  ARBOR_ASSIGN_OR_RETURN(std::string table_bytes,
                         OpenGroupTable(group, in.substr(0, table_size), cipher, salt));
  std::string_view table = table_bytes;
  uint32_t count = 0;
  // Each record takes at least kGroupRecordFixed + 2 bytes: checked before anything is
  // allocated from the count.
  if (!GetFixed32(&table, &count) || table.size() / (kGroupRecordFixed + 2) < count)
    return DamagedTable(group);
  std::vector<PackRecord> records(count);
  for (PackRecord& r : records) {
    if (table.size() < kGroupRecordFixed) return DamagedTable(group);
    auto type = static_cast<uint8_t>(table[0]);
    if (type > 1) return Status::Corruption("pack member " + group.name + " names an unknown blob type");
    r.type = static_cast<format::BlobType>(type);
    r.id = Digest::FromBytes(table.substr(1, 32));
    table.remove_prefix(kGroupRecordFixed);
    if (!GetVarint32(&table, &r.length) || !GetVarint32(&table, &r.raw_length)) return DamagedTable(group);
  }
  if (!table.empty()) return DamagedTable(group);
  return AppendGroupBlobs(group, group.data_offset + 4 + table_size, in.substr(table_size),
                          std::move(records),
                          /*full=*/true, out);
}

// SplitGroup for a group written before 7 December 2026, whose table holds ids and
// stored lengths only.
Status SplitLegacyGroup(const PackMember& group, std::vector<PackMember>* out) {
  std::string_view in = group.data;
  uint32_t count = 0;
  if (!GetFixed32(&in, &count) || in.size() / kLegacyGroupEntrySize < count) return DamagedTable(group);
  std::vector<PackRecord> records(count);
  for (PackRecord& r : records) {
    r.id = Digest::FromBytes(in.substr(0, 32));
    in.remove_prefix(32);
    (void)GetFixed32(&in, &r.length);
  }
  return AppendGroupBlobs(group, group.data_offset + 4 + uint64_t{count} * kLegacyGroupEntrySize, in,
                          std::move(records), /*full=*/false, out);
}

// The members with every group split into its blobs. Corruption from a damaged group
// (`strict`), else that group is left out.
Result<std::vector<PackMember>> SplitGroups(std::vector<PackMember> members, const ObjectCipher* cipher,
                                            bool strict) {
  std::string salt(SaltOf(members));
  std::vector<PackMember> out;
  out.reserve(members.size());
  for (auto& m : members) {
    if (!IsGroup(m) && !IsLegacyGroup(m)) {
      out.push_back(std::move(m));
      continue;
    }
    size_t before = out.size();
    Status st = IsGroup(m) ? SplitGroup(m, cipher, salt, &out) : SplitLegacyGroup(m, &out);
    if (!st.ok()) {
      if (strict) return st;
      out.resize(before);
    }
  }
  return out;
}

}  // namespace

Result<std::vector<PackMember>> ReadPackMembers(std::string_view pack, const ObjectCipher* cipher) {
  std::vector<PackMember> members;
  ARBOR_RETURN_IF_ERROR(ReadMembers(pack, &members));
  if (members.empty() || members.front().name != format::kPackHeaderMember) {
    return Status::Corruption("pack does not start with its header member");
  }
  const std::string& header = members.front().data;
  ARBOR_RETURN_IF_ERROR(
      format::CheckHeader(header, format::kPackMagic, format::kEncryptedVersion, "pack").status());
  uint32_t version = DecodeFixed32(header.data() + format::kPackMagic.size());
  uint32_t expected = cipher == nullptr ? format::kPackVersion : format::kEncryptedVersion;
  size_t header_size = format::kHeaderSize + (cipher == nullptr ? 0 : kPackSaltBytes);
  if (version != expected || header.size() != header_size) {
    return Status::Corruption("pack has format version " + std::to_string(version) + " in a " +
                              (cipher == nullptr ? "version-1 (unencrypted)" : "version-2 (encrypted)") +
                              " repository");
  }
  return SplitGroups(std::move(members), cipher, /*strict=*/true);
}

Result<std::vector<PackRecord>> PackRecordsOf(std::string_view pack, const ObjectCipher* cipher) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<PackMember> members, ReadPackMembers(pack, cipher));
  // A legacy trailer lists every blob (its groups' tables repeat ids only); a current one
  // lists the blobs that are members of their own, the group tables the rest.
  bool legacy = members.back().name == format::kPackTrailerMember;
  if (!legacy && members.back().name != format::kPackTocMember)
    return Status::Corruption("pack has no trailer member");
  ARBOR_ASSIGN_OR_RETURN(std::vector<PackRecord> records,
                         OpenPackTrailer(members.front().data, members.back().data, cipher));
  if (!legacy) {
    for (const auto& m : members) {
      if (m.record) records.push_back(*m.record);
    }
  }
  std::sort(records.begin(), records.end(),
            [](const PackRecord& a, const PackRecord& b) { return a.offset < b.offset; });
  for (const auto& r : records) {
    if (static_cast<uint64_t>(r.offset) + r.length > pack.size()) {
      return Status::Corruption("pack trailer names bytes past the end of the pack");
    }
  }
  return records;
}

Result<std::vector<PackRecord>> OpenPackTrailer(std::string_view header_member,
                                                std::string_view trailer_member, const ObjectCipher* cipher) {
  if (cipher == nullptr) return DecodePackTrailer(trailer_member);
  if (header_member.size() != format::kHeaderSize + kPackSaltBytes) {
    return Status::Corruption("pack header member has no salt");
  }
  auto opened = cipher->master().encryption_key().Open(
      trailer_member,
      cipher->AssociatedData(SealedKind::kPackIndex, header_member.substr(format::kHeaderSize)));
  if (!opened.ok()) return opened.status().Annotate("pack trailer");
  return DecodePackTrailer(*opened);
}

std::vector<PackMember> SalvagePackMembers(std::string_view pack, const ObjectCipher* cipher) {
  std::vector<PackMember> members;
  (void)ReadMembers(pack, &members);  // a damaged archive still yields what precedes the damage
  return SplitGroups(std::move(members), cipher, /*strict=*/false).value();
}

}  // namespace arbor
