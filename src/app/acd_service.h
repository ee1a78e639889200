// The ACD service: owns the one routing::Engine of the server on the control thread. It loads
// skills, queues and agents from the store at start, takes presence changes from the API
// (posted to it, so the HTTP thread never touches the engine), queues calls for the IVR
// (position and estimated wait for announcements), ticks the engine and hands its offers to an
// OfferSink (the SIP side rings the agent's phone), and takes back accept / refuse / no answer
// / phone unreachable. Every presence change, including the ones the ACD makes itself (no
// answer, phone gone), is written to the agent's state history.
//
// Threading: every method except change_state runs on the control thread (the executor given at
// construction). change_state is for any other thread and waits for the durable answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/agent_presence.h"
#include "api/seat_port.h"
#include "core/clock.h"
#include "core/result.h"
#include "routing/engine.h"
#include "store/repositories.h"

namespace sy::app {

// An offer the telephony side must act on: ring `extension` for call `call_id`, then report
// accept / refuse / ring_no_answer. After `deadline` without an answer the ACD takes the offer
// back itself (AcdNotice::kOfferWithdrawn).
struct AcdOffer {
  std::string call_id;
  std::int64_t agent_id = 0;
  std::string extension;
  std::string queue;
  TimePoint deadline;
  std::string reason;  // the routing decision, for the call record
};

struct AcdNotice {
  enum class Kind {
    kCallbackOffered,  // max wait reached: offer the caller a callback (place kept)
    kVoicemail,        // max wait reached: send to voicemail; the call left the queue
    kOverflowCentre,   // send to `centre`; the call left the queue
    kOfferWithdrawn,   // ring time-out: stop ringing `extension`; the call is back in the queue
  };
  Kind kind;
  std::string call_id;
  std::string extension;
  std::string centre;
};

// Implemented by the SIP side. Called on the control thread; must not block.
class OfferSink {
 public:
  virtual ~OfferSink() = default;
  virtual void offer(const AcdOffer& offer) = 0;
  virtual void notice(const AcdNotice& notice) = 0;
};

// A call the IVR puts in a queue (queue node of the flow).
struct QueuedCall {
  std::string call_id;
  std::string queue;                      // queue name
  std::vector<store::NamedLevel> skills;  // empty = the queue's skills
  std::string language;                   // "" = any
  std::string region;                     // caller's region code
  int priority = 0;                       // 0..9
  bool vip = false;
  bool vulnerable = false;
  std::uint64_t customer_id = 0;
  // For the agent's screen pop while the phone rings (optional: without the number the events
  // side reads it from the call record).
  std::string caller_number;
  std::vector<std::string> ivr_path;             // nodes the caller went through
  std::vector<store::CollectedDigits> digits;    // as stored: PINs masked
  std::map<std::string, std::string> attached;   // IVR variables for the agent (e.g. pin_verified)
};

struct EnqueueResult {
  bool region_capped = false;  // not queued: the caller's region is at its cap
  int position = 0;            // 1 = next
  double estimated_wait_s = 0;
  std::string reason;
};

// A presence change of an agent, whoever made it (agent, supervisor, system).
struct AcdAgentChange {
  std::int64_t agent_id = 0;
  std::int64_t user_id = 0;
  std::string username;
  std::string extension;
  std::optional<std::string> region_code;  // of the agent's user
  store::AgentPresence state = store::AgentPresence::kOffline;
  std::string reason;
  std::string source;
  TimePoint at;
  // After-call work the ACD started: when it sets the agent ready again by itself.
  std::optional<TimePoint> until;
};

enum class AcdCallEnd { kEnded, kAbandoned, kVoicemail, kOverflow };

// A connected call changed for the desktop: hold, mute, consultation, conference.
struct AcdCallUpdate {
  std::string call_id;
  std::int64_t agent_id = 0;          // the agent the call is with
  std::int64_t consult_agent_id = 0;  // the consulted agent, when the target is an agent's phone
  std::string state;                  // talking, held, consulting, conference, ended
  std::string consult_target;         // the consulted extension, "" when none
  bool consult_answered = false;
  bool muted = false;
  std::string queue;
  std::string region;
};

// A consultation rings an agent's phone: their desktop is told who calls and who consults.
struct AcdConsultOffer {
  std::string call_id;
  std::int64_t agent_id = 0;       // the consulted agent
  std::string extension;           // the phone that rings
  std::int64_t from_agent_id = 0;  // the consulting agent
  std::string from_extension;      // the consulting agent's phone
  std::string caller;              // the caller's number
  std::string queue;
  std::string region;
};

// Told what the ACD did, for live events (desktops, wallboard). Called on the control thread
// after the change; must not block.
class AcdObserver {
 public:
  virtual ~AcdObserver() = default;
  virtual void agent_changed(const AcdAgentChange& change) = 0;
  virtual void call_queued(const QueuedCall& call, TimePoint at) = 0;
  virtual void call_offered(const AcdOffer& offer) = 0;
  // Refused, not answered in time: the call is back in the queue.
  virtual void offer_withdrawn(const std::string& call_id, std::int64_t agent_id, TimePoint at) = 0;
  virtual void call_answered(const std::string& call_id, std::int64_t agent_id, TimePoint at) = 0;
  virtual void call_left(const std::string& call_id, AcdCallEnd how, TimePoint at) = 0;
  virtual void call_updated(const AcdCallUpdate& /*update*/) {}
  virtual void consult_offered(const AcdConsultOffer& /*offer*/) {}
};

struct AcdOptions {
  std::chrono::seconds ring_timeout{20};  // offer not answered → agent not ready, call re-queued
  std::string no_answer_reason = "no_answer";
  std::string unreachable_reason = "phone_unreachable";
  // After-call work: when a conversation ends the agent is in wrap_up (reason
  // after_call_work) this long, then ready again by themselves. 0 = straight back to ready.
  std::chrono::seconds wrap_up{0};
  std::string wrap_up_reason = "after_call_work";
  // When set, an agent may go ready only while their phone is registered (agent_reachable).
  bool require_registered_phone = false;
  std::vector<std::pair<std::string, int>> region_caps;
};

class AcdService final : public api::AgentPresencePort, public api::SeatPort {
 public:
  using Executor = std::function<void(std::function<void()>)>;

