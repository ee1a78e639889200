// Scenario YAML -> sim::Scenario. Every error names the file, the line (from yaml-cpp marks) and
// the key, and unknown keys are rejected so a typo does not silently change a staffing plan.
#include "sim/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace sy::sim {

namespace {

// Thrown inside the parser only; turned into an Error at the edge of parse_scenario.
struct ParseError {
  int line;
  std::string field;
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& at, const std::string& field, const std::string& message) {
  throw ParseError{at.Mark().line + 1, field, message};
}

void only_keys(const YAML::Node& map, const std::string& field,
               std::initializer_list<const char*> allowed) {
  if (!map.IsMap()) fail(map, field, "expected a mapping");
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      fail(kv.first, field.empty() ? key : field + "." + key,
           "unknown key (allowed: " + list + ")");
    }
  }
}

double number(const YAML::Node& n, const std::string& field, double min, double max) {
  double v = 0;
  if (!n.IsScalar()) fail(n, field, "expected a number");
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    fail(n, field, "expected a number, got '" + n.Scalar() + "'");
  }
  if (!(v >= min && v <= max)) {
    std::ostringstream o;
    o << "must be between " << min << " and " << max;
    fail(n, field, o.str());
  }
  return v;
}

int integer(const YAML::Node& n, const std::string& field, int min, int max) {
  double v = number(n, field, min, max);
  if (v != static_cast<double>(static_cast<int>(v))) fail(n, field, "expected a whole number");
  return static_cast<int>(v);
}

std::string text(const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar() || n.Scalar().empty()) fail(n, field, "expected a non-empty text");
  return n.Scalar();
}

std::vector<std::string> text_list(const YAML::Node& n, const std::string& field) {
  std::vector<std::string> out;
  if (n.IsScalar()) return {text(n, field)};
  if (!n.IsSequence()) fail(n, field, "expected a list");
  for (std::size_t i = 0; i < n.size(); ++i)
    out.push_back(text(n[i], field + "[" + std::to_string(i) + "]"));
  return out;
}

const YAML::Node required(const YAML::Node& map, const char* key, const std::string& field) {
  YAML::Node n = map[key];
  if (!n) fail(map, field.empty() ? key : field + "." + key, "missing required key");
  return n;
}

SkillMap skills(const YAML::Node& n, const std::string& field) {
  if (!n.IsMap()) fail(n, field, "expected a mapping of skill: level");
  SkillMap out;
  for (const auto& kv : n) {
    auto name = kv.first.as<std::string>();
    out.emplace_back(name, integer(kv.second, field + "." + name, 1, 10));
  }
  return out;
}

Distribution distribution(const YAML::Node& n, const std::string& field) {
  only_keys(n, field, {"dist", "mean_s", "sd_s"});
  Distribution d;
  std::string kind = n["dist"] ? text(n["dist"], field + ".dist") : "exponential";
  if (kind == "exponential") {
    d.kind = Distribution::Kind::kExponential;
  } else if (kind == "lognormal") {
    d.kind = Distribution::Kind::kLognormal;
  } else if (kind == "constant") {
    d.kind = Distribution::Kind::kConstant;
  } else {
    fail(n["dist"], field + ".dist",
         "unknown distribution '" + kind + "' (exponential, lognormal, constant)");
  }
  d.mean_s = number(required(n, "mean_s", field), field + ".mean_s", 1e-6, 1e9);
  d.sd_s = n["sd_s"] ? number(n["sd_s"], field + ".sd_s", 0, 1e9) : d.mean_s;
  return d;
}

template <class T, class F>
std::vector<T> per_interval(const YAML::Node& n, const std::string& field, F one) {
  std::vector<T> out;
  if (n.IsSequence()) {
    if (n.size() == 0) fail(n, field, "empty list");
    for (std::size_t i = 0; i < n.size(); ++i)
      out.push_back(one(n[i], field + "[" + std::to_string(i) + "]"));
  } else {
    out.push_back(one(n, field));
  }
  return out;
}

