// The checks of `doctor` (cli.md) that need the database and the tenant's state: what makes the
// tenant's recommendations empty or stale, in order, each ok / warn / fail with the command or
// call that fixes it. The CLI prints them (after its own database, migration and tenant checks);
// the admin API's `doctor` answer lists them for the console. Not thread-safe: each call uses the
// caller's connection; reads only.
#pragma once

#include <string>
#include <vector>

#include "service/admin_repository.h"
#include "service/serving_state.h"
#include "store/pg.h"

namespace recsys::store {

// Collects the checks in order.
class Diagnosis {
 public:
  void Ok(const char* check, const std::string& detail) { Add("ok", check, detail, ""); }
  void Warn(const char* check, const std::string& detail, const std::string& fix) {
    Add("warn", check, detail, fix);
  }
  void Fail(const char* check, const std::string& detail, const std::string& fix) {
    Add("fail", check, detail, fix);
  }
  bool failed() const;
  const std::vector<service::DoctorCheck>& checks() const { return checks_; }

 private:
  void Add(const char* level, const char* check, const std::string& detail,
           const std::string& fix) {
    checks_.push_back({level, check, detail, fix});
  }
  std::vector<service::DoctorCheck> checks_;
};

// Config, rules, signals and their age, recent events, partitions, spilled exposures in
// `spill_dir` (this server's), and a dry run of `surface` against `tenant` (its loaded state).
void DiagnoseTenant(PgConnection& conn, const service::TenantState& tenant,
                    const std::string& surface, const std::string& spill_dir, Diagnosis& report);

}  // namespace recsys::store
