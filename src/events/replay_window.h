// The last events published, kept so that a desktop reconnecting with the sequence number of
// the last event it saw receives everything it missed. Bounded by count and by age; when a
// gap is no longer covered the answer says so (the client then reloads its state). Pure: the
// hub serialises access; time comes in as an argument.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "core/clock.h"
#include "events/event.h"

namespace sy::events {

class ReplayWindow {
 public:
  ReplayWindow(std::size_t max_events, Duration max_age)
      : max_events_(max_events), max_age_(max_age) {}

  // Appends an event (sequence numbers must increase) and forgets what falls out of the window.
  void push(std::shared_ptr<const Event> event);
  // Forgets events older than now - max_age.
  void expire(TimePoint now);

  struct Missed {
    bool covered = false;  // false: events after `since` were forgotten, or `since` is unknown
    std::vector<std::shared_ptr<const Event>> events;  // seq > since, oldest first, filtered
  };
  // The events after `since` up to `last_seq` (the newest published) that `want` accepts.
  // `since` greater than last_seq (a sequence from another run of the server) is not covered.
  Missed after(std::uint64_t since, std::uint64_t last_seq,
               const std::function<bool(const Event&)>& want) const;

  std::size_t size() const { return events_.size(); }
  // The oldest sequence number still held; 0 when empty.
  std::uint64_t oldest_seq() const { return events_.empty() ? 0 : events_.front()->seq; }

 private:
  std::size_t max_events_;
  Duration max_age_;
  std::deque<std::shared_ptr<const Event>> events_;
  // The newest sequence number forgotten, so an empty window still knows what it lost.
  std::uint64_t forgotten_through_ = 0;
};

}  // namespace sy::events
