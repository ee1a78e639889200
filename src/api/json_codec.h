// Records to JSON for API output (times RFC 3339 UTC, money integer fen, ID numbers masked,
// password and PIN hashes never), and the query-string parsing shared by list endpoints.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/request.h"
#include "store/records.h"

namespace sy::api {

using nlohmann::json;

json to_json(const store::User& u);
json to_json(const store::Region& r);
json to_json(const store::Customer& c);
json to_json(const store::Phone& p);
json to_json(const store::Account& a);
json to_json(const store::CustomerFile& f);
json to_json(const store::Bill& b);
json to_json(const store::Payment& p);
json to_json(const store::Outage& o);
json to_json(const store::Contact& c);
json to_json(const store::AuditEntry& e);
json to_json(const store::ScreenPop& s);

template <class T>
json page_to_json(const store::PageResult<T>& page) {
  json items = json::array();
  for (const auto& item : page.items) items.push_back(to_json(item));
  return {{"items", std::move(items)},
          {"total", page.total},
          {"total_exact", page.total_exact},
          {"page", page.page},
          {"page_size", page.page_size}};
}

json time_or_null(const std::optional<TimePoint>& t);

// ?page=&page_size= with defaults; invalid_input "invalid_page" / "invalid_page_size".
Result<store::PageRequest> page_of(const http::Request& req);
// A positive 64-bit id from a path parameter; not_found `not_found_code` when malformed (an
// id that cannot exist is simply not found).
Result<std::int64_t> id_param(const http::Request& req, std::string_view name,
                              const std::string& not_found_code);
// Query parameters.
Result<std::optional<bool>> bool_query(const http::Request& req, std::string_view name);
Result<std::optional<int>> int_query(const http::Request& req, std::string_view name, int min,
                                     int max);
Result<std::optional<TimePoint>> time_query(const http::Request& req, std::string_view name);
// Rejects query parameters a list endpoint does not know (invalid_input "unknown_parameter").
Status only_known_params(const http::Request& req, std::initializer_list<std::string_view> known);

}  // namespace sy::api
