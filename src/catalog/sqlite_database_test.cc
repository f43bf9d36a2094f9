// The SQLite catalog file: created whole when missing, and never replaced when it is not
// a catalog (the catalog is the only copy of its tenants, shares and tokens).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "base/file_util.h"
#include "catalog/catalog.h"
#include "support/temp_dir.h"

namespace arbor::catalog {
namespace {

CatalogOptions NoKey() {
  CatalogOptions o;
  o.key_from_environment = false;
  return o;
}

TEST(SqliteCatalogFileTest, MissingFileIsCreatedWholeByConcurrentOpeners) {
  std::string dir = arbor::testing::MakeTempDir("arbor-catalog-file");
  std::string path = dir + "/catalog.db";
  std::vector<std::thread> openers;
  std::vector<Status> results(8);
  for (size_t i = 0; i < results.size(); ++i) {
    openers.emplace_back([&, i] { results[i] = Catalog::Open(path, NoKey()).status(); });
  }
  for (auto& t : openers) t.join();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(std::filesystem::file_size(path), 0u);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".new-"), std::string::npos)
        << "temporary file left behind: " << entry.path();
  }
}

// Opening `content` as a catalog fails with Corruption, names the file and what to do,
// shows no SQL, and leaves the file byte for byte as it was.
void ExpectRefusedAndUntouched(const std::string& content, const std::string& why) {
  std::string path = arbor::testing::MakeTempDir("arbor-catalog-file") + "/catalog.db";
  ASSERT_TRUE(WriteFileAtomic(path, content).ok());
  auto opened = Catalog::Open(path, NoKey());
  ASSERT_FALSE(opened.ok());
  const Status& st = opened.status();
  EXPECT_TRUE(st.Is(StatusCode::kCorruption)) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(why), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("left untouched: restore it from a backup"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("PRAGMA"), std::string::npos) << st.message();
  EXPECT_EQ(*ReadWholeFile(path), content);
}

TEST(SqliteCatalogFileTest, EmptyFileIsRefusedNotReplaced) {
  ExpectRefusedAndUntouched("", "empty (0 bytes)");
}

TEST(SqliteCatalogFileTest, GarbageFileIsRefusedNotReplaced) {
  ExpectRefusedAndUntouched(std::string(5000, 'x') + "not a database", "not an SQLite database");
}

}  // namespace
}  // namespace arbor::catalog
