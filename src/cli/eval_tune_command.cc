// `eval tune` (issue 23 item 5): coordinate ascent (eval/config_search.h) over the ranking
// settings from several starts (the current config and the ones a person would hand-pick), each
// candidate scored by `eval offline`'s replay on the events before --split-date with the
// validation split --validation-days before it. The days from --split-date on are not read for
// the choice; --held-out-days reads them afterwards only to report how the choices do.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string_view>

#include "cli/command_env.h"
#include "cli/eval_command.h"
#include "cli/eval_support.h"
#include "core/str_format.h"
#include "eval/config_search.h"
#include "eval/offline_report.h"
#include "eval/svg_chart.h"
#include "store/eval_source.h"

namespace recsys::cli {
namespace {

// What the search varies: the blend (null) or the repeat/explore split, the weights, the decay,
// the co-visitation window and how much history a user keeps. Values scale with k where they count
// slots.
std::vector<eval::SearchAxis> TuneAxes(int k) {
  auto slots = [k](double share) { return std::to_string(static_cast<int>(k * share + 0.5)); };
  return {
      {"ranking.repeat_slots",
       {"null", "auto", "0", slots(0.25), slots(0.5), slots(0.75), slots(1)}},
      {"weights.hist", {"0.1", "0.3", "1"}},
      {"weights.cooc", {"0.25", "0.5", "1", "2"}},
      {"weights.pop", {"0.001", "0.01", "0.05", "0.2"}},
      {"weights.seq", {"0", "0.3", "1"}},
      {"ranking.half_life_days", {"14", "30", "90", "365"}},
      {"ranking.covisit_window_days", {"14", "30", "60", "90"}},
      {"signals.history_items", {"50", "200"}},
  };
}

// `axes` without `path`'s values that `keep` refuses (an axis left with none is dropped).
std::vector<eval::SearchAxis> Restricted(std::vector<eval::SearchAxis> axes, std::string_view path,
                                         const std::function<bool(const std::string&)>& keep) {
  for (eval::SearchAxis& axis : axes) {
    if (axis.path == path)
      std::erase_if(axis.values, [&](const std::string& v) { return !keep(v); });
  }
  std::erase_if(axes, [](const eval::SearchAxis& axis) { return axis.values.empty(); });
  return axes;
}

// The starts of the search: the current config and, on top of it, the configs docs/evaluation.md
// compares by hand (the spec's personal blend, two parts at k/4, k/2 and 3k/4 repeat slots and
// auto slots, discovery). Ascent from one start stops where no single change helps; with these as
// starts the tuned config scores at least as well as each of them on the validation days. The
// current config climbs over every axis; the hand-picked ones within their family: a blend stays
// a blend and two parts stay two parts (their weights mean different things: a step from one to
// the other carries weights tuned for the first, and the ascent stops there, docs/evaluation.md).
Result<std::vector<eval::SearchStart>> TuneStarts(const std::string& current, int k) {
  using Settings = std::vector<std::pair<std::string, std::string>>;
  const Settings blend = {{"ranking.repeat_slots", "null"},
                          {"ranking.exclude_seen", "false"},
                          {"weights.pop", "0.05"},
                          {"weights.cooc", "0.5"},
                          {"weights.hist", "1"},
                          {"weights.seq", "0"}};
  const Settings discovery = {{"ranking.repeat_slots", "null"},
                              {"ranking.exclude_seen", "true"},
                              {"weights.pop", "0.05"},
                              {"weights.cooc", "1"},
                              {"weights.hist", "0"},
                              {"weights.seq", "0"}};
  auto parts = [](std::string slots) -> Settings {
    return {{"ranking.repeat_slots", std::move(slots)},
            {"ranking.exclude_seen", "false"},
            {"weights.pop", "0.01"},
            {"weights.cooc", "1"},
            {"weights.hist", "1"},
            {"weights.seq", "0.3"},
            {"ranking.half_life_days", "90"},
            {"signals.history_items", "200"}};
  };
  auto slots = [k](int quarters) { return std::to_string(std::max(1, (k * quarters + 2) / 4)); };
  const std::vector<eval::SearchAxis> axes = TuneAxes(k);
  const std::vector<eval::SearchAxis> blend_axes =
      Restricted(axes, "ranking.repeat_slots", [](const std::string&) { return false; });
  const std::vector<eval::SearchAxis> part_axes = Restricted(
      axes, "ranking.repeat_slots", [](const std::string& slots) { return slots != "null"; });
  struct Picked {
    std::string name;
    Settings settings;
    const std::vector<eval::SearchAxis>& family;  // the axes its ascent climbs
  };
  const std::vector<Picked> picked = {
      {"personal blend", blend, blend_axes},
      {"two parts " + slots(1), parts(slots(1)), part_axes},
      {"two parts " + slots(2), parts(slots(2)), part_axes},
      {"two parts " + slots(3), parts(slots(3)), part_axes},
      {"two parts auto", parts("auto"), part_axes},
      {"discovery", discovery, blend_axes},
  };
  std::vector<eval::SearchStart> starts = {{"current", current, axes}};
  for (const Picked& p : picked) {
    std::string json = current;
    for (const auto& [path, value] : p.settings) {
      auto next = WithSetting(json, path, value);
      if (!next.ok()) return next.status();
      json = std::move(next).value();
    }
    starts.push_back({p.name, json, p.family});
  }
  return starts;
}

void PrintResult(const char* label, const eval::ConfigResult& c) {
  const eval::Estimate& recall = c.all[eval::kRecall];
  std::printf("  %-14s recall %.4f [%.4f, %.4f]  explore %.4f [%.4f, %.4f]  %s\n", label,
              recall.value, recall.interval.low, recall.interval.high, c.explore_recall.value,
              c.explore_recall.interval.low, c.explore_recall.interval.high, c.name.c_str());
}

Status WriteDraft(const std::string& dir, const std::string& json) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  std::ofstream file(dir + "/config.json");
  file << json << "\n";
  if (!file.good()) return Status::Internal("cannot write " + dir + "/config.json");
  return Status::Ok();
}

}  // namespace

