#include "cli/import_command.h"

#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>

#include "cli/bounded_workers.h"
#include "cli/line_reader.h"
#include "cli/progress.h"
#include "cli/serve_config.h"
#include "core/catalog_item.h"
#include "core/csv.h"
#include "core/event.h"
#include "core/utf8.h"
#include "service/ingest_service.h"
#include "store/catalog_store.h"
#include "store/event_store.h"
#include "store/pg.h"
#include "store/user_key_secret.h"

namespace recsys::cli {
namespace {

// Larger than the API's 1000: fewer transactions, same code path and idempotency.
constexpr size_t kEventBatch = 5000;
constexpr size_t kCatalogBatch = 1000;
// A CSV record may span lines inside quotes, but not without bound.
constexpr size_t kMaxRecordBytes = 1 << 20;

struct Totals {
  int64_t records = 0, accepted = 0, duplicates = 0, bad = 0;
};

std::string FormatOf(const std::string& path, const std::string& flag) {
  if (!flag.empty()) return flag;
  std::string name = path;
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  for (const char* ext : {".jsonl", ".ndjson", ".json"}) {
    const std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return "jsonl";
    }
  }
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0) return "csv";
  return "";
}

// Validated records go here in batches; Flush() writes what is pending.
class Importer {
 public:
  Importer(const ImportOptions& options, std::string tenant_id, const std::string& url,
           const std::string& user_key_secret)
      : options_(options),
        tenant_id_(std::move(tenant_id)),
        event_store_(url),
        catalog_store_(url),
        ingest_(state_, event_store_, user_key_secret) {}

  Status Add(const rapidjson::Document& doc, int64_t line, const std::string& file) {
    if (options_.kind == ImportKind::kEvents) {
      auto parsed = ParseEvent(doc, NowUs());
      if (auto* r = std::get_if<Rejection>(&parsed)) return Bad(file, line, r->code, r->detail);
      events_.push_back(std::move(std::get<Event>(parsed)));
      return events_.size() >= kEventBatch ? Flush() : Status::Ok();
    }
    auto parsed = ParseCatalogItem(doc);
    if (auto* r = std::get_if<Rejection>(&parsed)) return Bad(file, line, r->code, r->detail);
    items_.push_back(std::move(std::get<CatalogItem>(parsed)));
    return items_.size() >= kCatalogBatch ? Flush() : Status::Ok();
  }

  // Reports a bad line on stderr; fails once --max-errors is reached.
  Status Bad(const std::string& file, int64_t line, const std::string& code,
             const std::string& detail) {
    ++totals_.bad;
    std::fprintf(stderr, "%s:%lld: %s: %s\n", file.c_str(), static_cast<long long>(line),
                 code.c_str(), detail.c_str());
    if (options_.max_errors > 0 && totals_.bad >= options_.max_errors) {
      return Status::ResourceExhausted("stopped after " + std::to_string(totals_.bad) +
                                       " bad lines (--max-errors)");
    }
    return Status::Ok();
  }

  // Hands the pending batch to a writer; the reading thread goes on parsing meanwhile.
  Status Flush() {
    if (options_.dry_run) {
      totals_.accepted += static_cast<int64_t>(events_.size() + items_.size());
      events_.clear();
      items_.clear();
      return Status::Ok();
    }
    if (!events_.empty()) {
      RETURN_IF_ERROR(workers_.Submit([this, batch = std::move(events_)]() -> Status {
        auto counts = ingest_.Append(tenant_id_, batch);
        if (!counts.ok()) return counts.status();
        std::lock_guard<std::mutex> lock(mu_);
        totals_.accepted += counts.value().accepted;
        totals_.duplicates += counts.value().duplicates;
        return Status::Ok();
      }));
      events_.clear();
    }
    if (!items_.empty()) {
      RETURN_IF_ERROR(workers_.Submit([this, batch = std::move(items_)]() -> Status {
        RETURN_IF_ERROR(catalog_store_.Upsert({tenant_id_, options_.tenant}, batch, 0,
                                              {"cli", "cli", "", "", "recsys-service import"}));
        std::lock_guard<std::mutex> lock(mu_);
        totals_.accepted += static_cast<int64_t>(batch.size());
        return Status::Ok();
      }));
      items_.clear();
    }
    return Status::Ok();
  }

  // Writes what is pending and waits for every writer.
  Status Finish() {
    Status flushed = Flush();
    Status finished = workers_.Finish();
    return flushed.ok() ? finished : flushed;
  }

