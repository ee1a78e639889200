// The deadline sweep (see deadline_alerts.h).
#include "notify/deadline_alerts.h"

namespace sy::notify {
namespace {

nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json();
}

}  // namespace

nlohmann::json deadline_event_data(const store::DeadlineNotice& n) {
  const store::WorkOrder& o = n.order;
  const workflow::OrderProgress& p = o.progress;
  nlohmann::json order = {
      {"id", o.id},
      {"number", o.number},
      {"type", o.type_code},
      {"state", workflow::to_string(p.state)},
      {"region_code", o.region_code},
      {"department", p.department},
      {"responsible_region", p.responsible_region},
      {"escalation_level", p.escalation_level},
      {"assignee_user_id", o.assignee_user_id ? nlohmann::json(*o.assignee_user_id) : nlohmann::json()},
      {"step_due_at", time_or_null(p.step_due_at)},
      {"due_at", time_or_null(p.due_at)},
      {"overdue", p.overdue}};
  nlohmann::json events = nlohmann::json::array();
  for (const workflow::DeadlineEvent& e : n.events) {
    events.push_back({{"kind", e.kind == workflow::DeadlineEventKind::kWarning ? "warning" : "breach"},
                      {"overall", e.overall},
                      {"due_at", format_rfc3339(e.due_at)}});
  }
  return {{"work_order", std::move(order)},
          {"events", std::move(events)},
          {"escalated", n.escalated},
          {"responsible_region", n.responsible_region}};
}

Result<std::size_t> sweep_deadlines(store::WorkOrderRepository& orders,
                                    events::EventPublisher& publisher, TimePoint now) {
  std::size_t total = 0;
  // A backlog (the server was down for a while) is worked off in batches.
  for (int round = 0; round < 20; ++round) {
    auto notices = orders.check_deadlines(now);
    if (!notices) return notices.error();
    for (const store::DeadlineNotice& n : *notices) {
      const char* type = n.escalated ? events::type::kWorkOrderOverdue : kWorkOrderWarning;
      events::Audiences to{events::Audience::region(n.order.region_code)};
      if (n.assignee_user_id) to.push_back(events::Audience::user(*n.assignee_user_id));
      publisher.publish(type, deadline_event_data(n), std::move(to));
    }
    total += notices->size();
    if (notices->size() < 500) break;
  }
  return total;
}

}  // namespace sy::notify
