// The event hub: stamps each published event with the time and the next sequence number,
// keeps it in the replay window, and queues it for every subscriber whose interest it matches.
//
// Publishing never waits for a subscriber. Each subscriber has a bounded queue; the hub only
// appends to it and wakes the subscriber's writer (which runs on its own thread). A subscriber
// whose queue is full is dropped with the reason "slow_consumer" (its connection is closed and
// it may reconnect with resume), so one slow desktop never slows the others or the publisher.
// The hub's lock guards appends and the fan-out loop only: no I/O and no waiting under it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "events/event.h"
#include "events/interest.h"
#include "events/replay_window.h"

namespace sy::events {

struct HubOptions {
  std::size_t replay_events = 10000;         // events kept for resume
  Duration replay_max_age = std::chrono::minutes(5);
  std::size_t subscriber_queue = 1024;       // live events waiting for one slow subscriber
};

// Why the hub ends a subscription (sent as the WebSocket close reason).
inline constexpr const char* kSlowConsumer = "slow_consumer";
inline constexpr const char* kSignedOut = "signed_out";
inline constexpr const char* kShuttingDown = "shutting_down";
inline constexpr const char* kAccountChanged = "account_changed";  // role or region changed

class HubCore;
struct Subscriber;

// One subscriber's handle: messages to send in order, then possibly the reason the hub ended
// it. pop() may be called from any thread (normally the connection's). Dropping the handle
// unsubscribes.
class Subscription {
 public:
  struct Outgoing {
    std::shared_ptr<const std::string> text;  // a message, or null when closing
    std::string close_reason;                 // set when the hub ended the subscription
  };
  Subscription(std::weak_ptr<HubCore> hub, std::shared_ptr<Subscriber> state);
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // The next message, or the close once everything before it went out; nullopt when nothing
  // is waiting (the wake callback runs when that changes).
  std::optional<Outgoing> pop();
  // Leaves the hub; nothing more is queued. Idempotent.
  void cancel();

  const Interest& interest() const;

 private:
  std::weak_ptr<HubCore> hub_;
  std::shared_ptr<Subscriber> state_;
  std::atomic<bool> cancelled_{false};
};

class EventHub final : public EventPublisher {
 public:
  EventHub(const Clock& clock, HubOptions options = {});
  ~EventHub() override;
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  std::uint64_t publish(std::string type, nlohmann::json data, Audiences to) override;

  struct SubscribeRequest {
    Interest interest;
    std::string session_key;  // ends with close_session (e.g. the session token's hash)
    std::optional<std::uint64_t> since;  // resume after this sequence number
    std::optional<std::string> stream;   // the stream id the client saw `since` on
    std::function<void()> wake;  // called (from any thread) when pop() has something new
    // Called (from any thread) instead of wake when the hub ends the subscription; pop() then
    // returns the close. Defaults to wake.
    std::function<void()> ended;
  };
  // Subscribes. The first messages queued are either the missed events after `since` followed by
  // {"type":"hello"}, or {"type":"resync_required"} when the window no longer covers `since`
  // (or `stream` names another run of the server); then live events follow.
  std::shared_ptr<Subscription> subscribe(SubscribeRequest request);

  // Ends every subscription of a session (sign-out) or of a user (disabled), with a reason.
  void close_session(const std::string& session_key, const std::string& reason);
  void close_user(std::int64_t user_id, const std::string& reason);
  void close_all(const std::string& reason);

  // Called under the hub's lock whenever a user's number of subscriptions changes (keep it
  // short: post elsewhere). Set before the first subscribe.
  using ConnectionListener = std::function<void(std::int64_t user_id, int connections, TimePoint at)>;
  void set_connection_listener(ConnectionListener listener);

  struct Stats {
    std::uint64_t last_seq = 0;
    std::uint64_t published = 0;
    std::uint64_t delivered = 0;        // messages queued to subscribers
    std::uint64_t dropped_slow = 0;     // subscribers ended for a full queue
    std::size_t subscribers = 0;
    std::size_t window_events = 0;
  };
  Stats stats() const;
  const std::string& stream_id() const;
  std::uint64_t last_seq() const;

 private:
  std::shared_ptr<HubCore> core_;
};

}  // namespace sy::events
