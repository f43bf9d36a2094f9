// arbor verify [--read-data]: checks that every snapshot can be restored.
#include <cstdio>
#include <iostream>

#include "checker/verify.h"
#include "cli/commands.h"

namespace arbor::cli {

namespace {

// "n/t" (1 <= n <= t) or "P%" (0 < P <= 100); either implies --read-data.
Status ParseSubset(const std::string& text, VerifyOptions* opts) {
  auto bad = [&] {
    return Status::InvalidArgument("--read-data-subset " + text +
                                   ": give n/t (e.g. 1/10, 1 <= n <= t) or P% (e.g. 5%)");
  };
  unsigned long long n = 0, t = 0;
  double percent = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%llu/%llu%c", &n, &t, &tail) == 2) {
    if (n < 1 || t < 1 || n > t) return bad();
    opts->subset_group = n;
    opts->subset_groups = t;
  } else if (!text.empty() && text.back() == '%' &&
             std::sscanf(text.c_str(), "%lf%%%c", &percent, &tail) == 1) {
    if (!(percent > 0 && percent <= 100)) return bad();
    opts->subset_fraction = percent / 100;
  } else {
    return bad();
  }
  opts->read_data = true;
  return Status::Ok();
}

}  // namespace

void RegisterVerify(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto read_data = std::make_shared<bool>(false);
  auto* cmd =
      app.add_subcommand("verify", "Check the repository's structure (and with --read-data, every byte)");
  cmd->add_flag("--read-data", *read_data, "Read every pack and re-hash every blob");
  auto subset = std::make_shared<std::string>();
  cmd->add_option(
         "--read-data-subset", *subset,
         "Read only group n of t of the packs (n/t: 1/7 ... 7/7 read everything once), or P% at random")
      ->type_name("n/t|P%");
  cmd->callback([&g, read_data, subset, exit_code] {
    VerifyOptions opts;
    opts.read_data = *read_data;
    if (!subset->empty()) {
      Status st = ParseSubset(*subset, &opts);
      if (!st.ok()) {
        *exit_code = ReportError(g, st);
        return;
      }
    }
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    opts.threads = g.threads;
    opts.progress = ProgressFor(g);
    auto r = RunVerify(*repo, opts);
    if (!r.ok()) {
      *exit_code = ReportError(g, r.status());
      return;
    }
    if (g.json) {
      nlohmann::json problems = nlohmann::json::array();
      for (const auto& p : r->problems) {
        nlohmann::json files = nlohmann::json::array();
        for (const auto& f : p.affected_files) files.push_back(DisplayName(f));
        problems.push_back({{"message", p.message}, {"affected_files", files}});
      }
      PrintJson({{"message_type", "summary"},
                 {"ok", r->ok()},
                 {"snapshots", r->snapshots},
                 {"trees", r->trees},
                 {"packs", r->packs},
                 {"blobs", r->blobs},
                 {"bytes_read", r->bytes_read},
                 {"packs_read", r->packs_read},
                 {"problems", problems},
                 {"notes", r->notes}});
    } else {
      for (const auto& n : r->notes) std::cout << "note: " << n << "\n";
      for (const auto& p : r->problems) {
        std::cout << "error: " << p.message << "\n";
        for (const auto& f : p.affected_files) std::cout << "  affects " << f << "\n";
      }
      std::cout << "checked " << r->snapshots << " snapshots, " << r->trees << " trees, " << r->packs
                << " packs"
                << (opts.read_data
                        ? ", " + std::to_string(r->blobs) + " blobs (" + std::to_string(r->packs_read) +
                              " packs, " + HumanBytes(r->bytes_read) + " read)"
                        : std::string())
                << ": " << (r->ok() ? "no errors" : std::to_string(r->problems.size()) + " problems") << "\n";
    }
    *exit_code = r->ok() ? kExitOk : kExitFatal;
  });
}

}  // namespace arbor::cli
