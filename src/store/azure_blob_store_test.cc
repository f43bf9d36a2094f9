// The Azure Blob store against a real Blob service: Azurite (npm), which checks SharedKey
// and SAS signatures, block lists and MD5s as the service does, and Microsoft's JavaScript
// SDK (@azure/storage-blob) as a second client of the same container.
#include "store/azure_blob_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "azure/crypto.h"
#include "azure/sas.h"
#include "base/file_util.h"
#include "base/hex.h"
#include "store/object_store_conformance.h"
#include "store/open_store.h"
#include "store/wrap_remote.h"
#include "support/azurite_instance.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using testing::AzuriteInstance;

// One Azurite for the whole binary: it takes seconds to start.
AzuriteInstance& Azurite() {
  static std::unique_ptr<AzuriteInstance> instance = [] {
    auto started = AzuriteInstance::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start Azurite: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    ::setenv("AZURE_STORAGE_CONNECTION_STRING", (*started)->ConnectionString().c_str(), 1);
    return std::move(started).value();
  }();
  return *instance;
}

std::string NewContainer() {
  static std::atomic<int> n{0};
  std::string name = "c" + std::to_string(::getpid()) + "-" + std::to_string(n++);
  Status st = Azurite().CreateContainer(name);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return name;
}

AzureBlobOptions SmallBlocks() {
  AzureBlobOptions o;
  o.staging_dir = testing::MakeTempDir("arbor-azblob-staging");
  o.block_size = 16 * 1024;  // the conformance suite's 100 kB PutFile goes as 7 blocks
  return o;
}

