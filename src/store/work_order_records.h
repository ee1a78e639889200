// Work-order records as the store reads and writes them: the order with its workflow progress,
// its transitions (the audit trail), attachments, and the search filter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/region_scope.h"
#include "workflow/engine.h"

namespace sy::store {

struct WorkOrder {
  std::int64_t id = 0;
  std::string number;  // GD + local date + 6-digit sequence of the day
  std::string type_code;
  std::string subtype;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> account_id;
  std::string account_no;  // "" when none
  std::string customer_name;
  std::string phone;
  std::string region_code;
  std::string area_class;
  std::string description;
  std::string channel;
  std::optional<std::string> call_id;
  std::string fields_json = "{}";
  workflow::OrderProgress progress;
  std::optional<std::int64_t> assignee_user_id;
  std::optional<std::int64_t> parent_id;
  std::optional<std::int64_t> outage_id;
  std::optional<std::int64_t> created_by;
  TimePoint updated_at;
  std::optional<TimePoint> next_check_at;
};

struct NewWorkOrder {
  std::string type_code;
  std::string subtype;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> account_no;
  std::optional<std::string> region_code;  // default: the account's, else the customer's region
  std::string description;
  std::string channel = "voice";
  std::optional<std::string> call_id;
  std::string phone;  // normalised by the store when given
  std::string fields_json = "{}";
  std::optional<std::int64_t> created_by;
  RegionScope scope;  // the creator's regions: the order's region must lie inside
};

struct WorkOrderTransition {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  TimePoint at;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> from_state;
  std::string to_state;
  std::string action;
  std::string note;
};

struct WorkOrderAttachment {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string sha256;
  std::string file_name;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::optional<std::int64_t> uploaded_by;
  TimePoint uploaded_at;
};

struct WorkOrderDetail {
  WorkOrder order;
  std::vector<WorkOrderTransition> transitions;  // oldest first
  std::vector<WorkOrderAttachment> attachments;
  std::vector<std::string> merged_numbers;  // duplicates attached to this order
};

struct WorkOrderFilter {
  RegionScope scope;        // caller's regions (order region_code)
  std::string region_code;  // a subtree inside the scope; "" = any
  std::string number;       // exact
  std::optional<std::int64_t> customer_id;
  std::string phone;       // the caller's number or any number of the customer
  std::string account_no;  // exact; orders naming no account match through their customer
  std::string type_code;
  std::vector<std::string> states;
  std::optional<bool> open;  // not closed and not merged
  std::optional<std::int64_t> assignee_user_id;
  std::string department;
  std::optional<TimePoint> from;  // created at or after
  std::optional<TimePoint> to;    // created before
  std::optional<bool> overdue;    // a deadline missed (or running late at `now`)
  bool due_first = false;         // inbox order: overdue first, then soonest deadline
};

struct TransitionRequest {
  workflow::Action action = workflow::Action::kUrge;
  std::string note;
  std::optional<std::int64_t> actor_user_id;
  std::optional<std::int64_t> assignee_user_id;  // dispatch to a named person
  RegionScope scope;
  // More than the note, stored with the audit row as JSON text (e.g. the arrival location of a
  // "start": {"location":{"lat":…,"lon":…,"accuracy_m":…}}); "" for nothing.
  std::string data_json;
};

// What the deadline checker did to one order.
struct DeadlineNotice {
  std::int64_t order_id = 0;
  std::string number;
  std::vector<workflow::DeadlineEvent> events;
  bool escalated = false;
  std::string responsible_region;  // after escalation
  std::optional<std::int64_t> assignee_user_id;
  WorkOrder order;  // as it stands after the check
};

// An edit of an order's own facts (not its workflow): each field given replaces the stored one.
// The region may change only while the order is new (not yet dispatched).
struct WorkOrderEdit {
  std::optional<std::string> description;
  std::optional<std::string> subtype;
  std::optional<std::string> phone;        // normalised by the store; "" clears it
  std::optional<std::string> region_code;
  std::optional<std::string> fields_json;  // the type's fields, a JSON object
  std::string note;                        // the editor's reason, kept on the audit row
  std::optional<std::int64_t> actor_user_id;
  RegionScope scope;  // the editor's regions (the order and a new region must lie inside)
};

// Someone an order may be dispatched to: a back-office or field user whose regions cover the
// order, inside the region responsible for it.
struct WorkOrderAssignee {
  std::int64_t user_id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string region_code;
  std::int64_t open_orders = 0;  // orders they hold that are not closed
};

}  // namespace sy::store
