// A deterministic mutation fuzzer over the network-facing parsers, so every build (not only
// clang ones with ARBOR_FUZZ) throws malformed input at them: truncations, byte flips,
// duplicated and deleted spans, and splices between valid documents.
#include "azure/parser_fuzz.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "azure/error_xml.h"
#include "azure/listing_xml.h"
#include "azure/range_list_xml.h"
#include "azure/share_list_xml.h"

namespace arbor::azure {
namespace {

std::vector<std::string> Seeds() {
  DirectoryPage page;
  page.share_name = "s";
  page.directory_path = "a/b";
  DirectoryEntry f;
  f.name = "file.txt";
  f.file_id = 42;
  f.size = 1024;
  f.creation_time = f.last_write_time = f.change_time = f.last_access_time = FileTime{123456789};
  f.last_modified = FileTime::FromUnixSeconds(1700000000);
  f.etag = "\"0x1\"";
  f.attributes = 0x21;
  f.permission_key = "1*2";
  DirectoryEntry d = f;
  d.is_directory = true;
  d.name = "dir\x01";
  page.entries = {f, d};
  page.next_marker = "m";
  SharePage shares;
  shares.shares = {ShareItem{"share", "", FileTime{0}, "\"0x2\"", 5, {{"k", "v"}}}};
  return {WriteDirectoryListing(page), WriteShareList(shares), WriteRangeList({{{0, 512}}, {{1024, 512}}, ""}),
          WriteErrorBody({"ShareNotFound", "m", "d"}), "2023-02-06T06:58:59.6799025Z",
          "Mon, 05 Jan 2026 10:00:00 GMT", "ReadOnly | Archive", "x-ms-file-id:18446744073709551615"};
}

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  switch (pick(6)) {
    case 0: s.resize(pick(s.size() + 1)); break;
    case 1: if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8)); break;
    case 2: { size_t a = pick(s.size() + 1), n = pick(32); s.insert(a, s.substr(pick(s.size() + 1), n)); break; }
    case 3: { size_t a = pick(s.size() + 1); s.erase(a, pick(32)); break; }
    case 4: { const std::string& o = seeds[pick(seeds.size())]; s = s.substr(0, pick(s.size() + 1)) + o.substr(pick(o.size() + 1)); break; }
    default: s.insert(pick(s.size() + 1), std::string(1, static_cast<char>(pick(256)))); break;
  }
  return s;
}

TEST(ParserFuzzTest, MalformedInputNeverBreaksTheContract) {
  std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(20260105);
  for (const std::string& seed : seeds) {
    std::string cur = seed;
    for (int i = 0; i < 20000; ++i) {
      cur = Mutate(i % 50 == 0 ? seed : cur, seeds, rng);
      ASSERT_TRUE(FuzzParsersOnce(reinterpret_cast<const uint8_t*>(cur.data()), cur.size())) << cur;
    }
  }
}

}  // namespace
}  // namespace arbor::azure
