// Which repository namespace (tenant/share prefix inside a repository) a repository command
// (init, backup, snapshots, ls, restore, diff, verify, forget, prune, stats, find, du,
// changes, dupes) works on.
//
// Without an API token: a tenant and share the catalog knows (by name or id) are its
// namespace "{tenant id}/{share id}" (-r/--repo defaulting to the share's repository); other
// names are namespaces of the repository -r/--repo names (default "default"/"default"), as
// anyone with access to the folder may use; a name that differs from the catalog's only in
// case is refused (it would make a second namespace beside the catalog's share).
// With a token (--token / ARBOR_TOKEN): the namespace is the catalog's share, as the
// token's principal sees it. A tenant token reaches only its own tenant (--tenant, when
// given, must name it, by name or id) and its shares (--share, by name or id); an operator
// token reaches every tenant's shares. The namespace is then "{tenant_id}/{share_id}",
// where workers write, and -r/--repo defaults to the share's repository in the catalog.
// Anything the token may not see is reported exactly like something that does not exist,
// so ids cannot be probed.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"

namespace arbor::cli {

struct RepoNamespace {
  std::string location;  // the object store: a local folder
  std::string tenant;
  std::string share;
};

// On failure prints the error, sets *exit_code (kExitNoNamespace when the tenant or share
// is not one the token may use, kExitBadToken for an invalid or revoked token, kExitNoRepo
// when no repository is named) and returns nullopt.
std::optional<RepoNamespace> ResolveRepoNamespace(const GlobalOptions& g, int* exit_code);

}  // namespace arbor::cli
