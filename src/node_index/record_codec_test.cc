#include "node_index/record_codec.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>

#include "base/coding.h"
#include "node_index/record_format.h"

namespace arbor::node_index {
namespace {

FileEntry Entry(std::string name, uint64_t size, NodeId id) {
  return FileEntry{std::move(name),
                   NodeKind::kFile,
                   size,
                   1'600'000'000 + static_cast<int64_t>(size % 977),
                   id,
                   static_cast<uint32_t>(id * 2654435761u) & 0xffffff,
                   id * 0x9E3779B97F4A7C15ull};
}

std::vector<FileEntry> Sorted(std::vector<FileEntry> v) {
  std::sort(v.begin(), v.end(), [](const FileEntry& a, const FileEntry& b) { return a.name < b.name; });
  return v;
}

DirHeader Header() { return DirHeader{42, 7, "photos", 1'700'000'000, 0xabcdef, "tree-object-id"}; }

TEST(RecordCodecTest, EmptyDirectoryRoundTrips) {
  std::string rec = EncodeRecord(Header(), {});
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(rec, &v).ok());
  EXPECT_EQ(v.Header(), Header());
  EXPECT_EQ(v.file_count(), 0u);
  EXPECT_TRUE(v.Validate().ok());
}

TEST(RecordCodecTest, ManyEntriesRoundTripAcrossBlocks) {
  std::vector<FileEntry> files;
  for (int i = 0; i < 1000; ++i)
    files.push_back(Entry("IMG_" + std::to_string(10000 + i) + ".JPG", i * 1000, 500 + i));
  files.push_back(Entry("README", 3, 9));
  files.push_back(Entry(".bashrc", 0, 10));
  files.push_back(Entry("archive.tar.gz", 1ull << 40, ~0ull));
  files = Sorted(files);
  std::string rec = EncodeRecord(Header(), files);
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(rec, &v).ok());
  ASSERT_TRUE(v.Validate().ok());
  std::vector<FileEntry> back;
  ASSERT_TRUE(v.DecodeAll(&back).ok());
  EXPECT_EQ(back, files);
  EXPECT_EQ(v.max_size(), 1ull << 40);
  // Front coding plus the extension table: far below the raw ~40 bytes per entry.
  EXPECT_LT(rec.size(), files.size() * 24);
}

TEST(RecordCodecTest, FindsEveryNameAndNothingElse) {
  std::vector<FileEntry> files;
  for (int i = 0; i < 300; ++i) files.push_back(Entry("f" + std::to_string(i * 7) + ".txt", i, i));
  files = Sorted(files);
  std::string rec = EncodeRecord(Header(), files);
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(rec, &v).ok());
  FileEntry e;
  for (const FileEntry& f : files) {
    ASSERT_TRUE(v.Find(f.name, &e)) << f.name;
    EXPECT_EQ(e, f);
  }
  EXPECT_FALSE(v.Find("f1.txt", &e));
  EXPECT_FALSE(v.Find("", &e));
  EXPECT_FALSE(v.Find("zzz", &e));
  EXPECT_FALSE(v.Find("a", &e));
}

TEST(RecordCodecTest, FindsRawAndCodedNamesAcrossBlocks) {
  std::vector<FileEntry> files;
  for (int i = 0; i < 200; ++i) {
    std::string n = std::to_string(1000 + i);
    files.push_back(Entry("файл-" + n + ".txt", i, i));  // Cyrillic: stored raw
    files.push_back(Entry("file-" + n + (i % 2 ? ".txt" : ""), i, 1000 + i));
    files.push_back(Entry("日本-" + n, i, 2000 + i));
  }
  files = Sorted(files);
  std::string rec = EncodeRecord(Header(), files);
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(rec, &v).ok());
  FileEntry e;
  for (const FileEntry& f : files) {
    ASSERT_TRUE(v.Find(f.name, &e)) << f.name;
    EXPECT_EQ(e, f);
    EXPECT_FALSE(v.Find(f.name + "x", &e));
    EXPECT_FALSE(v.Find(f.name.substr(0, f.name.size() - 1), &e));
  }
}

TEST(RecordCodecTest, UnicodeLongNamesAndManyExtensions) {
  std::vector<FileEntry> files;
  files.push_back(Entry("Überweisung für Jürgen.pdf", 1, 1));
  files.push_back(Entry("日本語のファイル名.txt", 2, 2));
  files.push_back(Entry("emoji 😀 file", 3, 3));
  files.push_back(Entry(std::string(4000, 'x') + ".long", 4, 4));
  for (int i = 0; i < 100; ++i)
    files.push_back(Entry("n." + std::to_string(i) + "e", 5, 100 + i));  // > 62 extensions
  files = Sorted(files);
  std::string rec = EncodeRecord(Header(), files);
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(rec, &v).ok());
  ASSERT_TRUE(v.Validate().ok());
  std::vector<FileEntry> back;
  ASSERT_TRUE(v.DecodeAll(&back).ok());
  EXPECT_EQ(back, files);
}

