// A simulated contact centre: queues, agent groups and traffic streams, read from scenario YAML
// (`switchyard sim --scenario FILE`). Parsing turns the file into these typed structures once, with
// errors that name the file, line and key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "routing/engine.h"

namespace sy::sim {

struct Distribution {
  enum class Kind { kExponential, kLognormal, kConstant };
  Kind kind = Kind::kExponential;
  double mean_s = 0;
  double sd_s = 0;  // lognormal only (default: equal to the mean)
};

using SkillMap = std::vector<std::pair<std::string, int>>;  // skill name -> level, file order

struct QueueSpec {
  std::string name;
  int service_level_s = 20;
  routing::Strategy strategy = routing::Strategy::kLongestIdle;
  SkillMap skills;  // default requirement; empty = taken from the queue's first traffic stream
  std::vector<std::string> groups;
  routing::QueueRules rules;  // relax / backup / overflow / max wait, as in the engine
};

struct AgentGroupSpec {
  std::string name;
  std::vector<int> count;  // one value, or one per interval (a day profile)
  SkillMap skills;
  std::vector<std::string> groups;
  std::vector<std::string> languages;
  int chat_capacity = 0;
};

struct TrafficSpec {
  std::string queue;
  std::vector<double> arrivals_per_hour;  // one value, or one per interval
  Distribution handle_time;
  std::optional<Distribution> patience;  // absent: callers never abandon
  std::optional<Distribution> wrap_up;   // after-call work, absent = none
  SkillMap skills;                       // absent = the queue's skills
  int priority = 0;
  std::string language;
  routing::Channel channel = routing::Channel::kVoice;
};

struct Scenario {
  double duration_s = 0;
  double warmup_s = 0;
  std::uint64_t seed = 1;
  double interval_s = 3600;  // length of one entry of a per-interval list
  std::vector<QueueSpec> queues;
  std::vector<AgentGroupSpec> agents;
  std::vector<TrafficSpec> traffic;

  // Number of intervals covered by the per-interval lists (1 when none is a list).
  int interval_count() const;
};

// `source` names the file in error messages: "centre.yaml:12: traffic[0].handle_time: ...".
Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& source);
Result<Scenario> load_scenario(const std::string& path);

}  // namespace sy::sim
