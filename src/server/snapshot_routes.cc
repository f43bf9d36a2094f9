// Snapshots of a share, the paged tree of a snapshot, a file's details and its download,
// and a restore of a file or folder to a share of the snapshot's tenant.
#include "server/api_routes.h"
#include "server/file_stream.h"
#include "server/page_token.h"
#include "server/request_fields.h"
#include "server/restore_request.h"
#include "server/snapshot_reader.h"
#include "server/tree_page.h"

namespace arbor::server {

void AddSnapshotRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/shares/{share_id}/snapshots", Access::kAuthenticated,
             "Snapshots of a share, newest first", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, c.principal, c.Param("share_id")));
               ARBOR_ASSIGN_OR_RETURN(auto snapshots, ctx.catalog.snapshots().List(c.principal, share.id));
               c.Reply(ItemsJson(snapshots));
               return Status::Ok();
             }});
  table.Add(
      {"GET", "/api/v1/snapshots/{snapshot_id}", Access::kAuthenticated, "One snapshot", [&ctx](Call& c) {
         ARBOR_ASSIGN_OR_RETURN(auto snapshot,
                                ctx.catalog.snapshots().Get(c.principal, c.Param("snapshot_id")));
         c.Reply(snapshot.ToJson());
         return Status::Ok();
       }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/tree", Access::kAuthenticated,
             "One page of a directory (?path=/a/b&page_size=&page_token=)", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(int page_size,
                                      ParsePageSize(c.Query("page_size"), ctx.limits.default_page_size,
                                                    ctx.limits.max_page_size));
               std::string token = c.Query("page_token");
               if (!token.empty()) {
                 ARBOR_RETURN_IF_ERROR(DecodePageToken(token).status());
               }
               SnapshotReader reader(ctx, c.principal, c.Param("snapshot_id"));
               ARBOR_ASSIGN_OR_RETURN(TreePage page, reader.List(c.Query("path"), token, page_size));
               c.ReplyJsonText(TreePageJson(page));
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/file", Access::kAuthenticated,
             "Details of one entry (?path=)", [&ctx](Call& c) {
               SnapshotReader reader(ctx, c.principal, c.Param("snapshot_id"));
               ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(c.Query("path")));
               ARBOR_ASSIGN_OR_RETURN(Node node, reader.Stat(path));
               c.Reply(DetailsJson(node, path));
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/download", Access::kAuthenticated,
             "A file's bytes, streamed (?path=)", [&ctx](Call& c) {
               SnapshotReader reader(ctx, c.principal, c.Param("snapshot_id"));
               ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(c.Query("path")));
               ARBOR_ASSIGN_OR_RETURN(auto stream, reader.OpenFile(path));
               SendFile(c.res, std::move(stream));
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/archive", Access::kAuthenticated,
             "A folder and everything below it, streamed as tar or zip (?path=&format=tar|zip)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(ArchiveFormat format, ParseArchiveFormat(c.Query("format")));
               ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(c.Query("path")));
               SnapshotReader reader(ctx, c.principal, c.Param("snapshot_id"));
               ARBOR_ASSIGN_OR_RETURN(auto stream, reader.OpenArchive(path, format));
               SendArchive(c.res, std::move(stream),
                           path == "/" ? "snapshot" : path.substr(path.rfind('/') + 1), format);
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/snapshots/{snapshot_id}/restore", Access::kAuthenticated,
             "Restore a file or folder in place (back where it was) or into a folder of the snapshot's "
             "share or another share (POSIX or Azure Files) of its tenant {path, in_place?, "
             "target_share_id?, folder?, "
             "overwrite?}: a restore job",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_RETURN_IF_ERROR(
                   CheckFields(body, {"path", "in_place", "target_share_id", "folder", "overwrite"}));
               RestoreRequest request;
               ARBOR_ASSIGN_OR_RETURN(request.path, RequiredString(body, "path"));
               ARBOR_ASSIGN_OR_RETURN(auto target, OptionalString(body, "target_share_id"));
               request.target_share_id = target.value_or("");
               ARBOR_ASSIGN_OR_RETURN(auto folder, OptionalString(body, "folder"));
               request.folder = folder.value_or("");
               ARBOR_ASSIGN_OR_RETURN(auto overwrite, OptionalString(body, "overwrite"));
               if (overwrite) request.overwrite = *overwrite;
               ARBOR_ASSIGN_OR_RETURN(auto in_place, OptionalBool(body, "in_place"));
               request.in_place = in_place.value_or(false);
               ARBOR_ASSIGN_OR_RETURN(auto job,
                                      SubmitRestore(ctx, c.principal, c.Param("snapshot_id"), request));
               c.Reply(job.ToJson(), 201);
               return Status::Ok();
             },
             true});
}

}  // namespace arbor::server
