#include "store/schema_probe.h"

#include "store/migrator.h"

namespace recsys::store {

Status SchemaProbe::Check() {
  if (!conn_ || !conn_->IsHealthy()) {
    conn_.reset();
    auto conn = PgConnection::Connect(url_, /*connect_timeout_s=*/2);
    if (!conn.ok()) return conn.status();
    conn_.emplace(std::move(conn).value());
  }
  Status s = Migrator(*conn_, EmbeddedMigrations()).CheckCurrent();
  if (s.code() == StatusCode::kUnavailable) conn_.reset();
  return s;
}

}  // namespace recsys::store
