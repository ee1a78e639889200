// Scenario -> routing engine configuration, agents and traffic streams.
#include "sim/setup.h"

#include <algorithm>

namespace sy::sim {

namespace {

SkillMap queue_skills(const Scenario& s, const QueueSpec& q) {
  if (!q.skills.empty()) return q.skills;
  // No skills on the queue: use those of its first traffic stream, so overflow into this queue
  // asks for the same skills as its own callers.
  for (const auto& t : s.traffic)
    if (t.queue == q.name && !t.skills.empty()) return t.skills;
  return {};
}

Result<std::vector<routing::SkillLevel>> resolve(const routing::Engine& e, const SkillMap& m,
                                                 const std::string& field) {
  std::vector<routing::SkillLevel> out;
  for (const auto& [name, level] : m) {
    auto id = e.skill_id(name);
    if (!id)
      return make_error(ErrorKind::kInvalidInput, "bad_scenario", "unknown skill " + name, field);
    out.push_back({*id, static_cast<std::uint8_t>(level)});
  }
  return out;
}

routing::EngineConfig engine_config(const Scenario& s) {
  routing::EngineConfig cfg;
  auto add_skills = [&](const SkillMap& m) {
    for (const auto& kv : m)
      if (std::find(cfg.skills.begin(), cfg.skills.end(), kv.first) == cfg.skills.end())
        cfg.skills.push_back(kv.first);
  };
  for (const auto& q : s.queues) add_skills(q.skills);
  for (const auto& a : s.agents) add_skills(a.skills);
  for (const auto& t : s.traffic) add_skills(t.skills);
  cfg.reservation_timeout = Duration::zero();  // simulated agents answer at once
  cfg.utc_offset_minutes = 0;                  // simulated day starts at t = 0
  return cfg;
}

}  // namespace

Result<Setup> build_setup(const Scenario& s) {
  routing::EngineConfig cfg = engine_config(s);
  for (const auto& q : s.queues) {
    routing::QueueConfig qc;
    qc.name = q.name;
    qc.strategy = q.strategy;
    qc.groups = q.groups;
    qc.service_level_s = q.service_level_s;
    qc.rules = q.rules;
    for (const auto& [name, level] : queue_skills(s, q)) {
      auto pos = std::find(cfg.skills.begin(), cfg.skills.end(), name) - cfg.skills.begin();
      qc.skills.push_back({static_cast<routing::SkillId>(pos), static_cast<std::uint8_t>(level)});
    }
    for (const auto& t : s.traffic)
      if (t.queue == q.name) qc.expected_handle_s = t.handle_time.mean_s;
    cfg.queues.push_back(std::move(qc));
  }
  auto engine = routing::Engine::create(std::move(cfg));
  if (!engine) return engine.error();
  Setup out;
  out.engine = std::move(engine.value());
  routing::Engine& e = *out.engine;

  for (std::size_t i = 0; i < s.traffic.size(); ++i) {
    const TrafficSpec& t = s.traffic[i];
    StreamSetup st;
    st.traffic = &t;
    st.spec.queue = *e.queue_id(t.queue);
    auto skills = resolve(e, t.skills, "traffic[" + std::to_string(i) + "].skills");
    if (!skills) return skills.error();
    st.spec.skills = std::move(skills.value());
    st.spec.priority = t.priority;
    st.spec.language = t.language;
    st.spec.channel = t.channel;
    out.streams.push_back(std::move(st));
  }

  out.by_group.resize(s.agents.size());
  for (std::size_t g = 0; g < s.agents.size(); ++g) {
    const AgentGroupSpec& spec = s.agents[g];
    routing::AgentSpec a;
    auto skills = resolve(e, spec.skills, "agents[" + std::to_string(g) + "].skills");
    if (!skills) return skills.error();
    a.skills = std::move(skills.value());
    a.groups = spec.groups;
    a.languages = spec.languages;
    a.capacity[static_cast<int>(routing::Channel::kChat)] =
        static_cast<std::uint8_t>(spec.chat_capacity);
    int most = *std::max_element(spec.count.begin(), spec.count.end());
    for (int i = 0; i < most; ++i) {
      a.name = (spec.name.empty() ? "group" + std::to_string(g) : spec.name) + "-" +
               std::to_string(i + 1);
      auto id = e.add_agent(a);
      if (!id) return id.error();
      out.by_group[g].push_back(out.agents.size());
      out.agents.push_back(AgentSetup{*id, static_cast<int>(g)});
    }
  }

  out.queue_groups.resize(s.queues.size());
  for (std::size_t q = 0; q < s.queues.size(); ++q) {
    SkillMap need = queue_skills(s, s.queues[q]);
    for (std::size_t g = 0; g < s.agents.size(); ++g) {
      bool all = std::all_of(need.begin(), need.end(), [&](const auto& kv) {
        return std::any_of(s.agents[g].skills.begin(), s.agents[g].skills.end(),
                           [&](const auto& h) { return h.first == kv.first; });
      });
      if (all) out.queue_groups[q].push_back(static_cast<int>(g));
    }
  }
  return out;
}

}  // namespace sy::sim