  AcdService(store::Repositories& repos, const Clock& clock, Executor control, AcdOptions options);
  ~AcdService() override;

  // Builds the engine from the store (skills, queues, agents). Agents recorded in another state
  // by an earlier run are set offline (source system, reason server_restart): after a restart
  // nobody is offered a call before they say they are ready. Call before anything else.
  Status load();
  void set_offer_sink(OfferSink* sink) { sink_ = sink; }
  void set_observer(AcdObserver* observer) { observer_ = observer; }

  // --- control thread ---------------------------------------------------------------------
  Result<EnqueueResult> enqueue(const QueuedCall& call);
  Result<routing::WaitEstimate> wait_estimate(const std::string& call_id) const;
  Status accept(const std::string& call_id);
  Status refuse(const std::string& call_id);
  Status ring_no_answer(const std::string& call_id);
  Status callback_accepted(const std::string& call_id);
  Status abandon(const std::string& call_id);  // caller hung up while waiting or ringing
  // Conversation over. With options.wrap_up set, the agent goes to wrap_up (after-call work)
  // and tick() sets them ready once it has run out, unless they or a supervisor changed their
  // state meanwhile: ready or break by hand ends it; wrap_up by hand keeps them in wrap_up until
  // they go ready.
  Status end(const std::string& call_id);
  // A conversation outside the ACD's contacts is over (an agent marked on_call took over a
  // transferred call): like end() for that agent, wrap_up with options.wrap_up, else ready.
  // No-op unless the agent is on_call.
  void conversation_over(std::int64_t agent_id);
  // The phone's registration expired or was removed: the agent is set not ready at once.
  void agent_unreachable(const std::string& extension);
  void agent_reachable(const std::string& extension);
  // A presence change on the control thread; `done` once the history row is durable.
  void set_state(std::int64_t agent_id, store::AgentPresence state, const std::string& reason,
                 const std::string& source, std::function<void(Status)> done);
  // Fires rules and time-outs, hands offers and notices to the sink. Also run when work arrives.
  void tick();
  // The routing explanation of the call's latest decision ("" when unknown).
  std::string routing_reason(const std::string& call_id) const;
  std::optional<routing::AgentState> agent_state(std::int64_t agent_id) const;
  // Consultation: the agent whose phone is `extension` (nullopt: no agent has it), and whether
  // a phone is registered for it.
  std::optional<std::int64_t> agent_with_extension(const std::string& extension) const;
  bool phone_registered(const std::string& extension) const {
    return registered_.count(extension) > 0;
  }
  // A free (ready, no work) agent of `queue` with a registered phone, longest idle first, other
  // than `except`: agent_id, extension and queue filled in. queue_not_found, or
  // target_unavailable when nobody is free. The caller marks them busy (set_state kOnCall).
  Result<AcdOffer> agent_for_consultation(const std::string& queue, std::int64_t except) const;
  // Tells the observer (live events) that a connected call changed.
  void call_updated(const AcdCallUpdate& update) {
    if (observer_) observer_->call_updated(update);
  }
  // Tells the observer that a consultation rings an agent's phone.
  void consult_offered(const AcdConsultOffer& offer) {
    if (observer_) observer_->consult_offered(offer);
  }
  std::size_t waiting_count() const { return engine_->waiting_count(); }
  // Hot-desking. The extension the ACD rings for the agent now ("" when it does not know them).
  std::string extension_of(std::int64_t agent_id) const;
  // From now on ring `extension` (a seat phone, or the agent's own). Errors as
  // api::SeatPort::pick_extension. Offers already ringing are not moved.
  Status pick_seat(const store::Agent& agent, const std::string& extension);
  // Back to the agent's own extension; the seat is free for others. No-op when at their own.
  void return_to_own_extension(std::int64_t agent_id);