  Totals& totals() { return totals_; }

 private:
  const ImportOptions& options_;
  std::string tenant_id_;
  service::StateHolder state_;  // unused by Append; the service wants one
  store::PgEventStore event_store_;
  store::PgCatalogStore catalog_store_;
  service::IngestService ingest_;
  std::vector<Event> events_;
  std::vector<CatalogItem> items_;
  std::mutex mu_;
  Totals totals_;  // accepted and duplicates guarded by mu_ while writers run
  // Four writers, as many as the HTTP benchmark's connections: PostgreSQL overlaps one batch's
  // commit and index work with another's.
  BoundedWorkers workers_{4, 4};
};

// Records from a LineReader: one line for JSON Lines; for CSV a record continues onto the next
// lines while a quoted field is open (RFC 4180), up to kMaxRecordLines. A quote that does not
// close within them is taken as broken: the record is its first line alone (reported as bad) and
// the lines read ahead are read again as records of their own, so one stray quote never swallows
// the rest of the file.
class RecordReader {
 public:
  RecordReader(LineReader& reader, bool csv) : reader_(reader), csv_(csv) {}

  // The next record and the number of its first line; false at the end.
  bool Next(std::string* record, int64_t* first_line) {
    if (!NextLine(record, first_line)) return false;
    if (!csv_ || !CsvRecordIsOpen(*record)) return true;
    std::vector<std::pair<int64_t, std::string>> ahead;
    std::string joined = *record;
    std::pair<int64_t, std::string> line;
    while (CsvRecordIsOpen(joined) && ahead.size() < kMaxRecordLines &&
           joined.size() < kMaxRecordBytes && NextLine(&line.second, &line.first)) {
      joined.push_back('\n');
      joined.append(line.second);
      ahead.push_back(std::move(line));
    }
    if (!CsvRecordIsOpen(joined)) {
      *record = std::move(joined);
      return true;
    }
    for (auto it = ahead.rbegin(); it != ahead.rend(); ++it) pending_.push_front(std::move(*it));
    return true;
  }

 private:
  static constexpr size_t kMaxRecordLines = 20;

  bool NextLine(std::string* line, int64_t* number) {
    if (!pending_.empty()) {
      *number = pending_.front().first;
      *line = std::move(pending_.front().second);
      pending_.pop_front();
      return true;
    }
    if (!reader_.Next(line)) return false;
    *number = ++line_number_;
    return true;
  }

  LineReader& reader_;
  bool csv_;
  int64_t line_number_ = 0;
  std::deque<std::pair<int64_t, std::string>> pending_;
};

Status ImportFile(const std::string& path, const ImportOptions& options, Importer& importer,
                  Progress& progress) {
  const std::string format = FormatOf(path, options.format);
  if (format != "csv" && format != "jsonl") {
    return Status::InvalidArgument(path + ": cannot tell the format; pass --format csv|jsonl");
  }
  auto opened = LineReader::Open(path);
  if (!opened.ok()) return opened.status();
  LineReader& reader = *opened.value();
  progress.SetTotal(reader.size());
  const bool csv = format == "csv";
  RecordConverter converter(options.kind,
                            ParseFieldMapping(options.kind, options.map, options.set).value());
  RecordReader records(reader, csv);
  std::string record;
  std::vector<std::string> fields;
  int64_t first = 0;
  if (csv) {
    if (!records.Next(&record, &first)) {
      return reader.status().ok() ? Status::InvalidArgument(path + ": empty, no header row")
                                  : reader.status();
    }
    Status header = SplitCsvRecord(record, &fields);
    if (header.ok()) header = converter.SetCsvHeader(fields);
    if (!header.ok()) return Status::InvalidArgument(path + ": header: " + header.message());
  }
  while (records.Next(&record, &first)) {
    ++importer.totals().records;
    if (first % 4096 == 0) progress.Update(reader.position());
    if (record.empty() || (record.size() == 1 && record[0] == '\r')) continue;
    if (!IsValidUtf8(record)) {
      RETURN_IF_ERROR(importer.Bad(path, first, "INVALID_UTF8", "the line is not valid UTF-8"));
      continue;
    }
    Result<rapidjson::Document> doc = Status::InvalidArgument("unset");
    if (csv) {
      Status split = SplitCsvRecord(record, &fields);
      if (!split.ok()) {
        RETURN_IF_ERROR(importer.Bad(path, first, "INVALID_CSV", split.message()));
        continue;
      }
      doc = converter.FromCsv(fields);
    } else {
      doc = converter.FromJsonLine(record);
    }
    if (!doc.ok()) {
      RETURN_IF_ERROR(
          importer.Bad(path, first, csv ? "INVALID_CSV" : "INVALID_JSON", doc.status().message()));
      continue;
    }
    RETURN_IF_ERROR(importer.Add(doc.value(), first, path));
  }
  if (!reader.status().ok())
    return Status::InvalidArgument(path + ": " + reader.status().message());
  progress.Update(reader.position());
  return Status::Ok();
}

