// What the API's route handlers share: the catalog, the open repositories, the limits and
// the node index's analytics, the totals of changes between snapshots.
// Built once by ApiServer; the route files (api_routes.h) capture it by reference.
#pragma once

#include "catalog/catalog.h"
#include "server/change_totals_cache.h"
#include "server/repository_cache.h"

namespace arbor::server {

class SnapshotAnalytics;

struct ServerLimits {
  size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  int default_page_size = 100;
  int max_page_size = 1000;  // larger page_size values get 400
  int max_job_list = 500;    // the most jobs one listing returns
  // Requests a second each token may make on average, and at once (rate_limiter.h);
  // over that: 429 with Retry-After. 0: no limit.
  double rate_per_token = 0;
  double rate_burst = 0;  // 0: one second's worth (at least 1)
};

struct ApiContext {
  catalog::Catalog& catalog;
  RepositoryCache& repos;
  ServerLimits limits;
  SnapshotAnalytics& analytics;  // the node index's analytics (snapshot_analytics.h)
  ChangeTotalsCache& change_totals;  // the totals of changes between snapshots, by pair
};

}  // namespace arbor::server
