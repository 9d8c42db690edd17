#include "eval/event_log.h"

#include <algorithm>

namespace recsys::eval {

void EventLog::AddEvent(std::string_view surface, std::string_view user_key,
                        std::string_view session, std::string_view item, EventType type,
                        TimestampUs at, int64_t id) {
  events_.push_back({at, id, user_key.empty() ? kNone : users_.Intern(user_key),
                     session.empty() ? kNone : sessions_.Intern(session), items_.Intern(item),
                     surfaces_.Intern(surface), type});
}

void EventLog::AddTag(std::string_view surface, std::string_view item, std::string_view tag) {
  tags_.push_back({surfaces_.Intern(surface), items_.Intern(item), std::string(tag)});
}

void EventLog::Seal() {
  std::sort(events_.begin(), events_.end(), [](const LoggedEvent& a, const LoggedEvent& b) {
    return a.at != b.at ? a.at < b.at : a.id < b.id;
  });
}

size_t EventLog::FirstAtOrAfter(TimestampUs at) const {
  return static_cast<size_t>(
      std::lower_bound(events_.begin(), events_.end(), at,
                       [](const LoggedEvent& e, TimestampUs t) { return e.at < t; }) -
      events_.begin());
}

}  // namespace recsys::eval