Result<std::string> ActiveTenantId(const std::string& url, const std::string& external_id) {
  auto conn = store::PgConnection::Connect(url);
  if (!conn.ok()) return conn.status();
  auto row = conn.value().Query(
      "SELECT id FROM tenants WHERE external_id = $1 AND status = 'active'", {external_id});
  if (!row.ok()) return row.status();
  if (row.value().rows() == 0) {
    return Status::NotFound("tenant " + external_id + " does not exist or is not active");
  }
  return std::string(row.value().Get(0, 0));
}

// RECSYS_USER_KEY_SECRET when set (as serve reads it), else the database's: the key serve uses,
// so that imported users match requests.
Result<std::string> UserKeySecret(const EnvLookup& env, const std::string& url) {
  if (auto secret = env("RECSYS_USER_KEY_SECRET")) {
    if (secret->size() < 16) {
      return Status::InvalidArgument("RECSYS_USER_KEY_SECRET: at least 16 characters");
    }
    return *secret;
  }
  auto conn = store::PgConnection::Connect(url);
  if (!conn.ok()) return conn.status();
  return store::LoadOrCreateUserKeySecret(conn.value());
}

}  // namespace

int RunImport(const ImportOptions& options) {
  const EnvLookup env = ProcessEnv();
  auto url = env("DATABASE_URL");
  if (!url || url->empty()) {
    std::fprintf(stderr, "recsys-service: DATABASE_URL is not set (want a libpq URL)\n");
    return 2;
  }
  auto mapping = ParseFieldMapping(options.kind, options.map, options.set);
  if (!mapping.ok()) {
    std::fprintf(stderr, "recsys-service: %s\n", mapping.status().message().c_str());
    return 2;
  }
  auto tenant = ActiveTenantId(*url, options.tenant);
  if (!tenant.ok()) {
    std::fprintf(stderr, "recsys-service: %s\n", tenant.status().message().c_str());
    return tenant.status().code() == StatusCode::kNotFound ? 2 : 1;
  }
  Result<std::string> secret = std::string();  // a dry run or a catalog hashes no user ids
  if (options.kind == ImportKind::kEvents && !options.dry_run) secret = UserKeySecret(env, *url);
  if (!secret.ok()) {
    std::fprintf(stderr, "recsys-service: %s\n", secret.status().message().c_str());
    return secret.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  const auto started = std::chrono::steady_clock::now();
  Importer importer(options, tenant.value(), *url, secret.value());
  Status status = Status::Ok();
  {
    Progress progress(options.kind == ImportKind::kEvents ? "import events" : "import catalog",
                      "bytes", 0);
    for (const std::string& file : options.files) {
      status = ImportFile(file, options, importer, progress);
      if (!status.ok()) break;
    }
    Status finished = importer.Finish();
    if (status.ok()) status = finished;
  }
  const Totals& t = importer.totals();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "%s%s: %lld records, %lld %s, %lld duplicates, %lld bad lines skipped in %.1f s "
      "(%.0f records/s)\n",
      options.dry_run ? "dry run: " : "",
      options.kind == ImportKind::kEvents ? "events" : "catalog", static_cast<long long>(t.records),
      static_cast<long long>(t.accepted), options.dry_run ? "valid" : "written",
      static_cast<long long>(t.duplicates), static_cast<long long>(t.bad), seconds,
      seconds > 0 ? static_cast<double>(t.records) / seconds : 0.0);
  if (!status.ok()) {
    std::fprintf(stderr, "recsys-service: import stopped: %s\n", status.message().c_str());
    if (status.code() == StatusCode::kUnavailable) {
      std::fprintf(stderr,
                   "what was written is committed; run the same command again to resume "
                   "(events with an event_id are not written twice)\n");
    }
    return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}

}  // namespace recsys::cli
