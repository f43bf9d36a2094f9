// Azurite (Microsoft's Azure Storage emulator, npm `azurite` in tests/js) as a child process
// for tests: its Blob service on a free loopback port with a fresh data folder, checking
// SharedKey and SAS signatures as the service does. Stopped on destruction.
//
//   auto azurite = arbor::testing::AzuriteInstance::Start();
//   ASSERT_TRUE(azurite.ok()) << azurite.status().ToString();
//   ASSERT_TRUE((*azurite)->CreateContainer("repo").ok());
//   setenv("AZURE_STORAGE_CONNECTION_STRING", (*azurite)->ConnectionString().c_str(), 1);
//
// Stop()/Start again keep the data folder and the port (the "server restarted during a
// backup" tests). NotFound from Start when Azurite is not installed (`npm ci` in tests/js).
// Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "azure/credentials.h"
#include "base/status.h"

namespace arbor::testing {

inline constexpr char kAzuriteAccount[] = "devstoreaccount1";
// Azurite's well-known development key (public, in Microsoft's documentation).
inline constexpr char kAzuriteKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

class AzuriteInstance {
 public:
  static Result<std::unique_ptr<AzuriteInstance>> Start();
  ~AzuriteInstance();
  AzuriteInstance(const AzuriteInstance&) = delete;
  AzuriteInstance& operator=(const AzuriteInstance&) = delete;

  int port() const { return port_; }
  std::string BlobEndpoint() const;  // http://127.0.0.1:PORT/devstoreaccount1
  std::string ConnectionString()
      const;  // DefaultEndpointsProtocol=http;AccountName=..;AccountKey=..;BlobEndpoint=..
  azure::Credentials Credentials() const;
  const std::string& data_dir() const { return data_dir_; }

  // PUT container (201, or 409 when it exists).
  Status CreateContainer(const std::string& name) const;
  // SIGTERM and wait (Azurite saves its metadata on the way out).
  void Stop();
  // Starts again on the same port and data folder.
  Status Restart();

 private:
  AzuriteInstance() = default;
  Status Launch();

  std::string data_dir_;
  int port_ = 0;
  int pid_ = -1;
};

// tests/js in the source tree (node_modules with azurite and @azure/storage-blob).
std::string JsTestDir();

}  // namespace arbor::testing
