// What the dashboard and GET /api/v1/shares show of each share, one page at a time, from
// one SQL statement: the share, its tenant's name, snapshot count and newest time, the
// newest root job's state and time, the count of failed root jobs, and the byte figures
// of its snapshot records. Sorting, the "failing" filter and paging (keyset, LIMIT) all
// happen in that statement, which computes the figures for the page's rows only: a page
// of 50 out of 10,000 shares renders 50 rows and runs their subqueries 51 times.
//
// Where the byte figures come from: the catalog's snapshot records, whose stats the
// backup job writes (job_handlers/job_snapshots.cc) from the engine's BackupStats:
//   logical_bytes    bytes_total of the share's newest snapshot (the size of its files);
//   stored_bytes     the sum of bytes_added over the share's recorded snapshots: what its
//                    backups added to the repository, compressed and encrypted. Data a
//                    prune later removed, or blobs another share of the repository
//                    uploaded first, are not told apart: it is what this share's backups
//                    wrote, not what the repository holds for it now.
//   referenced_bytes the sum of bytes_total over those snapshots: what restoring every
//                    one of them would write.
//   DedupRatio()     referenced_bytes / stored_bytes, as `arbor stats` computes it for a
//                    whole repository (logical over stored).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/principal.h"
#include "jobs/job.h"
#include "sql/sql_query.h"

namespace arbor::server {

struct ShareSummary {
  int64_t snapshots = 0;
  std::optional<int64_t> last_snapshot_ms;   // the newest snapshot's time
  std::optional<jobs::JobState> last_state;  // the newest root job's state
  int64_t last_state_ms = 0;                 // when it finished, else when it was made
  int64_t failures = 0;                      // failed root jobs
  std::optional<int64_t> logical_bytes;      // see the file comment for the three figures
  int64_t stored_bytes = 0;
  int64_t referenced_bytes = 0;

  // nullopt while nothing is stored (no snapshot, or snapshots that added nothing).
  std::optional<double> DedupRatio() const;
  nlohmann::json ToJson() const;
};

// The orders a listing can take, each first in the direction an operator wants first and
// reversed on request (ShareQuery::reversed; `sort=-NAME`).
enum class ShareOrder {
  kTenant,      // tenant name, then share name
  kLastBackup,  // the stalest first: never backed up, then the oldest newest-snapshot
  kState,       // the newest root job's state: failed, running, queued, cancelled, succeeded, none
  kBytes,       // logical bytes, the largest first
};
std::string_view ShareOrderName(ShareOrder order);  // "tenant", "age", "state", "bytes"
// "" is kTenant. InvalidArgument for another name.
Result<ShareOrder> ParseShareOrder(std::string_view name);
// The `sort` parameter of an order and direction: "bytes", or "-bytes" reversed.
std::string ShareSortParam(ShareOrder order, bool reversed);

struct ShareQuery {
  std::string tenant_id;  // only this tenant's shares ("": every tenant the caller sees)
  ShareOrder order = ShareOrder::kTenant;
  bool reversed = false;      // the order's other direction (Z to A, the freshest first, ...)
  bool failing_only = false;  // only shares whose newest root job failed
  int page_size = 100;
  std::string page_token;  // "" for the first page; else the previous page's next_page_token
};

// A query from a request's parameters (tenant_id, sort (a name, "-" before it reversed),
// failing=1, page_size, page_token), `param` giving "" for an absent one. InvalidArgument
// for an unknown sort,
// a failing other than "", "0" or "1", or a page size outside 1..max_page_size.
Result<ShareQuery> ShareQueryFromParams(const std::function<std::string(const char*)>& param,
                                        int default_page_size, int max_page_size);

struct ShareListing {
  catalog::Share share;
  std::string tenant_name;
  ShareSummary summary;
};

struct SharePage {
  std::vector<ShareListing> items;
  std::string next_page_token;  // empty on the last page
};

// One page of the shares `p` sees (a tenant: its own), in `query.order` (reversed: the
// exact reverse of that sequence). A page token carries the order, its direction and the
// last row's sort key, so the next page starts right after it even when shares are added
// in between; InvalidArgument for a token this function did not make or one made for
// another order or direction.
Result<SharePage> ListShareSummaries(catalog::Catalog& catalog, const catalog::Principal& p,
                                     const ShareQuery& query);
// The one statement ListShareSummaries runs (for tests of its plan).
Result<sql::SqlQuery> ShareListingQuery(sql::SqlDialect dialect, const catalog::Principal& p,
                                        const ShareQuery& query);

}  // namespace arbor::server
