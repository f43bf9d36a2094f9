#include "resp/db_export.h"

#include <gtest/gtest.h>

#include "hash/sha256.h"
#include "resp/keyspace.h"

namespace arbor::resp {
namespace {

std::vector<DbRecord> Sample() {
  return {{'\x01', "greeting", std::string(1, '\x01') + "hi"},
          {'\x01', "h", std::string(1, '\x02') + BigEndian64(1)},
          {'\x02', BigEndian32(1) + "h" + "field", "value"},
          {'\x03', std::string(32, 'a'), BigEndian64(5) + std::string(32, 'b')},
          {'\x04', std::string(32, 't'), ""}};
}

// A payload whose checksum is right but whose body is `body` (header and records).
std::string Resealed(const std::string& body) { return body + std::string(Sha256Of(body).view()); }

TEST(DbExportTest, RoundTrip) {
  std::string payload = EncodeDbExport(Sample());
  EXPECT_EQ(payload.substr(0, 8), "ARBORDB\n");
  auto back = DecodeDbExport(payload);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), Sample().size());
  for (size_t i = 0; i < back->size(); ++i) {
    EXPECT_EQ((*back)[i].tag, Sample()[i].tag);
    EXPECT_EQ((*back)[i].key, Sample()[i].key);
    EXPECT_EQ((*back)[i].value, Sample()[i].value);
  }
  auto empty = DecodeDbExport(EncodeDbExport({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(DbExportTest, EveryFlippedByteAndEveryTruncationIsRefused) {
  std::string payload = EncodeDbExport(Sample());
  for (size_t i = 0; i < payload.size(); ++i) {
    std::string bad = payload;
    bad[i] ^= 0x01;
    auto r = DecodeDbExport(bad);
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_TRUE(r.status().Is(StatusCode::kCorruption));
  }
  for (size_t n = 0; n < payload.size(); ++n) {
    auto r = DecodeDbExport(payload.substr(0, n));
    ASSERT_FALSE(r.ok()) << "first " << n << " bytes";
    EXPECT_NE(r.status().message().find("refused, nothing imported"), std::string::npos);
  }
  EXPECT_FALSE(DecodeDbExport(payload + "x").ok());
}

TEST(DbExportTest, WellSealedButMalformedIsRefused) {
  std::string body = EncodeDbExport(Sample());
  body.resize(body.size() - 32);
  std::string v2 = body;
  v2[11] = 2;
  EXPECT_EQ(DecodeDbExport(Resealed(v2)).status().message(),
            "the export is of format version 2, this server reads version 1; refused, nothing imported");
  std::string more = body;
  more[19] = static_cast<char>(more[19] + 1);  // claims one record more than it has
  EXPECT_EQ(DecodeDbExport(Resealed(more)).status().message(),
            "the export is incomplete (5 of 6 records); refused, nothing imported");
  std::string fewer = body;
  fewer[19] = static_cast<char>(fewer[19] - 1);
  EXPECT_FALSE(DecodeDbExport(Resealed(fewer)).ok());
  for (const DbRecord& bad :
       {DbRecord{'\x07', "k", "v"}, DbRecord{'\x01', "k", ""}, DbRecord{'\x01', "k", "\x09"},
        DbRecord{'\x01', "h", "\x02short"}, DbRecord{'\x02', BigEndian32(9) + "h", "v"},
        DbRecord{'\x03', std::string(31, 'a'), std::string(40, 'b')},
        DbRecord{'\x04', std::string(32, 't'), "x"}}) {
    auto r = DecodeDbExport(EncodeDbExport({bad}));
    ASSERT_FALSE(r.ok()) << int(bad.tag) << " " << bad.key;
    EXPECT_EQ(r.status().message(), "the export is malformed (record 0); refused, nothing imported");
  }
}

}  // namespace
}  // namespace arbor::resp
