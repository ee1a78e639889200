// The work-order deadline sweep the server runs periodically: the store's checker warns at 80 %
// of a deadline and escalates on breach (once each, durably: the flags are written with the
// audit rows and any SMS in one transaction), and every order it touched is pushed to desktops:
// work_order.warning or work_order.overdue, to the assignee and to the supervisors of the
// order's region (a region audience reaches every level above it, the escalated one included).
#pragma once

#include <cstddef>

#include "core/clock.h"
#include "core/result.h"
#include "events/event.h"
#include "store/work_order_repository.h"

namespace sy::notify {

inline constexpr const char* kWorkOrderWarning = "work_order.warning";

// The event data for one notice: {"work_order": {...}, "events": [{"kind","overall","due_at"}],
// "escalated", "responsible_region"}.
nlohmann::json deadline_event_data(const store::DeadlineNotice& notice);

// Checks the orders due at `now` and publishes what was found. Returns how many orders had news.
Result<std::size_t> sweep_deadlines(store::WorkOrderRepository& orders,
                                    events::EventPublisher& events, TimePoint now);

}  // namespace sy::notify
