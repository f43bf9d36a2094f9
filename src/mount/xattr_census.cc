#include "mount/xattr_census.h"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <iostream>

namespace arbor {
namespace {

constexpr std::array<std::string_view, 4> kProbed = {"security.selinux", "system.posix_acl_access",
                                                     "system.posix_acl_default", "security.capability"};
constexpr uint32_t kAllProbed = (1u << kProbed.size()) - 1;

constexpr int BitOf(std::string_view name) {
  for (size_t i = 0; i < kProbed.size(); ++i) {
    if (kProbed[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// The two POSIX ACL names are one question to ls: gnulib's file_has_acl asks a directory
// for its access ACL, then its default ACL, and an ENOTSUP for the second makes ls stop
// asking the whole device for either. So where any file has either name, neither may be
// answered ENOTSUP (a directory without a default ACL in a mount where some file has an
// access ACL hid that file's `+`).
uint32_t PresentAsLsSeesIt(uint32_t present) {
  constexpr uint32_t kAcls =
      (1u << BitOf("system.posix_acl_access")) | (1u << BitOf("system.posix_acl_default"));
  return (present & kAcls) != 0 ? present | kAcls : present;
}

}  // namespace

XattrCensus::XattrCensus(Loader load, uint64_t max_nodes)
    : load_(std::move(load)), max_nodes_(max_nodes), thread_([this] { Run(); }) {}

XattrCensus::~XattrCensus() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool XattrCensus::Probed(std::string_view name) { return BitOf(name) >= 0; }

void XattrCensus::Add(int space, const Digest& root) {
  std::lock_guard lock(mu_);
  absent_ = 0;
  pending_.emplace_back(space, root);
  cv_.notify_all();
}

bool XattrCensus::Absent(std::string_view name) const {
  int bit = BitOf(name);
  return bit >= 0 && (absent_.load() & (1u << bit)) != 0;
}

bool XattrCensus::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return pending_.empty() && !walking_; });
}

void XattrCensus::Run() {
  // The walk is background work: the mount's requests come first.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (stop_) return;
    auto [space, root] = pending_.back();
    pending_.pop_back();
    walking_ = true;
    bool known = !failed_;
    lock.unlock();
    if (known) known = Walk(space, root);
    lock.lock();
    walking_ = false;
    if (!known) failed_ = true;
    // A root added during the walk is still pending: absence waits for its walk too.
    if (pending_.empty() && !failed_) absent_ = kAllProbed & ~PresentAsLsSeesIt(present_);
    cv_.notify_all();
  }
}

bool XattrCensus::Walk(int space, const Digest& root) {
  std::vector<Digest> todo = {root};
  while (!todo.empty()) {
    if (stop_) return false;
    Digest id = todo.back();
    todo.pop_back();
    if (!seen_.emplace(space, id).second) continue;
    auto tree = load_(space, id);
    if (!tree.ok()) {
      std::cerr << "arbor mount: reading a directory for the xattr census: " << tree.status().message()
                << " (ls -l keeps asking every file for its ACL and label)\n";
      return false;
    }
    nodes_ += (*tree)->size();
    if (nodes_ > max_nodes_) return false;
    for (const Node& n : **tree) {
      for (const auto& xattr : n.xattrs) {
        int bit = BitOf(xattr.first);
        if (bit >= 0) present_ |= 1u << bit;
      }
      if (n.subtree) todo.push_back(*n.subtree);
    }
  }
  return true;
}

}  // namespace arbor
