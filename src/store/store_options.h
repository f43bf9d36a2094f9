// StoreOptions: what opening a store needs besides its location. Each field comes from a
// command-line flag, else from the environment variable its ecosystem uses
// (FromEnvironment), else a default. Secrets are not here: each backend reads its
// credentials where its ecosystem keeps them (Azure: AZURE_STORAGE_CONNECTION_STRING or
// AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN; S3:
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; SFTP: the ssh agent,
// ~/.ssh or ssh_key), and never puts them in a message.
#pragma once

#include <cstdint>
#include <string>

namespace arbor {

struct StoreOptions {
  std::string s3_endpoint;          // --s3-endpoint, $ARBOR_S3_ENDPOINT; empty: AWS for s3_region
  std::string s3_region;            // $AWS_REGION, else $AWS_DEFAULT_REGION; empty: us-east-1
  std::string s3_url_style;         // --s3-url-style, $ARBOR_S3_URL_STYLE path|virtual; empty: path for a
                                    // custom endpoint, virtual-host for AWS
  std::string ssh_key;              // --ssh-key, $ARBOR_SSH_KEY; empty: the agent, then ~/.ssh/id_*
  std::string known_hosts;          // empty: ~/.ssh/known_hosts
  uint64_t limit_upload_kib = 0;    // --limit-upload KiB/s; 0: unlimited
  uint64_t limit_download_kib = 0;  // --limit-download KiB/s; 0: unlimited
  std::string azblob_pack_tier;     // $ARBOR_AZBLOB_PACK_TIER Hot|Cool|Cold|Archive; empty: no tiers set
  // `copy --pack-tier`: where objects written cold (PutOptions: data packs) are kept, as the
  // backend names it (Azure Blob access tier Hot|Cool|Cold|Archive; S3 storage class such as
  // STANDARD_IA, GLACIER, DEEP_ARCHIVE); ignored by local and SFTP stores. Wins over
  // azblob_pack_tier. Empty: azblob_pack_tier for Azure Blob, no class for S3.
  std::string pack_tier;
  bool print_request_counts = false;  // $ARBOR_STORE_STATS=1: requests by kind on stderr at close

  // The defaults above, filled from the environment.
  static StoreOptions FromEnvironment();
};

}  // namespace arbor
