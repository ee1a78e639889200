#include "workflow/engine.h"

#include <cstdio>

namespace sy::workflow {
namespace {

Error conflict(std::string code, std::string message, std::string field = {}) {
  return make_error(ErrorKind::kConflict, std::move(code), std::move(message), std::move(field));
}

std::string yuan(std::int64_t fen) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(fen / 100),
                static_cast<long long>(fen % 100));
  return buf;
}

// States in which someone still has to act, so deadlines run.
bool deadlines_run(OrderState s) {
  switch (s) {
    case OrderState::kNew:
    case OrderState::kDispatched:
    case OrderState::kAccepted:
    case OrderState::kInProgress:
    case OrderState::kReturned:
    case OrderState::kReopened:
    case OrderState::kEscalated:
      return true;
    default:
      return false;
  }
}

// Begins step `p.step`: its taker, and the arrival deadline (or the completion deadline when
// the step has no arrival).
void start_step(OrderProgress& p, const OrderType& type, const std::string& area_class,
                const BusinessCalendar& cal, TimePoint now) {
  const Step& step = type.steps.at(static_cast<std::size_t>(p.step));
  p.department = step_taker(type, p.step);
  p.responsible_region = responsible_region_for(type, p.step, p.region_code);
  p.escalation_level = 0;
  p.step_started_at = now;
  p.arrived_at.reset();
  p.step_window_start = now;
  p.step_warned = false;
  if (step.arrive_within) {
    p.step_due_at = cal.deadline(now, step.arrive_within->for_area(area_class));
  } else if (step.complete_within) {
    p.step_due_at = cal.deadline(now, step.complete_within->for_area(area_class));
  } else {
    p.step_due_at.reset();
  }
}

void start_overall(OrderProgress& p, const OrderType& type, const std::string& area_class,
                   const BusinessCalendar& cal, TimePoint now) {
  p.due_warned = false;
  p.due_breached = false;
  if (type.overall)
    p.due_at = cal.deadline(now, type.overall->for_area(area_class));
  else
    p.due_at.reset();
}

// Arrival: from now on the completion deadline runs (from arrival or from the step start).
void arrive(OrderProgress& p, const OrderType& type, const std::string& area_class,
            const BusinessCalendar& cal, TimePoint now) {
  const Step& step = type.steps.at(static_cast<std::size_t>(p.step));
  p.arrived_at = now;
  if (!step.complete_within) {
    p.step_due_at.reset();
    return;
  }
  TimePoint from = step.complete_from_arrival ? now : p.step_started_at.value_or(now);
  p.step_window_start = from;
  p.step_due_at = cal.deadline(from, step.complete_within->for_area(area_class));
  p.step_warned = false;
}

void escalate(OrderProgress& p, TimePoint now) {
  p.responsible_region = parent_region_code(p.responsible_region);
  ++p.escalation_level;
  p.overdue = true;
  if (p.step_due_at && p.step_window_start) {
    // The level above gets the same allowance the step had.
    Duration allowance = *p.step_due_at - *p.step_window_start;
    p.step_window_start = now;
    p.step_due_at = now + allowance;
    p.step_warned = false;
  }
}

void finish_work(OrderProgress& p, TimePoint now) {
  p.resolved_at = now;
  if ((p.due_at && now > *p.due_at) || (p.step_due_at && now > *p.step_due_at)) p.overdue = true;
  p.step_due_at.reset();
  p.step_window_start.reset();
}

}  // namespace

std::string parent_region_code(const std::string& code) {
  auto dash = code.find('-');
  if (dash != std::string::npos) return code.substr(0, dash);
  if (code.size() != 6) return code;
  if (code.substr(4, 2) != "00") return code.substr(0, 4) + "00";
  if (code.substr(2, 2) != "00") return code.substr(0, 2) + "0000";
  return code;
}

std::string step_taker(const OrderType& type, int step) {
  return type.steps.at(static_cast<std::size_t>(step)).taker_name;
}