QueueSpec queue(const YAML::Node& n, const std::string& f) {
  only_keys(n, f,
            {"name", "service_level_s", "strategy", "skills", "groups", "relax_after_s",
             "relax_to_level", "backup_after_s", "backup_groups", "overflow_after_s", "overflow_to",
             "overflow_centre", "max_wait_s", "max_wait_action"});
  QueueSpec q;
  q.name = text(required(n, "name", f), f + ".name");
  if (n["service_level_s"])
    q.service_level_s = integer(n["service_level_s"], f + ".service_level_s", 0, 86400);
  if (n["strategy"]) {
    auto s = routing::strategy_from_string(text(n["strategy"], f + ".strategy"));
    if (!s)
      fail(n["strategy"], f + ".strategy",
           "unknown strategy (longest_idle, least_occupied, best_skill, round_robin, "
           "preferred_agent)");
    q.strategy = *s;
  }
  if (n["skills"]) q.skills = skills(n["skills"], f + ".skills");
  if (n["groups"]) q.groups = text_list(n["groups"], f + ".groups");
  auto seconds = [&](const char* key) {
    return n[key] ? integer(n[key], f + "." + key, 1, 86400) : 0;
  };
  q.rules.relax_after_s = seconds("relax_after_s");
  if (n["relax_to_level"])
    q.rules.relax_to_level =
        static_cast<std::uint8_t>(integer(n["relax_to_level"], f + ".relax_to_level", 1, 10));
  q.rules.backup_after_s = seconds("backup_after_s");
  if (n["backup_groups"])
    q.rules.backup_groups = text_list(n["backup_groups"], f + ".backup_groups");
  q.rules.overflow_after_s = seconds("overflow_after_s");
  if (n["overflow_to"]) q.rules.overflow_queue = text(n["overflow_to"], f + ".overflow_to");
  if (n["overflow_centre"])
    q.rules.overflow_centre = text(n["overflow_centre"], f + ".overflow_centre");
  if (q.rules.overflow_after_s && q.rules.overflow_queue.empty() && q.rules.overflow_centre.empty())
    fail(n["overflow_after_s"], f + ".overflow_after_s", "needs overflow_to or overflow_centre");
  q.rules.max_wait_s = seconds("max_wait_s");
  if (q.rules.max_wait_s) {
    std::string action =
        n["max_wait_action"] ? text(n["max_wait_action"], f + ".max_wait_action") : "callback";
    if (action == "callback") {
      q.rules.max_wait_action = routing::MaxWaitAction::kCallback;
    } else if (action == "voicemail") {
      q.rules.max_wait_action = routing::MaxWaitAction::kVoicemail;
    } else {
      fail(n["max_wait_action"], f + ".max_wait_action", "callback or voicemail");
    }
  }
  return q;
}

AgentGroupSpec agent_group(const YAML::Node& n, const std::string& f) {
  only_keys(n, f, {"name", "count", "skills", "groups", "languages", "chat_capacity"});
  AgentGroupSpec a;
  if (n["name"]) a.name = text(n["name"], f + ".name");
  a.count = per_interval<int>(
      required(n, "count", f), f + ".count",
      [](const YAML::Node& x, const std::string& fx) { return integer(x, fx, 0, 1'000'000); });
  a.skills = skills(required(n, "skills", f), f + ".skills");
  if (n["groups"]) a.groups = text_list(n["groups"], f + ".groups");
  if (n["languages"]) a.languages = text_list(n["languages"], f + ".languages");
  if (n["chat_capacity"])
    a.chat_capacity = integer(n["chat_capacity"], f + ".chat_capacity", 0, 20);
  return a;
}

