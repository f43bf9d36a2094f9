#include "cli/remote_options.h"

#include <cstdlib>

namespace arbor::cli {

void AddRemoteTlsOptions(CLI::App* cmd, resp::RemoteTlsOptions* tls) {
  cmd->add_option("--remote-ca", tls->ca_file,
                  "rediss://: PEM CA certificates that verify the server (or ARBOR_REMOTE_CA)")
      ->group("");
  cmd->add_flag("--remote-insecure-skip-verify", tls->skip_verify,
                "rediss://: accept any server certificate (no protection against an impostor)")
      ->group("");
}

Result<std::unique_ptr<resp::RemoteClient>> ConnectRemote(const std::string& url,
                                                          resp::RemoteTlsOptions tls) {
  ARBOR_ASSIGN_OR_RETURN(resp::RespUrl parsed, resp::ParseRespUrl(url));
  // The variable is ambient (set for every command), so it applies to rediss:// only;
  // the flags are explicit, and resp:// with them is refused by Connect.
  if (const char* env = std::getenv("ARBOR_REMOTE_CA"); parsed.tls && tls.ca_file.empty() && env != nullptr) {
    tls.ca_file = env;
  }
  return resp::RemoteClient::Connect(parsed, tls);
}

}  // namespace arbor::cli
