// JSON text columns (see json_columns.h).
#include "store/json_columns.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sy::store::json_columns {
namespace {

using nlohmann::json;

json parse(const std::string& text) { return json::parse(text, nullptr, /*allow_exceptions=*/false); }
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string encode_strings(const std::vector<std::string>& items) { return dump(json(items)); }

std::vector<std::string> decode_strings(const std::string& text) {
  std::vector<std::string> out;
  json j = parse(text);
  if (!j.is_array()) return out;
  for (const auto& item : j)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::string encode_levels(const std::vector<NamedLevel>& levels) {
  json j = json::object();
  for (const auto& l : levels) j[l.skill] = l.level;
  return dump(j);
}

std::vector<NamedLevel> decode_levels(const std::string& text) {
  std::vector<NamedLevel> out;
  json j = parse(text);
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items())
    if (v.is_number_integer()) out.push_back({k, v.get<int>()});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.skill < b.skill; });
  return out;
}

std::string encode_digits(const std::vector<CollectedDigits>& digits) {
  json j = json::array();
  for (const auto& d : digits) j.push_back({{"node", d.node}, {"digits", d.digits}});
  return dump(j);
}

std::vector<CollectedDigits> decode_digits(const std::string& text) {
  std::vector<CollectedDigits> out;
  json j = parse(text);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (!item.is_object()) continue;
    CollectedDigits d;
    d.node = item.value("node", "");
    d.digits = item.value("digits", "");
    out.push_back(std::move(d));
  }
  return out;
}

std::string encode_survey_answers(const std::vector<SurveyAnswer>& answers) {
  json j = json::array();
  for (const auto& a : answers)
    j.push_back({{"survey", a.survey}, {"question", a.question}, {"answer", a.answer}});
  return j.dump();
}

std::vector<SurveyAnswer> decode_survey_answers(const std::string& text) {
  std::vector<SurveyAnswer> out;
  json j = parse(text);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (!item.is_object()) continue;
    out.push_back({item.value("survey", ""), item.value("question", ""), item.value("answer", "")});
  }
  return out;
}

bool is_json_object(const std::string& text) { return parse(text).is_object(); }

}  // namespace sy::store::json_columns
