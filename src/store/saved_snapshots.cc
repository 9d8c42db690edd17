#include "store/saved_snapshots.h"

#include <cstring>

namespace recsys::store {
namespace {

constexpr std::string_view kMagic("RECSYSW\x01", 8);  // the last byte is the form's version
constexpr size_t kBlock = 1 << 20;

// A checksum against torn or damaged bytes (not an adversary: the bytes are the service's own).
// The payload is hashed in kBlock pieces so that writer and reader need not buffer it whole.
uint64_t Mix(uint64_t h, uint64_t word) {
  h = (h ^ word) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 31);
}
uint64_t BlockHash(std::string_view block) {
  uint64_t h = block.size();
  size_t i = 0;
  for (; i + 8 <= block.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, block.data() + i, 8);
    h = Mix(h, word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, block.data() + i, block.size() - i);
  return Mix(h, tail);
}

// Passes the payload on in kBlock pieces, checksumming each.
class ChecksummingSink {
 public:
  explicit ChecksummingSink(const ByteSink& out) : out_(out) { block_.reserve(kBlock); }
  void Append(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t n = std::min(bytes.size(), kBlock - block_.size());
      block_.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
      if (block_.size() == kBlock) FlushBlock();
    }
  }
  // Passes on the rest and the checksum.
  void Finish() {
    if (!block_.empty()) FlushBlock();
    out_({reinterpret_cast<const char*>(&checksum_), sizeof checksum_});
  }

 private:
  void FlushBlock() {
    checksum_ = Mix(checksum_, BlockHash(block_));
    out_(block_);
    block_.clear();
  }

  const ByteSink& out_;
  std::string block_;
  uint64_t checksum_ = 0;
};

}  // namespace

SnapshotKey SnapshotKeyOf(const service::TenantState& tenant, TimestampUs built_at) {
  return {DayOf(built_at), tenant.config.ranking.half_life_days,
          tenant.config.ranking.covisit_window_days};
}

std::string SavedSnapshotsFormat() {
  return "saved-" + std::to_string(static_cast<unsigned char>(kMagic.back())) + "-" +
         SnapshotFormat();
}

void EncodeSavedSnapshots(const service::TenantState& tenant, TimestampUs saved_at,
                          const ByteSink& sink) {
  sink(kMagic);
  ChecksummingSink checksummed(sink);
  const ByteSink payload = [&checksummed](std::string_view bytes) { checksummed.Append(bytes); };
  const SnapshotKey key = SnapshotKeyOf(tenant, tenant.signals_loaded_at);
  EncodeString(payload, tenant.id);
  EncodeValue(payload, key.day);
  EncodeValue(payload, key.half_life_days);
  EncodeValue(payload, key.covisit_window_days);
  EncodeValue(payload, int64_t{saved_at});
  EncodeValue(payload, int64_t{tenant.signals_loaded_at});
  EncodeValue(payload, static_cast<uint32_t>(tenant.snapshots.size()));
  for (const auto& [ns, snapshot] : tenant.snapshots) {
    EncodeString(payload, ns);
    EncodeSnapshot(*snapshot, payload);
  }
  checksummed.Finish();
}

Result<SavedSnapshots> DecodeSavedSnapshots(std::string_view data) {
  if (data.size() < kMagic.size() + sizeof(uint64_t) || data.substr(0, kMagic.size()) != kMagic) {
    return Status::InvalidArgument("not saved snapshots of this version");
  }
  std::string_view payload = data.substr(kMagic.size(), data.size() - kMagic.size() - 8);
  uint64_t checksum = 0, stored;
  for (size_t at = 0; at < payload.size(); at += kBlock) {
    checksum = Mix(checksum, BlockHash(payload.substr(at, kBlock)));
  }
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  if (checksum != stored) return Status::InvalidArgument("checksum mismatch (torn or damaged)");

  SavedSnapshots saved;
  std::string_view id;
  int64_t saved_at, loaded_at;
  uint32_t namespaces;
  if (!DecodeString(&payload, &id) || !DecodeValue(&payload, &saved.key.day) ||
      !DecodeValue(&payload, &saved.key.half_life_days) ||
      !DecodeValue(&payload, &saved.key.covisit_window_days) || !DecodeValue(&payload, &saved_at) ||
      !DecodeValue(&payload, &loaded_at) || !DecodeValue(&payload, &namespaces)) {
    return Status::InvalidArgument("header cut short");
  }
  saved.tenant_id = id;
  saved.saved_at = saved_at;
  saved.loaded_at = loaded_at;
  for (uint32_t i = 0; i < namespaces; ++i) {
    std::string_view ns;
    if (!DecodeString(&payload, &ns)) return Status::InvalidArgument("namespace cut short");
    auto snapshot = DecodeSnapshot(&payload);
    if (!snapshot.ok()) return Status::InvalidArgument("a snapshot does not decode");
    saved.snapshots.emplace(std::string(ns), std::move(snapshot).value());
  }
  if (!payload.empty()) return Status::InvalidArgument("trailing bytes");
  return saved;
}

}  // namespace recsys::store
