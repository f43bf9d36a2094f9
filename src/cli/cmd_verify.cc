// arbor verify [--read-data]: checks that every snapshot can be restored.
#include <iostream>

#include "cli/commands.h"
#include "checker/verify.h"

namespace arbor::cli {

void RegisterVerify(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto read_data = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("verify", "Check the repository's structure (and with --read-data, every byte)");
  cmd->add_flag("--read-data", *read_data, "Read every pack and re-hash every blob");
  cmd->callback([&g, read_data, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    VerifyOptions opts;
    opts.read_data = *read_data;
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
      PrintJson({{"message_type", "summary"}, {"ok", r->ok()},        {"snapshots", r->snapshots},
                 {"trees", r->trees},           {"packs", r->packs},     {"blobs", r->blobs},
                 {"bytes_read", r->bytes_read}, {"problems", problems}, {"notes", r->notes}});
    } else {
      for (const auto& n : r->notes) std::cout << "note: " << n << "\n";
      for (const auto& p : r->problems) {
        std::cout << "error: " << p.message << "\n";
        for (const auto& f : p.affected_files) std::cout << "  affects " << f << "\n";
      }
      std::cout << "checked " << r->snapshots << " snapshots, " << r->trees << " trees, " << r->packs << " packs"
                << (opts.read_data ? ", " + std::to_string(r->blobs) + " blobs (" + HumanBytes(r->bytes_read) + " read)"
                                   : std::string())
                << ": " << (r->ok() ? "no errors" : std::to_string(r->problems.size()) + " problems") << "\n";
    }
    *exit_code = r->ok() ? kExitOk : kExitFatal;
  });
}

}  // namespace arbor::cli
