// Paged listings of one directory of a snapshot, and the details of one entry. Each page
// reads the directories on the path and the listed directory itself, one directory
// object at a time: the server never loads a whole tree, whatever the snapshot's size.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor::server {

struct TreePage {
  std::string path;  // normalized: "/" or "/a/b"
  std::vector<Node> entries;
  std::string next_page_token;  // empty on the last page
};

// "/a//b/" -> "/a/b"; "" -> "/". InvalidArgument for "." or ".." components.
Result<std::string> NormalizeSnapshotPath(const std::string& path);

// The entries of directory `path` after `page_token` (empty: from the start), at most
// `page_size`, in name order. NotFound when the path is absent, InvalidArgument when it
// is not a directory or the token is bad.
Result<TreePage> ListTreePage(Repository& repo, const Digest& root, const std::string& path,
                              const std::string& page_token, int page_size);

// An entry as the API shows it in listings: name, kind, size, mode, mtime.
nlohmann::json EntryJson(const Node& node, const std::string& dir_path);
// Everything about one entry: owner, times, attributes, xattr names, chunks.
nlohmann::json DetailsJson(const Node& node, const std::string& path);

}  // namespace arbor::server
