// What the catalog commands (tenant, share, token, job, schedule, worker) share: the
// catalog named by --catalog / ARBOR_CATALOG, and who the caller is.
//
// Without --catalog the catalog is an SQLite file in the user's state directory
// ($XDG_STATE_HOME/arbor/catalog.db, else ~/.local/state/arbor/catalog.db): the embedded
// default needs no server. With --token / ARBOR_TOKEN the command acts as that token's
// tenant (or as the operator, for an operator token); without one it acts as the
// operator, like anyone who can open the catalog database directly.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "cli/cli_context.h"

namespace arbor::cli {

struct CatalogSession {
  std::unique_ptr<catalog::Catalog> catalog;
  catalog::Principal principal = catalog::Principal::Operator();
};

// "$XDG_STATE_HOME/arbor/catalog.db" or "$HOME/.local/state/arbor/catalog.db".
std::string DefaultCatalogPath();
// The catalog URL the options name (the default path when none is given).
std::string CatalogUrlFor(const GlobalOptions& g);

// Creates the default catalog's folder when the options name no catalog (a catalog the
// user names must have its folder already).
Status MakeDefaultCatalogFolder(const GlobalOptions& g);

// Opens the catalog (creating the default file's folder) and authenticates the token.
// On failure prints the error, sets *exit_code and returns nullopt.
std::optional<CatalogSession> OpenCatalogSession(const GlobalOptions& g, int* exit_code);

// The id of a tenant given by name or id, as `p` sees it; "" stays "" (a tenant principal
// then means itself, the operator must name one).
Result<std::string> ResolveTenantId(CatalogSession& s, const std::string& name_or_id);

// A share by id or name. `tenant` (name or id, optional) disambiguates an operator's
// name that exists in several tenants.
Result<catalog::Share> ResolveShare(CatalogSession& s, const std::string& share, const std::string& tenant);

// Milliseconds since the epoch as local "YYYY-MM-DD HH:MM:SS" ("-" for 0).
std::string FormatMs(int64_t ms);

}  // namespace arbor::cli
