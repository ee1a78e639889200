// Small helpers for the routing tests: an engine built from a few lines, a manual clock, and
// shortcuts for arrivals and ticks.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "routing/engine.h"

namespace sy::routing::testing {

inline TimePoint at_s(double s) {
  return TimePoint{std::chrono::microseconds(static_cast<std::int64_t>(s * 1e6))};
}

class Centre {
 public:
  explicit Centre(EngineConfig cfg) {
    auto e = Engine::create(std::move(cfg));
    if (!e.ok()) {
      ADD_FAILURE() << e.error().message;
      return;
    }
    engine = std::move(e.value());
  }

  AgentId agent(const std::string& name, std::vector<SkillLevel> skills,
                std::vector<std::string> groups = {}, std::vector<std::string> languages = {}) {
    AgentSpec spec;
    spec.name = name;
    spec.skills = std::move(skills);
    spec.groups = std::move(groups);
    spec.languages = std::move(languages);
    auto id = engine->add_agent(spec);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : kNoAgent;
  }

  void ready(AgentId a) { ASSERT_TRUE(engine->on_agent_state(a, AgentState::kReady, now()).ok()); }

  ContactId arrive(ContactSpec spec) {
    auto r = engine->on_arrival(spec, now());
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->contact : kNoContact;
  }
  ContactId arrive(QueueId queue, int priority = 0) {
    ContactSpec spec;
    spec.queue = queue;
    spec.priority = priority;
    return arrive(spec);
  }

  std::vector<Offer> tick() {
    const auto& offers = engine->on_tick(now());
    return {offers.begin(), offers.end()};
  }
  // Ticks and accepts every offer.
  std::vector<Offer> tick_accept() {
    auto offers = tick();
    for (const auto& o : offers) EXPECT_TRUE(engine->on_offer_accepted(o.contact, now()).ok());
    return offers;
  }
  void advance(double s) {
    clock.advance(std::chrono::microseconds(static_cast<std::int64_t>(s * 1e6)));
  }
  TimePoint now() const { return clock.now(); }

  std::string last_reason(ContactId c) const {
    const auto& d = engine->decisions(c);
    return d.empty() ? std::string() : engine->explain(d.back());
  }
  std::string all_reasons(ContactId c) const {
    std::string out;
    for (const auto& d : engine->decisions(c)) out += engine->explain(d) + "\n";
    return out;
  }

  ManualClock clock{at_s(1'000'000)};
  std::unique_ptr<Engine> engine;
};

inline QueueConfig queue(std::string name, Strategy strategy, std::vector<SkillLevel> skills) {
  QueueConfig q;
  q.name = std::move(name);
  q.strategy = strategy;
  q.skills = std::move(skills);
  return q;
}

}  // namespace sy::routing::testing
