// Work orders: create (numbered, the workflow rules applied inside the same durable write as
// the order and its first audit row), transitions through the workflow engine, search with
// region scoping, the deadline checker's sweep, and attachments' metadata.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"
#include "store/work_order_records.h"
#include "store/work_order_type_repository.h"

namespace sy::store {

class WorkOrderRepository {
 public:
  WorkOrderRepository(Database& db, const Clock& clock, WorkOrderTypeRepository& types)
      : db_(db), clock_(clock), types_(types) {}

  // Acknowledged = durable (the writer commits before this returns). Errors:
  // work_order_type_not_found (field "type"), customer_not_found (field "customer_id"),
  // account_not_found / account_not_of_customer (field "account_no"), region_not_found /
  // missing_field (field "region"), forbidden "region_out_of_scope", invalid_phone, and the
  // workflow rules: missing_field, invalid_subtype, conflict arrears_outstanding.
  Result<WorkOrder> create(const NewWorkOrder& order);

  // not_found "work_order_not_found" (also when outside `scope`).
  Result<WorkOrderDetail> get(std::int64_t id, const RegionScope& scope);
  Result<WorkOrder> get_by_number(const std::string& number, const RegionScope& scope);

  // Applies one action through the workflow engine and appends its audit row, atomically.
  // Closing a parent closes the orders merged into it. Errors: work_order_not_found, the
  // engine's conflicts (invalid_transition, return_visit_required, ...), user_not_found
  // (field "assignee_id").
  Result<WorkOrderDetail> transition(std::int64_t id, const TransitionRequest& request);

  // Newest first (or the inbox order). Errors: invalid_page / invalid_page_size.
  Result<PageResult<WorkOrder>> search(const WorkOrderFilter& filter, const PageRequest& page);

  // When on, an order dispatched to someone, urged, warned or overdue also queues an SMS to the
  // assignee's mobile in the SMS outbox, inside the same write (see sms_outbox.h).
  void set_sms_enabled(bool on) { sms_.store(on); }

  // The deadline checker: orders whose next check is due at `now` (at most `limit`), checked,
  // warned and escalated in one write, with audit rows. Each warning and breach happens once:
  // the flags that record it are written with it. Returns what happened.
  Result<std::vector<DeadlineNotice>> check_deadlines(TimePoint now, int limit = 500);

  // Attachment metadata (the file itself is stored by its hash by the caller).
  Result<WorkOrderAttachment> add_attachment(const WorkOrderAttachment& a);
  Result<WorkOrderAttachment> get_attachment(std::int64_t order_id, std::int64_t attachment_id);

  // Edits the order's facts with one audit row ("edit", data {"changes":{field:{from,to}}}),
  // atomically; nothing changed → the order as it is, no row. Errors: work_order_not_found,
  // conflict work_order_closed (closed or merged orders), conflict work_order_dispatched (field
  // "region": only new orders move region), invalid_subtype / missing_field, invalid_phone,
  // region_not_found, forbidden region_out_of_scope.
  Result<WorkOrderDetail> edit(std::int64_t id, const WorkOrderEdit& edit);

  // The transitions of an order that carry data (transition id → JSON text).
  Result<std::vector<std::pair<std::int64_t, std::string>>> transition_data(std::int64_t order_id);

  // Who the order may be dispatched to (active back-office and field users whose region covers
  // the order and lies inside its responsible region and `scope`), by role then name.
  // Error work_order_not_found (also outside `scope`).
  Result<std::vector<WorkOrderAssignee>> assignees(std::int64_t id, const RegionScope& scope);

 private:
  // The next number of the local day `day` (YYYYMMDD), allocated in memory: the durable
  // high-water mark is the highest number written (orders commit with their number), read when
  // the day changes, at start and after a collision (another process numbered orders too).
  Result<std::string> next_number(Connection& conn, const std::string& day, bool reload);

  Database& db_;
  const Clock& clock_;
  WorkOrderTypeRepository& types_;
  std::atomic<bool> sms_{false};
  std::mutex numbers_mu_;
  std::string numbers_day_;
  std::int64_t numbers_last_ = 0;
};

namespace work_order_sql {
// Open orders about a customer, newest first (at most 10): for the screen pop, one indexed
// range read on work_orders(customer_id, created_at).
Result<std::vector<WorkOrderSummary>> open_for_customer(Connection& conn,
                                                        std::int64_t customer_id);
}  // namespace work_order_sql

}  // namespace sy::store
