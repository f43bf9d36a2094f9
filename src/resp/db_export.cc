#include "resp/db_export.h"

#include "hash/sha256.h"
#include "resp/keyspace.h"

namespace arbor::resp {
namespace {

constexpr std::string_view kMagic = "ARBORDB\n";
constexpr size_t kHeader = 8 + 4 + 8;
constexpr size_t kChecksum = 32;
static_assert(kHeader + kChecksum == kDbExportOverhead);

Status Refused(const std::string& why) {
  return Status::Corruption("the export is " + why + "; refused, nothing imported");
}

// Reads length-prefixed fields from the records' bytes.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool Done() const { return rest_.empty(); }
  bool Byte(char* out) {
    if (rest_.empty()) return false;
    *out = rest_[0];
    rest_.remove_prefix(1);
    return true;
  }
  bool Field(std::string* out) {
    if (rest_.size() < 4) return false;
    uint32_t n = ReadBigEndian32(rest_);
    rest_.remove_prefix(4);
    if (rest_.size() < n) return false;
    *out = std::string(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view rest_;
};

// Whether a record's key and value have the shape its tag allows.
bool WellFormed(const DbRecord& r) {
  switch (r.tag) {
    case '\x01': {
      if (r.value.empty()) return false;
      switch (static_cast<KeyType>(r.value[0])) {
        case KeyType::kString:
          return true;
        case KeyType::kHash:
        case KeyType::kSet:
          return r.value.size() == 9;
        case KeyType::kList:
          return r.value.size() == 17;
      }
      return false;
    }
    case '\x02':
      return r.key.size() >= 4 && ReadBigEndian32(r.key) <= r.key.size() - 4;
    case '\x03':
      return r.key.size() == 32 && r.value.size() == 40;
    case '\x04':
      return r.key.size() == 32 && r.value.empty();
    default:
      return false;
  }
}

}  // namespace

std::string EncodeDbExport(const std::vector<DbRecord>& records) {
  std::string out(kMagic);
  out += BigEndian32(kDbExportVersion);
  out += BigEndian64(records.size());
  for (const DbRecord& r : records) {
    out.push_back(r.tag);
    out += BigEndian32(static_cast<uint32_t>(r.key.size()));
    out += r.key;
    out += BigEndian32(static_cast<uint32_t>(r.value.size()));
    out += r.value;
  }
  out += std::string(Sha256Of(out).view());
  return out;
}

Result<std::vector<DbRecord>> DecodeDbExport(std::string_view payload) {
  if (payload.size() < kHeader + kChecksum || payload.substr(0, kMagic.size()) != kMagic) {
    return Refused("not an arbor database export (no ARBORDB header)");
  }
  std::string_view body = payload.substr(0, payload.size() - kChecksum);
  if (Sha256Of(body).view() != payload.substr(body.size())) {
    return Refused("damaged or truncated (its SHA-256 checksum does not match)");
  }
  uint32_t version = ReadBigEndian32(payload.substr(8, 4));
  if (version != kDbExportVersion) {
    return Refused("of format version " + std::to_string(version) + ", this server reads version " +
                   std::to_string(kDbExportVersion));
  }
  uint64_t count = ReadBigEndian64(payload.substr(12, 8));
  Reader reader(body.substr(kHeader));
  std::vector<DbRecord> records;
  while (!reader.Done()) {
    DbRecord r;
    if (records.size() == count || !reader.Byte(&r.tag) || !reader.Field(&r.key) || !reader.Field(&r.value)) {
      return Refused("malformed (record " + std::to_string(records.size()) + " overruns it)");
    }
    if (!WellFormed(r)) return Refused("malformed (record " + std::to_string(records.size()) + ")");
    records.push_back(std::move(r));
  }
  if (records.size() != count) {
    return Refused("incomplete (" + std::to_string(records.size()) + " of " + std::to_string(count) +
                   " records)");
  }
  return records;
}

}  // namespace arbor::resp
