#include "events/replay_window.h"

#include <algorithm>

namespace sy::events {

void ReplayWindow::push(std::shared_ptr<const Event> event) {
  events_.push_back(std::move(event));
  while (events_.size() > max_events_) {
    forgotten_through_ = events_.front()->seq;
    events_.pop_front();
  }
}

void ReplayWindow::expire(TimePoint now) {
  while (!events_.empty() && events_.front()->at + max_age_ < now) {
    forgotten_through_ = events_.front()->seq;
    events_.pop_front();
  }
}

ReplayWindow::Missed ReplayWindow::after(std::uint64_t since, std::uint64_t last_seq,
                                         const std::function<bool(const Event&)>& want) const {
  Missed m;
  // Everything after `since` is still here when nothing newer than `since` was forgotten.
  if (since > last_seq || since < forgotten_through_) return m;
  m.covered = true;
  auto first = std::upper_bound(
      events_.begin(), events_.end(), since,
      [](std::uint64_t s, const std::shared_ptr<const Event>& e) { return s < e->seq; });
  for (auto it = first; it != events_.end(); ++it)
    if (want(**it)) m.events.push_back(*it);
  return m;
}

}  // namespace sy::events
