// JSON output of the floor records (see floor_json.h).
#include "api/floor_json.h"

#include "api/json_codec.h"

namespace sy::api {
namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json levels_to_json(const std::vector<store::NamedLevel>& levels) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& l : levels) j[l.skill] = l.level;
  return j;
}

nlohmann::json to_json(const store::Skill& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"display_name", s.display_name},
          {"kind", s.kind},
          {"created_at", format_rfc3339(s.created_at)},
          {"updated_at", format_rfc3339(s.updated_at)}};
}

nlohmann::json to_json(const store::Queue& q) {
  nlohmann::json rules = nlohmann::json::parse(q.rules_json, nullptr, false);
  if (!rules.is_object()) rules = nlohmann::json::object();
  return {{"id", q.id},
          {"name", q.name},
          {"display_name", q.display_name},
          {"strategy", q.strategy},
          {"service_level_s", q.service_level_s},
          {"skills", levels_to_json(q.skills)},
          {"rules", rules},
          {"created_at", format_rfc3339(q.created_at)},
          {"updated_at", format_rfc3339(q.updated_at)}};
}

nlohmann::json to_json(const store::Agent& a) {
  return {{"id", a.id},
          {"user_id", a.user_id},
          {"username", a.username},
          {"display_name", a.display_name},
          {"region_code", opt(a.region_code)},
          {"extension", a.extension},
          {"has_sip_password", !a.sip_ha1.empty()},
          {"skills", levels_to_json(a.skills)},
          {"languages", a.languages},
          {"regions", a.regions},
          {"groups", a.groups},
          {"chat_capacity", a.chat_capacity},
          {"state", store::to_string(a.state)},
          {"state_reason", a.state_reason},
          {"state_since", format_rfc3339(a.state_since)},
          {"created_at", format_rfc3339(a.created_at)},
          {"updated_at", format_rfc3339(a.updated_at)}};
}

nlohmann::json to_json(const store::AgentStateChange& c) {
  return {{"state", store::to_string(c.state)},
          {"reason", c.reason},
          {"source", c.source},
          {"at", format_rfc3339(c.at)}};
}

nlohmann::json to_json(const store::CallRecord& c) {
  nlohmann::json digits = nlohmann::json::array();
  for (const auto& d : c.digits) digits.push_back({{"node", d.node}, {"digits", d.digits}});
  nlohmann::json survey = nlohmann::json::array();
  for (const auto& a : c.survey_answers)
    survey.push_back({{"survey", a.survey}, {"question", a.question}, {"answer", a.answer}});
  return {{"id", c.id},
          {"direction", c.direction},
          {"from", c.from_number},
          {"to", c.to_number},
          {"customer_id", opt(c.customer_id)},
          {"region_code", opt(c.region_code)},
          {"started_at", format_rfc3339(c.started_at)},
          {"answered_at", time_or_null(c.answered_at)},
          {"ended_at", time_or_null(c.ended_at)},
          {"end_reason", opt(c.end_reason)},
          {"ivr_path", c.ivr_path},
          {"digits", digits},
          {"survey_answers", survey},
          {"queue", opt(c.queue)},
          {"wait_s", opt(c.wait_s)},
          {"agent_id", opt(c.agent_id)},
          {"agent", opt(c.agent_username)},
          {"recording_id", opt(c.recording_id)},
          {"routing_reason", c.routing_reason}};
}

nlohmann::json to_json(const store::Recording& r) {
  return {{"id", r.id},
          {"call_id", r.call_id},
          {"format", store::to_string(r.format)},
          {"duration_ms", r.duration_ms},
          {"size_bytes", r.size_bytes},
          {"created_at", format_rfc3339(r.created_at)},
          {"audio_url", "/api/v1/recordings/" + r.id + "/audio"}};
}

std::optional<std::vector<store::NamedLevel>> read_levels(http::JsonObjectReader& r,
                                                          std::string_view name) {
  const nlohmann::json* v = r.raw(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_object() || v->size() > 50) {
    r.fail(name, "invalid_type",
           std::string("'").append(name).append("' must be an object {skill: level}"));
    return std::nullopt;
  }
  std::vector<store::NamedLevel> out;
  for (const auto& [skill, level] : v->items()) {
    if (!level.is_number_integer() || level.get<std::int64_t>() < 1 ||
        level.get<std::int64_t>() > 10) {
      r.fail(name, "invalid_value",
             std::string("skill levels are whole numbers 1..10 (").append(skill).append(")"));
      return std::nullopt;
    }
    out.push_back({skill, level.get<int>()});
  }
  return out;
}

}  // namespace sy::api
