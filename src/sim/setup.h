// Turns a Scenario into a configured routing engine: skill and queue ids, agents created (all
// offline), traffic streams with their requirements resolved. Private to the simulator.
#pragma once

#include <memory>
#include <vector>

#include "routing/engine.h"
#include "sim/scenario.h"

namespace sy::sim {

struct StreamSetup {
  routing::ContactSpec spec;  // queue, skills, priority, language, channel
  const TrafficSpec* traffic = nullptr;
};

struct AgentSetup {
  routing::AgentId id = routing::kNoAgent;
  int group = 0;
};

struct Setup {
  std::unique_ptr<routing::Engine> engine;
  std::vector<StreamSetup> streams;
  std::vector<AgentSetup> agents;                  // every agent that is ever scheduled
  std::vector<std::vector<std::size_t>> by_group;  // agent indexes per agent group
  // Per queue: which agent groups hold all its skills (for per-queue occupancy).
  std::vector<std::vector<int>> queue_groups;
};

Result<Setup> build_setup(const Scenario& scenario);

}  // namespace sy::sim
