#include "azure/parallel_lister.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace arbor::azure {
namespace {

std::string Join(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "/" + name;
}

}  // namespace

// The shared state of one walk: pending directories, busy workers, the first error.
class ParallelLister::WorkQueue {
 public:
  explicit WorkQueue(std::string root) { pending_.push_back(std::move(root)); }

  // Blocks until there is a directory to list (true) or the walk is over (false).
  bool Next(std::string* path) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !pending_.empty() || busy_ == 0 || !error_.ok(); });
    if (pending_.empty() || !error_.ok()) return false;
    *path = std::move(pending_.back());  // depth-first keeps the queue short on deep trees
    pending_.pop_back();
    ++busy_;
    return true;
  }
  void Add(std::vector<std::string> paths) {
    if (paths.empty()) return;
    std::lock_guard<std::mutex> lock(mu_);
    for (std::string& p : paths) pending_.push_back(std::move(p));
    cv_.notify_all();
  }
  void Done(const Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    --busy_;
    if (!status.ok() && error_.ok()) error_ = status;
    cv_.notify_all();
  }
  bool Failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return !error_.ok();
  }
  Status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pending_;  // guarded by mu_
  int busy_ = 0;                     // guarded by mu_
  Status error_;                     // guarded by mu_
};

Status ParallelLister::Walk(std::string_view root, const std::function<Status(const ListedPage&)>& visit) {
  WorkQueue queue{std::string(root)};
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    workers.emplace_back([&] {
      std::string path;
      while (queue.Next(&path)) queue.Done(ListOne(path, &queue, visit));
    });
  }
  for (std::thread& t : workers) t.join();
  return queue.error();
}

// Lists every page of one directory, queueing its subdirectories as they appear.
Status ParallelLister::ListOne(const std::string& path, WorkQueue* queue,
                               const std::function<Status(const ListedPage&)>& visit) {
  ListOptions list_options;
  list_options.max_results = options_.page_size;
  list_options.details = options_.details;
  ListedPage out;
  out.path = path;
  directories_.fetch_add(1);
  return client_->ListDirectory(share_, path, [&](const DirectoryPage& page) -> Status {
    if (queue->Failed()) return Status::Cancelled("walk stopped by an earlier error");
    out.directory_id = page.directory_id;
    out.entries = page.entries;
    out.last_page = page.next_marker.empty();
    std::vector<std::string> subdirs;
    for (const DirectoryEntry& e : page.entries) {
      if (e.is_directory && (!options_.descend || options_.descend(path, e))) subdirs.push_back(Join(path, e.name));
    }
    queue->Add(std::move(subdirs));
    pages_.fetch_add(1);
    entries_.fetch_add(page.entries.size());
    ARBOR_RETURN_IF_ERROR(visit(out));
    out.first_page = false;
    return Status::Ok();
  }, list_options);
}

ListerStats ParallelLister::stats() const { return ListerStats{directories_.load(), entries_.load(), pages_.load()}; }

}  // namespace arbor::azure
