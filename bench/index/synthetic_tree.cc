#include "bench/index/synthetic_tree.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_set>

namespace arbor::bench {
namespace {

using node_index::DirFacts;
using node_index::FileFacts;
using node_index::NodeId;

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {  // splitmix64
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  bool Chance(double p) { return Unit() < p; }
  double Normal() {  // Box-Muller
    double u = std::max(Unit(), 1e-12), v = Unit();
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  uint64_t s_;
};

constexpr std::array<std::string_view, 64> kWords = {
    "Report",       "Budget",   "Invoice",   "Meeting",   "Notes",        "Project",  "Plan",
    "Review",       "Contract", "Proposal",  "Summary",   "Draft",        "Final",    "Sales",
    "Marketing",    "Customer", "Quarterly", "Annual",    "Presentation", "Agenda",   "Minutes",
    "Policy",       "Training", "Schedule",  "Forecast",  "Analysis",     "Design",   "Spec",
    "Requirements", "Roadmap",  "Team",      "Client",    "Offer",        "Order",    "Payroll",
    "Expenses",     "Travel",   "Inventory", "Audit",     "Tax",          "HR",       "Onboarding",
    "Strategy",     "Research", "Survey",    "Results",   "Data",         "Export",   "Backup",
    "Template",     "Letter",   "Memo",      "Status",    "Update",       "Q1",       "Q2",
    "Q3",           "Q4",       "Overview",  "Checklist", "Timeline",     "Estimate", "Quote",
    "Scan"};
constexpr std::array<std::string_view, 32> kCodeNames = {
    "index",    "main",       "utils",  "helpers", "config",    "server",    "client", "api",
    "model",    "views",      "routes", "types",   "constants", "logger",    "parser", "handler",
    "service",  "controller", "schema", "store",   "reducer",   "component", "app",    "setup",
    "settings", "common",     "base",   "core",    "test",      "math",      "io",     "format"};
constexpr std::array<std::string_view, 10> kCodeExt = {"py", "js",   "ts", "c",    "h",
                                                       "cc", "java", "go", "json", "rb"};
constexpr std::array<std::string_view, 8> kDocExt = {"docx", "xlsx", "pdf", "pptx",
                                                     "txt",  "msg",  "pdf", "docx"};
constexpr std::array<std::string_view, 6> kPhotoExt = {"jpg", "JPG", "jpg", "png", "HEIC", "mov"};
constexpr std::array<std::string_view, 6> kDataExt = {"log", "csv", "parquet", "json", "gz", "dat"};
constexpr std::array<std::string_view, 5> kMediaExt = {"mp3", "flac", "mp4", "mkv", "m4a"};
constexpr std::array<std::string_view, 12> kCommon = {
    "README.md",   "Makefile",       ".gitignore", "package.json",     "LICENSE",    "setup.py",
    "__init__.py", "CMakeLists.txt", "Dockerfile", "requirements.txt", "index.html", "style.css"};
constexpr std::array<std::string_view, 24> kDirWords = {
    "Projects", "Clients", "Archive", "Shared", "Finance", "Marketing", "HR",       "Engineering",
    "src",      "docs",    "assets",  "images", "Photos",  "Scans",     "Reports",  "Templates",
    "Backup",   "old",     "tmp",     "data",   "lib",     "test",      "Personal", "Downloads"};

enum class Theme { kPhotos, kDocuments, kCode, kData, kMedia, kMixed };

struct DirState {
  Theme theme;
  uint64_t counter;   // camera or part counter
  int64_t base_time;  // seconds
  int64_t spread;     // seconds
  double size_mu;     // log-normal parameters of file sizes
  double size_sigma;
};

class Generator {
 public:
  explicit Generator(const SyntheticOptions& o) : o_(o), rng_(o.seed) {}

  void Run(const std::function<void(const DirFacts&, std::span<const FileFacts>)>& emit) {
    DirFacts root;
    root.node_id = root.parent_id = NextDirId();
    root.mtime_ns = 1'700'000'000'000'000'000;
    emit(root, Files(root.node_id));
    path_.clear();
    path_.push_back({root.node_id, {}});
    for (uint64_t n = 1; made_ < o_.files; ++n) {
      DirFacts d = NextDir(n);
      emit(d, Files(d.node_id));
    }
  }

 private:
  NodeId NextDirId() {
    if (o_.ids == IdModel::kRandom) return rng_.Next();
    next_inode_ += 1 + rng_.Below(64);  // other activity between directory creations
    return next_inode_;
  }
  NodeId NextFileId() {
    if (o_.ids == IdModel::kRandom) return rng_.Next();
    next_inode_ += 1 + (rng_.Chance(0.7) ? 0 : rng_.Below(8));
    return next_inode_;
  }

  // Walks the current path: go deeper, make a sibling, or climb a few levels first. Going
  // deeper gets less likely with depth, which centres directories around depth 6-7 with
  // a tail to kMaxDepth, as on real shares.
  DirFacts NextDir(uint64_t n) {
    double r = rng_.Unit();
    double deeper = std::max(0.05, 0.6 - 0.05 * static_cast<double>(path_.size()));
    // Shares have a few top-level folders holding large subtrees: the walk rarely climbs
    // into the top two levels, so new top-level folders appear about once per 10^4
    // directories and new second-level ones once per few dozen.
    size_t floor = rng_.Chance(1e-4) ? 1 : rng_.Chance(0.05) ? 2 : 3;
    if (r < deeper && path_.size() < kMaxDepth) {
      // deeper: parent is the last directory
    } else if (r < deeper + 0.45) {
      if (path_.size() > floor) path_.pop_back();  // a sibling
    } else {
      size_t up = 1 + rng_.Below(4);
      while (up-- > 0 && path_.size() > floor) path_.pop_back();
    }
    DirFacts d;
    d.parent_id = path_.back().id;
    d.node_id = NextDirId();
    // A directory gets children only while it is on the path, so its names live there.
    d.name = DirName(n);
    while (!path_.back().child_names.insert(d.name).second) d.name += "_" + std::to_string(rng_.Below(100));
    d.mtime_ns = (1'300'000'000 + static_cast<int64_t>(rng_.Below(420'000'000))) * 1'000'000'000 +
                 static_cast<int64_t>(rng_.Below(1'000'000'000));
    d.change_key = static_cast<uint64_t>(d.mtime_ns) + rng_.Below(1'000'000);
    path_.push_back({d.node_id, {}});
    return d;
  }

  std::string DirName(uint64_t n) {
    switch (rng_.Below(4)) {
      case 0:
        return std::string(rng_.Pick(kDirWords));
      case 1:
        return std::to_string(2005 + rng_.Below(20));
      case 2:
        return std::string(rng_.Pick(kWords)) + " " + std::string(rng_.Pick(kWords));
      default:
        return std::string(rng_.Pick(kDirWords)) + "_" + std::to_string(n % 1000);
    }
  }

  size_t FileCount() {
    double r = rng_.Unit();
    if (r < 0.35) return rng_.Below(4);
    if (r < 0.85) return 4 + rng_.Below(27);
    if (r < 0.99) return 31 + rng_.Below(120);
    return 150 + rng_.Below(2850);
  }

  DirState NewState() {
    static constexpr std::array<Theme, 10> kThemes = {
        Theme::kPhotos, Theme::kDocuments, Theme::kDocuments, Theme::kDocuments, Theme::kCode,
        Theme::kCode,   Theme::kData,      Theme::kData,      Theme::kMedia,     Theme::kMixed};
    DirState s{rng_.Pick(kThemes),
               rng_.Below(9000),
               1'300'000'000 + static_cast<int64_t>(rng_.Below(420'000'000)),
               static_cast<int64_t>(1 + rng_.Below(30'000'000)),
               std::log(30'000.0),
               2.2};
    if (s.theme == Theme::kPhotos) s.size_mu = std::log(2'500'000.0), s.size_sigma = 0.8, s.spread = 3600 * 6;
    if (s.theme == Theme::kCode) s.size_mu = std::log(4'000.0), s.size_sigma = 1.3;
    if (s.theme == Theme::kMedia) s.size_mu = std::log(6'000'000.0), s.size_sigma = 1.2;
    return s;
  }

  std::string Name(DirState& s, Theme t) {
    switch (t) {
      case Theme::kPhotos: {
        char buf[48];
        uint64_t c = ++s.counter;
        if (s.counter % 3 == 0) {
          std::snprintf(buf, sizeof buf, "IMG_%04llu.%s", static_cast<unsigned long long>(c % 10000),
                        std::string(rng_.Pick(kPhotoExt)).c_str());
        } else {
          std::snprintf(buf, sizeof buf, "%llu_%06llu.jpg",
                        static_cast<unsigned long long>(20150101 + c / 50),
                        static_cast<unsigned long long>(rng_.Below(240000)));
        }
        return buf;
      }
      case Theme::kDocuments: {
        std::string n = std::string(rng_.Pick(kWords)) + " " + std::string(rng_.Pick(kWords));
        if (rng_.Chance(0.5)) n += " " + std::to_string(2010 + rng_.Below(15));
        if (rng_.Chance(0.2)) n += rng_.Chance(0.5) ? " final" : " v" + std::to_string(1 + rng_.Below(5));
        return n + "." + std::string(rng_.Pick(kDocExt));
      }
      case Theme::kCode:
        if (rng_.Chance(0.15)) return std::string(rng_.Pick(kCommon));
        return std::string(rng_.Pick(kCodeNames)) +
               (rng_.Chance(0.4) ? "_" + std::string(rng_.Pick(kCodeNames)) : "") + "." +
               std::string(rng_.Pick(kCodeExt));
      case Theme::kData: {
        char buf[64];
        uint64_t c = ++s.counter;
        if (c % 2 == 0) {
          std::snprintf(buf, sizeof buf, "app-%04llu-%02llu-%02llu.%s",
                        static_cast<unsigned long long>(2015 + c / 365 % 10),
                        static_cast<unsigned long long>(1 + c / 28 % 12),
                        static_cast<unsigned long long>(1 + c % 28),
                        std::string(rng_.Pick(kDataExt)).c_str());
        } else {
          std::snprintf(buf, sizeof buf, "part-%05llu-of-export.%s", static_cast<unsigned long long>(c),
                        std::string(rng_.Pick(kDataExt)).c_str());
        }
        return buf;
      }
      case Theme::kMedia: {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%02llu %s %s.%s", static_cast<unsigned long long>(++s.counter % 100),
                      std::string(rng_.Pick(kWords)).c_str(), std::string(rng_.Pick(kWords)).c_str(),
                      std::string(rng_.Pick(kMediaExt)).c_str());
        return buf;
      }
      case Theme::kMixed:
        break;
    }
    return Name(s, static_cast<Theme>(rng_.Below(5)));
  }

  FileFacts MakeFile(DirState& s) {
    FileFacts f;
    f.node_id = NextFileId();
    f.name = Name(s, s.theme);
    if (rng_.Chance(0.03) && !dupes_.empty()) {
      const auto& [h, size] = dupes_[rng_.Below(dupes_.size())];
      f.hash = h;
      f.size = size;
    } else {
      f.size = static_cast<uint64_t>(std::min(1e11, std::exp(s.size_mu + s.size_sigma * rng_.Normal())));
      f.hash = rng_.Next();
      if (dupes_.size() < 4096 && rng_.Chance(0.01)) dupes_.emplace_back(f.hash, f.size);
    }
    int64_t mtime_s = s.base_time + static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(s.spread)));
    f.mtime_ns = mtime_s * 1'000'000'000 + static_cast<int64_t>(rng_.Below(1'000'000'000));
    f.change_key = static_cast<uint64_t>(f.mtime_ns) + (rng_.Chance(0.5) ? 0 : rng_.Below(1ull << 50));
    return f;
  }

  std::vector<FileFacts> Files(NodeId /*dir*/) {
    DirState s = NewState();
    size_t n = std::min<uint64_t>(FileCount(), o_.files - made_);
    std::vector<FileFacts> files;
    files.reserve(n + 2);
    seen_.clear();
    for (size_t i = 0; i < n; ++i) {
      FileFacts f = MakeFile(s);
      if (!seen_.insert(f.name).second) continue;  // themes repeat names; a directory cannot
      files.push_back(std::move(f));
    }
    if (rng_.Chance(0.05) && made_ + files.size() < o_.files) {
      FileFacts f = MakeFile(s);
      f.name = rng_.Chance(0.5) ? "Thumbs.db" : "desktop.ini";
      if (seen_.insert(f.name).second) files.push_back(std::move(f));
    }
    made_ += files.size();
    return files;
  }

  static constexpr size_t kMaxDepth = 24;
  SyntheticOptions o_;
  Rng rng_;
  uint64_t made_ = 0;
  NodeId next_inode_ = 1000;
  struct Level {
    NodeId id;
    std::unordered_set<std::string> child_names;
  };
  std::vector<Level> path_;
  std::vector<std::pair<uint64_t, uint64_t>> dupes_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

void GenerateTree(const SyntheticOptions& options,
                  const std::function<void(const DirFacts&, std::span<const FileFacts>)>& emit) {
  Generator(options).Run(emit);
}

}  // namespace arbor::bench
