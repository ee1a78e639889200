// routing::Engine — the ACD: decides which agent gets which contact (design §8).
//
// A pure library: no I/O, no threads, no clock reads. Every call takes the current time, and the
// same sequence of calls always yields the same offers. The telephony server, `switchyard sim`
// and the tests drive this same class.
//
// Flow: report arrivals, agent states, abandons and ends as they happen, then call on_tick(now)
// (at least whenever something happened, and periodically so waiting-time rules and reservation
// time-outs fire). on_tick returns offers {contact, agent}; report each one back with
// accept / refuse / no_answer. Notices (callback offers, voicemail, overflow to another centre,
// reservation time-outs) are collected by take_notices().
//
// Invariants (checked by check_invariants, exercised by the randomized test): an agent never
// holds more contacts per channel than its capacity; a contact is offered to at most one agent at
// a time; after on_tick no waiting contact has an available eligible agent.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "routing/types.h"

namespace sy::routing {

class Engine {
 public:
  // Checks names (queues, skills, groups in rules) and returns an error naming the bad field.
  static Result<std::unique_ptr<Engine>> create(EngineConfig config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- configuration look-ups -------------------------------------------------------------
  std::optional<SkillId> skill_id(const std::string& name) const;
  std::optional<QueueId> queue_id(const std::string& name) const;
  const EngineConfig& config() const;

  // --- agents -----------------------------------------------------------------------------
  // Agents start offline. Skill levels must be 1..10.
  Result<AgentId> add_agent(const AgentSpec& spec);
  // Presence change: offline, ready, wrap_up, break (with reason) or on_call (outside work).
  // Work already handed out continues; an agent going offline gets no new offers.
  Status on_agent_state(AgentId agent, AgentState state, TimePoint now, std::string reason = {});
  AgentState agent_state(AgentId agent) const;
  const std::string& agent_break_reason(AgentId agent) const;
  int agent_load(AgentId agent, Channel channel) const;  // reserved + connected
  std::size_t agent_count() const;

  // --- contacts ---------------------------------------------------------------------------
  // Rejected contacts (region at its cap) come back with contact == kNoContact and
  // region_capped set; invalid input (unknown queue or skill) is an error.
  Result<ArrivalResult> on_arrival(const ContactSpec& spec, TimePoint now);
  // The caller hung up (waiting or ringing). The contact leaves; a ringing agent is released.
  Status on_abandon(ContactId contact, TimePoint now);
  Status on_offer_accepted(ContactId contact, TimePoint now);
  // The agent declined: agent goes to config().after_refuse, contact back at its old place.
  Status on_offer_refused(ContactId contact, TimePoint now);
  // Ringing timed out at the phone: agent goes to config().after_no_answer, contact re-queued.
  Status on_ring_no_answer(ContactId contact, TimePoint now);
  // The caller accepted the callback offer: the contact keeps its place as a callback.
  Status on_callback_accepted(ContactId contact, TimePoint now);
  // The conversation ended: the agent's capacity is freed. The contact (and its decision trail)
  // is forgotten; read decisions() first if it must be stored.
  Status on_contact_end(ContactId contact, TimePoint now);

  // --- decisions --------------------------------------------------------------------------
  // Fires due rules and time-outs, then matches. The returned vector is valid until the next call.
  const std::vector<Offer>& on_tick(TimePoint now);
  std::vector<Notice> take_notices();
  // When on_tick next has timed work to do (a rule, a preferred-agent or reservation time-out), so
  // the caller can arm one timer instead of polling. nullopt = nothing pending.
  std::optional<TimePoint> next_timer() const;

  // --- queries ----------------------------------------------------------------------------
  bool contact_exists(ContactId contact) const;
  bool contact_waiting(ContactId contact) const;
  int contact_priority(ContactId contact) const;  // after boosts; -1 if unknown
  // For IVR announcements: position in the queue and estimated wait. Not for the hot path.
  Result<WaitEstimate> estimate_wait(ContactId contact, TimePoint now) const;
  std::size_t waiting_count() const;
  std::size_t waiting_count(QueueId queue) const;
  // Agents free for a voice contact of `queue` with its default skills and groups (ready, no
  // work), longest idle first: who may take a consultation call outside the queue's contacts.
  std::vector<AgentId> free_agents(QueueId queue) const;
  // Every decision taken for the contact, oldest first (empty if unknown).
  const std::vector<Decision>& decisions(ContactId contact) const;
  // Human-readable reason, e.g. "offered to agent a17 by longest idle (3 candidates) in queue
  // repair after overflow after 60 s to queue general".
  std::string explain(const Decision& decision) const;
  // Empty when all invariants hold; otherwise what is broken. O(agents + contacts).
  std::string check_invariants() const;

  struct State;

 private:
  explicit Engine(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

std::string_view to_string(Strategy strategy);
std::string_view to_string(AgentState state);
std::string_view to_string(Channel channel);
std::optional<Strategy> strategy_from_string(std::string_view text);
std::optional<Channel> channel_from_string(std::string_view text);

}  // namespace sy::routing
