// Contacts side of the engine: classes of interchangeable waiting contacts, the waiting lists,
// and the time-driven rules (relax skills, backup groups, overflow, max wait, preferred-agent and
// reservation time-outs).
#include <algorithm>

#include "routing/state.h"

namespace sy::routing {

namespace {
constexpr std::int64_t kSecondUs = 1'000'000;
}

WaitKey ContactRec::key() const {
  return WaitKey{-priority, arrival.time_since_epoch().count(), seq, 0};
}

ContactRec* Engine::State::find(ContactId id) {
  std::uint64_t slot = (id & 0xFFFFFFFFu);
  if (slot == 0 || slot > contacts.size()) return nullptr;
  ContactRec& c = contacts[slot - 1];
  if (c.gen != (id >> 32) || c.st == ContactState::kFree) return nullptr;
  return &c;
}

const ContactRec* Engine::State::find(ContactId id) const {
  return const_cast<State*>(this)->find(id);
}

// The class of a contact: everything that decides which agents may take it.
std::uint32_t Engine::State::class_for(const ContactRec& c) {
  const QueueConfig& qc = cfg.queues[c.queue];
  const QueueRuntime& q = queues[c.queue];
  std::uint8_t stage = c.stage & kEligibilityBits;
  bool overflow = (stage & kStageOverflow) && q.overflow_queue != kNoQueue;
  bool region_matters = qc.match_region || (overflow && cfg.queues[q.overflow_queue].match_region);
  std::uint16_t region = region_matters ? c.region : kNoRegion;
  int ch = capacity_channel(c.channel);
  ClassKey key{};
  key[0] = std::uint64_t(ch) | std::uint64_t(c.queue) << 8 | std::uint64_t(stage) << 24 |
           std::uint64_t(c.language) << 32 | std::uint64_t(region) << 40 |
           std::uint64_t(c.skill_count) << 56;
  for (int i = 0; i < c.skill_count; ++i) {
    std::uint64_t packed = std::uint64_t(c.skills[i].skill) << 8 | c.skills[i].level;
    key[1 + i / 2] |= packed << (24 * (i % 2));
  }
  if (std::uint32_t found = class_ids.find(key); found != ClassIdTable::kNone) return found;

  ContactClass cls;
  cls.home = c.queue;
  cls.channel = static_cast<std::uint8_t>(ch);
  cls.stage = stage;
  cls.language = c.language;
  cls.region = region;
  Requirement own;
  own.skill_count = c.skill_count;
  own.skills = c.skills;
  if (stage & kStageRelaxed) {
    for (auto& sk : own.skills)
      if (sk.level > qc.rules.relax_to_level) sk.level = qc.rules.relax_to_level;
  }
  own.group_mask = q.group_mask ? (q.group_mask | ((stage & kStageBackup) ? q.backup_mask : 0)) : 0;
  own.match_region = qc.match_region;
  own.queue = c.queue;
  cls.alts.push_back(own);
  if (overflow) {
    const QueueRuntime& t = queues[q.overflow_queue];
    Requirement other;
    other.skill_count = static_cast<std::uint8_t>(t.skills.size());
    std::copy(t.skills.begin(), t.skills.end(), other.skills.begin());
    other.group_mask = t.group_mask;
    other.match_region = cfg.queues[q.overflow_queue].match_region;
    other.queue = q.overflow_queue;
    cls.alts.push_back(other);
  }
  auto id = static_cast<std::uint32_t>(classes.size());
  for (std::uint8_t i = 0; i < cls.alts.size(); ++i) {
    Requirement& r = cls.alts[i];
    r.order = order_of(cfg.queues[r.queue].strategy);
    r.index_skill = r.skill_count ? r.skills[0].skill : static_cast<std::uint16_t>(any_skill());
    ensure_index(r.index_skill, ch, r.order);
    skill_classes[slot_channel(r.index_skill, ch)].push_back(ClassRef{id, i});
  }
  classes.push_back(std::move(cls));
  class_head.push_back(WaitKey{0, 0, 0, kNoSlot});
  class_ids.insert(key, id);
  queues[c.queue].classes.push_back(id);
  return id;
}

void Engine::State::enqueue(std::uint32_t slot) {
  ContactRec& c = contacts[slot];
  if (c.in_class) return;
  WaitKey k = c.key();
  k.slot = slot;
  classes[c.cls].waiting.insert(k);
  WaitKey& head = class_head[c.cls];
  if (head.slot == kNoSlot || k < head) head = k;
  c.in_class = true;
}

void Engine::State::dequeue(std::uint32_t slot) {
  ContactRec& c = contacts[slot];
  if (!c.in_class) return;
  WaitKey k = c.key();
  k.slot = slot;
  auto& waiting = classes[c.cls].waiting;
  waiting.erase(k);
  WaitKey& head = class_head[c.cls];
  if (head.slot == slot) head = waiting.empty() ? WaitKey{0, 0, 0, kNoSlot} : *waiting.begin();
  c.in_class = false;
}

void Engine::State::mark_contact(std::uint32_t slot) {
  ContactRec& c = contacts[slot];
  if (c.dirty) return;
  c.dirty = true;
  dirty_contacts.push_back(slot);
}

void Engine::State::free_contact(std::uint32_t slot) {
  ContactRec& c = contacts[slot];
  if (c.region_counted) --region_count[c.region];
  c.region_counted = false;
  c.st = ContactState::kFree;
  c.offer_seq = 0;
  c.dirty = false;
  c.in_class = false;
  timers.cancel(slot);
  c.trail.clear();
  ++c.gen;
  free_slots.push_back(slot);
}

// Takes a waiting or held contact out of the engine (it abandoned or left by a rule).
void Engine::State::remove_contact(std::uint32_t slot) {
  ContactRec& c = contacts[slot];
  if (c.st == ContactState::kHeld) {
    auto& held = agents[c.preferred].held;
    held.erase(std::remove(held.begin(), held.end(), slot), held.end());
  }
  if (c.st == ContactState::kHeld || c.st == ContactState::kWaiting) {
    dequeue(slot);
    --queues[c.queue].waiting;
    --waiting_total;
  }
  free_contact(slot);
}

void Engine::State::schedule(std::uint32_t slot, std::int64_t at_us, TimerKind kind) {
  timers.set(Timer{at_us, ++timer_seq, slot, kind});
}

void Engine::State::schedule_next_rule(std::uint32_t slot) {
  ContactRec& c = contacts[slot];
  const QueueRules& r = cfg.queues[c.queue].rules;
  std::int64_t next = INT64_MAX;
  auto consider = [&](int after_s, std::uint8_t bit) {
    if (after_s > 0 && !(c.stage & bit)) next = std::min(next, after_s * kSecondUs);
  };
  consider(r.relax_after_s, kStageRelaxed);
  consider(r.backup_after_s, kStageBackup);
  consider(r.overflow_after_s, kStageOverflow);
  if (r.max_wait_action != MaxWaitAction::kNone) consider(r.max_wait_s, kStageMaxWait);
  if (next == INT64_MAX) {
    timers.cancel(slot);
    return;
  }
  schedule(slot, us(c.arrival) + next, TimerKind::kRule);
}

void Engine::State::fire_rules(std::uint32_t slot, TimePoint now) {
  ContactRec& c = contacts[slot];
  const QueueRules& r = cfg.queues[c.queue].rules;
  const std::uint8_t before = c.stage;
  auto due = [&](int after_s, std::uint8_t bit) {
    return after_s > 0 && !(c.stage & bit) && us(now) >= us(c.arrival) + after_s * kSecondUs;
  };
  auto note = [&](Rule rule, int value, QueueId queue) {
    c.trail.push_back(Decision{now, DecisionKind::kRuleFired, rule, Strategy::kLongestIdle, queue,
                               kNoAgent, 0, value});
  };
  if (due(r.relax_after_s, kStageRelaxed)) {
    c.stage |= kStageRelaxed;
    note(Rule::kRelaxSkills, r.relax_after_s, c.queue);
  }
  if (due(r.backup_after_s, kStageBackup)) {
    c.stage |= kStageBackup;
    note(Rule::kBackupGroups, r.backup_after_s, c.queue);
  }
  if (due(r.overflow_after_s, kStageOverflow)) {
    c.stage |= kStageOverflow;
    if (!r.overflow_centre.empty()) {
      note(Rule::kOverflowCentre, r.overflow_after_s, c.queue);
      notices.push_back(Notice{Notice::Kind::kOverflowCentre, id_of(slot), kNoAgent, c.external_id,
                               r.overflow_centre});
      remove_contact(slot);
      return;
    }
    note(Rule::kOverflowQueue, r.overflow_after_s, queues[c.queue].overflow_queue);
  }
  if (r.max_wait_action != MaxWaitAction::kNone && due(r.max_wait_s, kStageMaxWait)) {
    c.stage |= kStageMaxWait;
    bool callback = r.max_wait_action == MaxWaitAction::kCallback;
    note(callback ? Rule::kCallbackOffer : Rule::kVoicemail, r.max_wait_s, c.queue);
    notices.push_back(Notice{callback ? Notice::Kind::kCallbackOffered : Notice::Kind::kVoicemail,
                             id_of(slot),
                             kNoAgent,
                             c.external_id,
                             {}});
    if (!callback) {
      remove_contact(slot);
      return;
    }
  }
  if ((before ^ c.stage) & kEligibilityBits) {
    bool was_in = c.in_class;
    dequeue(slot);
    c.cls = class_for(c);
    if (was_in) enqueue(slot);
    mark_contact(slot);
  }
  schedule_next_rule(slot);
}

void Engine::State::requeue(std::uint32_t slot, TimePoint now, Rule why) {
  ContactRec& c = contacts[slot];
  c.trail.push_back(
      Decision{now, DecisionKind::kRequeued, why, Strategy::kLongestIdle, c.queue, c.agent, 0, 0});
  c.st = ContactState::kWaiting;
  c.agent = kNoAgent;
  ++queues[c.queue].waiting;
  ++waiting_total;
  enqueue(slot);  // same key as before: its old place
  mark_contact(slot);
  fire_rules(slot, now);
}

void Engine::State::release_held(AgentId id, TimePoint now) {
  std::vector<std::uint32_t> held;
  held.swap(agents[id].held);
  for (std::uint32_t slot : held) {
    ContactRec& c = contacts[slot];
    c.trail.push_back(Decision{now, DecisionKind::kRuleFired, Rule::kPreferredTimeout,
                               Strategy::kPreferredAgent, c.queue, id, 0, 0});
    c.st = ContactState::kWaiting;
    enqueue(slot);
    mark_contact(slot);
    fire_rules(slot, now);
  }
}

void Engine::State::fire_timer(const Timer& t, TimePoint now) {
  ContactRec& c = contacts[t.slot];
  switch (t.kind) {
    case TimerKind::kRule:
      if (c.st == ContactState::kWaiting) fire_rules(t.slot, now);
      break;
    case TimerKind::kPreferred:
      if (c.st == ContactState::kHeld) {
        auto& held = agents[c.preferred].held;
        held.erase(std::remove(held.begin(), held.end(), t.slot), held.end());
        c.trail.push_back(Decision{now, DecisionKind::kRuleFired, Rule::kPreferredTimeout,
                                   Strategy::kPreferredAgent, c.queue, c.preferred, 0,
                                   cfg.queues[c.queue].preferred_timeout_s});
        c.st = ContactState::kWaiting;
        enqueue(t.slot);
        mark_contact(t.slot);
        fire_rules(t.slot, now);
      }
      break;
    case TimerKind::kReservation:
      if (c.st == ContactState::kOffered && c.offer_seq == t.seq) {
        AgentId agent = c.agent;
        AgentRec& a = agents[agent];
        drop_load(agent, capacity_channel(c.channel), us(now), true);
        a.presence = cfg.after_no_answer;
        a.break_reason = cfg.after_no_answer == AgentState::kBreak ? cfg.no_answer_reason : "";
        mark_agent(agent);
        notices.push_back(
            Notice{Notice::Kind::kReservationTimeout, id_of(t.slot), agent, c.external_id, {}});
        c.skip_agent = agent;
        skipped.push_back(t.slot);
        requeue(t.slot, now, Rule::kReservationTimeout);
        if (a.presence != AgentState::kReady) release_held(agent, now);
      }
      break;
  }
}

}  // namespace sy::routing
