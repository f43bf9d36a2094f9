#include "cli/help_text.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <vector>

#include "cli/cli_context.h"

namespace arbor::cli {
namespace {

constexpr const char* kExitCodes = R"(Exit codes:
  0   success
  1   fatal error (nothing was saved, or the operation failed)
  3   done, but some files could not be read or written (see the warnings)
  10  no repository at the given location (run `arbor init`)
  11  the repository is locked by another operation (e.g. prune)
  12  wrong or missing password, or the repository config or a key cannot be read
  13  job wait, job submit --run/--wait: the job was cancelled (0: it succeeded, 1: it failed)
  14  job wait: the job was still running when --timeout ran out
  15  no such tenant or share in the catalog, or not one the API token may use
  16  the API token is invalid or revoked)";

constexpr const char* kEnvironment = R"(Environment:
  ARBOR_REPO   repository location, used when -r/--repo is not given
  ARBOR_KEY_FILE: a raw key file to open the repository with instead of a password
  ARBOR_PASSWORD, ARBOR_PASSWORD_FILE, ARBOR_PASSWORD_COMMAND: the repository password
               (--password-file / --password-command win; none given: asked on the terminal)
  ARBOR_APPEND_ONLY=1: as --append-only
  ARBOR_STATE_DIR  folder of the local state (default ~/.local/state/arbor): the node
               index and the catalog live there unless moved
  ARBOR_INDEX  node index (--index): an SQLite file or postgres://...
  ARBOR_INDEX_COLD_DIR  keep the node index's change stamps and content hashes (11 bytes
               per file) in an unlinked file in this folder instead of RAM: about a third
               less memory for very large shares (docs/format/node-index.md)
  ARBOR_INDEX_COLD_FILES  shares with at least this many files do that on their own, in
               the index's folder (default 50000000; 0: never)
  ARBOR_CATALOG  catalog for tenant/share/token/job/schedule/worker (--catalog): an SQLite path
               or postgres://...; default $ARBOR_STATE_DIR/catalog.db
  ARBOR_CATALOG_KEY, ARBOR_CATALOG_KEY_FILE: the key that seals secrets stored in the
               catalog (share credentials); workers need the same key
  ARBOR_TOKEN  API token to act as its tenant (--token); none: the operator. With a token,
               repository commands reach only the catalog's shares the token may see
               (--share NAME|ID, --tenant NAME|ID), in their {tenant id}/{share id} namespace
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN] (else ~/.aws/credentials,
  profile $AWS_PROFILE), AWS_REGION or AWS_DEFAULT_REGION, ARBOR_S3_ENDPOINT, ARBOR_S3_URL_STYLE:
  s3://BUCKET[/PREFIX] repositories (see docs/stores.md)
  AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or
  AZURE_STORAGE_SAS_TOKEN: credentials for azfiles://ACCOUNT/SHARE[/PATH] sources and
  restore targets (safer than --account-key / --sas-token, which other users can see),
  and for azblob://ACCOUNT/CONTAINER[/PREFIX] repositories (ARBOR_AZBLOB_PACK_TIER: packs'
  access tier)
  ARBOR_SSH_KEY (--ssh-key), else the ssh agent, else ~/.ssh/id_*: sftp:// repositories;
  the host key must be in ~/.ssh/known_hosts
  ARBOR_STORE_STATS=1: a remote repository's requests by kind on stderr at the end)";

constexpr const char* kAzureFiles = R"(Azure Files:
  arbor backup azfiles://ACCOUNT/SHARE[/PATH] [--snapshot ID | --live]
  arbor restore SNAPSHOT --target azfiles://ACCOUNT/SHARE[/PATH] [--overwrite if-changed]
  A backup reads from a share snapshot it creates, keeps it for the next backup's
  changed-range reads, and deletes the one the previous backup kept.)";

constexpr const char* kSubcommandFooter =
    "Global options (-r/--repo, --password-file, --json, -q, --token, ...) go before or after the\n"
    "command: `arbor --help`. Exit codes: `arbor help exit-codes`; environment: `arbor help environment`.";