std::unique_ptr<AzureBlobStore> OpenPlain(const std::string& container, const std::string& prefix,
                                          AzureBlobOptions options = SmallBlocks()) {
  auto store = AzureBlobStore::Open(Azurite().Credentials(), container, prefix, std::move(options));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::unique_ptr<ObjectStore> MakePlain() { return OpenPlain(NewContainer(), "repo/prefix"); }

// As the CLI opens it: location, credentials from the environment, the wrappers.
std::unique_ptr<ObjectStore> MakeFromLocation() {
  std::string container = NewContainer();
  auto store = OpenObjectStore("azblob://devstoreaccount1/" + container, false);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(AzureBlob, ObjectStoreConformance,
                         ::testing::Values(StoreFactory{"azurite_plain", &MakePlain},
                                           StoreFactory{"azurite_location", &MakeFromLocation}),
                         [](const auto& param_info) { return param_info.param.name; });

std::string Sha256Hex(std::string_view data) { return ToHex(azure::Sha256(data)); }

std::string RandomBytes(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed;
  for (char& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

// Runs the SDK tool; returns its stdout.
std::string RunTool(const std::string& args) {
  std::string cmd = "cd " + testing::JsTestDir() + " && node azblob_tool.mjs " + args;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  EXPECT_EQ(rc, 0) << cmd << "\n" << out;
  return out;
}

TEST(AzureBlobStoreTest, MicrosoftsSdkReadsWhatArborWroteByteForByte) {
  std::string container = NewContainer();
  AzureBlobOptions options = SmallBlocks();
  options.block_size = 1 << 20;
  auto store = OpenPlain(container, "arbor");
  ASSERT_NE(store, nullptr);
  std::map<std::string, std::string> written = {
      {"t/s/config", RandomBytes(300, 1)},
      {"t/s/snapshots/ab", RandomBytes(5000, 2)},
      {"t/s/index/00", ""},
  };
  for (const auto& [key, data] : written) ASSERT_TRUE(store->Put(key, data).ok()) << key;
  // A pack of many blocks, and one that is not a whole number of blocks.
  for (size_t size : {size_t{3} << 20, (size_t{5} << 20) + 12345}) {
    std::string key = "t/s/packs/" + std::to_string(size);
    written[key] = RandomBytes(size, static_cast<uint32_t>(size));
    std::string staged = store->StagingDir() + "/pack-sdk";
    ASSERT_TRUE(WriteFileAtomic(staged, written[key]).ok());
    ASSERT_TRUE(store->PutFile(key, staged).ok());
  }
  std::map<std::string, nlohmann::json> seen;
  std::string out = RunTool("manifest " + container + " arbor/");
  size_t start = 0;
  for (size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    auto j = nlohmann::json::parse(out.substr(start, end - start));
    seen[j["name"].get<std::string>()] = j;
  }
  ASSERT_EQ(seen.size(), written.size()) << out;
  for (const auto& [key, data] : written) {
    const auto& j = seen["arbor/" + key];
    EXPECT_EQ(j["size"].get<uint64_t>(), data.size()) << key;
    EXPECT_EQ(j["read"].get<uint64_t>(), data.size()) << key;
    EXPECT_EQ(j["sha256"].get<std::string>(), Sha256Hex(data)) << key;
  }
}

TEST(AzureBlobStoreTest, AnEmptyObjectReadsBackEmpty) {
  auto store = OpenPlain(NewContainer(), "");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put("t/s/index/empty", "").ok());
  auto got = store->Get("t/s/index/empty", 0, ObjectStore::kToEnd);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "");
  EXPECT_EQ(store->Stat("t/s/index/empty")->size, 0u);
  EXPECT_TRUE(store->Get("t/s/index/none", 0, ObjectStore::kToEnd).status().Is(StatusCode::kNotFound));
}

TEST(AzureBlobStoreTest, ArborReadsWhatMicrosoftsSdkWrote) {
  std::string container = NewContainer();
  std::string file = testing::MakeTempDir("arbor-azblob-sdk") + "/blob";
  std::string data = RandomBytes(3 << 20, 7);
  ASSERT_TRUE(WriteFileAtomic(file, data).ok());
  RunTool("upload " + container + " p/t/s/packs/x " + file);
  auto store = OpenPlain(container, "p");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Sha256Hex(*store->Get("t/s/packs/x", 0, ObjectStore::kToEnd)), Sha256Hex(data));
  EXPECT_EQ(*store->Get("t/s/packs/x", 1000, 10), data.substr(1000, 10));
  EXPECT_EQ(store->Stat("t/s/packs/x")->size, data.size());
}

// A transport that kills the process at the n-th Put Block: what kill -9 does to an upload.
class DyingTransport final : public http::HttpTransport {
 public:
  DyingTransport(std::unique_ptr<http::HttpTransport> inner, int die_at)
      : inner_(std::move(inner)), die_at_(die_at) {}
  Result<http::HttpResponse> Send(const http::HttpRequest& r) override {
    if (r.url.find("comp=block&") != std::string::npos && ++blocks_ == die_at_) ::_exit(9);
    return inner_->Send(r);
  }

 private:
  std::unique_ptr<http::HttpTransport> inner_;
  const int die_at_;
  std::atomic<int> blocks_{0};
};

TEST(AzureBlobStoreTest, AnUploadKilledMidwayLeavesNothingVisible) {
  std::string container = NewContainer();
  std::string data = RandomBytes(2 << 20, 3);
  {
    auto store = OpenPlain(container, "");
    ASSERT_TRUE(store->Put("t/s/packs/old", "an older object stays as it was").ok());
  }
  pid_t child = ::fork();
  if (child == 0) {
    AzureBlobOptions options = SmallBlocks();
    options.block_size = 256 * 1024;
    options.blocks_in_flight = 1;  // blocks 1..4 are sent, the 5th kills
    auto store = AzureBlobStore::Open(Azurite().Credentials(), container, "", options,
                                      std::make_shared<DyingTransport>(http::NewCurlTransport({}), 5));
    if (!store.ok()) ::_exit(1);
    std::string staged = options.staging_dir + "/pack-1";
    if (!WriteFileAtomic(staged, data).ok()) ::_exit(1);
    (void)(*store)->PutFile("t/s/packs/new", staged);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 9) << "the child must die mid-upload";

  auto store = OpenPlain(container, "");
  EXPECT_TRUE(store->Get("t/s/packs/new", 0, ObjectStore::kToEnd).status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(store->Stat("t/s/packs/new").status().Is(StatusCode::kNotFound));
  std::vector<std::string> listed;
  ASSERT_TRUE(store
                  ->List("t/",
                         [&](const ObjectInfo& i) {
                           listed.push_back(i.key);
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(listed, std::vector<std::string>{"t/s/packs/old"});
  // The blocks did reach the service: they are there, uncommitted.
  azure::CallExecutor exec(Azurite().Credentials(), "2025-01-05", {}, http::NewCurlTransport({}));
  azure::ServiceCall blocks;
  blocks.share = container;
  blocks.path = "t/s/packs/new";
  blocks.query = {{"comp", "blocklist"}, {"blocklisttype", "uncommitted"}};
  auto r = exec.Execute(blocks);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->body.find("<UncommittedBlocks><Block>"), std::string::npos) << r->body;

  // The rerun stores the whole object under the same name.
  std::string staged = store->StagingDir() + "/pack-2";
  ASSERT_TRUE(WriteFileAtomic(staged, data).ok());
  ASSERT_TRUE(store->PutFile("t/s/packs/new", staged).ok());
  EXPECT_EQ(Sha256Hex(*store->Get("t/s/packs/new", 0, ObjectStore::kToEnd)), Sha256Hex(data));
}

TEST(AzureBlobStoreTest, ASasTokenWorksAndAReadOnlyOneIsRefused) {
  std::string container = NewContainer();
  auto key = azure::Base64Decode(testing::kAzuriteKey);
  azure::AccountSas sas;
  sas.services = "b";
  sas.resource_types = "sco";
  sas.permissions = "rwdlac";
  sas.expiry = azure::FileTime::FromUnixSeconds(std::time(nullptr) + 3600);
  auto creds = azure::SasCredentials(testing::kAzuriteAccount,
                                     azure::SignAccountSas(sas, testing::kAzuriteAccount, *key),
                                     Azurite().BlobEndpoint(), azure::Service::kBlob);
  ASSERT_TRUE(creds.ok());
  auto store = AzureBlobStore::Open(*creds, container, "p", SmallBlocks());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put("t/s/snapshots/a", "by SAS").ok());
  EXPECT_EQ(*(*store)->Get("t/s/snapshots/a", 0, ObjectStore::kToEnd), "by SAS");

  sas.permissions = "rl";
  auto read_only = azure::SasCredentials(testing::kAzuriteAccount,
                                         azure::SignAccountSas(sas, testing::kAzuriteAccount, *key),
                                         Azurite().BlobEndpoint(), azure::Service::kBlob);
  auto reader = AzureBlobStore::Open(*read_only, container, "p", SmallBlocks());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*(*reader)->Get("t/s/snapshots/a", 0, ObjectStore::kToEnd), "by SAS");
  Status refused = (*reader)->Put("t/s/snapshots/b", "x");
  EXPECT_TRUE(refused.Is(StatusCode::kPermissionDenied)) << refused.ToString();
}

TEST(AzureBlobStoreTest, WrongKeyAndMissingContainerAreClearErrors) {
  auto wrong = azure::SharedKeyCredentials(testing::kAzuriteAccount, "d3Jvbmcga2V5IGJ5dGVz",
                                           Azurite().BlobEndpoint(), azure::Service::kBlob);
  auto refused = AzureBlobStore::Open(*wrong, NewContainer(), "", SmallBlocks());
  EXPECT_TRUE(refused.status().Is(StatusCode::kPermissionDenied)) << refused.status().ToString();
  EXPECT_EQ(refused.status().message().find("d3Jvbmcga2V5IGJ5dGVz"), std::string::npos);

  auto missing = OpenObjectStore("azblob://devstoreaccount1/no-such-container/p", true);
  EXPECT_TRUE(missing.status().Is(StatusCode::kNotFound)) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
}

TEST(AzureBlobStoreTest, TheWrappedStoreRidesOutAServerRestart) {
  std::string container = NewContainer();
  auto plain = OpenPlain(container, "");
  ASSERT_NE(plain, nullptr);
  RetryOptions retry;
  retry.max_attempts = 60;
  retry.max_delay = std::chrono::milliseconds(1000);
  auto store = WrapRemote(std::move(plain), StoreOptions{}, retry);
  ASSERT_TRUE(store->Put("t/before", "1").ok());
  Azurite().Stop();
  // Sent while the server is down: retried until it is back. (The restart happens on this
  // thread: Azurite dies with the thread that started it.)
  Status st;
  std::thread writer([&] { st = store->Put("t/during", "2"); });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Status restarted = Azurite().Restart();
  writer.join();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(*store->Get("t/before", 0, ObjectStore::kToEnd), "1");
  EXPECT_EQ(*store->Get("t/during", 0, ObjectStore::kToEnd), "2");
}

}  // namespace
}  // namespace arbor
