#include "mount/snapshot_layout.h"

#include <algorithm>
#include <ctime>
#include <map>

namespace arbor {

SnapshotLayout::SnapshotLayout(std::vector<Snapshot> snapshots, int64_t now_ns) : now_ns_(now_ns) {
  for (auto& s : snapshots) {
    if (!IsPartial(s)) snapshots_.push_back(std::move(s));
  }
  std::stable_sort(snapshots_.begin(), snapshots_.end(),
                   [](const Snapshot& a, const Snapshot& b) { return a.time_ns < b.time_ns; });
}

std::string SnapshotLayout::DirName(const Snapshot& snapshot) {
  time_t secs = static_cast<time_t>(snapshot.time_ns / 1000000000);
  tm utc{};
  ::gmtime_r(&secs, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buf) + "_" + snapshot.id.Hex().substr(0, 8);
}

std::string SnapshotLayout::ChildPath(const std::string& vpath, const std::string& name) {
  return vpath.empty() ? name : vpath + "/" + name;
}

Node SnapshotLayout::Dir(const std::string& name) const {
  Node n;
  n.name = name;
  n.kind = NodeKind::kDirectory;
  n.mode = 0555;
  n.mtime_ns = n.atime_ns = n.ctime_ns = now_ns_;
  n.nlink = 2;
  return n;
}

Node SnapshotLayout::Link(const std::string& name, const std::string& target, int64_t time_ns) const {
  Node n;
  n.name = name;
  n.kind = NodeKind::kSymlink;
  n.mode = 0777;
  n.symlink_target = target;
  n.size = target.size();
  n.mtime_ns = n.atime_ns = n.ctime_ns = time_ns;
  n.nlink = 1;
  return n;
}

Result<std::vector<Node>> SnapshotLayout::List(const std::string& vpath) const {
  std::vector<Node> out;
  if (vpath.empty()) {
    out.push_back(Dir("by-tag"));
    if (!snapshots_.empty()) {
      const Snapshot& newest = snapshots_.back();
      out.push_back(Link("latest", "snapshots/" + DirName(newest), newest.time_ns));
    }
    out.push_back(Dir("snapshots"));
    return out;
  }
  if (vpath == "snapshots") {
    for (const Snapshot& s : snapshots_) {
      Node n = Dir(DirName(s));
      n.mode = 0755;
      n.subtree = s.tree;
      n.mtime_ns = n.atime_ns = n.ctime_ns = s.time_ns;
      out.push_back(std::move(n));
    }
  } else if (vpath == "by-tag") {
    std::map<std::string, bool> tags;
    for (const Snapshot& s : snapshots_) {
      for (const auto& t : s.tags) {
        if (IsSafeName(t)) tags[t] = true;
      }
    }
    for (const auto& [tag, unused] : tags) out.push_back(Dir(tag));
  } else if (vpath.rfind("by-tag/", 0) == 0) {
    std::string tag = vpath.substr(7);
    for (const Snapshot& s : snapshots_) {
      if (std::find(s.tags.begin(), s.tags.end(), tag) == s.tags.end()) continue;
      out.push_back(Link(DirName(s), "../../snapshots/" + DirName(s), s.time_ns));
    }
    if (out.empty()) return Status::NotFound("no snapshot is tagged " + tag);
  } else {
    return Status::NotFound(vpath + " is not a directory of the mount");
  }
  std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) { return a.name < b.name; });
  return out;
}

}  // namespace arbor