TrafficSpec traffic(const YAML::Node& n, const std::string& f) {
  only_keys(n, f,
            {"queue", "arrivals_per_hour", "handle_time", "patience", "wrap_up", "skills",
             "priority", "language", "channel"});
  TrafficSpec t;
  t.queue = text(required(n, "queue", f), f + ".queue");
  t.arrivals_per_hour = per_interval<double>(
      required(n, "arrivals_per_hour", f), f + ".arrivals_per_hour",
      [](const YAML::Node& x, const std::string& fx) { return number(x, fx, 0, 1e8); });
  t.handle_time = distribution(required(n, "handle_time", f), f + ".handle_time");
  if (n["patience"]) t.patience = distribution(n["patience"], f + ".patience");
  if (n["wrap_up"]) t.wrap_up = distribution(n["wrap_up"], f + ".wrap_up");
  if (n["skills"]) t.skills = skills(n["skills"], f + ".skills");
  if (n["priority"]) t.priority = integer(n["priority"], f + ".priority", 0, 9);
  if (n["language"]) t.language = text(n["language"], f + ".language");
  if (n["channel"]) {
    auto ch = routing::channel_from_string(text(n["channel"], f + ".channel"));
    if (!ch) fail(n["channel"], f + ".channel", "unknown channel");
    t.channel = *ch;
  }
  return t;
}

template <class T, class F>
std::vector<T> list_of(const YAML::Node& root, const char* key, F one) {
  YAML::Node n = required(root, key, "");
  if (!n.IsSequence() || n.size() == 0) fail(n, key, "expected a non-empty list");
  std::vector<T> out;
  for (std::size_t i = 0; i < n.size(); ++i)
    out.push_back(one(n[i], std::string(key) + "[" + std::to_string(i) + "]"));
  return out;
}

void cross_check(const YAML::Node& root, const Scenario& s) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < s.queues.size(); ++i)
    if (!names.insert(s.queues[i].name).second)
      fail(root["queues"][i], "queues[" + std::to_string(i) + "].name", "queue named twice");
  for (std::size_t i = 0; i < s.queues.size(); ++i) {
    const auto& ov = s.queues[i].rules.overflow_queue;
    if (!ov.empty() && (!names.count(ov) || ov == s.queues[i].name))
      fail(root["queues"][i]["overflow_to"], "queues[" + std::to_string(i) + "].overflow_to",
           "must name another queue");
  }
  for (std::size_t i = 0; i < s.traffic.size(); ++i)
    if (!names.count(s.traffic[i].queue))
      fail(root["traffic"][i]["queue"], "traffic[" + std::to_string(i) + "].queue",
           "unknown queue '" + s.traffic[i].queue + "'");
}

Scenario scenario(const YAML::Node& root) {
  only_keys(root, "",
            {"duration_s", "warmup_s", "seed", "interval_s", "queues", "agents", "traffic",
             "description"});
  Scenario s;
  s.duration_s = number(required(root, "duration_s", ""), "duration_s", 1, 1e9);
  if (root["warmup_s"]) s.warmup_s = number(root["warmup_s"], "warmup_s", 0, s.duration_s - 1e-9);
  if (root["seed"]) s.seed = static_cast<std::uint64_t>(number(root["seed"], "seed", 0, 9e15));
  if (root["interval_s"]) s.interval_s = number(root["interval_s"], "interval_s", 1, 1e9);
  s.queues = list_of<QueueSpec>(root, "queues", queue);
  s.agents = list_of<AgentGroupSpec>(root, "agents", agent_group);
  s.traffic = list_of<TrafficSpec>(root, "traffic", traffic);
  cross_check(root, s);
  return s;
}

}  // namespace

int Scenario::interval_count() const {
  std::size_t n = 1;
  for (const auto& a : agents) n = std::max(n, a.count.size());
  for (const auto& t : traffic) n = std::max(n, t.arrivals_per_hour.size());
  return static_cast<int>(n);
}

Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& source) {
  auto error = [&](int line, const std::string& field, const std::string& message) {
    return make_error(
        ErrorKind::kInvalidInput, "bad_scenario",
        source + ":" + std::to_string(line) + ": " + (field.empty() ? "" : field + ": ") + message,
        field);
  };
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root.IsMap()) return error(root.Mark().line + 1, "", "expected a mapping at the top");
    return scenario(root);
  } catch (const ParseError& e) {
    return error(e.line, e.field, e.message);
  } catch (const YAML::Exception& e) {
    return error(e.mark.line + 1, "", e.msg);
  }
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ErrorKind::kNotFound, "scenario_not_found", "cannot read " + path,
                      "scenario");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace sy::sim
