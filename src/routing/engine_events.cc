// Contact events of routing::Engine: arrival (boosts, region caps, preferred agent), abandon,
// the answer to an offer, callback acceptance, end of conversation, and the tick.
#include <algorithm>

#include "routing/state.h"

namespace sy::routing {

namespace {

constexpr std::int64_t kDayUs = 86'400'000'000LL;

Error invalid(std::string code, std::string message, std::string field = {}) {
  return make_error(ErrorKind::kInvalidInput, std::move(code), std::move(message),
                    std::move(field));
}

Error not_found() { return make_error(ErrorKind::kNotFound, "unknown_contact", "no such contact"); }

Error conflict(std::string message) {
  return make_error(ErrorKind::kConflict, "bad_contact_state", std::move(message));
}

}  // namespace

Result<ArrivalResult> Engine::on_arrival(const ContactSpec& spec, TimePoint now) {
  State& s = *s_;
  if (spec.queue >= s.queues.size()) return invalid("unknown_queue", "no such queue", "queue");
  const std::vector<SkillLevel>& skills =
      spec.skills.empty() ? s.queues[spec.queue].skills : spec.skills;
  if (skills.size() > kMaxRequiredSkills)
    return invalid("too_many_skills", "at most 4 required skills", "skills");
  for (const auto& sk : skills)
    if (sk.skill >= s.cfg.skills.size() || sk.level < 1 || sk.level > 10)
      return invalid("bad_skill", "unknown skill or level outside 1..10", "skills");
  if (spec.priority < 0 || spec.priority > 9)
    return invalid("bad_priority", "priority is 0..9", "priority");
  if (spec.preferred_agent != kNoAgent && spec.preferred_agent >= s.agents.size())
    return invalid("unknown_agent", "no such preferred agent", "preferred_agent");
  std::uint8_t language = kAnyLanguage;
  if (!spec.language.empty()) {
    auto it = s.language_names.find(spec.language);
    if (it == s.language_names.end()) {
      if (s.language_names.size() >= 64) return invalid("too_many_names", "too many languages");
      it = s.language_names.emplace(spec.language, static_cast<int>(s.language_names.size())).first;
    }
    language = static_cast<std::uint8_t>(it->second);
  }
  std::uint16_t region = kNoRegion;
  if (!spec.region.empty()) {
    auto [it, added] = s.region_names.emplace(spec.region, s.region_list.size());
    if (added) {
      s.region_list.push_back(spec.region);
      s.region_cap.push_back(0);
      s.region_count.push_back(0);
    }
    region = it->second;
  }
  bool holds_line = spec.channel == Channel::kVoice;
  if (region != kNoRegion && holds_line && s.region_cap[region] > 0 &&
      s.region_count[region] >= s.region_cap[region]) {
    ArrivalResult r;
    r.region_capped = true;
    r.reason = Decision{now,         DecisionKind::kRejectedRegion,
                        Rule::kNone, Strategy::kLongestIdle,
                        spec.queue,  kNoAgent,
                        0,           s.region_cap[region]};
    return r;
  }

  std::uint32_t slot;
  if (!s.free_slots.empty()) {
    slot = s.free_slots.back();
    s.free_slots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(s.contacts.size());
    s.contacts.emplace_back();
    s.contacts.back().gen = 1;
  }
  ContactRec& c = s.contacts[slot];
  c.queue = spec.queue;
  c.channel = spec.channel;
  c.skill_count = static_cast<std::uint8_t>(skills.size());
  std::copy(skills.begin(), skills.end(), c.skills.begin());
  c.language = language;
  c.region = region;
  c.region_counted = region != kNoRegion && holds_line;
  if (c.region_counted) ++s.region_count[region];
  c.stage = 0;
  c.arrival = now;
  c.seq = s.next_seq++;
  c.agent = kNoAgent;
  c.skip_agent = kNoAgent;
  c.preferred = spec.preferred_agent;
  c.external_id = spec.external_id;
  c.in_class = false;
  c.dirty = false;

  // Priority with boosts; each boost is recorded so a review sees why this caller went first.
  int priority = spec.priority;
  auto boost = [&](bool applies, int by, Rule rule) {
    if (!applies || by == 0) return;
    priority += by;
    c.trail.push_back(Decision{now, DecisionKind::kRuleFired, rule, Strategy::kLongestIdle,
                               spec.queue, kNoAgent, 0, by});
  };
  bool repeat = spec.repeat_caller;
  if (spec.customer_id != 0) {
    auto [it, added] = s.last_seen_us.emplace(spec.customer_id, us(now));
    if (!added) {
      repeat =
          repeat || (spec.open_matter && us(now) - it->second <= s.cfg.repeat_window_days * kDayUs);
      it->second = us(now);
    }
  }
  boost(spec.vip, s.cfg.vip_boost, Rule::kVipBoost);
  boost(repeat, s.cfg.repeat_boost, Rule::kRepeatBoost);
  boost(spec.vulnerable, s.cfg.vulnerable_boost, Rule::kVulnerableBoost);
  c.priority = std::clamp(priority, 0, 9);
  c.cls = s.class_for(c);
  Decision queued{now,         DecisionKind::kQueued,
                  Rule::kNone, s.cfg.queues[c.queue].strategy,
                  c.queue,     kNoAgent,
                  0,           c.priority};
  c.trail.push_back(queued);
  ++s.queues[c.queue].waiting;
  ++s.waiting_total;

  const QueueConfig& qc = s.cfg.queues[c.queue];
  int preferred_wait_s = qc.preferred_timeout_s > 0                 ? qc.preferred_timeout_s
                         : qc.strategy == Strategy::kPreferredAgent ? 30
                                                                    : 0;
  if (c.preferred != kNoAgent && preferred_wait_s > 0 &&
      s.agents[c.preferred].presence != AgentState::kOffline) {
    // Wait for the preferred agent (they see it first when free) until the time-out.
    c.st = ContactState::kHeld;
    s.agents[c.preferred].held.push_back(slot);
    s.schedule(slot, us(now) + preferred_wait_s * 1'000'000LL, TimerKind::kPreferred);
    if (s.available_any(s.agents[c.preferred])) s.mark_agent(c.preferred);
  } else {
    c.st = ContactState::kWaiting;
    s.mark_contact(slot);
    s.schedule_next_rule(slot);
  }
  ArrivalResult r;
  r.contact = s.id_of(slot);
  r.reason = queued;
  return r;
}

Status Engine::on_abandon(ContactId id, TimePoint now) {
  ContactRec* c = s_->find(id);
  if (!c) return not_found();
  auto slot = static_cast<std::uint32_t>((id & 0xFFFFFFFFu) - 1);
  switch (c->st) {
    case ContactState::kHeld:
    case ContactState::kWaiting:
      s_->remove_contact(slot);
      return ok_status();
    case ContactState::kOffered:
      s_->drop_load(c->agent, capacity_channel(c->channel), us(now), true);
      s_->mark_agent(c->agent);
      s_->free_contact(slot);
      return ok_status();
    default:
      return conflict("the contact is connected: report on_contact_end");
  }
}

Status Engine::on_offer_accepted(ContactId id, TimePoint now) {
  ContactRec* c = s_->find(id);
  if (!c) return not_found();
  if (c->st != ContactState::kOffered) return conflict("the contact is not being offered");
  AgentRec& a = s_->agents[c->agent];
  --a.reserved;
  ++a.connected;
  c->st = ContactState::kConnected;
  c->answered = now;
  c->offer_seq = 0;  // its deadline in the FIFO is now void
  return ok_status();
}

namespace {

// Shared by refuse and ring-no-answer: the agent moves to `after`, the contact goes back to its
// old place (and is not offered straight back to the same agent).
Status take_back(Engine::State& s, ContactId id, TimePoint now, AgentState after,
                 const std::string& reason, Rule why) {
  ContactRec* c = s.find(id);
  if (!c) return not_found();
  if (c->st != ContactState::kOffered) return conflict("the contact is not being offered");
  auto slot = static_cast<std::uint32_t>((id & 0xFFFFFFFFu) - 1);
  AgentId agent = c->agent;
  AgentRec& a = s.agents[agent];
  s.drop_load(agent, capacity_channel(c->channel), us(now), true);
  a.presence = after;
  a.break_reason = after == AgentState::kBreak ? reason : std::string();
  s.mark_agent(agent);
  c->skip_agent = agent;
  s.skipped.push_back(slot);
  s.requeue(slot, now, why);
  if (after != AgentState::kReady) s.release_held(agent, now);
  return ok_status();
}

}  // namespace

Status Engine::on_offer_refused(ContactId id, TimePoint now) {
  return take_back(*s_, id, now, s_->cfg.after_refuse, "refused", Rule::kRefused);
}

Status Engine::on_ring_no_answer(ContactId id, TimePoint now) {
  return take_back(*s_, id, now, s_->cfg.after_no_answer, s_->cfg.no_answer_reason,
                   Rule::kNoAnswer);
}

Status Engine::on_callback_accepted(ContactId id, TimePoint now) {
  ContactRec* c = s_->find(id);
  if (!c) return not_found();
  if (c->st != ContactState::kWaiting && c->st != ContactState::kHeld)
    return conflict("only a waiting contact can become a callback");
  c->channel = Channel::kCallback;  // same voice slot: the class and the place stay
  if (c->region_counted) --s_->region_count[c->region];  // the caller hung up: line freed
  c->region_counted = false;
  c->trail.push_back(Decision{now, DecisionKind::kRuleFired, Rule::kCallbackOffer,
                              Strategy::kLongestIdle, c->queue, kNoAgent, 0, -1});
  return ok_status();
}

Status Engine::on_contact_end(ContactId id, TimePoint now) {
  ContactRec* c = s_->find(id);
  if (!c) return not_found();
  if (c->st != ContactState::kConnected) return conflict("the contact is not connected");
  auto slot = static_cast<std::uint32_t>((id & 0xFFFFFFFFu) - 1);
  QueueRuntime& q = s_->queues[c->queue];
  double handle_s = static_cast<double>(us(now) - us(c->answered)) / 1e6;
  q.aht_s = 0.95 * q.aht_s + 0.05 * handle_s;  // learnt for the estimated wait
  s_->drop_load(c->agent, capacity_channel(c->channel), us(now), false);
  s_->mark_agent(c->agent);
  s_->free_contact(slot);
  return ok_status();
}

const std::vector<Offer>& Engine::on_tick(TimePoint now) {
  State& s = *s_;
  s.offers.clear();
  for (std::uint32_t slot : s.skip_expiring) {
    ContactRec& c = s.contacts[slot];
    if (c.skip_agent == kNoAgent) continue;
    c.skip_agent = kNoAgent;
    if (c.st == ContactState::kWaiting) s.mark_contact(slot);
  }
  s.skip_expiring.swap(s.skipped);
  s.skipped.clear();
  while (!s.timers.empty() && s.timers.top().at_us <= us(now)) {
    Timer t = s.timers.top();
    s.timers.pop();
    s.fire_timer(t, now);
  }
  while (!s.reservations.empty() && s.reservations.front().at_us <= us(now)) {
    Timer t = s.reservations.front();
    s.reservations.pop_front();
    s.fire_timer(t, now);
  }
  s.match(now);
  return s.offers;
}

std::optional<TimePoint> Engine::next_timer() const {
  std::optional<std::int64_t> at;
  if (!s_->timers.empty()) at = s_->timers.top().at_us;
  // The FIFO may start with deadlines of offers already answered: at worst an early tick.
  if (!s_->reservations.empty() && (!at || s_->reservations.front().at_us < *at))
    at = s_->reservations.front().at_us;
  if (!at) return std::nullopt;
  return TimePoint{std::chrono::microseconds(*at)};
}

std::vector<Notice> Engine::take_notices() {
  std::vector<Notice> out;
  out.swap(s_->notices);
  return out;
}

}  // namespace sy::routing
