#include "store/schema_probe.h"

#include "store/migrator.h"

namespace recsys::store {

Status SchemaProbe::Check() {
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  Status s = Migrator(*conn.value(), EmbeddedMigrations()).CheckServable();
  if (s.code() == StatusCode::kUnavailable) conn_.Reset();
  return s;
}

}  // namespace recsys::store
