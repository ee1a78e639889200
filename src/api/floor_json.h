// JSON output of the contact-centre floor records (skills, queues, agents, state history,
// calls, recordings). Never the SIP HA1 or a recording's server path.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "store/agent_records.h"

namespace sy::api {

nlohmann::json to_json(const store::Skill& s);
nlohmann::json to_json(const store::Queue& q);
nlohmann::json to_json(const store::Agent& a);
nlohmann::json to_json(const store::AgentStateChange& c);
nlohmann::json to_json(const store::CallRecord& c);
nlohmann::json to_json(const store::Recording& r);
nlohmann::json levels_to_json(const std::vector<store::NamedLevel>& levels);

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