std::string responsible_region_for(const OrderType& type, int step, const std::string& region) {
  if (type.steps.at(static_cast<std::size_t>(step)).taker == TakerKind::kTeam) return "";
  // Departments sit in the county: a service area's code begins with its county's.
  auto dash = region.find('-');
  return dash == std::string::npos ? region : region.substr(0, dash);
}

TimePoint warning_point(TimePoint start, TimePoint due) {
  return start + (due - start) * 4 / 5;
}

Result<NewOrderPlan> plan_new_order(const OrderType& type, const NewOrderFacts& f,
                                    const BusinessCalendar& cal, TimePoint now) {
  for (const std::string& field : type.required_fields) {
    bool present = field == "customer"      ? f.has_customer
                   : field == "account"     ? f.account_no.has_value()
                   : field == "subtype"     ? !f.subtype.empty()
                   : field == "description" ? !f.description.empty()
                   : field == "call_id"     ? !f.call_id.empty()
                                            : true;
    if (!present) {
      std::string json_field = field == "customer" ? "customer_id"
                               : field == "account" ? "account_no"
                                                    : field;
      return make_error(ErrorKind::kInvalidInput, "missing_field",
                        "a " + type.name + " order needs '" + json_field + "'", json_field);
    }
  }
  if (!f.subtype.empty() && !type.find_subtype(f.subtype)) {
    std::string allowed;
    for (const Subtype& s : type.subtypes) allowed += (allowed.empty() ? "" : ", ") + s.code;
    return make_error(ErrorKind::kInvalidInput, "invalid_subtype",
                      "'" + f.subtype + "' is not a subtype of " + type.code +
                          (allowed.empty() ? " (it has none)" : " (one of: " + allowed + ")"),
                      "subtype");
  }
  if (type.refuse_with_arrears && f.account_arrears_fen > 0) {
    return conflict("arrears_outstanding",
                    "account " + f.account_no.value_or("") + " has arrears of " +
                        yuan(f.account_arrears_fen) + " yuan (" +
                        std::to_string(f.account_arrears_fen) +
                        " fen); they must be settled before a business change",
                    "account_no");
  }
  NewOrderPlan plan;
  OrderProgress& p = plan.progress;
  p.created_at = now;
  p.region_code = f.region_code;
  if (type.merge_with_outage && f.active_outage_id) {
    plan.outage_id = f.active_outage_id;
    if (f.outage_parent_order_id) {
      // One crew already works this outage: attach instead of dispatching another.
      p.state = OrderState::kMerged;
      plan.parent_id = f.outage_parent_order_id;
      p.department = step_taker(type, 0);
      p.responsible_region = responsible_region_for(type, 0, f.region_code);
      return plan;
    }
  }
  p.state = OrderState::kNew;
  p.step = 0;
  start_step(p, type, f.area_class, cal, now);
  start_overall(p, type, f.area_class, cal, now);
  return plan;
}

Result<TransitionPlan> apply_action(const OrderType& type, const OrderProgress& current,
                                    Action action, const std::string& area_class,
                                    const BusinessCalendar& cal, TimePoint now) {
  auto to = next_state(current.state, action);
  if (!to) return to.error();
  TransitionPlan plan;
  plan.from = current.state;
  plan.to = *to;
  plan.action = action;
  OrderProgress& p = plan.progress;
  p = current;
  const int last_step = static_cast<int>(type.steps.size()) - 1;
  switch (action) {
    case Action::kDispatch:
      if (p.step > last_step) p.step = last_step;  // the type lost steps since
      p.department = step_taker(type, p.step);
      if (current.state != OrderState::kEscalated)
        p.responsible_region = responsible_region_for(type, p.step, p.region_code);
      break;
    case Action::kAccept:
      break;
    case Action::kStart:
      arrive(p, type, area_class, cal, now);
      break;
    case Action::kResolve:
      if (current.state == OrderState::kNew) {
        if (!type.resolve_on_call)
          return conflict("dispatch_required",
                          "a " + type.name + " order must be dispatched before it is resolved",
                          "action");
        finish_work(p, now);
        break;
      }
      if (p.step < last_step) {
        // The step is done: the next step's taker gets the order.
        ++p.step;
        plan.to = OrderState::kDispatched;
        plan.step_advanced = true;
        start_step(p, type, area_class, cal, now);
        break;
      }
      finish_work(p, now);
      break;
    case Action::kReturn:
      break;
    case Action::kVisit:
      if (!type.return_visit)
        return conflict("no_return_visit", "a " + type.name + " order has no return visit",
                        "action");
      break;
    case Action::kClose:
      if (current.state == OrderState::kResolved && type.return_visit)
        return conflict("return_visit_required",
                        "a " + type.name + " order is closed after its return visit", "action");
      p.closed_at = now;
      break;
    case Action::kReopen:
      p.step = last_step;
      p.resolved_at.reset();
      p.closed_at.reset();
      p.urge_count = 0;
      start_step(p, type, area_class, cal, now);
      start_overall(p, type, area_class, cal, now);
      break;
    case Action::kUrge:
      ++p.urge_count;
      break;
    case Action::kEscalate:
      escalate(p, now);
      break;
  }
  p.state = plan.to;
  return plan;
}

