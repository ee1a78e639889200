// Desktop presence in the running server: the event hub reports each user's number of open
// desktop connections; the counts are posted to the control loop, which owns the tracker and
// checks it every second. When a user's last desktop has been gone for the grace period the
// handler is told once: the ACD sets that agent not-ready, so no caller waits on an agent
// who left.
#pragma once

#include <memory>

#include "app/control_loop.h"
#include "core/clock.h"
#include "events/hub.h"
#include "events/presence.h"

namespace sy::app {

class DesktopPresence {
 public:
  DesktopPresence(ControlLoop& loop, events::EventHub& hub, const Clock& clock, Duration grace);
  ~DesktopPresence();  // detaches from the hub (before the loop it posts to goes away)
  DesktopPresence(const DesktopPresence&) = delete;
  DesktopPresence& operator=(const DesktopPresence&) = delete;

  // Who acts on a desktop gone for the grace period (the ACD service). Called on the control
  // loop. Without one, the absence is only logged. Set before start().
  void set_handler(events::DesktopGoneHandler* handler) { handler_ = handler; }
  // Starts listening to the hub and ticking on the loop.
  void start();

 private:
  ControlLoop& loop_;
  events::EventHub& hub_;
  const Clock& clock_;
  events::PresenceTracker tracker_;  // touched only on the control loop
  events::DesktopGoneHandler* handler_ = nullptr;
};

}  // namespace sy::app
