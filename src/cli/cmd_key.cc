// arbor key list|add|remove|passwd: the key objects of an encrypted repository
// (docs/format/encryption.md, "Key management"). Each wraps the same master key set, so
// adding, removing or changing a password never touches data: no pack is read or written.
#include <iostream>

#include "cli/commands.h"
#include "cli/key_options.h"
#include "repo/key_store.h"

namespace arbor::cli {
namespace {

constexpr size_t kShownIdDigits = 8;

// The repository, which must be encrypted (a version-1 one has no keys to manage).
std::unique_ptr<Repository> OpenEncrypted(const GlobalOptions& g, int* exit_code,
                                          RepoAccess access = RepoAccess::kAdds) {
  auto repo = OpenRepository(g, exit_code, access);
  if (repo && repo->cipher() == nullptr) {
    *exit_code = ReportError(
        g, Status::InvalidArgument("the repository is not encrypted (made with --insecure-no-encryption): it "
                                   "has no keys"));
    return nullptr;
  }
  return repo;
}

// The exclusive lock, so two removals cannot take the last two keys between them.
std::unique_ptr<RepoLock> LockForKeys(const GlobalOptions& g, Repository& repo, int* exit_code) {
  auto lock = RepoLock::Acquire(repo.store(), repo.prefix(), LockKind::kExclusive, std::chrono::seconds(0),
                                repo.cipher());
  if (!lock.ok()) {
    *exit_code = ReportError(g, lock.status());
    return nullptr;
  }
  return std::move(lock).value();
}

void List(const GlobalOptions& g, int* exit_code) {
  auto repo = OpenEncrypted(g, exit_code, RepoAccess::kReads);
  if (!repo) return;
  auto keys = ListKeyObjects(repo->store(), repo->prefix());
  if (!keys.ok()) {
    *exit_code = ReportError(g, keys.status());
    return;
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& k : *keys) {
    bool current = k.name == repo->key_name();
    auto object = crypto::KeyObject::Decode(k.bytes);
    if (!object.ok()) {
      ReportWarning(g, "key " + k.name.substr(0, kShownIdDigits) + ": " + object.status().message());
      continue;
    }
    bool raw = object->kdf == crypto::KeyObject::Kdf::kRaw;
    if (g.json) {
      rows.push_back({{"id", k.name},
                      {"current", current},
                      {"algorithm", raw ? "raw" : "argon2id"},
                      {"host", DisplayName(object->host)},
                      {"user", DisplayName(object->user)},
                      {"created_ns", object->created_ns}});
    } else {
      std::cout << (current ? "* " : "  ") << k.name.substr(0, kShownIdDigits) << "  "
                << (raw ? "raw     " : "argon2id") << "  " << FormatTime(object->created_ns) << "  "
                << object->user << "@" << object->host << "\n";
    }
  }
  if (g.json) PrintJson(rows);
}

void Add(const GlobalOptions& g, const NewKeyArgs& args, int* exit_code) {
  auto repo = OpenEncrypted(g, exit_code);
  if (!repo) return;
  auto credential = NewCredential(args);
  if (!credential.ok()) {
    *exit_code = ReportError(g, credential.status(), kExitBadConfig);
    return;
  }
  auto object = NewKeyObject(repo->cipher()->master(), *credential, args.Params());
  auto name = object.ok() ? AddKeyObject(repo->store(), repo->prefix(), *object)
                          : Result<std::string>(object.status());
  if (!name.ok()) {
    DiscardNewKeyFile(args);
    *exit_code = ReportError(g, name.status());
    return;
  }
  if (g.json) {
    PrintJson({{"message_type", "key_added"}, {"id", *name}});
  } else {
    std::cout << "added key " << name->substr(0, kShownIdDigits) << "\n";
  }
}

void Remove(const GlobalOptions& g, const std::string& id, bool force, int* exit_code) {
  auto repo = OpenEncrypted(g, exit_code, RepoAccess::kDeletes);
  if (!repo) return;
  auto lock = LockForKeys(g, *repo, exit_code);
  if (!lock) return;
  auto keys = ListKeyObjects(repo->store(), repo->prefix());
  auto name = keys.ok() ? ResolveKeyName(*keys, id) : Result<std::string>(keys.status());
  if (!name.ok()) {
    *exit_code = ReportError(g, name.status());
    return;
  }
  if (*name == repo->key_name() && !force) {
    *exit_code = ReportError(g, Status::InvalidArgument("key " + name->substr(0, kShownIdDigits) +
                                                        " is the one this command opened the repository "
                                                        "with: give --force to remove it anyway"));
    return;
  }
  if (Status st = RemoveKeyObject(repo->store(), repo->prefix(), *name); !st.ok()) {
    *exit_code = ReportError(g, st);
    return;
  }
  if (g.json) {
    PrintJson({{"message_type", "key_removed"}, {"id", *name}});
  } else {
    std::cout << "removed key " << name->substr(0, kShownIdDigits) << "\n";
  }
}

void Passwd(const GlobalOptions& g, const NewKeyArgs& args, int* exit_code) {
  auto repo = OpenEncrypted(g, exit_code, RepoAccess::kDeletes);
  if (!repo) return;
  auto credential = NewCredential(args);
  if (!credential.ok()) {
    *exit_code = ReportError(g, credential.status(), kExitBadConfig);
    return;
  }
  auto lock = LockForKeys(g, *repo, exit_code);
  if (!lock) {
    DiscardNewKeyFile(args);
    return;
  }
  auto object = NewKeyObject(repo->cipher()->master(), *credential, args.Params());
  auto name = object.ok() ? ReplaceKeyObject(repo->store(), repo->prefix(), repo->key_name(), *object)
                          : Result<std::string>(object.status());
  if (!name.ok()) {
    DiscardNewKeyFile(args);
    *exit_code = ReportError(g, name.status());
    return;
  }
  if (g.json) {
    PrintJson({{"message_type", "key_changed"}, {"old_id", repo->key_name()}, {"id", *name}});
  } else {
    std::cout << "changed password: key " << repo->key_name().substr(0, kShownIdDigits) << " replaced by "
              << name->substr(0, kShownIdDigits) << "\n";
  }
}

}  // namespace

void RegisterKey(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* key = app.add_subcommand("key", "Manage the passwords (key objects) of an encrypted repository");
  key->require_subcommand(1);

  key->add_subcommand("list", "List the key objects; * marks the one the password given opens")
      ->callback([&g, exit_code] { List(g, exit_code); });

  auto add_args = std::make_shared<NewKeyArgs>();
  auto* add = key->add_subcommand("add", "Add a password: a new key object wrapping the same master key");
  add->add_option("--new-password-file", add_args->new_password_file,
                  "Read the new password from FILE (default: ask twice on the terminal)");
  AddKdfOptions(add, add_args.get());
  AddNewKeyFileOption(add, add_args.get());
  add->callback([&g, add_args, exit_code] { Add(g, *add_args, exit_code); });

  auto id = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* remove = key->add_subcommand("remove", "Remove a key object (never the last one)");
  remove->add_option("id", *id, "The key's id or a unique prefix of it (at least 4 hex digits)")->required();
  remove->add_flag("--force", *force, "Also remove the key the password given opens");
  remove->callback([&g, id, force, exit_code] { Remove(g, *id, *force, exit_code); });

  auto passwd_args = std::make_shared<NewKeyArgs>();
  auto* passwd = key->add_subcommand(
      "passwd", "Change the password: add a key for the new one, then remove the one given (data unchanged)");
  passwd->add_option("--new-password-file", passwd_args->new_password_file,
                     "Read the new password from FILE (default: ask twice on the terminal)");
  AddKdfOptions(passwd, passwd_args.get());
  AddNewKeyFileOption(passwd, passwd_args.get());
  passwd->callback([&g, passwd_args, exit_code] { Passwd(g, *passwd_args, exit_code); });
}

}  // namespace arbor::cli
