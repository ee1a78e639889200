// Builds simulator scenarios for the tests: one queue at a chosen load, with or without patience.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sim/simulator.h"

namespace sy::sim::testing {

struct Point {
  int agents;
  double erlangs;         // offered load A = arrival rate x handle time
  double patience_s = 0;  // 0 = callers never abandon
  double handle_s = 180;
  int service_level_s = 20;
};

inline std::string single_queue_yaml(const Point& p, double contacts, std::uint64_t seed) {
  double per_hour = p.erlangs / p.handle_s * 3600;
  double duration = contacts / per_hour * 3600;
  std::string y =
      "duration_s: " + std::to_string(duration) + "\nwarmup_s: " + std::to_string(duration * 0.05) +
      "\nseed: " + std::to_string(seed) +
      "\nqueues:\n  - {name: general, service_level_s: " + std::to_string(p.service_level_s) +
      ", strategy: longest_idle}\n"
      "agents:\n  - {count: " +
      std::to_string(p.agents) +
      ", skills: {general: 5}}\n"
      "traffic:\n  - queue: general\n    arrivals_per_hour: " +
      std::to_string(per_hour) +
      "\n    handle_time: {dist: exponential, mean_s: " + std::to_string(p.handle_s) +
      "}\n    skills: {general: 1}\n";
  if (p.patience_s > 0)
    y += "    patience: {dist: exponential, mean_s: " + std::to_string(p.patience_s) + "}\n";
  return y;
}

inline Report simulate(const std::string& yaml) {
  auto scenario = parse_scenario(yaml, "test.yaml");
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().message);
  if (!scenario.ok()) return {};
  auto report = run(*scenario, {});
  EXPECT_TRUE(report.ok());
  return report.ok() ? *report : Report{};
}

}  // namespace sy::sim::testing
