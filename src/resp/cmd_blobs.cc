// Blob commands: BPUT BGET BEXISTS BSTAT BDEL. Blobs go into the selected database's
// repository (packs, dedup, compression, encryption: repository.h), never a file each;
// the database records which content hashes it holds (keyspace.h), so a database answers
// only for its own blobs even when several share one repository. The engine flushes the
// pack and commits that record before the reply (engine.h, "Durability").
#include "hash/sha256.h"
#include "repo/format.h"
#include "resp/command_table.h"
#include "resp/engine.h"

namespace arbor::resp {
namespace {

// The selected database's entry for the blob named by `hex`; nullopt when it has none.
Result<std::optional<BlobEntry>> FindBlob(CommandContext& ctx, std::string_view hex) {
  ARBOR_ASSIGN_OR_RETURN(Digest sha, ParseHexDigest(hex, "a blob hash"));
  Keyspace keys = ctx.keys();
  return keys.GetBlob(sha.view());
}

}  // namespace

Result<Digest> StoreBlobIn(CommandContext& ctx, const DatabaseInfo& db, std::string_view content) {
  Digest sha = Sha256Of(content);
  Keyspace keys(ctx.txn(), db.id);
  ARBOR_ASSIGN_OR_RETURN(auto entry, keys.GetBlob(sha.view()));
  if (!entry) {
    ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(db));
    Digest id = repo->BlobId(content);
    ARBOR_ASSIGN_OR_RETURN(bool added, repo->StoreBlob(format::BlobType::kData, id, content));
    if (added) ctx.engine().MarkUnflushed(repo);
    ARBOR_RETURN_IF_ERROR(keys.AddBlob(sha.view(), BlobEntry{content.size(), std::string(id.view())}));
  }
  return sha;
}

namespace {

Status BPut(CommandContext& ctx, const Args& args) {
  ++ctx.engine().stats().blob_puts;
  ARBOR_ASSIGN_OR_RETURN(Digest sha, StoreBlobIn(ctx, *ctx.session().db, args[1]));
  ctx.out().Bulk(sha.Hex());
  return Status::Ok();
}

Status BGet(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(auto entry, FindBlob(ctx, args[1]));
  if (!entry) {
    ctx.out().Null();
    return Status::Ok();
  }
  ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(*ctx.session().db));
  ARBOR_RETURN_IF_ERROR(ctx.engine().FlushIfNeeded(repo));
  ARBOR_ASSIGN_OR_RETURN(std::string content, repo->LoadBlob(Digest::FromBytes(entry->repo_id)));
  ctx.out().Bulk(content);
  return Status::Ok();
}

// BEXISTS h: 0 or 1. BEXISTS h1 h2 ...: an array of them, in order (a client asks for a
// thousand hashes in one round trip).
Status BExists(CommandContext& ctx, const Args& args) {
  std::vector<bool> found;
  found.reserve(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(auto entry, FindBlob(ctx, args[i]));
    found.push_back(entry.has_value());
  }
  if (found.size() == 1) {
    ctx.out().Integer(found[0] ? 1 : 0);
    return Status::Ok();
  }
  ctx.out().Array(found.size());
  for (bool f : found) ctx.out().Integer(f ? 1 : 0);
  return Status::Ok();
}

// BSTAT h: {size, stored_as} (the repository's blob id) or null.
Status BStat(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(auto entry, FindBlob(ctx, args[1]));
  if (!entry) {
    ctx.out().Null();
    return Status::Ok();
  }
  ctx.out().Map(2);
  ctx.out().Bulk("size");
  ctx.out().Integer(static_cast<int64_t>(entry->size));
  ctx.out().Bulk("stored_as");
  ctx.out().Bulk(Digest::FromBytes(entry->repo_id).Hex());
  return Status::Ok();
}

// BDEL h [h ...]: the database stops holding these blobs; answers how many it held. The
// content stays in the repository until a prune finds nothing else keeping it (a
// snapshot, a tree or another database: docs/resp.md, "Prune").
Status BDel(CommandContext& ctx, const Args& args) {
  std::vector<Digest> shas;
  shas.reserve(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(Digest sha, ParseHexDigest(args[i], "a blob hash"));
    shas.push_back(sha);
  }
  Keyspace keys = ctx.keys();
  int64_t removed = 0;
  for (const Digest& sha : shas) {
    ARBOR_ASSIGN_OR_RETURN(bool was, keys.RemoveBlob(sha.view()));
    if (was) ++removed;
  }
  ctx.out().Integer(removed);
  return Status::Ok();
}

}  // namespace

void RegisterBlobCommands(CommandTable& t) {
  t.Add({"BPUT", 2, kWrite, BPut, "Stores a blob; answers its SHA-256 (hex)"});
  t.Add({"BGET", 2, 0, BGet, "A blob's content by SHA-256, or null"});
  t.Add({"BEXISTS", -2, 0, BExists, "BEXISTS hash [hash ...]: 0|1, or an array of them"});
  t.Add({"BSTAT", 2, 0, BStat, "A blob's size and repository id, or null"});
  t.Add({"BDEL", -2, kWrite, BDel, "BDEL hash [hash ...]: drops blobs from the database"});
}

}  // namespace arbor::resp