// CLI11 prints an option's exclusions in the name column ("--live Excludes: --snapshot"),
// which reads as garbled text; every such option's description says it in words instead.
class ArborFormatter : public CLI::Formatter {
 public:
  // Wide enough for "--files-from-verbatim FILE ..." and its kind on one line.
  ArborFormatter() { column_width(34); }
  // CLI11 separates option groups by two blank lines; one is enough on a screen.
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string text = CLI::Formatter::make_help(app, std::move(name), mode);
    for (auto at = text.find("\n\n\n"); at != std::string::npos; at = text.find("\n\n\n")) text.erase(at, 1);
    return text;
  }

  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string text = CLI::Formatter::make_option_opts(opt);
    // Exclusions are the last part CLI11 2.x appends.
    if (auto at = text.find(" " + get_label("Excludes") + ":"); at != std::string::npos) text.resize(at);
    return text;
  }
};

// Subcommands copy their parent's formatter and footer when they are made, so both are
// set on every one of them after the fact.
void ConfigureSubcommands(CLI::App& app, const std::shared_ptr<ArborFormatter>& formatter) {
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->formatter(formatter);
    sub->footer(kSubcommandFooter);
    ConfigureSubcommands(*sub, formatter);
  }
}

// Levenshtein distance: a dozen short command names, no library needed for it.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The subcommand a `help` word sequence names ("job submit"), or null; *parents gets the
// names before it ("arbor job"), which CLI11 puts in the usage line.
const CLI::App* FindCommand(const CLI::App& app, const std::vector<std::string>& words,
                            std::string* parents) {
  const CLI::App* at = &app;
  *parents = "";
  for (const std::string& word : words) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands({}))
      if (sub->get_name() == word) next = sub;
    if (next == nullptr) return nullptr;
    *parents += (parents->empty() ? "" : " ") + at->get_name();
    at = next;
  }
  return at;
}

}  // namespace

void ConfigureHelp(CLI::App& app) {
  app.name("arbor");
  auto formatter = std::make_shared<ArborFormatter>();
  app.formatter(formatter);
  app.footer(std::string(kExitCodes) + "\n\n" + kEnvironment + "\n\n" + kAzureFiles);
  ConfigureSubcommands(app, formatter);
}

void RegisterHelp(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("help", "Show help: exit-codes, environment, or a command's --help");
  auto topic = std::make_shared<std::vector<std::string>>();
  cmd->add_option("topic", *topic, "exit-codes, environment, or a command (e.g. `help job submit`)");
  cmd->callback([&app, topic, exit_code] {
    if (topic->empty()) {
      std::cout << app.help();
    } else if (topic->size() == 1 && (*topic)[0] == "exit-codes") {
      std::cout << kExitCodes << "\n";
    } else if (topic->size() == 1 && (*topic)[0] == "environment") {
      std::cout << kEnvironment << "\n";
    } else if (std::string parents; const CLI::App* found = FindCommand(app, *topic, &parents)) {
      std::cout << found->help(parents);
    } else {
      std::string asked;
      for (const std::string& w : *topic) asked += (asked.empty() ? "" : " ") + w;
      std::cerr << "arbor help: no topic or command '" << asked << "'";
      if (auto near = NearestCommand(app, (*topic)[0])) std::cerr << "; did you mean '" << *near << "'?";
      std::cerr << "\nTopics: exit-codes, environment, or any command (`arbor --help` lists them)\n";
      *exit_code = kExitFatal;
    }
  });
}

std::optional<std::string> NearestCommand(const CLI::App& app, std::string_view typed) {
  // A unique prefix ("snap") says most; else the nearest name, allowing one edit per three
  // letters typed (at least one), so that "nope" is not taken for "copy".
  std::vector<std::string> prefixed;
  std::optional<std::string> nearest;
  std::size_t allowed = std::max<std::size_t>(1, typed.size() / 3);
  std::size_t nearest_distance = allowed + 1;
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string& name = sub->get_name();
    if (!typed.empty() && name.starts_with(typed)) prefixed.push_back(name);
    if (std::size_t d = EditDistance(typed, name); d < nearest_distance) {
      nearest_distance = d;
      nearest = name;
    }
  }
  if (prefixed.size() == 1) return prefixed.front();
  return nearest;
}

}  // namespace arbor::cli
