// A tenant's interactions held in memory for evaluation: what `eval offline` replays. Ids (users'
// keys, items, sessions, surfaces) are interned to dense indexes; events keep the fields the
// signal builder and the history index read. Filled once, then read-only: thread-safe to read
// after Seal(). Not thread-safe while filling.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/id_table.h"
#include "core/time.h"

namespace recsys::eval {

inline constexpr uint32_t kNone = UINT32_MAX;

struct LoggedEvent {
  TimestampUs at;
  int64_t id;        // the row id: orders events of equal time, as the builder does
  uint32_t user;     // users() index of the user key, or kNone
  uint32_t session;  // sessions() index, or kNone
  uint32_t item;     // items() index
  uint32_t surface;  // surfaces() index (the signal namespace)
  EventType type;
};

struct CatalogTag {
  uint32_t surface, item;
  std::string tag;
};

class EventLog {
 public:
  // `user_key`: the keyed user hash as stored (any bytes), empty for none; `session`: empty for
  // none; `surface`: the event's namespace.
  void AddEvent(std::string_view surface, std::string_view user_key, std::string_view session,
                std::string_view item, EventType type, TimestampUs at, int64_t id);
  // A catalog tag of `item` on `surface` (an empty tag only registers the item).
  void AddTag(std::string_view surface, std::string_view item, std::string_view tag);
  // Orders the events by (at, id). REQUIRES: called once, after the last Add.
  void Seal();

  std::span<const LoggedEvent> events() const { return events_; }
  std::span<const CatalogTag> tags() const { return tags_; }
  const IdTable& users() const { return users_; }
  const IdTable& items() const { return items_; }
  const IdTable& sessions() const { return sessions_; }
  const IdTable& surfaces() const { return surfaces_; }
  // The first event at or after `at` (events() is sorted). REQUIRES: Seal() done.
  size_t FirstAtOrAfter(TimestampUs at) const;

 private:
  IdTable users_, items_, sessions_, surfaces_;
  std::vector<LoggedEvent> events_;
  std::vector<CatalogTag> tags_;
};

}  // namespace recsys::eval