DeadlineCheck check_deadlines(const OrderProgress& progress, TimePoint now) {
  DeadlineCheck out;
  out.progress = progress;
  OrderProgress& p = out.progress;
  if (!deadlines_run(p.state)) return out;
  bool breached = false;
  if (p.step_due_at && p.step_window_start) {
    if (!p.step_warned && now >= warning_point(*p.step_window_start, *p.step_due_at)) {
      p.step_warned = true;
      out.events.push_back({DeadlineEventKind::kWarning, false, *p.step_due_at});
    }
    if (now >= *p.step_due_at) {
      out.events.push_back({DeadlineEventKind::kBreach, false, *p.step_due_at});
      breached = true;
    }
  }
  if (p.due_at && !p.due_breached) {
    if (!p.due_warned && now >= warning_point(p.created_at, *p.due_at)) {
      p.due_warned = true;
      out.events.push_back({DeadlineEventKind::kWarning, true, *p.due_at});
    }
    if (now >= *p.due_at) {
      p.due_breached = true;
      out.events.push_back({DeadlineEventKind::kBreach, true, *p.due_at});
      breached = true;
    }
  }
  if (breached) {
    escalate(p, now);
    if (auto to = next_state(p.state, Action::kEscalate)) p.state = *to;
    out.escalated = true;
  }
  out.next_check_at = next_check_at(p);
  return out;
}

std::optional<TimePoint> next_check_at(const OrderProgress& p) {
  if (!deadlines_run(p.state)) return std::nullopt;
  std::optional<TimePoint> next;
  auto consider = [&](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (p.step_due_at && p.step_window_start)
    consider(p.step_warned ? *p.step_due_at : warning_point(*p.step_window_start, *p.step_due_at));
  if (p.due_at && !p.due_breached)
    consider(p.due_warned ? *p.due_at : warning_point(p.created_at, *p.due_at));
  return next;
}

Status check_notice_lead(const OrderType& type, const std::string& subtype,
                         TimePoint outage_starts_at, TimePoint now) {
  const Subtype* s = type.find_subtype(subtype);
  if (!s || !s->notice_ahead) return ok_status();
  Duration ahead{};
  switch (s->notice_ahead->unit) {
    case DeadlineUnit::kMinutes: ahead = std::chrono::minutes(s->notice_ahead->amount); break;
    case DeadlineUnit::kHours: ahead = std::chrono::hours(s->notice_ahead->amount); break;
    case DeadlineUnit::kDays:
    case DeadlineUnit::kWorkingDays: ahead = std::chrono::days(s->notice_ahead->amount); break;
  }
  TimePoint latest = outage_starts_at - ahead;
  if (now > latest)
    return conflict("notice_too_late",
                    "a " + s->name + " notice must go out by " + format_rfc3339(latest) + " (" +
                        std::to_string(s->notice_ahead->amount) + " " +
                        std::string(to_string(s->notice_ahead->unit)) +
                        " before the outage)",
                    "outage_starts_at");
  return ok_status();
}

}  // namespace sy::workflow