TEST(RecordCodecTest, SplitExtensionRules) {
  std::string_view stem, ext;
  SplitExtension("a.tar.gz", &stem, &ext);
  EXPECT_EQ(stem, "a.tar");
  EXPECT_EQ(ext, "gz");
  SplitExtension(".bashrc", &stem, &ext);
  EXPECT_EQ(ext, "");
  SplitExtension("trailing.", &stem, &ext);
  EXPECT_EQ(ext, "");
  SplitExtension("x.averyveryverylongext", &stem, &ext);
  EXPECT_EQ(ext, "");
}

TEST(RecordCodecTest, EveryFlippedByteIsCaught) {
  std::vector<FileEntry> files = Sorted({Entry("a.txt", 1, 1), Entry("b.txt", 2, 2)});
  std::string rec = EncodeRecord(Header(), files);
  for (size_t i = 0; i < rec.size(); ++i) {
    std::string bad = rec;
    bad[i] ^= 0x10;
    RecordView v;
    EXPECT_FALSE(RecordView::Parse(bad, &v).ok()) << "byte " << i;
  }
}

TEST(RecordCodecTest, EveryTruncationIsCaught) {
  std::vector<FileEntry> files = Sorted({Entry("a.txt", 1, 1), Entry("b.txt", 2, 2)});
  std::string rec = EncodeRecord(Header(), files);
  for (size_t n = 0; n < rec.size(); ++n) {
    RecordView v;
    Status st = RecordView::Parse(std::string_view(rec).substr(0, n), &v);
    EXPECT_TRUE(st.Is(StatusCode::kCorruption)) << n;
  }
}

TEST(RecordCodecTest, StructuralDamageWithValidChecksumFailsValidate) {
  std::vector<FileEntry> files = Sorted({Entry("a.txt", 1, 1), Entry("b.txt", 2, 2)});
  std::string rec = EncodeRecord(Header(), files);
  std::string body = rec.substr(0, rec.size() - kChecksumBytes);
  // The own_bytes column header no longer matches the entries.
  size_t own_at = body.size() - 1;  // walk to it: re-encode with a wrong total instead
  (void)own_at;
  std::string forged = body;
  size_t pos = body.find("txt");
  ASSERT_NE(pos, std::string::npos);
  forged[pos] = 'T';  // extension table now says "Txt": names still decode but re-sort
  std::string swapped = forged;
  PutFixed32(&swapped, static_cast<uint32_t>(XXH3_64bits(forged.data(), forged.size())));
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(swapped, &v).ok());
  std::vector<FileEntry> back;
  ASSERT_TRUE(v.DecodeAll(&back).ok());
  EXPECT_EQ(back[0].name, "a.Txt");
  // A body cut short but re-checksummed is refused by Parse or Validate.
  std::string cut = body.substr(0, body.size() - 3);
  PutFixed32(&cut, static_cast<uint32_t>(XXH3_64bits(cut.data(), cut.size())));
  Status st = RecordView::Parse(cut, &v);
  if (st.ok()) st = v.Validate();
  EXPECT_TRUE(st.Is(StatusCode::kCorruption));
}

TEST(RecordCodecTest, ReplaceHeaderKeepsBody) {
  std::vector<FileEntry> files = Sorted({Entry("a.txt", 1, 1), Entry("b.txt", 2, 2)});
  std::string rec = EncodeRecord(Header(), files);
  RecordView v;
  ASSERT_TRUE(RecordView::Parse(rec, &v).ok());
  DirHeader h = Header();
  h.parent_id = 99;
  h.name = "renamed";
  std::string moved = ReplaceHeader(v, h);
  RecordView m;
  ASSERT_TRUE(RecordView::Parse(moved, &m).ok());
  EXPECT_EQ(m.Header(), h);
  EXPECT_EQ(m.Body(), v.Body());
  EXPECT_EQ(moved, EncodeRecord(h, files));
}

