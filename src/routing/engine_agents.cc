// Agents side of the engine: availability per channel, the ready indexes ordered by strategy,
// eligibility of an agent for a class of contacts, and capacity (load) accounting.
#include <algorithm>

#include "routing/state.h"

namespace sy::routing {

namespace {
constexpr std::int64_t kDayUs = 86'400'000'000LL;
constexpr int kIndexedChannels[] = {0, 1, 2, 3, 5};  // callbacks use the voice slot (0)
}  // namespace

Order order_of(Strategy s) {
  switch (s) {
    case Strategy::kLeastOccupied:
      return Order::kOccupied;
    case Strategy::kBestSkill:
      return Order::kLevel;
    case Strategy::kRoundRobin:
      return Order::kRoundRobin;
    case Strategy::kLongestIdle:
    case Strategy::kPreferredAgent:
      break;
  }
  return Order::kIdle;
}

bool Engine::State::available(const AgentRec& a, int ch) const {
  if (a.presence != AgentState::kReady || a.capacity[ch] == 0) return false;
  if (ch == 0) return a.total_load() == 0;
  return a.load[0] == 0 && a.load[ch] < a.capacity[ch];
}

bool Engine::State::available_any(const AgentRec& a) const {
  if (a.presence != AgentState::kReady) return false;
  for (int ch : kIndexedChannels)
    if (available(a, ch)) return true;
  return false;
}

IndexKey Engine::State::key_for(const AgentRec& a, AgentId id, int ch, int skill_slot,
                                Order order) const {
  const IndexedAt& at = a.at[ch];
  switch (order) {
    case Order::kIdle:
      return {at.load, at.idle_since_us, id};
    case Order::kOccupied:
      return {at.busy_us, at.idle_since_us, id};
    case Order::kLevel: {
      int level = skill_slot == any_skill() ? 0 : a.level(static_cast<SkillId>(skill_slot));
      return {-level, at.idle_since_us, id};
    }
    case Order::kRoundRobin:
      return {static_cast<std::int64_t>(id), 0, id};
  }
  return {0, 0, id};
}

void Engine::State::index_agent(AgentId id) {
  AgentRec& a = agents[id];
  if (a.indexed) unindex_agent(id);
  for (int ch : kIndexedChannels) {
    if (!available(a, ch)) continue;
    a.at[ch] = IndexedAt{a.idle_since_us, a.busy_us, a.load[ch]};
    a.indexed |= static_cast<std::uint8_t>(1u << ch);
    auto insert_slot = [&](int slot) {
      std::uint8_t mask = order_mask[slot_channel(slot, ch)];
      for (int o = 0; mask; ++o, mask >>= 1)
        if (mask & 1) index(slot, ch, Order(o))->keys.insert(key_for(a, id, ch, slot, Order(o)));
    };
    for (const auto& s : a.skills()) insert_slot(s.skill);
    insert_slot(any_skill());
  }
}

void Engine::State::unindex_agent(AgentId id) {
  AgentRec& a = agents[id];
  for (int ch : kIndexedChannels) {
    if (!(a.indexed & (1u << ch))) continue;
    auto erase_slot = [&](int slot) {
      std::uint8_t mask = order_mask[slot_channel(slot, ch)];
      for (int o = 0; mask; ++o, mask >>= 1)
        if (mask & 1) index(slot, ch, Order(o))->keys.erase(key_for(a, id, ch, slot, Order(o)));
    };
    for (const auto& s : a.skills()) erase_slot(s.skill);
    erase_slot(any_skill());
  }
  a.indexed = 0;
}

// Something about the agent changed: its index keys may be stale, so take it out now and let the
// next on_tick decide (serve it, or put it back in the indexes).
void Engine::State::mark_agent(AgentId id) {
  AgentRec& a = agents[id];
  if (a.indexed) unindex_agent(id);
  if (!a.dirty) {
    a.dirty = true;
    dirty_agents.push_back(id);
  }
}

void Engine::State::ensure_index(int skill_slot, int ch, Order order) {
  std::size_t pos = slot_channel(skill_slot, ch) * kOrderCount + static_cast<int>(order);
  if (indexes[pos]) return;
  indexes[pos] = std::make_unique<AgentIndex>();
  order_mask[slot_channel(skill_slot, ch)] |= static_cast<std::uint8_t>(1u << int(order));
  for (AgentId id : skill_agents[skill_slot]) {
    const AgentRec& a = agents[id];
    if (a.indexed & (1u << ch)) indexes[pos]->keys.insert(key_for(a, id, ch, skill_slot, order));
  }
}

bool Engine::State::eligible(const AgentRec& a, const ContactClass& c, const Requirement& r) const {
  if (r.group_mask && !(a.group_mask & r.group_mask)) return false;
  if (c.language != kAnyLanguage && !((a.language_mask >> c.language) & 1u)) return false;
  if (r.match_region && c.region != kNoRegion && !a.regions.empty() &&
      !std::binary_search(a.regions.begin(), a.regions.end(), c.region))
    return false;
  for (int i = 0; i < r.skill_count; ++i)
    if (a.level(r.skills[i].skill) < r.skills[i].level) return false;
  return true;
}

void Engine::State::add_load(AgentId id, int ch, std::int64_t now_us, bool reserve) {
  AgentRec& a = agents[id];
  if (a.total_load() == 0) {
    std::int64_t day = (now_us + cfg.utc_offset_minutes * 60'000'000LL) / kDayUs;
    if (day != a.busy_day) {
      a.busy_day = day;
      a.busy_us = 0;
    }
    a.busy_start_us = now_us;
  }
  ++a.load[ch];
  (reserve ? a.reserved : a.connected)++;
}

void Engine::State::drop_load(AgentId id, int ch, std::int64_t now_us, bool was_reserved) {
  AgentRec& a = agents[id];
  --a.load[ch];
  (was_reserved ? a.reserved : a.connected)--;
  if (a.total_load() == 0) {
    a.busy_us += now_us - a.busy_start_us;
    a.idle_since_us = now_us;
  }
}

}  // namespace sy::routing
