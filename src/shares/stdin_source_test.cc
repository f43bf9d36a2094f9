#include "shares/stdin_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace arbor {
namespace {

TEST(StdinSource, NamesAFileBelowItsFolders) {
  auto source = StdinSource::Create("dumps/db.sql", 0);
  ASSERT_TRUE(source.ok()) << source.status().message();
  EXPECT_EQ((*source)->file_path(), "/dumps/db.sql");
  auto root = (*source)->Stat("/");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->IsDir());
  std::vector<Node> children;
  std::vector<Status> warnings;
  ASSERT_TRUE((*source)->List("/", &children, &warnings).ok());
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].name, "dumps");
  EXPECT_TRUE(children[0].IsDir());
  ASSERT_TRUE((*source)->List("/dumps", &children, &warnings).ok());
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].name, "db.sql");
  EXPECT_TRUE(children[0].IsFile());
  EXPECT_EQ(children[0].mode & 0777, 0644u);
  EXPECT_TRUE((*source)->Stat("/other").status().Is(StatusCode::kNotFound));
}

TEST(StdinSource, RefusesNamesThatAreNotAFile) {
  for (const char* bad : {"", "/", "a//b", "a/./b", "../x", "dir/"})
    EXPECT_TRUE(StdinSource::Create(bad, 0).status().Is(StatusCode::kInvalidArgument)) << bad;
}

TEST(StdinSource, ReadsTheStreamOnceFrontToBack) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  // More than a pipe's buffer, written from another thread: reads must fill across
  // short pipe reads and end at the writer's close.
  std::string data(300000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  std::thread writer([&] {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fds[1], data.data() + off, data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  auto source = StdinSource::Create("db.sql", fds[0]);
  ASSERT_TRUE(source.ok());
  auto node = (*source)->Stat("/db.sql");
  ASSERT_TRUE(node.ok());
  auto reader = (*source)->Open("/db.sql", *node);
  ASSERT_TRUE(reader.ok());
  std::string got(200000, '\0');
  auto n = (*reader)->ReadAt(0, got.data(), got.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 200000u);
  EXPECT_FALSE((*reader)->ReadAt(5, got.data(), 10).ok());  // not where the stream is
  std::string rest(200000, '\0');
  n = (*reader)->ReadAt(200000, rest.data(), rest.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 100000u);
  EXPECT_EQ(got + rest.substr(0, 100000), data);
  n = (*reader)->ReadAt(300000, rest.data(), rest.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_FALSE((*source)->Open("/db.sql", *node).ok());  // a stream is read once
  writer.join();
  ::close(fds[0]);
}

}  // namespace
}  // namespace arbor