// The worked example of docs/format/node-index.md, byte for byte: the document and the
// encoder cannot drift apart.
TEST(RecordCodecTest, DocumentedExampleBytes) {
  DirHeader h{42, 7, "docs", 1'700'000'000, 0xabcdef, ""};
  std::vector<FileEntry> files = {
      {"notes.txt", NodeKind::kFile, 1234, 1'700'000'100, 1001, 0x112233, 0x0102030405060708ull},
      {"notes2.txt", NodeKind::kFile, 99, 1'700'000'000, 1003, 0x445566, 0x1112131415161718ull},
      {"run.sh", NodeKind::kSymlink, 12, 1'700'000'050, 1002, 0x778899, 0},
  };
  std::string expected_hex =
      "012a00000000000000070000000000000004646f637380c49fd50cefcdab0003"
      "c10ad20980c49fd50ce9070203747874027368382"
      "0c55c3400d20964003322110807060504030201"
      "25e680630002665544181716151413121"
      "1e009cf64800c320199887700000000000000"
      "00f1d53568";
  std::string hex;
  for (unsigned char c : EncodeRecord(h, files)) {
    static const char* kDigits = "0123456789abcdef";
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  EXPECT_EQ(hex, expected_hex);
}

}  // namespace
}  // namespace arbor::node_index

namespace arbor::node_index {
namespace {

// A hot record holds everything but the stamps and hashes, which come back from the cells
// handed to AttachCold; a rename keeps its cold_ref; it is 11 bytes per file smaller.
TEST(RecordCodecTest, HotRecordRoundTripsWithItsColdCells) {
  std::vector<FileEntry> files;
  files.reserve(101);
  for (uint64_t i = 0; i < 100; ++i)
    files.push_back(Entry("doc-" + std::to_string(i) + ".pdf", i * 77, 900 + i));
  files.push_back(Entry("link", 5, 3));
  files.back().kind = NodeKind::kSymlink;
  files = Sorted(files);
  std::string full = EncodeRecord(Header(), files);
  std::string hot = EncodeHotRecord(Header(), files, 0x123456789a);
  EXPECT_EQ(full.size() - hot.size(), files.size() * 11 - 8);  // minus the cold_ref field

  RecordView v;
  ASSERT_TRUE(RecordView::Parse(hot, &v).ok());
  ASSERT_TRUE(v.Validate().ok());
  EXPECT_TRUE(v.hot());
  EXPECT_EQ(v.cold_ref(), 0x123456789aull);
  EXPECT_EQ(v.Header(), Header());
  std::vector<FileEntry> back;
  ASSERT_TRUE(v.DecodeAll(&back).ok());
  ASSERT_EQ(back.size(), files.size());
  EXPECT_EQ(back[7].hash, 0u);  // no cells attached: stamp and hash unknown
  EXPECT_EQ(back[7].name, files[7].name);
  EXPECT_EQ(back[7].size, files[7].size);

  std::vector<ColdCell> cells = ColdCells(files);
  v.AttachCold(cells);
  ASSERT_TRUE(v.DecodeAll(&back).ok());
  EXPECT_EQ(back, files);
  FileEntry e;
  size_t index = 0;
  ASSERT_TRUE(v.Find(files[42].name, &e, &index));
  EXPECT_EQ(index, 42u);
  EXPECT_EQ(e, files[42]);

  DirHeader h = Header();
  h.name = "renamed";
  std::string renamed = ReplaceHeader(v, h);
  RecordView m;
  ASSERT_TRUE(RecordView::Parse(renamed, &m).ok());
  EXPECT_TRUE(m.hot());
  EXPECT_EQ(m.cold_ref(), v.cold_ref());
  EXPECT_EQ(m.name(), "renamed");

  RecordView full_view;
  ASSERT_TRUE(RecordView::Parse(full, &full_view).ok());
  EXPECT_FALSE(full_view.hot());
}

// The byte-copying conversions give exactly what the encoders give, both ways, for an
// empty directory, one block and many blocks with raw and coded names.
TEST(RecordCodecTest, ConversionsBetweenTheFormsMatchTheEncoders) {
  for (size_t n : {0, 1, 16, 17, 250}) {
    std::vector<FileEntry> files;
    files.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      std::string name =
          i % 3 == 0 ? "IMG_" + std::to_string(4000 + i) + ".JPG" : "\xc3\xa9t\xc3\xa9-" + std::to_string(i);
      files.push_back(Entry(name, i * 1000 + 1, 70 + i * 3));
    }
    files = Sorted(files);
    std::string full = EncodeRecord(Header(), files);
    RecordView fv;
    ASSERT_TRUE(RecordView::Parse(full, &fv).ok());
    std::vector<ColdCell> cells;
    std::string hot = ToHotRecord(fv, &cells);
    EXPECT_EQ(cells, ColdCells(files)) << n;
    SetColdRef(&hot, 4242);
    EXPECT_EQ(hot, EncodeHotRecord(Header(), files, 4242)) << n;

    RecordView hv;
    ASSERT_TRUE(RecordView::Parse(hot, &hv).ok()) << n;
    ASSERT_TRUE(hv.Validate().ok()) << n;
    hv.AttachCold(cells);
    EXPECT_EQ(ToFullRecord(hv), full) << n;
  }
}

}  // namespace
}  // namespace arbor::node_index
