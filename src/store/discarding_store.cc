#include "store/discarding_store.h"

#include <filesystem>

namespace arbor {

Status DiscardingStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  (void)key;
  (void)options;
  puts_ += 1;
  bytes_ += data.size();
  return Status::Ok();
}

Status DiscardingStore::PutFile(std::string_view key, const std::string& path, const PutOptions& options) {
  (void)key;
  (void)options;
  // As every store, PutFile consumes the staged file (the local store renames it).
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IOError("dry run: cannot stat " + path + ": " + ec.message());
  std::filesystem::remove(path, ec);
  if (ec) return Status::IOError("dry run: cannot remove the staged " + path + ": " + ec.message());
  puts_ += 1;
  bytes_ += size;
  return Status::Ok();
}

Status DiscardingStore::Delete(std::string_view key) {
  (void)key;
  deletes_ += 1;
  return Status::Ok();
}

}  // namespace arbor
