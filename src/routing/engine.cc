// routing::Engine: configuration checks and the event entry points. Matching lives in
// engine_match.cc, the agent indexes in engine_agents.cc, waiting-time rules in engine_contacts.cc.
#include "routing/engine.h"

#include <algorithm>

#include "routing/state.h"

namespace sy::routing {

namespace {

Error invalid(std::string code, std::string message, std::string field = {}) {
  return make_error(ErrorKind::kInvalidInput, std::move(code), std::move(message),
                    std::move(field));
}

// Interns a name into a bit position (at most 64 names).
Result<int> intern_bit(std::unordered_map<std::string, int>& names, const std::string& name,
                       const char* what) {
  auto it = names.find(name);
  if (it != names.end()) return it->second;
  if (names.size() >= 64) return invalid("too_many_names", std::string("more than 64 ") + what);
  int bit = static_cast<int>(names.size());
  names.emplace(name, bit);
  return bit;
}

Status check_skills(const std::vector<SkillLevel>& skills, std::size_t skill_count,
                    const std::string& field) {
  for (const auto& s : skills) {
    if (s.skill >= skill_count) return invalid("unknown_skill", "unknown skill id", field);
    if (s.level < 1 || s.level > 10)
      return invalid("bad_skill_level", "skill levels are 1..10", field);
  }
  return ok_status();
}

}  // namespace

Engine::Engine(std::unique_ptr<State> state) : s_(std::move(state)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::create(EngineConfig config) {
  auto s = std::make_unique<State>();
  for (std::size_t i = 0; i < config.skills.size(); ++i)
    if (!s->skill_names.emplace(config.skills[i], static_cast<SkillId>(i)).second)
      return invalid("duplicate_skill", "skill named twice: " + config.skills[i], "skills");
  if (config.queues.empty()) return invalid("no_queues", "at least one queue is needed", "queues");
  for (std::size_t i = 0; i < config.queues.size(); ++i)
    if (!s->queue_names.emplace(config.queues[i].name, static_cast<QueueId>(i)).second)
      return invalid("duplicate_queue", "queue named twice: " + config.queues[i].name, "queues");
  for (std::size_t i = 0; i < config.queues.size(); ++i) {
    const QueueConfig& qc = config.queues[i];
    std::string field = "queues." + qc.name;
    SY_TRY(check_skills(qc.skills, config.skills.size(), field + ".skills"));
    if (qc.skills.size() > kMaxRequiredSkills)
      return invalid("too_many_skills", "at most 4 required skills", field + ".skills");
    QueueRuntime q;
    q.skills = qc.skills;
    q.aht_s = qc.expected_handle_s > 0 ? qc.expected_handle_s : 180;
    for (const auto& g : qc.groups) {
      auto bit = intern_bit(s->group_names, g, "groups");
      if (!bit) return bit.error();
      q.group_mask |= 1ull << *bit;
    }
    for (const auto& g : qc.rules.backup_groups) {
      auto bit = intern_bit(s->group_names, g, "groups");
      if (!bit) return bit.error();
      q.backup_mask |= 1ull << *bit;
    }
    if (!qc.rules.overflow_queue.empty()) {
      auto it = s->queue_names.find(qc.rules.overflow_queue);
      if (it == s->queue_names.end() || it->second == i)
        return invalid("bad_overflow_queue", "overflow queue must be another known queue",
                       field + ".overflow_queue");
      q.overflow_queue = it->second;
    }
    if (qc.rules.relax_to_level < 1 || qc.rules.relax_to_level > 10)
      return invalid("bad_skill_level", "relax_to_level is 1..10", field + ".relax_to_level");
    s->queues.push_back(std::move(q));
  }
  for (const auto& [region, cap] : config.region_caps) {
    auto id = static_cast<std::uint16_t>(s->region_list.size());
    if (!s->region_names.emplace(region, id).second)
      return invalid("duplicate_region", "region capped twice: " + region, "region_caps");
    s->region_list.push_back(region);
    s->region_cap.push_back(cap);
    s->region_count.push_back(0);
  }
  std::size_t slots = config.skills.size() + 1;
  s->skill_agents.resize(slots);
  s->indexes.resize(slots * kChannelCount * kOrderCount);
  s->order_mask.resize(slots * kChannelCount);
  s->skill_classes.resize(slots * kChannelCount);
  s->cfg = std::move(config);
  return std::unique_ptr<Engine>(new Engine(std::move(s)));
}

std::optional<SkillId> Engine::skill_id(const std::string& name) const {
  auto it = s_->skill_names.find(name);
  if (it == s_->skill_names.end()) return std::nullopt;
  return it->second;
}

std::optional<QueueId> Engine::queue_id(const std::string& name) const {
  auto it = s_->queue_names.find(name);
  if (it == s_->queue_names.end()) return std::nullopt;
  return it->second;
}

const EngineConfig& Engine::config() const { return s_->cfg; }
std::size_t Engine::agent_count() const { return s_->agents.size(); }

Result<AgentId> Engine::add_agent(const AgentSpec& spec) {
  SY_TRY(check_skills(spec.skills, s_->cfg.skills.size(), "agent.skills"));
  AgentRec a;
  a.name = spec.name;
  std::vector<SkillLevel> skills = spec.skills;
  std::sort(skills.begin(), skills.end(),
            [](const SkillLevel& x, const SkillLevel& y) { return x.skill < y.skill; });
  for (std::size_t i = 1; i < skills.size(); ++i)
    if (skills[i].skill == skills[i - 1].skill)
      return invalid("duplicate_skill", "skill listed twice", "agent.skills");
  a.set_skills(skills);
  for (const auto& l : spec.languages) {
    auto bit = intern_bit(s_->language_names, l, "languages");
    if (!bit) return bit.error();
    a.language_mask |= 1ull << *bit;
  }
  for (const auto& g : spec.groups) {
    auto bit = intern_bit(s_->group_names, g, "groups");
    if (!bit) return bit.error();
    a.group_mask |= 1ull << *bit;
  }
  for (const auto& r : spec.regions) {
    auto [it, added] = s_->region_names.emplace(r, s_->region_list.size());
    if (added) {
      s_->region_list.push_back(r);
      s_->region_cap.push_back(0);
      s_->region_count.push_back(0);
    }
    a.regions.push_back(it->second);
  }
  std::sort(a.regions.begin(), a.regions.end());
  a.capacity = spec.capacity;
  a.capacity[static_cast<int>(Channel::kCallback)] = 0;  // callbacks use the voice slot
  auto id = static_cast<AgentId>(s_->agents.size());
  for (const auto& sk : a.skills()) s_->skill_agents[sk.skill].push_back(id);
  s_->skill_agents[s_->any_skill()].push_back(id);
  s_->agents.push_back(std::move(a));
  return id;
}

Status Engine::on_agent_state(AgentId id, AgentState state, TimePoint now, std::string reason) {
  if (id >= s_->agents.size()) return invalid("unknown_agent", "no such agent");
  if (state == AgentState::kReserved)
    return invalid("bad_state", "reserved is set by the engine, not by the agent", "state");
  AgentRec& a = s_->agents[id];
  if (state == AgentState::kReady && a.presence != AgentState::kReady && a.total_load() == 0)
    a.idle_since_us = us(now);
  a.presence = state;
  a.break_reason = state == AgentState::kBreak ? std::move(reason) : std::string();
  s_->mark_agent(id);
  if (state != AgentState::kReady) s_->release_held(id, now);
  return ok_status();
}

AgentState Engine::agent_state(AgentId id) const {
  if (id >= s_->agents.size()) return AgentState::kOffline;
  const AgentRec& a = s_->agents[id];
  if (a.reserved > 0) return AgentState::kReserved;
  if (a.connected > 0) return AgentState::kOnCall;
  return a.presence;
}

const std::string& Engine::agent_break_reason(AgentId id) const {
  static const std::string kNone;
  return id < s_->agents.size() ? s_->agents[id].break_reason : kNone;
}

int Engine::agent_load(AgentId id, Channel channel) const {
  if (id >= s_->agents.size()) return 0;
  return s_->agents[id].load[capacity_channel(channel)];
}

}  // namespace sy::routing
