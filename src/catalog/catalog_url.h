// Where a catalog lives, as the user writes it (--catalog or ARBOR_CATALOG):
//   /var/lib/arbor/catalog.db            a plain path: SQLite, the embedded default
//   sqlite:///var/lib/arbor/catalog.db   the same, as a URL (sqlite://rel/path is relative)
//   postgres://user:pw@host:5432/arbor   PostgreSQL (postgresql:// too; any libpq URL)
//   host=db port=5432 dbname=arbor       PostgreSQL, libpq key/value form
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::catalog {

enum class CatalogEngine { kSqlite, kPostgres };

struct CatalogUrl {
  CatalogEngine engine = CatalogEngine::kSqlite;
  std::string target;  // the SQLite file path, or the libpq connection string
};

// InvalidArgument for an empty string or a scheme that is neither sqlite nor postgres.
Result<CatalogUrl> ParseCatalogUrl(std::string_view url);

// The URL with any password replaced by "***", for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace arbor::catalog
