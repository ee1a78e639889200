#include "events/presence.h"

#include <algorithm>

namespace sy::events {

void PresenceTracker::on_connections(std::int64_t user_id, int connections, TimePoint at) {
  if (connections > 0) {
    connections_[user_id] = connections;
    gone_since_.erase(user_id);
    return;
  }
  if (connections_.erase(user_id) > 0) gone_since_[user_id] = at;
}

std::vector<PresenceTracker::Gone> PresenceTracker::due(TimePoint now) {
  std::vector<Gone> out;
  for (auto it = gone_since_.begin(); it != gone_since_.end();) {
    if (now - it->second >= grace_) {
      out.push_back({it->first, it->second});
      it = gone_since_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(out.begin(), out.end(), [](const Gone& a, const Gone& b) {
    return a.since != b.since ? a.since < b.since : a.user_id < b.user_id;
  });
  return out;
}

void PresenceTracker::tick(TimePoint now, DesktopGoneHandler& handler) {
  for (const Gone& g : due(now)) handler.on_desktop_gone(g.user_id, g.since);
}

bool PresenceTracker::connected(std::int64_t user_id) const {
  return connections_.count(user_id) > 0;
}

}  // namespace sy::events
