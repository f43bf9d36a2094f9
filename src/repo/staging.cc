#include "repo/staging.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>

#include "base/process.h"

namespace arbor {
namespace {

constexpr std::string_view kPrefix = "pack-";
constexpr std::string_view kSuffix = ".tmp";

}  // namespace

std::string NewStagingPath(const std::string& staging_dir) {
  static std::atomic<uint64_t> counter{0};
  return staging_dir + "/" + std::string(kPrefix) + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
         "@" + HostName() + std::string(kSuffix);
}

bool IsAbandonedStagingFile(const StagingFileInfo& file, std::string_view this_host,
                            std::chrono::system_clock::time_point now, const std::function<bool(long)>& alive) {
  std::string_view name = file.name;
  if (name.substr(0, kPrefix.size()) != kPrefix || name.size() < kPrefix.size() + kSuffix.size() ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return false;
  }
  if (now - file.modified > kAbandonedAfter) return true;
  size_t at = name.rfind('@');
  if (at == std::string_view::npos) return false;  // an older writer's name: the age rule only
  std::string_view host = name.substr(at + 1, name.size() - kSuffix.size() - at - 1);
  if (host != this_host) return false;  // another machine's process: its pid means nothing here
  std::string_view digits = name.substr(kPrefix.size());
  long pid = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc() || end == digits.data() || *end != '-') return false;
  return !alive(pid);
}

uint64_t CleanStaleStaging(const std::string& staging_dir) {
  DIR* d = ::opendir(staging_dir.c_str());
  if (d == nullptr) return 0;
  const std::string host = HostName();
  const auto now = std::chrono::system_clock::now();
  uint64_t removed = 0;
  while (dirent* e = ::readdir(d)) {
    std::string path = staging_dir + "/" + e->d_name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto modified = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (IsAbandonedStagingFile({e->d_name, modified}, host, now, ProcessAlive) && ::unlink(path.c_str()) == 0) {
      ++removed;
    }
  }
  ::closedir(d);
  return removed;
}

}  // namespace arbor
