// Desktop presence: notices when a user's last desktop connection has been gone for longer
// than a grace period, so that the ACD can set that agent not-ready and no caller waits on an
// agent who left. A reconnect within the grace period (a page reload, a network blip) changes
// nothing. Pure: connection changes and ticks come with their time; the owner (the control
// loop) calls it from one thread.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace sy::events {

// Told once per absence, when a user's desktop has been gone for the whole grace period.
class DesktopGoneHandler {
 public:
  virtual ~DesktopGoneHandler() = default;
  // `since` is when the last connection closed.
  virtual void on_desktop_gone(std::int64_t user_id, TimePoint since) = 0;
};

class PresenceTracker {
 public:
  explicit PresenceTracker(Duration grace) : grace_(grace) {}

  // The user's number of open desktop connections changed to `connections` at `at`.
  void on_connections(std::int64_t user_id, int connections, TimePoint at);
  // The users whose desktops have been gone for the grace period as of `now` (each reported
  // once per absence, oldest absence first).
  struct Gone {
    std::int64_t user_id;
    TimePoint since;
  };
  std::vector<Gone> due(TimePoint now);
  // Calls handler.on_desktop_gone for each of due(now).
  void tick(TimePoint now, DesktopGoneHandler& handler);

  bool connected(std::int64_t user_id) const;
  std::size_t absent_count() const { return gone_since_.size(); }
  Duration grace() const { return grace_; }

 private:
  Duration grace_;
  std::unordered_map<std::int64_t, int> connections_;
  std::unordered_map<std::int64_t, TimePoint> gone_since_;  // absences not yet reported
};

}  // namespace sy::events
