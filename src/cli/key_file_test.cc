#include "cli/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/master_key.h"

namespace arbor::cli {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("arbor-key-file-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Write(const std::string& name, const std::string& content) {
    std::ofstream(Path(name), std::ios::binary) << content;
    return Path(name);
  }
  fs::path dir_;
};

// A created key file is private, holds 64 hex digits and reads back as the same raw key,
// which opens the key object made for it (and no other raw key does).
TEST_F(KeyFileTest, CreatedFileIsPrivateAndOpensItsKeyObject) {
  auto made = CreateKeyFile(Path("k"));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->kind(), crypto::Credential::Kind::kRawKey);
  struct stat st {};
  ASSERT_EQ(::stat(Path("k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 65);  // 64 hex digits and a newline
  auto read = ReadKeyFile(Path("k"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->bytes().reveal(), made->bytes().reveal());

  auto master = crypto::MasterKeySet::Generate();
  auto object = crypto::KeyObject::Create(master, *made, {}).value();
  EXPECT_TRUE(object.Open(*read).ok());
  auto other = CreateKeyFile(Path("other")).value();
  EXPECT_TRUE(object.Open(other).status().Is(StatusCode::kPermissionDenied));
}

TEST_F(KeyFileTest, ExistingFileIsNeverOverwritten) {
  Write("k", "keep me");
  auto made = CreateKeyFile(Path("k"));
  EXPECT_TRUE(made.status().Is(StatusCode::kAlreadyExists)) << made.status().ToString();
  std::ifstream in(Path("k"));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep me");
  EXPECT_TRUE(CreateKeyFile(Path("no-such-dir/k")).status().Is(StatusCode::kInvalidArgument));
}

// A wrong size or a missing file is a clear error naming the file, never its content.
TEST_F(KeyFileTest, BadOrMissingFileIsAClearErrorWithoutItsContent) {
  std::string short_key(62, 'a');
  for (const std::string& content : {short_key, std::string(66, 'b'), std::string(64, 'z'), std::string()}) {
    auto read = ReadKeyFile(Write("bad", content));
    ASSERT_TRUE(read.status().Is(StatusCode::kInvalidArgument)) << content;
    EXPECT_NE(read.status().message().find("64 hex digits"), std::string::npos) << read.status().message();
    EXPECT_NE(read.status().message().find(Path("bad")), std::string::npos);
    if (!content.empty()) {
      EXPECT_EQ(read.status().message().find(content), std::string::npos);
    }
  }
  // 32 raw bytes are not the format: the file holds hex.
  EXPECT_TRUE(
      ReadKeyFile(Write("binary", std::string(32, '\x7f'))).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(ReadKeyFile(Write("spaced", "  " + std::string(64, 'c') + "\n\n")).ok());
  auto missing = ReadKeyFile(Path("missing"));
  EXPECT_TRUE(missing.status().Is(StatusCode::kInvalidArgument));
  EXPECT_NE(missing.status().message().find("cannot read the key file"), std::string::npos);
}

}  // namespace
}  // namespace arbor::cli
