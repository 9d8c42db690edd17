#include "store/snapshot_parts.h"

#include <algorithm>

namespace recsys::store {
namespace {

constexpr int64_t kMaxReservedBytes = int64_t{16} << 30;

}  // namespace

Result<WrittenParts> WriteSnapshotParts(PgConnection& conn, const service::TenantState& tenant,
                                        size_t part_bytes, const std::string& insert_sql,
                                        std::vector<PgParam> params) {
  size_t size = 4096;
  for (const auto& [ns, snapshot] : tenant.snapshots) size += snapshot->MemoryBytes();
  std::string part;
  part.reserve(std::min(part_bytes, size));
  WrittenParts written;
  Status status = Status::Ok();
  params.emplace_back();  // the part's number
  auto flush = [&] {
    if (!status.ok() || part.empty()) return;
    params.back() = std::to_string(written.parts);
    status = conn.ExecWithBlob(insert_sql, params, part);
    ++written.parts;
    written.bytes += static_cast<int64_t>(part.size());
    part.clear();
  };
  EncodeSavedSnapshots(tenant, NowUs(), [&](std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t n = std::min(bytes.size(), part_bytes - part.size());
      part.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
      if (part.size() == part_bytes) flush();
    }
  });
  flush();
  if (!status.ok()) return status;
  return written;
}

Status ReadSnapshotParts(PgConnection& conn, const std::string& select_sql,
                         const std::vector<PgParam>& params, int64_t recorded_bytes,
                         std::string& bytes) {
  if (recorded_bytes > 0 && recorded_bytes <= kMaxReservedBytes) {
    bytes.reserve(bytes.size() + static_cast<size_t>(recorded_bytes));
  }
  return conn.ReadBlobs(select_sql, params,
                        [&bytes](std::string_view part) { bytes.append(part); });
}

Result<SavedSnapshots> DecodeTenantSnapshots(std::string_view bytes, const std::string& tenant_id) {
  auto saved = DecodeSavedSnapshots(bytes);
  if (saved.ok() && saved.value().tenant_id != tenant_id) {
    return Status::InvalidArgument("stored for another tenant");
  }
  return saved;
}

}  // namespace recsys::store
