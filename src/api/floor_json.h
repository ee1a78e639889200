// JSON output of the contact-centre floor records (skills, queues, agents, state history,
// calls, recordings). Never the SIP HA1 or a recording's server path.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "http/json_input.h"
#include "store/agent_records.h"

namespace sy::api {

nlohmann::json to_json(const store::Skill& s);
nlohmann::json to_json(const store::Queue& q);
nlohmann::json to_json(const store::Agent& a);
nlohmann::json to_json(const store::AgentStateChange& c);
nlohmann::json to_json(const store::CallRecord& c);
nlohmann::json to_json(const store::Recording& r);
nlohmann::json levels_to_json(const std::vector<store::NamedLevel>& levels);
// The inverse: {"repair": 3, "general": 1} under `name` → levels 1..10; nullopt when absent or
// bad (a bad entry is recorded on the reader).
std::optional<std::vector<store::NamedLevel>> read_levels(http::JsonObjectReader& r,
                                                          std::string_view name);

// A page of floor records (items, total, page, page_size), like page_to_json.
template <class T>
nlohmann::json floor_page_to_json(const store::PageResult<T>& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) items.push_back(to_json(item));
  return {{"items", std::move(items)},
          {"total", page.total},
          {"page", page.page},
          {"page_size", page.page_size}};
}

}  // namespace sy::api
