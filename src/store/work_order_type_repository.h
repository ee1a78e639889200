// Work-order types (admin-editable JSON definitions) and the centre's business calendar. The
// shipped types are installed on first use, once, and never overwrite an admin's edit.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "workflow/calendar.h"
#include "workflow/order_type.h"

namespace sy::store {

struct StoredOrderType {
  workflow::OrderType type;
  bool enabled = true;
  bool shipped = false;
  TimePoint updated_at;
};

class WorkOrderTypeRepository {
 public:
  WorkOrderTypeRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Inserts the shipped types missing from the table (first call per process does the work).
  Status install_shipped();

  // Ordered by code; disabled ones only when asked.
  Result<std::vector<StoredOrderType>> list(bool include_disabled);
  // not_found "work_order_type_not_found".
  Result<StoredOrderType> get(const std::string& code);
  // conflict "work_order_type_exists".
  Result<StoredOrderType> create(const workflow::OrderType& type);
  // Replaces the definition (re-enables a disabled type). not_found work_order_type_not_found;
  // invalid_input "code_mismatch" when the definition names another code.
  Result<StoredOrderType> update(const std::string& code, const workflow::OrderType& type);
  // Disables the type: no new orders of it; existing orders keep it. work_order_type_not_found.
  Status disable(const std::string& code);

  // The calendar: holidays and make-up working days.
  Result<workflow::BusinessCalendar> calendar();
  // Replaces the calendar's days. invalid_input "invalid_date" (field "holidays[i]" / "workdays[i]").
  Status set_calendar(const std::vector<std::string>& holidays,
                      const std::vector<std::string>& workdays);

  // For callers inside a write: a type by code (nullopt when none, or when disabled and
  // `enabled_only`), and the calendar.
  static Result<std::optional<workflow::OrderType>> load(Connection& conn, const std::string& code,
                                                         bool enabled_only);
  static Result<workflow::BusinessCalendar> load_calendar(Connection& conn);

 private:
  Database& db_;
  const Clock& clock_;
  std::atomic<bool> installed_{false};
};

}  // namespace sy::store
