#include "shares/share_snapshot_session.h"

namespace arbor {

Result<std::unique_ptr<ShareSnapshotSession>> ShareSnapshotSession::Begin(azure::FilesClient* client,
                                                                          std::string share,
                                                                          ShareConsistency mode,
                                                                          std::string given_snapshot,
                                                                          std::string_view repository_id) {
  // The share first: a missing share or bad credentials get their own clear error
  // before anything is created.
  ARBOR_RETURN_IF_ERROR(client->GetShareProperties({share, ""}).status());
  azure::ShareRef ref{std::move(share), ""};
  switch (mode) {
    case ShareConsistency::kLive:
      break;
    case ShareConsistency::kGivenSnapshot: {
      ref.snapshot = std::move(given_snapshot);
      Status st = client->GetShareProperties(ref).status();
      if (st.Is(StatusCode::kNotFound)) {
        return Status::NotFound("share '" + ref.name + "' has no snapshot '" + ref.snapshot + "'");
      }
      ARBOR_RETURN_IF_ERROR(st);
      break;
    }
    case ShareConsistency::kNewSnapshot: {
      ARBOR_ASSIGN_OR_RETURN(ref.snapshot,
                             client->CreateShareSnapshot(ref.name, ArborShareSnapshotMark(repository_id)));
      return std::unique_ptr<ShareSnapshotSession>(new ShareSnapshotSession(client, std::move(ref), true));
    }
  }
  return std::unique_ptr<ShareSnapshotSession>(new ShareSnapshotSession(client, std::move(ref), false));
}

ShareSnapshotSession::~ShareSnapshotSession() {
  if (created_ && !kept_) (void)client_->DeleteShareSnapshot(ref_.name, ref_.snapshot);
}

azure::Metadata ArborShareSnapshotMark(std::string_view repository_id) {
  return {{kArborSnapshotMetaKey, kArborSnapshotMetaValue},
          {kArborRepositoryMetaKey, std::string(repository_id)}};
}

Status DeleteArborShareSnapshot(azure::FilesClient* client, const std::string& share,
                                const std::string& snapshot) {
  auto props = client->GetShareProperties({share, snapshot});
  if (!props.ok()) return props.status().Is(StatusCode::kNotFound) ? Status::Ok() : props.status();
  auto mark = props->metadata.find(kArborSnapshotMetaKey);
  if (mark == props->metadata.end() || mark->second != kArborSnapshotMetaValue) return Status::Ok();
  Status st = client->DeleteShareSnapshot(share, snapshot);
  return st.Is(StatusCode::kNotFound) ? Status::Ok() : st;
}

}  // namespace arbor
