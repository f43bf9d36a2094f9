// S3Store against a real S3 server (s3rver, npm): the shared ObjectStore conformance suite
// (path-style, virtual-host style, and with every PutFile sent as a multipart upload),
// then what is particular to S3: multipart uploads, conditional create, listings longer
// than a page, errors for a missing bucket, wrong credentials and a stopped server, and
// compatibility with the official AWS SDK for JavaScript (tests/js/s3_sdk_tool.mjs).
// s3rver does not check signatures: s3_signer_test.cc proves those against AWS's vectors.
#include "store/s3_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/file_util.h"
#include "hash/sha256.h"
#include "store/object_store_conformance.h"
#include "store/open_store.h"
#include "store/s3_multipart.h"
#include "support/s3rver_instance.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using testing::S3rverInstance;

constexpr const char* kBucket = "arbor-test";

// One server for the whole binary; every store gets its own prefix, so tests start empty.
S3rverInstance* Server() {
  static std::unique_ptr<S3rverInstance> server = [] {
    ::setenv("AWS_ACCESS_KEY_ID", S3rverInstance::kAccessKeyId, 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", S3rverInstance::kSecretAccessKey, 1);
    ::unsetenv("AWS_SESSION_TOKEN");
    auto s = S3rverInstance::Start({kBucket});
    if (!s.ok()) {
      ADD_FAILURE() << s.status().ToString();
      return std::unique_ptr<S3rverInstance>();
    }
    return std::move(s).value();
  }();
  return server.get();
}

std::string NewPrefix() {
  static std::atomic<int> n{0};
  return "t" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

StoreLocation Location(const std::string& prefix, const std::string& bucket = kBucket) {
  auto loc = ParseStoreLocation("s3://" + bucket + (prefix.empty() ? "" : "/" + prefix));
  EXPECT_TRUE(loc.ok());
  return *loc;
}

StoreOptions PathStyle() {
  StoreOptions o;
  o.s3_endpoint = Server() ? Server()->Endpoint() : "http://127.0.0.1:1";
  return o;
}

Result<std::unique_ptr<S3Store>> Open(const std::string& prefix, S3StoreTuning tuning = {},
                                      StoreOptions options = PathStyle()) {
  return OpenS3Store(Location(prefix), options, *RemoteStagingDir(), tuning);
}

std::unique_ptr<ObjectStore> MakeOrNull(S3StoreTuning tuning, StoreOptions options) {
  if (Server() == nullptr) return nullptr;
  auto store = OpenS3Store(Location(NewPrefix()), options, *RemoteStagingDir(), tuning);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::unique_ptr<ObjectStore> MakePathStyle() { return MakeOrNull({}, PathStyle()); }

std::unique_ptr<ObjectStore> MakeVirtualHost() {
  StoreOptions o;
  o.s3_endpoint = Server() ? Server()->VirtualHostEndpoint() : "";
  o.s3_url_style = "virtual";
  return MakeOrNull({}, o);
}

// Parts far below AWS's 5 MiB minimum (s3rver accepts them), so the suite's 100 kB
// PutFile goes up as a three-part upload.
std::unique_ptr<ObjectStore> MakeMultipart() { return MakeOrNull({1, 40000}, PathStyle()); }

INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreConformance,
                         ::testing::Values(StoreFactory{"s3_path_style", &MakePathStyle},
                                           StoreFactory{"s3_virtual_host", &MakeVirtualHost},
                                           StoreFactory{"s3_multipart_putfile", &MakeMultipart}),
                         [](const auto& param_info) { return param_info.param.name; });

std::string Pattern(size_t n, int seed) {
  std::string s(n, '\0');
  uint32_t x = static_cast<uint32_t>(seed) * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

std::string Stage(ObjectStore* store, const std::string& name, const std::string& data) {
  std::string path = store->StagingDir() + "/" + name + "-" + std::to_string(::getpid());
  EXPECT_TRUE(WriteFileAtomic(path, data).ok());
  return path;
}

TEST(S3StoreTest, LargeStagedFileGoesUpInPartsAndReadsBackByRange) {
  ASSERT_NE(Server(), nullptr);
  auto store = Open(NewPrefix(), {5 << 20, 5 << 20});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::string data = Pattern((12 << 20) + 12345, 1);  // three parts: 5 MiB, 5 MiB, the rest
  std::string path = Stage(store->get(), "big", data);
  ASSERT_TRUE((*store)->PutFile("packs/big", path).ok());
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the staged file is consumed";
  const s3::S3Client& client = (*store)->client();
  EXPECT_EQ(client.Count(s3::S3Op::kCreateMultipartUpload), 1U);
  EXPECT_EQ(client.Count(s3::S3Op::kUploadPart), 3U);
  EXPECT_EQ(client.Count(s3::S3Op::kCompleteMultipartUpload), 1U);
  EXPECT_EQ(client.Count(s3::S3Op::kPutObject), 0U);
  auto info = (*store)->Stat("packs/big");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, data.size());
  EXPECT_GT(info->mtime_ns, 0);
  auto whole = (*store)->Get("packs/big", 0, ObjectStore::kToEnd);
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(*whole == data) << "the whole object comes back byte for byte";
  // A range across the first part boundary, and the tail.
  EXPECT_TRUE(*(*store)->Get("packs/big", (5 << 20) - 10, 20) == data.substr((5 << 20) - 10, 20));
  EXPECT_TRUE(*(*store)->Get("packs/big", data.size() - 5, 100) == data.substr(data.size() - 5));
}

TEST(S3StoreTest, SmallStagedFileIsOnePut) {
  ASSERT_NE(Server(), nullptr);
  auto store = Open(NewPrefix());
  ASSERT_TRUE(store.ok());
  std::string path = Stage(store->get(), "small", "tiny pack");
  ASSERT_TRUE((*store)->PutFile("packs/small", path).ok());
  EXPECT_EQ((*store)->client().Count(s3::S3Op::kPutObject), 1U);
  EXPECT_EQ((*store)->client().Count(s3::S3Op::kCreateMultipartUpload), 0U);
  EXPECT_EQ(*(*store)->Get("packs/small", 0, ObjectStore::kToEnd), "tiny pack");
  std::string empty = Stage(store->get(), "empty", "");
  ASSERT_TRUE((*store)->PutFile("packs/empty", empty).ok());
  EXPECT_EQ((*store)->Stat("packs/empty")->size, 0U);
}

TEST(S3StoreTest, FailedPutFileKeepsTheStagedFileForARetry) {
  ASSERT_NE(Server(), nullptr);
  auto store = Open(NewPrefix());
  ASSERT_TRUE(store.ok());
  std::string path = Stage(store->get(), "retry", "data");
  Server()->Kill();
  Status st = (*store)->PutFile("packs/retry", path);
  ASSERT_TRUE(Server()->Restart().ok());
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable)) << st.ToString();
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "the staged file must survive a failed upload";
  ASSERT_TRUE((*store)->PutFile("packs/retry", path).ok());
  EXPECT_EQ(*(*store)->Get("packs/retry", 0, ObjectStore::kToEnd), "data");
}

