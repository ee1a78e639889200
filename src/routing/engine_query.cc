// Read-only side of routing::Engine: wait estimates for IVR announcements, decision trails and
// their human-readable explanation, invariant checks, and enum names.
#include <algorithm>
#include <sstream>

#include "routing/state.h"

namespace sy::routing {

bool Engine::contact_exists(ContactId id) const { return s_->find(id) != nullptr; }

bool Engine::contact_waiting(ContactId id) const {
  const ContactRec* c = s_->find(id);
  return c && (c->st == ContactState::kWaiting || c->st == ContactState::kHeld);
}

int Engine::contact_priority(ContactId id) const {
  const ContactRec* c = s_->find(id);
  return c ? c->priority : -1;
}

std::size_t Engine::waiting_count() const { return s_->waiting_total; }
std::size_t Engine::waiting_count(QueueId q) const {
  return q < s_->queues.size() ? s_->queues[q].waiting : 0;
}

std::vector<AgentId> Engine::free_agents(QueueId q) const {
  std::vector<AgentId> out;
  if (q >= s_->queues.size()) return out;
  const QueueRuntime& queue = s_->queues[q];
  for (AgentId id = 0; id < s_->agents.size(); ++id) {
    const AgentRec& a = s_->agents[id];
    if (!s_->available(a, static_cast<int>(Channel::kVoice))) continue;
    if (queue.group_mask && !(a.group_mask & queue.group_mask)) continue;
    bool skilled = true;
    for (const SkillLevel& need : queue.skills)
      skilled = skilled && a.level(need.skill) >= need.level;
    if (skilled) out.push_back(id);
  }
  std::stable_sort(out.begin(), out.end(), [this](AgentId x, AgentId y) {
    return s_->agents[x].idle_since_us < s_->agents[y].idle_since_us;
  });
  return out;
}

const std::vector<Decision>& Engine::decisions(ContactId id) const {
  const ContactRec* c = s_->find(id);
  return c ? c->trail : s_->empty_trail;
}

Result<WaitEstimate> Engine::estimate_wait(ContactId id, TimePoint) const {
  const ContactRec* c = s_->find(id);
  if (!c) return make_error(ErrorKind::kNotFound, "unknown_contact", "no such contact");
  if (c->st != ContactState::kWaiting && c->st != ContactState::kHeld)
    return make_error(ErrorKind::kConflict, "not_waiting", "the contact is not waiting");
  WaitEstimate e;
  e.position = 1;
  WaitKey mine = c->key();
  if (c->st == ContactState::kWaiting) {
    for (std::uint32_t cls : s_->queues[c->queue].classes)
      for (const WaitKey& k : s_->classes[cls].waiting) {
        if (!(k < mine)) break;
        ++e.position;
      }
  }
  // Agents who could serve it and are at work (not offline, not on a break).
  const ContactClass& cls = s_->classes[c->cls];
  int staffed = 0;
  for (AgentId id2 : s_->skill_agents[cls.alts[0].index_skill]) {
    const AgentRec& a = s_->agents[id2];
    if (a.presence == AgentState::kOffline || a.presence == AgentState::kBreak) continue;
    if (s_->eligible(a, cls, cls.alts[0])) ++staffed;
  }
  e.estimated_wait_s = e.position * s_->queues[c->queue].aht_s / std::max(1, staffed);
  return e;
}

namespace {

std::string rule_text(const Engine::State& s, const Decision& d) {
  std::ostringstream o;
  auto queue = [&](QueueId q) { return q < s.cfg.queues.size() ? s.cfg.queues[q].name : "?"; };
  switch (d.rule) {
    case Rule::kNone:
      break;
    case Rule::kRelaxSkills:
      o << "relax skill levels after " << d.value << " s";
      break;
    case Rule::kBackupGroups:
      o << "add backup groups after " << d.value << " s";
      break;
    case Rule::kOverflowQueue:
      o << "overflow after " << d.value << " s to queue "
        << queue(d.kind == DecisionKind::kRuleFired ? d.queue : s.queues[d.queue].overflow_queue);
      break;
    case Rule::kOverflowCentre:
      o << "overflow after " << d.value << " s to centre "
        << s.cfg.queues[d.queue].rules.overflow_centre;
      break;
    case Rule::kCallbackOffer:
      if (d.value < 0) {
        o << "callback accepted, place kept";
      } else {
        o << "callback offered after " << d.value << " s, place kept";
      }
      break;
    case Rule::kVoicemail:
      o << "voicemail after " << d.value << " s";
      break;
    case Rule::kPreferredTimeout:
      o << "preferred agent not free";
      if (d.value > 0) o << " within " << d.value << " s";
      break;
    case Rule::kPreferredAgent:
      o << "preferred (last) agent";
      break;
    case Rule::kNoAnswer:
      o << "ring no answer";
      break;
    case Rule::kRefused:
      o << "refused by the agent";
      break;
    case Rule::kReservationTimeout:
      o << "reservation timed out";
      break;
    case Rule::kRepeatBoost:
      o << "repeat caller: priority +" << d.value;
      break;
    case Rule::kVulnerableBoost:
      o << "vulnerable customer: priority +" << d.value;
      break;
    case Rule::kVipBoost:
      o << "VIP: priority +" << d.value;
      break;
  }
  return o.str();
}

}  // namespace

std::string Engine::explain(const Decision& d) const {
  std::ostringstream o;
  const State& s = *s_;
  auto queue = [&](QueueId q) { return q < s.cfg.queues.size() ? s.cfg.queues[q].name : "?"; };
  auto agent = [&](AgentId a) {
    if (a >= s.agents.size()) return std::string("?");
    if (!s.agents[a].name.empty()) return s.agents[a].name;
    std::string number(1, '#');
    number.append(std::to_string(a));
    return number;
  };
  switch (d.kind) {
    case DecisionKind::kQueued:
      o << "queued in " << queue(d.queue) << " at priority " << d.value << " (strategy "
        << to_string(d.strategy) << ")";
      break;
    case DecisionKind::kOffered:
      o << "offered to agent " << agent(d.agent) << " by " << to_string(d.strategy) << " in queue "
        << queue(d.queue) << " (" << d.candidates << " candidates considered)";
      if (d.rule != Rule::kNone) o << " under rule: " << rule_text(s, d);
      break;
    case DecisionKind::kRuleFired:
    case DecisionKind::kLeft:
      o << "rule: " << rule_text(s, d);
      break;
    case DecisionKind::kRequeued:
      o << "back at its old place in " << queue(d.queue) << " after " << rule_text(s, d)
        << " (agent " << agent(d.agent) << ")";
      break;
    case DecisionKind::kRejectedRegion:
      o << "region at its cap of " << d.value
        << " simultaneous calls: caller told and offered a callback";
      break;
  }
  return o.str();
}

std::string_view to_string(Strategy s) {
  switch (s) {
    case Strategy::kLongestIdle:
      return "longest_idle";
    case Strategy::kLeastOccupied:
      return "least_occupied";
    case Strategy::kBestSkill:
      return "best_skill";
    case Strategy::kRoundRobin:
      return "round_robin";
    case Strategy::kPreferredAgent:
      return "preferred_agent";
  }
  return "?";
}

std::string_view to_string(AgentState s) {
  static const char* kNames[] = {"offline", "ready", "reserved", "on_call", "wrap_up", "break"};
  return kNames[static_cast<int>(s)];
}

std::string_view to_string(Channel c) {
  static const char* kNames[] = {"voice", "chat", "email", "sms", "callback", "task"};
  return kNames[static_cast<int>(c)];
}

std::optional<Strategy> strategy_from_string(std::string_view t) {
  for (int i = 0; i <= static_cast<int>(Strategy::kPreferredAgent); ++i)
    if (to_string(Strategy(i)) == t) return Strategy(i);
  return std::nullopt;
}

std::optional<Channel> channel_from_string(std::string_view t) {
  for (int i = 0; i < kChannelCount; ++i)
    if (to_string(Channel(i)) == t) return Channel(i);
  return std::nullopt;
}

}  // namespace sy::routing
