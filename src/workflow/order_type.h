// Work-order types as data (design §9): category, subtypes, the steps of the workflow and who
// takes each (a department chosen by type + region, or a named team), deadlines per step and
// overall, required fields, whether a return visit follows, and the precondition rules that
// apply. Admins edit them as JSON; parse_order_type turns that JSON into a checked definition.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "workflow/calendar.h"

namespace sy::workflow {

// A deadline that may depend on the customer's service area (urban | rural | remote).
struct AreaDeadline {
  DeadlineSpec base;
  std::map<std::string, DeadlineSpec> by_area_class;
  const DeadlineSpec& for_area(const std::string& area_class) const {
    auto it = by_area_class.find(area_class);
    return it == by_area_class.end() ? base : it->second;
  }
  bool operator==(const AreaDeadline&) const = default;
};

enum class TakerKind { kDepartment, kTeam };

struct Step {
  std::string code;  // e.g. "survey"
  std::string name;  // e.g. 现场勘查
  TakerKind taker = TakerKind::kDepartment;
  // Department code (taken by that department of the order's county) or team name.
  std::string taker_name;
  // Until the taker is on site / has contacted the customer (action start), from the step start.
  std::optional<AreaDeadline> arrive_within;
  // Until the step is done (action resolve): from arrival when `complete_from_arrival`,
  // otherwise from the step start.
  std::optional<AreaDeadline> complete_within;
  bool complete_from_arrival = false;
  bool operator==(const Step&) const = default;
};

struct Subtype {
  std::string code;
  std::string name;
  // Outage notices: how far ahead of the outage the notice must go out.
  std::optional<DeadlineSpec> notice_ahead;
  bool operator==(const Subtype&) const = default;
};

// Fields an order of this type must carry; checked on create.
inline constexpr const char* kKnownRequiredFields[] = {"customer", "account", "subtype",
                                                       "description", "call_id"};

// A field of the type's own that the order form asks for (e.g. the meter number of a repair);
// the values travel in the order's `fields` object under `key`.
enum class FieldKind { kText, kNumber, kSelect, kDate };
struct CustomField {
  std::string key;    // lower-case letters, digits and _
  std::string label;  // what the form shows, e.g. 表计编号
  FieldKind kind = FieldKind::kText;
  bool required = false;
  std::vector<std::string> options;  // kSelect only: the values to choose from
  bool operator==(const CustomField&) const = default;
};

struct OrderType {
  std::string code;      // e.g. repair
  std::string name;      // e.g. 故障报修
  std::string category;  // repair | complaint | report | inquiry | suggestion | praise |
                         // new_installation | business_change | arrears | outage_notice
  std::vector<Subtype> subtypes;  // when not empty an order must name one
  std::vector<Step> steps;        // at least one
  std::optional<AreaDeadline> overall;  // from creation until resolved
  bool return_visit = false;
  bool resolve_on_call = false;       // may be resolved at once, without dispatch (inquiry)
  bool refuse_with_arrears = false;   // rule: 409 arrears_outstanding while the account owes
  bool merge_with_outage = false;     // rule: duplicates in an outage area attach to one parent
  std::vector<std::string> required_fields;
  std::vector<CustomField> fields;  // in the order the form shows them
  bool operator==(const OrderType&) const = default;

  const Subtype* find_subtype(const std::string& code) const;
  bool requires_field(const std::string& field) const;
  // An order's `fields` object against `fields`: required ones present and not empty, numbers
  // numbers, selects one of their options, dates YYYY-MM-DD (error field "fields.<key>").
  // Keys the type does not define are left alone.
  Status check_field_values(const nlohmann::json& values) const;
};

// Parses an admin's JSON definition; every error names the JSON path of the field
// (invalid_input missing_field / invalid_type / invalid_value / unknown_field).
Result<OrderType> parse_order_type(const nlohmann::json& j);
nlohmann::json to_json(const OrderType& t);

// The types a new centre starts with, following the State Grid 95598 service commitments.
const std::vector<OrderType>& shipped_order_types();

}  // namespace sy::workflow