TEST(S3StoreTest, ConditionalCreateNeverReplacesAnObject) {
  ASSERT_NE(Server(), nullptr);
  auto store = Open(NewPrefix());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->PutIfAbsent("config", "first").ok());
  Status again = (*store)->PutIfAbsent("config", "second");
  EXPECT_TRUE(again.Is(StatusCode::kAlreadyExists)) << again.ToString();
  EXPECT_EQ(*(*store)->Get("config", 0, ObjectStore::kToEnd), "first");
}

TEST(S3StoreTest, ListingFollowsContinuationTokensPastOnePage) {
  ASSERT_NE(Server(), nullptr);
  auto store = Open(NewPrefix());
  ASSERT_TRUE(store.ok());
  constexpr int kObjects = 1100;  // s3rver and AWS answer at most 1000 keys a page
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kObjects; i += 8) {
        if (!(*store)->Put("index/" + std::to_string(10000 + i), std::to_string(i)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE((*store)->Put("other/x", "x").ok());
  std::map<std::string, uint64_t> seen;
  ASSERT_TRUE((*store)
                  ->List("index/",
                         [&](const ObjectInfo& info) {
                           seen[info.key] = info.size;
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kObjects));
  EXPECT_EQ(seen["index/10000"], 1U);
  EXPECT_EQ(seen["index/11099"], 4U);
  // An error from the callback stops the listing and comes back.
  int calls = 0;
  Status stopped = (*store)->List("index/", [&](const ObjectInfo&) {
    ++calls;
    return Status::Cancelled("enough");
  });
  EXPECT_TRUE(stopped.Is(StatusCode::kCancelled));
  EXPECT_EQ(calls, 1);
}

TEST(S3StoreTest, PrefixesKeepRepositoriesApart) {
  ASSERT_NE(Server(), nullptr);
  std::string base = NewPrefix();
  auto a = Open(base + "/a");
  auto ab = Open(base + "/ab");
  ASSERT_TRUE(a.ok() && ab.ok());
  ASSERT_TRUE((*a)->Put("k", "a").ok());
  ASSERT_TRUE((*ab)->Put("k", "ab").ok());
  int listed = 0;
  ASSERT_TRUE((*a)->List("",
                         [&](const ObjectInfo& i) {
                           EXPECT_EQ(i.key, "k");
                           ++listed;
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(listed, 1) << "s3://bucket/base/a must not see base/ab's objects";
  EXPECT_EQ(*(*a)->Get("k", 0, ObjectStore::kToEnd), "a");
  EXPECT_EQ((*a)->Describe(), "s3://" + std::string(kBucket) + "/" + base + "/a");
}

TEST(S3StoreTest, MissingBucketIsNotFoundAndSaysSo) {
  ASSERT_NE(Server(), nullptr);
  auto store = OpenS3Store(Location("", "no-such-bucket"), PathStyle(), *RemoteStagingDir());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().Is(StatusCode::kNotFound)) << store.status().ToString();
  EXPECT_NE(store.status().message().find("NoSuchBucket"), std::string::npos) << store.status().message();
  EXPECT_NE(store.status().message().find("never creates buckets"), std::string::npos);
}

TEST(S3StoreTest, WrongCredentialsArePermissionDeniedWithoutTheSecret) {
  ASSERT_NE(Server(), nullptr);
  ::setenv("AWS_ACCESS_KEY_ID", "WRONGKEYID", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value", 1);
  auto store = Open(NewPrefix());
  ::setenv("AWS_ACCESS_KEY_ID", S3rverInstance::kAccessKeyId, 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", S3rverInstance::kSecretAccessKey, 1);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().Is(StatusCode::kPermissionDenied)) << store.status().ToString();
  EXPECT_NE(store.status().message().find("InvalidAccessKeyId"), std::string::npos);
  EXPECT_EQ(store.status().message().find("very-secret-value"), std::string::npos);
}

TEST(S3StoreTest, StoppedServerIsUnavailableAndRecovers) {
  ASSERT_NE(Server(), nullptr);
  auto store = Open(NewPrefix());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("k", "before").ok());
  Server()->Kill();
  Status put = (*store)->Put("k", "during");
  auto get = (*store)->Get("k", 0, ObjectStore::kToEnd);
  ASSERT_TRUE(Server()->Restart().ok());
  EXPECT_TRUE(put.Is(StatusCode::kUnavailable)) << put.ToString();
  EXPECT_TRUE(get.status().Is(StatusCode::kUnavailable)) << get.status().ToString();
  EXPECT_EQ(*(*store)->Get("k", 0, ObjectStore::kToEnd), "before");
  ASSERT_TRUE((*store)->Put("k", "after").ok());
  EXPECT_EQ(*(*store)->Get("k", 0, ObjectStore::kToEnd), "after");
}

TEST(S3StoreTest, AbandonedUploadCleanupReportsAServerThatCannotListUploads) {
  ASSERT_NE(Server(), nullptr);
  // s3rver implements neither ListMultipartUploads nor AbortMultipartUpload: the cleanup
  // says so instead of pretending it found nothing.
  auto aborted = AbortAbandonedS3Uploads(Location(NewPrefix()), PathStyle());
  EXPECT_TRUE(aborted.status().Is(StatusCode::kUnsupported)) << aborted.status().ToString();
}

int RunNode(const std::vector<std::string>& args) {
  std::string cmd = "cd '" + testing::JsDir() + "' && node --no-warnings s3_sdk_tool.mjs";
  for (const auto& a : args) cmd += " '" + a + "'";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(S3StoreTest, TheAwsSdkReadsWhatArborWritesAndArborReadsWhatTheSdkWrites) {
  ASSERT_NE(Server(), nullptr);
  std::string prefix = NewPrefix();
  auto store = Open(prefix, {5 << 20, 5 << 20});
  ASSERT_TRUE(store.ok());
  std::string dir = testing::MakeTempDir("arbor-s3-sdk");
  nlohmann::json manifest;
  std::map<std::string, std::string> objects = {
      {"config", "repository config"}, {"empty", ""}, {"snapshots/ab/cd", Pattern(3000, 2)}};
  for (const auto& [key, data] : objects) {
    ASSERT_TRUE((*store)->Put(key, data).ok());
    manifest[prefix + "/" + key] = {{"size", data.size()}, {"sha256", Sha256Of(data).Hex()}};
  }
  std::string pack = Pattern((11 << 20) + 7, 3);  // a multipart upload
  ASSERT_TRUE((*store)->PutFile("packs/00/pack", Stage(store->get(), "sdk-pack", pack)).ok());
  manifest[prefix + "/packs/00/pack"] = {{"size", pack.size()}, {"sha256", Sha256Of(pack).Hex()}};
  ASSERT_TRUE(WriteFileAtomic(dir + "/arbor.json", manifest.dump()).ok());
  EXPECT_EQ(RunNode({"check", Server()->Endpoint(), kBucket, prefix + "/", dir + "/arbor.json"}), 0)
      << "the SDK must list and read arbor's objects byte for byte";

  std::string sdk_prefix = NewPrefix();
  ASSERT_EQ(RunNode({"write", Server()->Endpoint(), kBucket, sdk_prefix + "/", dir + "/sdk.json"}), 0);
  auto written = ReadWholeFile(dir + "/sdk.json");
  ASSERT_TRUE(written.ok());
  nlohmann::json sdk = nlohmann::json::parse(*written);
  auto reader = Open(sdk_prefix);
  ASSERT_TRUE(reader.ok());
  std::map<std::string, uint64_t> listed;
  ASSERT_TRUE((*reader)
                  ->List("",
                         [&](const ObjectInfo& i) {
                           listed[i.key] = i.size;
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(listed.size(), sdk.size());
  for (const auto& [full_key, want] : sdk.items()) {
    std::string key = full_key.substr(sdk_prefix.size() + 1);
    SCOPED_TRACE(key);
    auto data = (*reader)->Get(key, 0, ObjectStore::kToEnd);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    EXPECT_EQ(data->size(), want["size"].get<uint64_t>());
    EXPECT_EQ(Sha256Of(*data).Hex(), want["sha256"].get<std::string>());
    EXPECT_EQ(listed[key], want["size"].get<uint64_t>());
  }
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor
