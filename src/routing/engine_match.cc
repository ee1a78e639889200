// Matching: who gets which contact. An agent that frees up takes the best waiting contact it may
// serve (priority, then arrival, over the heads of the classes it is eligible for); a contact that
// arrives takes the first eligible agent of its strategy's index.
#include <algorithm>

#include "routing/state.h"

namespace sy::routing {

namespace {

Rule strongest_rule(std::uint8_t stage) {
  if (stage & kStageOverflow) return Rule::kOverflowQueue;
  if (stage & kStageBackup) return Rule::kBackupGroups;
  if (stage & kStageRelaxed) return Rule::kRelaxSkills;
  return Rule::kNone;
}

}  // namespace

AgentId Engine::State::best_agent_for(std::uint32_t slot, std::uint32_t* candidates,
                                      Strategy* strategy) {
  const ContactRec& c = contacts[slot];
  const ContactClass& cls = classes[c.cls];
  for (const Requirement& r : cls.alts) {
    AgentIndex* idx = index(r.index_skill, cls.channel, r.order);
    auto try_range = [&](auto from, auto to) -> AgentId {
      for (auto it = from; it != to; ++it) {
        ++*candidates;
        if (it->agent == c.skip_agent) continue;
        if (eligible(agents[it->agent], cls, r)) return it->agent;
      }
      return kNoAgent;
    };
    AgentId found;
    if (r.order == Order::kRoundRobin) {
      // The circle by agent id, starting just after the last agent offered from this index.
      auto start = idx->rr_last == kNoAgent
                       ? idx->keys.begin()
                       : idx->keys.upper_bound(IndexKey{idx->rr_last, 0, idx->rr_last});
      found = try_range(start, idx->keys.end());
      if (found == kNoAgent) found = try_range(idx->keys.begin(), start);
      if (found != kNoAgent) idx->rr_last = found;
    } else {
      found = try_range(idx->keys.begin(), idx->keys.end());
    }
    if (found != kNoAgent) {
      *strategy = cfg.queues[r.queue].strategy;
      return found;
    }
  }
  return kNoAgent;
}

std::uint32_t Engine::State::best_contact_for(AgentId id, std::uint32_t* candidates) {
  const AgentRec& a = agents[id];
  bool have = false;
  WaitKey best{};
  auto scan = [&](int skill_slot, int ch) {
    for (const ClassRef& ref : skill_classes[slot_channel(skill_slot, ch)]) {
      const WaitKey& head = class_head[ref.cls];
      if (head.slot == kNoSlot) continue;
      ++*candidates;
      if (have && !(head < best)) continue;  // cannot beat what we have
      const ContactClass& cls = classes[ref.cls];
      if (!eligible(a, cls, cls.alts[ref.alt])) continue;
      if (skipped.empty() && skip_expiring.empty()) {  // nobody refused anything lately
        best = head;
        have = true;
        continue;
      }
      auto it = cls.waiting.begin();
      while (it != cls.waiting.end() && contacts[it->slot].skip_agent == id) ++it;
      if (it == cls.waiting.end()) continue;
      if (!have || *it < best) {
        best = *it;
        have = true;
      }
    }
  };
  for (int ch = 0; ch < kChannelCount; ++ch) {
    if (ch == static_cast<int>(Channel::kCallback) || !available(a, ch)) continue;
    for (const auto& s : a.skills()) scan(s.skill, ch);
    scan(any_skill(), ch);
  }
  return have ? best.slot : UINT32_MAX;
}

void Engine::State::offer(std::uint32_t slot, AgentId id, TimePoint now, Strategy strategy,
                          std::uint32_t candidates, Rule rule) {
  ContactRec& c = contacts[slot];
  dequeue(slot);
  --queues[c.queue].waiting;
  --waiting_total;
  c.st = ContactState::kOffered;
  c.agent = id;
  c.skip_agent = kNoAgent;
  add_load(id, capacity_channel(c.channel), us(now), true);
  // Its keys changed: out of the indexes. Only an agent with room left (chats) needs another look
  // this tick; a full one comes back through its next state change.
  if (agents[id].indexed) unindex_agent(id);
  if (available_any(agents[id])) mark_agent(id);
  if (rule == Rule::kNone) rule = strongest_rule(c.stage);
  const QueueRules& rules = cfg.queues[c.queue].rules;
  int after_s = rule == Rule::kOverflowQueue  ? rules.overflow_after_s
                : rule == Rule::kBackupGroups ? rules.backup_after_s
                : rule == Rule::kRelaxSkills  ? rules.relax_after_s
                                              : 0;
  Decision d{now, DecisionKind::kOffered, rule, strategy, c.queue, id, candidates, after_s};
  c.trail.push_back(d);
  TimePoint deadline = now + cfg.reservation_timeout;
  if (cfg.reservation_timeout.count() > 0) {
    // Every reservation has the same time-out, so deadlines come in order: a FIFO, not the heap.
    // A rule timer left in the heap is ignored while the contact is offered.
    c.offer_seq = ++timer_seq;
    reservations.push_back(Timer{us(deadline), c.offer_seq, slot, TimerKind::kReservation});
  }
  offers.push_back(Offer{id_of(slot), id, c.queue, c.external_id, deadline, d});
}

void Engine::State::serve_agent(AgentId id, TimePoint now, bool via_index) {
  while (available_any(agents[id])) {
    AgentRec& a = agents[id];
    // Contacts waiting for this agent as their preferred (last) agent come first.
    std::uint32_t held_slot = UINT32_MAX;
    for (std::uint32_t slot : a.held) {
      const ContactRec& c = contacts[slot];
      const ContactClass& cls = classes[c.cls];
      if (!available(a, cls.channel) || !eligible(a, cls, cls.alts[0])) continue;
      if (held_slot == UINT32_MAX || c.key() < contacts[held_slot].key()) held_slot = slot;
    }
    if (held_slot != UINT32_MAX) {
      a.held.erase(std::find(a.held.begin(), a.held.end(), held_slot));
      offer(held_slot, id, now, Strategy::kPreferredAgent, 1, Rule::kPreferredAgent);
      continue;
    }
    std::uint32_t candidates = 0;
    std::uint32_t slot = best_contact_for(id, &candidates);
    if (slot == UINT32_MAX) return;
    AgentId chosen = id;
    Strategy strategy = cfg.queues[contacts[slot].queue].strategy;
    if (via_index) {
      // Several agents became free at once: let the contact's strategy choose among them.
      AgentId other = best_agent_for(slot, &candidates, &strategy);
      if (other != kNoAgent) chosen = other;
    }
    offer(slot, chosen, now, strategy, candidates, Rule::kNone);
  }
}

void Engine::State::serve_contact(std::uint32_t slot, TimePoint now) {
  std::uint32_t candidates = 0;
  Strategy strategy = cfg.queues[contacts[slot].queue].strategy;
  AgentId agent = best_agent_for(slot, &candidates, &strategy);
  if (agent != kNoAgent) {
    offer(slot, agent, now, strategy, candidates, Rule::kNone);
  } else {
    enqueue(slot);
  }
}

// Serves everything that changed since the last tick. With one changed agent (the common case)
// the agent is matched straight away without passing through the indexes: every other available
// agent is indexed and already had its chance at every waiting contact.
void Engine::State::match(TimePoint now) {
  std::vector<AgentId> agents_now;
  std::vector<std::uint32_t> contacts_now;
  while (!dirty_agents.empty() || !dirty_contacts.empty()) {
    agents_now.swap(dirty_agents);
    contacts_now.swap(dirty_contacts);
    dirty_agents.clear();
    dirty_contacts.clear();
    bool slow = agents_now.size() > 1 || (!agents_now.empty() && !contacts_now.empty());
    if (slow) {
      for (std::uint32_t slot : contacts_now)
        if (contacts[slot].dirty && contacts[slot].st == ContactState::kWaiting) enqueue(slot);
      for (AgentId id : agents_now)
        if (available_any(agents[id])) index_agent(id);
    }
    for (AgentId id : agents_now) {
      agents[id].dirty = false;
      serve_agent(id, now, slow);
      if (!agents[id].dirty && !agents[id].indexed && available_any(agents[id])) index_agent(id);
    }
    if (contacts_now.size() > 1) {
      std::sort(contacts_now.begin(), contacts_now.end(), [&](std::uint32_t x, std::uint32_t y) {
        return contacts[x].key() < contacts[y].key();
      });
    }
    for (std::uint32_t slot : contacts_now) {
      ContactRec& c = contacts[slot];
      if (!c.dirty) continue;
      c.dirty = false;
      if (c.st == ContactState::kWaiting) serve_contact(slot, now);
    }
  }
}

}  // namespace sy::routing
