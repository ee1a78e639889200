// Events as desktops receive them (design §5): {"type","at","seq","data"}, addressed to
// audiences (a user, a queue, a region, a role, everyone). The wire text is built once when an
// event is published and shared by every subscriber that receives it.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/roles.h"
#include "core/clock.h"

namespace sy::events {

// Event types the platform publishes. Other parts may publish further dotted types.
namespace type {
inline constexpr const char* kCallOffered = "call.offered";
inline constexpr const char* kCallAnswered = "call.answered";
inline constexpr const char* kCallEnded = "call.ended";
inline constexpr const char* kCallUpdated = "call.updated";
inline constexpr const char* kAgentState = "agent.state";
inline constexpr const char* kQueueStats = "queue.stats";
inline constexpr const char* kWorkOrderAssigned = "work_order.assigned";
inline constexpr const char* kWorkOrderOverdue = "work_order.overdue";
inline constexpr const char* kUserChanged = "user.changed";
}  // namespace type

// Who an event is for. An agent's own call and state events go to the agent's user; events a
// supervisor should see also name the queue and/or region they concern.
struct Audience {
  enum class Kind { kUser, kQueue, kRegion, kRole, kEveryone };
  Kind kind = Kind::kEveryone;
  std::int64_t user_id = 0;  // kUser
  std::string name;          // kQueue: queue name; kRegion: region code
  auth::Role role = auth::Role::kAgent;  // kRole

  static Audience user(std::int64_t id) { return {Kind::kUser, id, {}, {}}; }
  static Audience queue(std::string name) { return {Kind::kQueue, 0, std::move(name), {}}; }
  static Audience region(std::string code) { return {Kind::kRegion, 0, std::move(code), {}}; }
  static Audience of_role(auth::Role r) { return {Kind::kRole, 0, {}, r}; }
  static Audience everyone() { return {}; }
};
using Audiences = std::vector<Audience>;

struct Event {
  std::uint64_t seq = 0;
  TimePoint at;
  std::string type;
  Audiences to;
  // The message as sent: {"type","at","seq","data"} serialised once.
  std::shared_ptr<const std::string> text;
};

// The wire form of an event; invalid UTF-8 in `data` is replaced, never thrown.
std::string event_text(std::string_view type, TimePoint at, std::uint64_t seq,
                       const nlohmann::json& data);

// What other parts call to publish; implemented by EventHub (and by recording fakes in tests
// of parts whose real hub is tested here). Returns the event's sequence number. Never blocks on
// a subscriber: safe to call from the control loop.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  virtual std::uint64_t publish(std::string type, nlohmann::json data, Audiences to) = 0;
};

}  // namespace sy::events
