#include "eval/replay_world.h"

#include <algorithm>

#include "core/day_signals.h"

namespace recsys::eval {
namespace {

constexpr std::string_view kEvalTenant = "eval";

// One day's events through DaySignals, its rows into `builder` as the loader would read them.
void AddDay(const EventLog& log, std::span<const LoggedEvent> day_events, int32_t day,
            int32_t today, const TenantConfig& config, std::string_view surface,
            SnapshotBuilder& builder) {
  DaySignals signals(config.signals.event_weights);
  std::string session_key;
  for (const LoggedEvent& e : day_events) {
    // The builder's session key: the session id, else the user key.
    if (e.session != kNone) {
      session_key = "s:";
      session_key.append(log.sessions().id(e.session));
    } else {
      session_key = "u:";
      if (e.user != kNone) session_key.append(log.users().id(e.user));
    }
    signals.Add(surface, log.items().id(e.item), session_key, e.type, e.at, e.id);
  }
  std::vector<DaySignals::ItemScore> popularity;
  std::vector<DaySignals::PairScore> covisit, sequence;
  signals.Finish(&popularity, &covisit, &sequence);
  if (day >= today - PopularityHorizonDays(config.ranking.half_life_days)) {
    for (const auto& row : popularity) builder.AddPopularity(row.item, day, row.score);
  }
  if (day <= today - config.ranking.covisit_window_days) return;
  for (const auto& row : covisit) builder.AddCovisit(row.item, row.neighbour, row.score);
  for (const auto& row : sequence) builder.AddSequence(row.item, row.neighbour, row.score);
}

}  // namespace

ReplayWorld::Key ReplayWorld::KeyOf(const TenantConfig& config) {
  std::array<double, kEventTypeCount> weights;
  std::copy(config.signals.event_weights, config.signals.event_weights + kEventTypeCount,
            weights.begin());
  return {weights, config.ranking.half_life_days, config.ranking.covisit_window_days,
          config.signals.history_items, config.signals.history_days};
}

ReplayWorld::ReplayWorld(const EventLog& log, uint32_t surface, const TenantConfig& config,
                         int32_t day)
    : log_(log),
      surface_(log.surfaces().id(surface)),
      day_(day),
      history_(std::make_unique<service::HistoryIndex>(SIZE_MAX)) {
  SnapshotBuilder builder(day, config.ranking.half_life_days);
  for (const CatalogTag& t : log.tags()) {
    if (t.surface == surface) builder.AddTag(log.items().id(t.item), t.tag);
  }
  // As the loader reads them: popularity over its horizon, co-visitation and sequences over the
  // window (AddDay drops what each does not cover).
  const int32_t first_day = day - std::max(PopularityHorizonDays(config.ranking.half_life_days),
                                           config.ranking.covisit_window_days);
  // As a freshly started instance's warm-up reads them: the history's window before the split.
  const TimestampUs history_from =
      (day - static_cast<TimestampUs>(config.signals.history_days)) * kMicrosPerDay;
  std::vector<LoggedEvent> day_events;
  int32_t events_day = INT32_MIN;
  auto flush = [&] {
    if (!day_events.empty() && events_day >= first_day) {
      AddDay(log, day_events, events_day, day, config, surface_, builder);
    }
    day_events.clear();
  };
  for (const LoggedEvent& e : log.events().first(log.FirstAtOrAfter(day * kMicrosPerDay))) {
    if (e.user != kNone && e.at >= history_from) {
      history_->Add({kEvalTenant, service::HistoryKeyKind::kUser, log.users().id(e.user)},
                    log.items().id(e.item), e.at, e.type,
                    config.signals.event_weights[static_cast<int>(e.type)],
                    config.ranking.half_life_days, config.signals.history_items);
    }
    if (e.surface != surface) continue;
    if (DayOf(e.at) != events_day) {
      flush();
      events_day = DayOf(e.at);
    }
    day_events.push_back(e);
  }
  flush();
  snapshot_ = builder.Build();
  log_item_.resize(snapshot_->item_count());
  for (ItemIndex i = 0; i < snapshot_->item_count(); ++i) {
    log_item_[i] = log.items().Find(snapshot_->item_id(i)).value_or(kNone);
  }
}

void ReplayWorld::Rank(const TenantConfig& config, uint32_t user, int depth, RankScratch& scratch,
                       std::vector<uint32_t>& out) const {
  const TimestampUs now = day_ * kMicrosPerDay;
  RecommendRequest request;
  request.surface = surface_;
  request.k = depth;
  request.now = now;
  std::vector<HistoryItem> history;
  if (user != kNone) {
    const TimestampUs not_before =
        now - static_cast<TimestampUs>(config.signals.history_days) * kMicrosPerDay;
    history = history_->Recent({kEvalTenant, service::HistoryKeyKind::kUser, log_.users().id(user)},
                               not_before);
  }
  static const std::vector<Rule> kNoRules;
  const RankInput input{request, *snapshot_, config, kNoRules, now, nullptr, history};
  out.clear();
  for (const RankedItem& item : Recommend(input, scratch).items)
    out.push_back(log_item_[item.item]);
}

}  // namespace recsys::eval
