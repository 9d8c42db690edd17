#include "store/partitions.h"

namespace recsys::store {
namespace {

Result<std::vector<std::string>> Names(Result<PgResult> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<std::string> names;
  for (int i = 0; i < rows.value().rows(); ++i) names.emplace_back(rows.value().Get(i, 0));
  return names;
}

}  // namespace

Result<std::vector<std::string>> EnsurePartitions(PgConnection& conn, int months_ahead) {
  if (months_ahead < 0) return Status::InvalidArgument("months ahead must be >= 0");
  return Names(conn.Query("SELECT * FROM recsys_ensure_partitions($1::int)",
                          {std::to_string(months_ahead)}));
}

Result<std::vector<std::string>> PrunePartitions(PgConnection& conn, int older_than_days) {
  if (older_than_days < 0) return Status::InvalidArgument("older-than must be >= 0 days");
  return Names(conn.Query("SELECT * FROM recsys_prune_partitions(make_interval(days => $1::int))",
                          {std::to_string(older_than_days)}));
}

}  // namespace recsys::store