int RunEvalTune(const EvalTuneOptions& options) {
  auto split_day = ParseDate(options.split_date);
  if (!split_day) return EvalFail(Status::InvalidArgument("--split-date: want YYYY-MM-DD"));
  const std::optional<eval::Metric> metric = eval::ParseMetric(options.metric);
  if (!metric) return EvalFail(Status::InvalidArgument("--metric: one of recall, ndcg, ..."));
  auto tenant = LoadTenantAndConfig(options.tenant);
  if (!tenant.ok()) return EvalFail(tenant.status());
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return EvalFail(conn.status());
  auto log =
      store::ReadEventLog(conn.value(), tenant.value().tenant.id, *split_day * kMicrosPerDay);
  if (!log.ok()) return EvalFail(log.status());

  eval::OfflineOptions validation;
  validation.split_day = *split_day - options.validation_days;
  validation.k = options.k;
  validation.surface = options.surface;
  validation.returning_only = options.returning_users;
  validation.resamples = 0;  // the search compares point values; the report has intervals
  std::vector<eval::ConfigResult> tried;
  auto score = [&](const std::vector<std::string>& documents,
                   const std::vector<std::string>& names) -> Result<std::vector<double>> {
    std::vector<eval::ReplayConfig> configs;
    for (size_t d = 0; d < documents.size(); ++d) {
      auto config = ReplayConfigOf(names[d], documents[d]);
      if (!config.ok()) return config.status();
      configs.push_back(std::move(config).value());
    }
    auto report = eval::ReplayOffline(log.value(), configs, validation);
    if (!report.ok()) return report.status();
    std::vector<double> scores;
    for (eval::ConfigResult& c : report.value().configs) {
      // Below the explore floor a config scores under every one above it.
      const bool allowed = c.explore_recall.value >= options.min_explore;
      scores.push_back(c.all[*metric].value - (allowed ? 0 : 1));
      std::fprintf(stderr, "  %.4f %s\n", c.all[*metric].value, c.name.c_str());
      tried.push_back(std::move(c));
    }
    return scores;
  };
  const std::vector<eval::SearchAxis> axes = TuneAxes(options.k);
  auto starts = TuneStarts(tenant.value().config_json, options.k);
  if (!starts.ok()) return EvalFail(starts.status());
  auto search = eval::MultiStartAscent(starts.value(), axes, options.rounds, WithSetting, score);
  if (!search.ok()) return EvalFail(search.status());
  const eval::SearchResult& found = search.value().runs[search.value().best];
  if (found.best_score < 0) {
    return EvalFail(Status::FailedPrecondition(StrFormat(
        "no config reached --min-explore %.4f on the validation days", options.min_explore)));
  }

  // The report: the current config, the tuned one and the frontier of what the search tried,
  // with intervals, on the validation split.
  std::vector<std::pair<double, double>> points;
  for (const eval::ConfigResult& c : tried)
    points.emplace_back(c.all[eval::kRecall].value, c.explore_recall.value);
  std::vector<eval::ReplayConfig> shown;
  auto show = [&](const std::string& name, const std::string& json) -> Status {
    auto config = ReplayConfigOf(name, json);
    if (!config.ok()) return config.status();
    shown.push_back(std::move(config).value());
    return Status::Ok();
  };
  Status status = show("current", tenant.value().config_json);
  if (status.ok()) status = show("tuned: " + found.best_name, found.best_json);
  for (size_t s = 1; s < starts.value().size() && status.ok(); ++s)
    status = show("start: " + starts.value()[s].name, starts.value()[s].json);
  const size_t compared = shown.size();  // current, tuned and the starts
  // The tuned config's own point is shown as "tuned"; configs that tie on a point, once.
  std::vector<std::pair<double, double>> shown_points;
  for (size_t t = 0; t < tried.size(); ++t) {
    if (tried[t].name == found.best_name) shown_points.push_back(points[t]);
  }
  for (size_t f : eval::ParetoFrontier(points)) {
    if (!status.ok() || shown.size() >= compared + 8) break;
    if (std::find(shown_points.begin(), shown_points.end(), points[f]) != shown_points.end())
      continue;
    shown_points.push_back(points[f]);
    status = show("frontier: " + tried[f].name, tried[f].config_json);
  }
  if (!status.ok()) return EvalFail(status);
  validation.resamples = options.resamples;
  auto report = eval::ReplayOffline(log.value(), shown, validation);
  if (!report.ok()) return EvalFail(report.status());
  std::printf("tried %d configs from %zu starts; %s by validation:\n", search.value().evaluated,
              search.value().runs.size(), options.metric.c_str());
  for (const eval::SearchResult& run : search.value().runs) {
    std::printf("  start %-16s %.4f -> %.4f in %d rounds: %s\n", (run.start_name + ":").c_str(),
                run.start_score, run.best_score, run.rounds, run.best_name.c_str());
  }
  std::printf("on the validation days (%s to %s):\n", FormatDate(validation.split_day).c_str(),
              FormatDate(*split_day - 1).c_str());
  auto label = [&](size_t c) {
    return c == 0 ? "current" : c == 1 ? "tuned" : c < compared ? "start" : "frontier";
  };
  for (size_t c = 0; c < report.value().configs.size(); ++c)
    PrintResult(label(c), report.value().configs[c]);
  std::printf("tuned config (a draft: apply it with PUT .../config or the console):\n%s\n",
              found.best_json.c_str());

  if (options.held_out_days > 0) {
    auto full = store::ReadEventLog(conn.value(), tenant.value().tenant.id,
                                    (*split_day + options.held_out_days) * kMicrosPerDay);
    if (!full.ok()) return EvalFail(full.status());
    eval::OfflineOptions held_out = validation;
    held_out.split_day = *split_day;
    const std::vector<eval::ReplayConfig> compare(shown.begin(), shown.begin() + compared);
    auto check = eval::ReplayOffline(full.value(), compare, held_out);
    if (!check.ok()) return EvalFail(check.status());
    std::printf("held out (%d days from %s; not used for the choice):\n", options.held_out_days,
                options.split_date.c_str());
    for (size_t c = 0; c < check.value().configs.size(); ++c)
      PrintResult(label(c), check.value().configs[c]);
    // The tuned config against the start that did best on these days, paired per user.
    size_t best_start = 2;
    for (size_t c = 3; c < compared; ++c) {
      if (check.value().configs[c].all[*metric].value >
          check.value().configs[best_start].all[*metric].value)
        best_start = c;
    }
    const std::vector<eval::ReplayConfig> pair = {shown[best_start], shown[1]};
    auto paired = eval::ReplayOffline(full.value(), pair, held_out);
    if (!paired.ok()) return EvalFail(paired.status());
    const eval::Comparison& d = paired.value().configs[1].versus_first[*metric];
    std::printf("  tuned - best start (%s): %s %+.4f [%+.4f, %+.4f], p = %.3f\n",
                shown[best_start].name.c_str(), options.metric.c_str(), d.difference,
                d.interval.low, d.interval.high, d.p_value);
  }

  const std::string dir = options.out.empty() ? DefaultOutDir("tune", options.tenant) : options.out;
  if (Status written = WriteDraft(dir, found.best_json); !written.ok()) return EvalFail(written);
  service::EvalReport stored;
  stored.kind = "offline";
  stored.report_json = eval::OfflineReportJson(report.value());
  stored.summary_json = OfflineSummary(report.value(), shown[1].name, *metric);
  return PublishReport(dir, tenant.value().tenant, std::move(stored),
                       eval::OfflineReportDocument(report.value(), options.tenant));
}

}  // namespace recsys::cli
