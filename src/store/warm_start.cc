#include "store/warm_start.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "core/snapshot_codec.h"
#include "obs/line_writer.h"
#include "obs/log.h"

namespace recsys::store {
namespace {

constexpr std::string_view kMagic("RECSYSW\x01", 8);  // the last byte is the format version
constexpr std::string_view kSuffix = ".snapshot";
constexpr size_t kBlock = 1 << 20;

// A checksum against torn or damaged files (not an adversary: the folder is the service's own).
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

// Writes the payload through a kBlock buffer, checksumming each block.
class PayloadWriter {
 public:
  explicit PayloadWriter(int fd) : fd_(fd) { block_.reserve(kBlock); }
  void Append(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t n = std::min(bytes.size(), kBlock - block_.size());
      block_.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
      if (block_.size() == kBlock) FlushBlock();
    }
  }
  // Writes the rest and the checksum; false on a write error.
  bool Finish() {
    if (!block_.empty()) FlushBlock();
    WriteRaw({reinterpret_cast<const char*>(&checksum_), sizeof checksum_});
    return ok_;
  }
  // Bytes outside the checksummed payload (the magic).
  void WriteRaw(std::string_view bytes) { ok_ = ok_ && obs::WriteAll(fd_, bytes); }

 private:
  void FlushBlock() {
    checksum_ = Mix(checksum_, BlockHash(block_));
    WriteRaw(block_);
    block_.clear();
  }

  int fd_;
  std::string block_;
  uint64_t checksum_ = 0;
  bool ok_ = true;
};

// A read-only mapping of a whole file.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = ::mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        ::madvise(p, st.st_size, MADV_SEQUENTIAL);
        data_ = {static_cast<const char*>(p), static_cast<size_t>(st.st_size)};
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (!data_.empty()) ::munmap(const_cast<char*>(data_.data()), data_.size());
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view data() const { return data_; }

 private:
  std::string_view data_;
};

// The decay parameters a tenant's snapshots were built with, as the header stores them.
struct Key {
  int32_t day;
  double half_life_days;
  int32_t covisit_window_days;
};
Key KeyOf(const service::TenantState& tenant, TimestampUs now) {
  return {DayOf(now), tenant.config.ranking.half_life_days,
          tenant.config.ranking.covisit_window_days};
}

}  // namespace

std::string WarmStart::PathFor(const std::string& tenant_id) const {
  return dir_ + "/" + tenant_id + std::string(kSuffix);
}

Status WarmStart::Save(const service::TenantState& tenant, TimestampUs now) const {
  const std::string path = PathFor(tenant.id);
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable(temporary + ": " + std::strerror(errno));
  PayloadWriter out(fd);
  out.WriteRaw(kMagic);
  const ByteSink payload = [&out](std::string_view bytes) { out.Append(bytes); };
  const Key key = KeyOf(tenant, tenant.signals_loaded_at);
  EncodeString(payload, tenant.id);
  EncodeValue(payload, key.day);
  EncodeValue(payload, key.half_life_days);
  EncodeValue(payload, key.covisit_window_days);
  EncodeValue(payload, int64_t{now});
  EncodeValue(payload, int64_t{tenant.signals_loaded_at});
  EncodeValue(payload, static_cast<uint32_t>(tenant.snapshots.size()));
  for (const auto& [ns, snapshot] : tenant.snapshots) {
    EncodeString(payload, ns);
    EncodeSnapshot(*snapshot, payload);
  }
  const bool written = out.Finish();
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::unlink(temporary.c_str());
    return Status::Unavailable(path + ": " + error);
  }
  return Status::Ok();
}

Result<size_t> WarmStart::SaveAll(const service::ServingState& state, TimestampUs now) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::Unavailable(dir_ + ": " + ec.message());
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, ec);
  size_t saved = 0;
  for (const auto& [external_id, tenant] : state.tenants) {
    // A tenant still on warm-started snapshots is not saved again: saving only what this
    // instance read from the database keeps a chain of quick restarts from serving old signals.
    if (!tenant->active() || tenant->snapshots.empty() || tenant->warm_started) continue;
    if (Status s = Save(*tenant, now); !s.ok()) {
      obs::Log(obs::Level::kWarn, "warm-start save failed; that tenant will load cold")
          .Str("tenant", external_id)
          .Str("error", s.message());
      continue;
    }
    ++saved;
  }
  return saved;
}

std::optional<WarmStart::Saved> WarmStart::Take(const service::TenantState& tenant,
                                                TimestampUs now) const {
  const std::string path = PathFor(tenant.id);
  MappedFile file(path);
  std::string_view data = file.data();
  if (data.empty()) return std::nullopt;
  ::unlink(path.c_str());  // used once, whatever happens below
  const char* reason = nullptr;
  auto refuse = [&](const char* why) {
    obs::Log(obs::Level::kInfo, "warm-start file not used; loading from the database")
        .Str("tenant", tenant.external_id)
        .Str("reason", why);
    return std::nullopt;
  };
  if (data.size() < kMagic.size() + sizeof(uint64_t) || data.substr(0, kMagic.size()) != kMagic) {
    return refuse("not a warm-start file of this version");
  }
  std::string_view payload = data.substr(kMagic.size(), data.size() - kMagic.size() - 8);
  uint64_t checksum = 0, stored;
  for (size_t at = 0; at < payload.size(); at += kBlock) {
    checksum = Mix(checksum, BlockHash(payload.substr(at, kBlock)));
  }
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  if (checksum != stored) return refuse("checksum mismatch (a torn or damaged file)");

  std::string_view id;
  Key saved;
  int64_t saved_at, loaded_at;
  uint32_t namespaces;
  if (!DecodeString(&payload, &id) || !DecodeValue(&payload, &saved.day) ||
      !DecodeValue(&payload, &saved.half_life_days) ||
      !DecodeValue(&payload, &saved.covisit_window_days) || !DecodeValue(&payload, &saved_at) ||
      !DecodeValue(&payload, &loaded_at) || !DecodeValue(&payload, &namespaces)) {
    return refuse("header cut short");
  }
  const Key current = KeyOf(tenant, now);
  if (id != tenant.id) reason = "saved for another tenant";
  if (!reason && saved.day != current.day) reason = "saved on another day";
  const int64_t max_age_us = std::chrono::duration_cast<std::chrono::microseconds>(kMaxAge).count();
  if (!reason && (now - saved_at > max_age_us || now < saved_at)) {
    reason = "older than the warm-start limit";
  }
  if (!reason && (saved.half_life_days != current.half_life_days ||
                  saved.covisit_window_days != current.covisit_window_days)) {
    reason = "the decay settings changed since";
  }
  if (reason) return refuse(reason);
  Saved result{{}, loaded_at};
  for (uint32_t i = 0; i < namespaces; ++i) {
    std::string_view ns;
    if (!DecodeString(&payload, &ns)) return refuse("namespace cut short");
    auto snapshot = DecodeSnapshot(&payload);
    if (!snapshot.ok()) return refuse("a snapshot does not decode");
    result.snapshots.emplace(std::string(ns), std::move(snapshot).value());
  }
  if (!payload.empty()) return refuse("trailing bytes");
  return result;
}

void WarmStart::DiscardRest() const {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(kSuffix) != std::string::npos) std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace recsys::store
