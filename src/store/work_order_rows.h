// Private to src/store: the work_orders row as SQL reads it (columns and decoding), loading one
// order, and the writes every change of an order shares (progress, audit row, SMS). Used by
// work_order_repository.cc and the files it is split into (numbering, search, deadlines).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/work_order_repository.h"

namespace sy::store::work_order_rows {

// The order columns, in the order decode() reads them, and the joins they need (alias w).
extern const char* const kColumns;
extern const char* const kFrom;

WorkOrder decode(const Row& r);
Error order_not_found();
Value state_value(workflow::OrderState s);
Result<std::optional<WorkOrder>> load(Connection& conn, std::int64_t id);
Status append_transition(Connection& conn, std::int64_t order_id, TimePoint at,
                         std::optional<std::int64_t> user_id,
                         std::optional<workflow::OrderState> from, workflow::OrderState to,
                         std::string_view action, const std::string& note);
// Writes the engine's progress (and assignee) back to the order.
Status save_progress(Connection& conn, std::int64_t id, const workflow::OrderProgress& p,
                     std::optional<std::int64_t> assignee, TimePoint now);
// Queues the SMS telling the assignee of `kind` (when they have a mobile number).
Status queue_sms(Connection& conn, std::int64_t assignee, std::string_view kind,
                 const WorkOrder& o, const std::string& type_name, const std::string& detail,
                 TimePoint now);
// The local day of `now` as YYYYMMDD (work_order_numbering.cc).
std::string number_day(const workflow::BusinessCalendar& cal, TimePoint now);

}  // namespace sy::store::work_order_rows
