// The mount tests' repository: BackupFixture's scratch local repository, plus blobs stored
// and flushed through the real Repository, so the caches and readers fetch what a backup
// would have written.
#pragma once

#include <string>

#include "support/backup_fixture.h"

namespace arbor::testing {

class MountTestRepo : public BackupFixture {
 protected:
  Digest Put(const std::string& data) {
    Digest id = repo_->BlobId(data);
    EXPECT_TRUE(repo_->StoreBlob(format::BlobType::kData, id, data).ok());
    EXPECT_TRUE(repo_->Flush().ok());
    return id;
  }
};

}  // namespace arbor::testing
