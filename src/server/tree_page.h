// Paged listings of one directory of a snapshot, and the details of one entry. Each page
// reads the directories on the path and the listed directory itself, one directory
// object at a time, through the repository's TreeCache (repository_cache.h): the server
// never loads a whole tree, whatever the snapshot's size, and a directory decoded for one
// request serves the next.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "mount/tree_cache.h"
#include "repo/repository.h"

namespace arbor::server {

struct TreePage {
  std::string path;             // normalized: "/" or "/a/b"
  TreeCache::Tree dir;          // the whole directory, shared with the cache (not copied)
  size_t first = 0, last = 0;   // this page is dir[first, last)
  std::string next_page_token;  // empty on the last page

  std::span<const Node> entries() const {
    return dir ? std::span<const Node>(dir->data() + first, last - first) : std::span<const Node>();
  }
};

// "/a//b/" -> "/a/b"; "" -> "/". InvalidArgument for "." or ".." components.
Result<std::string> NormalizeSnapshotPath(const std::string& path);

// The entries of directory `path` after `page_token` (empty: from the start), at most
// `page_size`, in name order. NotFound when the path is absent, InvalidArgument when it
// is not a directory or the token is bad.
Result<TreePage> ListTreePage(TreeCache& trees, const Digest& root, const std::string& path,
                              const std::string& page_token, int page_size);

// LookupPath (browse/tree_walk.h) through a TreeCache: each directory on the path is a
// binary search in a cached, name-sorted tree.
Result<Node> LookupCachedPath(TreeCache& trees, const Digest& root, const std::string& path);

// An entry as the API shows it in listings: name, kind, size, mode, mtime.
nlohmann::json EntryJson(const Node& node, const std::string& dir_path);
// The API's body for a page, {"path", "entries": [EntryJson...], "next_page_token"?},
// written straight to text: a 1,000-entry page built as a JSON document first spent most
// of its time allocating and freeing the document's nodes.
std::string TreePageJson(const TreePage& page);
// Everything about one entry: owner, times, attributes, xattr names, chunks.
nlohmann::json DetailsJson(const Node& node, const std::string& path);

}  // namespace arbor::server
