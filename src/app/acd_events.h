// The ACD on the live event stream: every presence change (the agent's, a supervisor's, the
// ACD's own: no answer, phone gone, desktop gone) as agent.state; a call offered to an agent as
// call.offered with the caller's number, the IVR path and the digits collected, so the desktop
// pops the caller's file while the phone rings; call.offer_withdrawn, call.answered and
// call.ended; and queue.stats per queue on change and on a short period for the wallboard.
// It also takes the desktop presence rule's verdict: an agent whose desktop has been gone for
// the grace period is set not ready (break, source system, reason desktop_gone) and leaves the
// seat phone they picked, if any.
//
// Threading: the observer calls, tick() and on_desktop_gone run on the control thread and never
// block. Publishing goes through one worker thread in order (it may read the call record for the
// caller's number when telephony did not pass it).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "app/acd_service.h"
#include "app/queue_stats.h"
#include "events/event.h"
#include "events/presence.h"

namespace sy::app {

struct AcdEventsOptions {
  int utc_offset_minutes = 8 * 60;                     // the centre's day for "today"
  Duration stats_min_interval = std::chrono::milliseconds(500);  // on change, at most this often
  Duration stats_period = std::chrono::seconds(2);     // while callers wait (longest wait moves)
  Duration stats_heartbeat = std::chrono::seconds(5);   // otherwise (a wallboard just opened)
  std::string desktop_gone_reason = "desktop_gone";
};

class AcdEvents final : public AcdObserver, public events::DesktopGoneHandler {
 public:
  AcdEvents(events::EventPublisher& hub, store::Repositories& repos, const Clock& clock,
            AcdEventsOptions options = {});
  ~AcdEvents() override;  // publishes what is queued, then stops the worker
  AcdEvents(const AcdEvents&) = delete;
  AcdEvents& operator=(const AcdEvents&) = delete;

  // Reads the queues (names and service-level targets) so every queue has a tile from the start.
  // Call before the control loop runs.
  Status load_queues();
  // The ACD to set not ready when a desktop is gone (control thread).
  void set_acd(AcdService* acd) { acd_ = acd; }

  // --- control thread ---------------------------------------------------------------------
  // Publishes queue.stats when something changed (at most every stats_min_interval), every
  // stats_period while callers wait, and every stats_heartbeat otherwise. Call every ~250 ms.
  void tick();

  void agent_changed(const AcdAgentChange& change) override;
  void call_queued(const QueuedCall& call, TimePoint at) override;
  void call_offered(const AcdOffer& offer) override;
  void offer_withdrawn(const std::string& call_id, std::int64_t agent_id, TimePoint at) override;
  void call_answered(const std::string& call_id, std::int64_t agent_id, TimePoint at) override;
  void call_left(const std::string& call_id, AcdCallEnd how, TimePoint at) override;
  // call.updated to the call's agent, the consulted agent and the call's queue and region.
  void call_updated(const AcdCallUpdate& update) override;
  void consult_offered(const AcdConsultOffer& offer) override;

  void on_desktop_gone(std::int64_t user_id, TimePoint since) override;

  // Waits until everything handed to the worker so far is published (tests, shutdown).
  void flush();

 private:
  struct AgentCard {
    std::int64_t user_id = 0;
    std::string username;
    std::string extension;
    std::optional<std::string> region_code;
    store::AgentPresence state = store::AgentPresence::kOffline;
  };
  struct CallCard {
    QueuedCall call;
    TimePoint queued_at;
    std::int64_t agent_id = 0;  // offered to / with; 0 = nobody
  };

  void post(std::function<void()> job);
  void run();
  void publish_stats(TimePoint now);
  events::Audiences call_audiences(const CallCard& card, std::int64_t agent_id) const;
  std::int64_t user_of(std::int64_t agent_id) const;

  events::EventPublisher& hub_;
  store::Repositories& repos_;
  const Clock& clock_;
  AcdEventsOptions options_;
  AcdService* acd_ = nullptr;
  QueueStats stats_;
  std::optional<TimePoint> last_stats_;
  std::unordered_map<std::int64_t, AgentCard> agents_;  // store agent id → card
  std::unordered_map<std::string, CallCard> calls_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace sy::app