  // --- any thread -------------------------------------------------------------------------
  // api::AgentPresencePort: posts set_state to the control thread and waits (up to 5 s).
  Status change_state(std::int64_t agent_id, store::AgentPresence state, const std::string& reason,
                      const std::string& source) override;
  // api::SeatPort: each posts to the control thread and waits (up to 5 s).
  Result<api::SeatSnapshot> seat_snapshot() override;
  Status pick_extension(const store::Agent& agent, const std::string& extension) override;
  Status release_seat(std::int64_t agent_id) override;

 private:
  struct AgentInfo {
    routing::AgentId engine_id = routing::kNoAgent;
    std::string extension;      // rung now: the agent's own, or the seat they picked
    std::string own_extension;  // from the agent's row
    std::int64_t user_id = 0;
    std::string username;
    std::optional<std::string> region_code;
  };
  struct CallInfo {
    routing::ContactId contact = routing::kNoContact;
    routing::AgentId offered_to = routing::kNoAgent;
  };

  Status add_agent(const store::Agent& agent);
  routing::AgentSpec agent_spec(const store::Agent& agent) const;
  Result<const CallInfo*> find_call(const std::string& call_id) const;
  std::int64_t store_agent_id(routing::AgentId id) const;
  // The engine moved an agent by itself (no answer, refusal): record it.
  void record_engine_state(routing::AgentId id, const std::string& source);
  // Tells the observer the agent's state as the engine has it now.
  void notify_agent(routing::AgentId id, const std::string& source);
  // The agent of the call's offer or conversation (0 when none).
  std::int64_t agent_of(const CallInfo& call) const { return store_agent_id(call.offered_to); }
  void schedule_tick();
  // Ticks the engine and keeps what it decided for the next delivery to the sink.
  void collect();
  void forget(const std::string& call_id);
  // Puts the agent in after-call work (engine, history, deadline); the caller notifies.
  bool start_wrap_up(std::int64_t agent, routing::AgentId id, TimePoint now);
  // After-call work that has run out: those agents are ready again.
  void end_wrap_ups();
  // Points the agent's maps at `extension` (no checks, no events).
  void move_agent(std::int64_t agent_id, AgentInfo& info, const std::string& extension);
  // Runs `fn` on the control thread and waits for its answer (up to 5 s).
  template <class T, class Fn>
  Result<T> on_control(Fn fn);

  store::Repositories& repos_;
  const Clock& clock_;
  Executor control_;
  AcdOptions options_;
  std::unique_ptr<routing::Engine> engine_;
  OfferSink* sink_ = nullptr;
  AcdObserver* observer_ = nullptr;
  std::unordered_map<std::int64_t, AgentInfo> agents_;            // store agent id → engine
  std::vector<std::int64_t> store_ids_;                           // engine id → store agent id
  std::unordered_map<std::string, std::int64_t> by_extension_;    // extension → store agent id
  std::unordered_set<std::string> registered_;                    // extensions with a live phone
  std::unordered_map<std::string, std::int64_t> seat_holders_;    // seat extension → agent
  std::unordered_map<std::string, CallInfo> calls_;               // call id → contact
  std::unordered_map<routing::ContactId, std::string> call_ids_;  // contact → call id
  std::unordered_map<std::int64_t, TimePoint> wrap_up_until_;    // agent → end of after-call work
  bool tick_scheduled_ = false;
  std::vector<AcdOffer> pending_offers_;
  std::vector<AcdNotice> pending_notices_;
};

// Presence names between the store and the engine.
routing::AgentState to_engine(store::AgentPresence p);
store::AgentPresence to_store(routing::AgentState s);

}  // namespace sy::app
