// Routing engine and simulator benchmarks (design §10).
//
// BM_Route_10kAgents: 10,000 agents with 3 of 200 skills each, 200 queues (the four agent
// strategies in turn), 5,000 contacts waiting. Each iteration is one conversation ending and the
// freed agent getting the best waiting contact (one routing decision), its acceptance, and a new
// arrival that keeps 5,000 waiting. items_per_second = routing decisions per second including all
// of that engine work; p50/p99/max_ns = latency of the on_tick call that made the decision;
// decide_only_per_s = decisions per second of time spent in those on_tick calls alone. Latency
// is sampled on every fourth iteration.
//
// BM_Sim_Contacts/N: `switchyard sim` on the single-queue scenario scaled to N agents at 90 %
// load with exponential patience; items_per_second = simulated contacts per second.
#include <benchmark/benchmark.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "routing/engine.h"
#include "sim/simulator.h"

namespace {

using sy::routing::AgentId;
using sy::routing::ContactId;
using sy::routing::Engine;

// SplitMix64: the harness's own random numbers cost a few instructions, so the figures are the
// engine's and not the generator's.
struct SplitMix64 {
  using result_type = std::uint64_t;
  std::uint64_t s;
  explicit SplitMix64(std::uint64_t seed) : s(seed) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return UINT64_MAX; }
  result_type operator()() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

struct Centre {
  std::unique_ptr<Engine> engine;
  std::vector<ContactId> connected;
  SplitMix64 rng{42};
  sy::TimePoint now{std::chrono::hours(24 * 365 * 50)};
};

sy::routing::ContactSpec random_contact(SplitMix64& rng) {
  sy::routing::ContactSpec spec;
  spec.queue = static_cast<sy::routing::QueueId>(rng() % 200);
  spec.priority = static_cast<int>(rng() % 10);
  if (rng() % 10 == 0) spec.language = "nan";
  return spec;
}

std::unique_ptr<Centre> build_centre() {
  auto c = std::make_unique<Centre>();
  sy::routing::EngineConfig cfg;
  for (int s = 0; s < 200; ++s) {
    cfg.skills.push_back("skill" + std::to_string(s));
    sy::routing::QueueConfig q;
    q.name = "queue" + std::to_string(s);
    q.strategy = static_cast<sy::routing::Strategy>(s % 4);
    q.skills = {{static_cast<sy::routing::SkillId>(s), 1}};
    q.rules.relax_after_s = 600;
    cfg.queues.push_back(q);
  }
  c->engine = std::move(Engine::create(cfg).value());
  for (int i = 0; i < 10'000; ++i) {
    sy::routing::AgentSpec a;
    a.name = "agent" + std::to_string(i);
    while (a.skills.size() < 3) {
      auto s = static_cast<sy::routing::SkillId>(c->rng() % 200);
      bool dup = std::any_of(a.skills.begin(), a.skills.end(),
                             [&](const sy::routing::SkillLevel& x) { return x.skill == s; });
      if (!dup) a.skills.push_back({s, static_cast<std::uint8_t>(1 + c->rng() % 10)});
    }
    a.languages = {"zh"};
    if (c->rng() % 5 == 0) a.languages.push_back("nan");
    AgentId id = c->engine->add_agent(a).value();
    (void)c->engine->on_agent_state(id, sy::routing::AgentState::kReady, c->now);
  }
  // Fill every agent, then leave 5,000 waiting.
  while (c->engine->waiting_count() < 5'000) {
    c->now += std::chrono::milliseconds(1);
    auto r = c->engine->on_arrival(random_contact(c->rng), c->now);
    for (const auto& o : c->engine->on_tick(c->now)) {
      (void)c->engine->on_offer_accepted(o.contact, c->now);
      c->connected.push_back(o.contact);
    }
    (void)r;
  }
  return c;
}

// Cycle counter for per-decision latency: cheaper than a clock call, converted to ns with a rate
// measured against steady_clock.
double ns_per_tick() {
  auto t0 = std::chrono::steady_clock::now();
  auto c0 = __rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto c1 = __rdtsc();
  auto t1 = std::chrono::steady_clock::now();
  return static_cast<double>(
             std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()) /
         static_cast<double>(c1 - c0);
}

void BM_Route_10kAgents(benchmark::State& state) {
  const double tick_ns = ns_per_tick();
  auto c = build_centre();
  Engine& e = *c->engine;
  std::vector<std::int64_t> latency_ns;
  latency_ns.reserve(1 << 22);
  std::int64_t decisions = 0;
  // Latency is sampled on every fourth iteration: reading the cycle counter and storing the
  // sample cost as much as a cache miss, and would otherwise be charged to the engine.
  std::uint64_t iteration = 0;
  auto tick = [&](bool sample) -> const std::vector<sy::routing::Offer>& {
    if (!sample) return e.on_tick(c->now);
    auto t0 = __rdtsc();
    const auto& offers = e.on_tick(c->now);
    auto t1 = __rdtsc();
    if (!offers.empty()) latency_ns.push_back(static_cast<std::int64_t>(t1 - t0));
    return offers;
  };
  for (auto _ : state) {
    const bool sample = (++iteration & 3) == 0;
    c->now += std::chrono::milliseconds(1);
    // A conversation ends; its agent is free.
    std::size_t pick = c->rng() % c->connected.size();
    ContactId done = c->connected[pick];
    c->connected[pick] = c->connected.back();
    c->connected.pop_back();
    (void)e.on_contact_end(done, c->now);
    const auto& offers = tick(sample);  // the routing decision
    decisions += static_cast<std::int64_t>(offers.size());
    for (const auto& o : offers) {
      (void)e.on_offer_accepted(o.contact, c->now);
      c->connected.push_back(o.contact);
    }
    // A new caller keeps the queue at about 5,000.
    (void)e.on_arrival(random_contact(c->rng), c->now);
    const auto& more = tick(sample);
    decisions += static_cast<std::int64_t>(more.size());
    for (const auto& o : more) {
      (void)e.on_offer_accepted(o.contact, c->now);
      c->connected.push_back(o.contact);
    }
  }
  state.SetItemsProcessed(decisions);
  if (!latency_ns.empty()) {
    std::sort(latency_ns.begin(), latency_ns.end());
    auto at = [&](double q) {
      return tick_ns *
             static_cast<double>(latency_ns[static_cast<std::size_t>(q * (latency_ns.size() - 1))]);
    };
    state.counters["p50_ns"] = at(0.50);
    state.counters["p99_ns"] = at(0.99);
    state.counters["max_ns"] = tick_ns * static_cast<double>(latency_ns.back());
    // Decisions per second of time spent inside the deciding on_tick calls alone (without the
    // end/accept/arrival events that feed them). The slowest 0.1 % are left out: on a shared
    // machine they are the process being descheduled, not the engine.
    std::size_t kept = latency_ns.size() - latency_ns.size() / 1000;
    double total_ns = 0;
    for (std::size_t i = 0; i < kept; ++i) total_ns += tick_ns * static_cast<double>(latency_ns[i]);
    state.counters["decide_only_per_s"] = static_cast<double>(kept) / total_ns * 1e9;
  }
  state.counters["waiting"] = static_cast<double>(e.waiting_count());
  state.counters["agents"] = static_cast<double>(e.agent_count());
}
BENCHMARK(BM_Route_10kAgents)->Unit(benchmark::kNanosecond)->MinTime(2.0);

void BM_Sim_Contacts(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  // The single-queue scenario, scaled: 90 % load, 180 s handle time, 120 s patience.
  std::string yaml =
      "duration_s: 36000\nwarmup_s: 0\nseed: 1\n"
      "queues:\n  - {name: general, service_level_s: 20, strategy: longest_idle}\n"
      "agents:\n  - {count: " +
      std::to_string(agents) +
      ", skills: {general: 5}}\n"
      "traffic:\n  - queue: general\n    arrivals_per_hour: " +
      std::to_string(agents * 18) +
      "\n    handle_time: {dist: exponential, mean_s: 180}\n"
      "    patience: {dist: exponential, mean_s: 120}\n    skills: {general: 1}\n";
  auto scenario = sy::sim::parse_scenario(yaml, "bench");
  if (!scenario.ok()) {
    state.SkipWithError(scenario.error().message.c_str());
    return;
  }
  std::int64_t contacts = 0;
  for (auto _ : state) {
    auto report = sy::sim::run(*scenario, {});
    if (!report.ok()) {
      state.SkipWithError(report.error().message.c_str());
      return;
    }
    contacts += report->total.offered;
  }
  state.SetItemsProcessed(contacts);
  state.counters["contacts_per_run"] =
      static_cast<double>(contacts) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Sim_Contacts)->Arg(100)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
