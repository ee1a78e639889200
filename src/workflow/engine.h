// The work-order rules as pure functions of the order, its type, the calendar and `now`:
// planning a new order (required fields, the arrears rule, merging repair duplicates into the
// parent order of an active outage, who takes the first step, deadlines), applying an action
// (the transition table plus the type's steps, return visit and deadlines), and the deadline
// checker (warning at 80 % of a deadline, escalation to the next level up the region tree on
// breach). The store keeps the fields of OrderProgress; nothing here does I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "workflow/calendar.h"
#include "workflow/order_type.h"
#include "workflow/states.h"

namespace sy::workflow {

// Where an order stands: the state machine's state plus the step, who holds it, and the
// deadlines the checker watches. All times UTC.
struct OrderProgress {
  OrderState state = OrderState::kNew;
  TimePoint created_at;
  std::string region_code;          // the customer's service area
  int step = 0;                     // index into the type's steps
  std::string department;           // department code or team name of the current step
  std::string responsible_region;   // region whose department holds it (raised on escalation)
  int escalation_level = 0;
  int urge_count = 0;
  std::optional<TimePoint> step_started_at;
  std::optional<TimePoint> arrived_at;  // current step: on site / customer contacted

  // The deadline now running for the current step (arrival, then completion) and overall.
  std::optional<TimePoint> step_window_start;
  std::optional<TimePoint> step_due_at;
  bool step_warned = false;
  std::optional<TimePoint> due_at;
  bool due_warned = false;
  bool due_breached = false;
  bool overdue = false;  // a deadline was missed at some point (sticky, for reports)
  std::optional<TimePoint> resolved_at;
  std::optional<TimePoint> closed_at;
};

// Facts about a new order gathered by the caller (the store) before deciding.
struct NewOrderFacts {
  std::string subtype;                     // "" = none given
  bool has_customer = false;
  std::optional<std::string> account_no;   // the account the order is about
  std::int64_t account_arrears_fen = 0;    // that account's arrears
  std::string description;
  std::string call_id;
  std::string region_code;  // the customer's service area (or the given region)
  std::string area_class = "urban";  // urban | rural | remote, of that area
  // Repair duplicates: an active outage covers the region; and its parent order, if one exists.
  std::optional<std::int64_t> active_outage_id;
  std::optional<std::int64_t> outage_parent_order_id;
};

struct NewOrderPlan {
  OrderProgress progress;
  std::optional<std::int64_t> parent_id;  // merged into this order
  std::optional<std::int64_t> outage_id;  // the outage this order is (or joins) the parent of
};

// Errors: invalid_input "missing_field" (field named), "invalid_subtype";
// conflict "arrears_outstanding" naming the amount (field "account_no").
Result<NewOrderPlan> plan_new_order(const OrderType& type, const NewOrderFacts& facts,
                                    const BusinessCalendar& calendar, TimePoint now);

// The department/team that takes step `step` for an order in `region_code`: a department is
// that of the county (region codes: county = first 6 characters), a team is centre-wide.
std::string step_taker(const OrderType& type, int step);
std::string responsible_region_for(const OrderType& type, int step, const std::string& region);

struct TransitionPlan {
  OrderState from = OrderState::kNew;
  OrderState to = OrderState::kNew;
  Action action = Action::kUrge;
  OrderProgress progress;  // after the action
  bool step_advanced = false;
};

// Applies `action`. Errors (conflict): "invalid_transition" naming state and action,
// "no_return_visit" (visit on a type without one), "return_visit_required" (close before the
// return visit), "dispatch_required" (resolve at once a type that is not resolved on the call).
Result<TransitionPlan> apply_action(const OrderType& type, const OrderProgress& current,
                                    Action action, const std::string& area_class,
                                    const BusinessCalendar& calendar, TimePoint now);

// What the checker found for one order at `now`.
enum class DeadlineEventKind { kWarning, kBreach };
struct DeadlineEvent {
  DeadlineEventKind kind;
  bool overall = false;  // the order's overall deadline, not the current step's
  TimePoint due_at;
};

struct DeadlineCheck {
  std::vector<DeadlineEvent> events;
  OrderProgress progress;          // flags set; escalated when a deadline was breached
  bool escalated = false;
  std::optional<TimePoint> next_check_at;  // when to look again (nullopt: nothing pending)
};

// Warning at 80 % of each running deadline, escalation on breach: the order moves one level up
// the region tree (county → city → province) and the new level gets the step's allowance again.
DeadlineCheck check_deadlines(const OrderProgress& progress, TimePoint now);

// The earliest instant at which check_deadlines would report something.
std::optional<TimePoint> next_check_at(const OrderProgress& progress);

// The 80 % point of a deadline window.
TimePoint warning_point(TimePoint start, TimePoint due);

// The next level up: "350102-01" → "350102" → "350100" → "350000" (the province stays).
std::string parent_region_code(const std::string& code);

// Outage notices: a notice of `subtype` must go out at least its notice_ahead before the
// outage starts. conflict "notice_too_late" naming the latest time it could have gone out.
Status check_notice_lead(const OrderType& type, const std::string& subtype,
                         TimePoint outage_starts_at, TimePoint now);

}  // namespace sy::workflow
