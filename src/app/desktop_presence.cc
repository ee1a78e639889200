#include "app/desktop_presence.h"

#include <spdlog/spdlog.h>

namespace sy::app {
namespace {

// Until an ACD is attached there is no agent state to change: say so in the log.
struct LogOnly final : events::DesktopGoneHandler {
  void on_desktop_gone(std::int64_t user_id, TimePoint since) override {
    spdlog::info("events: the desktop of user {} has been gone since {} (no ACD attached)",
                 user_id, format_rfc3339(since));
  }
};

}  // namespace

DesktopPresence::DesktopPresence(ControlLoop& loop, events::EventHub& hub, const Clock& clock,
                                 Duration grace)
    : loop_(loop), hub_(hub), clock_(clock), tracker_(grace) {}

DesktopPresence::~DesktopPresence() { hub_.set_connection_listener({}); }

void DesktopPresence::start() {
  hub_.set_connection_listener([this](std::int64_t user_id, int connections, TimePoint at) {
    loop_.post([this, user_id, connections, at] {
      tracker_.on_connections(user_id, connections, at);
    });
  });
  loop_.every(std::chrono::seconds(1), [this] {
    static LogOnly log_only;
    tracker_.tick(clock_.now(), handler_ ? *handler_ : log_only);
  });
}

}  // namespace sy::app
