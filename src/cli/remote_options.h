// Shared by the commands that work through a RESP server (`backup/ls/restore --remote`,
// docs/resp.md "Remote backup"): how a rediss:// server's certificate is trusted, and
// the connection.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "resp/remote_client.h"

namespace arbor::cli {

// Adds --remote-ca FILE and --remote-insecure-skip-verify (hidden from --help, which
// stays within 40 lines; docs/resp.md describes them).
void AddRemoteTlsOptions(CLI::App* cmd, resp::RemoteTlsOptions* tls);

// Parses `url` (resp:// or rediss://) and connects. For rediss:// without --remote-ca,
// ARBOR_REMOTE_CA names the CA file; with neither, the system's store verifies.
Result<std::unique_ptr<resp::RemoteClient>> ConnectRemote(const std::string& url, resp::RemoteTlsOptions tls);

}  // namespace arbor::cli
