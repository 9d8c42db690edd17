// What serving would have held at the start of one day, rebuilt from an EventLog: the signal
// snapshot of one surface (the signal builder's DaySignals day by day, read with the loader's
// windows into SnapshotBuilder) and the users' history (a HistoryIndex filled as serving fills
// it), for one config's signal settings. Evaluation ranks through it with the serving ranker.
// Built once, then read-only: Rank() is thread-safe with a RankScratch per thread.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/ranker.h"
#include "core/snapshot.h"
#include "core/tenant_config.h"
#include "eval/event_log.h"
#include "service/history_index.h"

namespace recsys::eval {

class ReplayWorld {
 public:
  // From the events of `log` before `day` (days since epoch): signals of `surface` (a
  // log.surfaces() index) and every user's history. REQUIRES: `log` outlives the world.
  ReplayWorld(const EventLog& log, uint32_t surface, const TenantConfig& config, int32_t day);

  // Worlds are equal for configs with the same key: the settings signals and history read.
  using Key = std::tuple<std::array<double, kEventTypeCount>, double, int, int, int>;
  static Key KeyOf(const TenantConfig& config);

  // `user`'s (a log.users() index, or kNone for none) top `depth` under `config` at the day's
  // first moment, without business rules, as log item indexes, into `out`.
  void Rank(const TenantConfig& config, uint32_t user, int depth, RankScratch& scratch,
            std::vector<uint32_t>& out) const;

  size_t item_count() const { return snapshot_->item_count(); }

 private:
  const EventLog& log_;
  std::string surface_;
  int32_t day_;
  std::shared_ptr<const SignalSnapshot> snapshot_;
  std::unique_ptr<service::HistoryIndex> history_;
  std::vector<uint32_t> log_item_;  // snapshot ItemIndex -> log item index
};

}  // namespace recsys::eval
