#include "store/warm_start.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "obs/line_writer.h"
#include "obs/log.h"
#include "store/saved_snapshots.h"

namespace recsys::store {
namespace {

constexpr std::string_view kSuffix = ".snapshot";

// Writes to a file descriptor, remembering whether every write succeeded.
class FileSink {
 public:
  explicit FileSink(int fd) : fd_(fd) {}
  void Write(std::string_view bytes) { ok_ = ok_ && obs::WriteAll(fd_, bytes); }
  bool ok() const { return ok_; }

 private:
  int fd_;
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

}  // namespace

std::string WarmStart::PathFor(const std::string& tenant_id) const {
  return dir_ + "/" + tenant_id + std::string(kSuffix);
}

Status WarmStart::Save(const service::TenantState& tenant, TimestampUs now) const {
  const std::string path = PathFor(tenant.id);
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable(temporary + ": " + std::strerror(errno));
  FileSink out(fd);
  EncodeSavedSnapshots(tenant, now, [&out](std::string_view bytes) { out.Write(bytes); });
  const bool written = out.ok();
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
  auto refuse = [&](std::string_view why) {
    obs::Log(obs::Level::kInfo, "warm-start file not used; loading from the database")
        .Str("tenant", tenant.external_id)
        .Str("reason", why);
    return std::nullopt;
  };
  auto saved = DecodeSavedSnapshots(data);
  if (!saved.ok()) return refuse(saved.status().message());
  if (saved.value().tenant_id != tenant.id) return refuse("saved for another tenant");
  const SnapshotKey current = SnapshotKeyOf(tenant, now);
  if (saved.value().key.day != current.day) return refuse("saved on another day");
  const int64_t max_age_us = std::chrono::duration_cast<std::chrono::microseconds>(kMaxAge).count();
  if (now - saved.value().saved_at > max_age_us || now < saved.value().saved_at) {
    return refuse("older than the warm-start limit");
  }
  if (saved.value().key != current) return refuse("the decay settings changed since");
  return Saved{std::move(saved.value().snapshots), saved.value().loaded_at};
}

void WarmStart::DiscardRest() const {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(kSuffix) != std::string::npos) std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace recsys::store
