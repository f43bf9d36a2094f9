#include "catalog/catalog.h"

#include "catalog/schema.h"

namespace arbor::catalog {

Catalog::Catalog(std::unique_ptr<sql::SqlDatabase> db, CatalogEngine engine, std::string redacted_url,
                 std::optional<SecretKey> key)
    : db_(std::move(db)),
      engine_(engine),
      redacted_url_(std::move(redacted_url)),
      key_(std::move(key)),
      tenants_(*db_, key_ ? &*key_ : nullptr),
      shares_(*db_, key_ ? &*key_ : nullptr),
      repositories_(*db_, key_ ? &*key_ : nullptr),
      snapshots_(*db_),
      tokens_(*db_) {}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::Open(std::string_view url, CatalogOptions options) {
  ARBOR_ASSIGN_OR_RETURN(CatalogUrl parsed, ParseCatalogUrl(url));
  std::optional<SecretKey> key = std::move(options.key);
  if (!key && options.key_from_environment) {
    ARBOR_ASSIGN_OR_RETURN(key, SecretKey::FromEnvironment());
  }
  auto db = parsed.engine == CatalogEngine::kPostgres
                ? sql::OpenPostgresDatabase(parsed.target)
                : sql::OpenSqliteDatabase(parsed.target, sql::EmptyFile::kRefuse, options.read_connections);
  if (db.status().Is(StatusCode::kCorruption)) {
    // The catalog is the only copy of its tenants, shares and tokens: arbor never replaces
    // a file that is not one, not even an empty one.
    return Status::Corruption("opening catalog " + RedactUrl(url) +
                              ": not an SQLite database, or a damaged one (" + db.status().message() +
                              "); left untouched: restore it from a backup, or move it away to start a new,"
                              " empty catalog (without its tenants, shares and tokens)");
  }
  if (!db.ok()) return db.status().Annotate("opening catalog " + RedactUrl(url));
  Status migrated = MigrateCatalogDatabase(**db);
  if (!migrated.ok()) return migrated.Annotate("migrating catalog " + RedactUrl(url));
  return std::unique_ptr<Catalog>(
      new Catalog(std::move(db).value(), parsed.engine, RedactUrl(url), std::move(key)));
}

}  // namespace arbor::catalog
