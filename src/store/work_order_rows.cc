// Work-order rows (see work_order_rows.h).
#include "store/work_order_rows.h"

#include "store/sms_outbox.h"
#include "store/sql_support.h"

namespace sy::store::work_order_rows {

using workflow::OrderState;

const char* const kColumns =
    "w.id, w.number, w.type_code, w.subtype, w.customer_id, w.account_id, "
    "COALESCE(a.account_no, ''), COALESCE(c.name, ''), w.phone, w.region_code, w.area_class, "
    "w.description, w.channel, w.call_id, w.fields, w.state, w.step, w.department, "
    "w.responsible_region, w.assignee_user_id, w.parent_id, w.outage_id, w.escalation_level, "
    "w.urge_count, w.step_started_at, w.arrived_at, w.step_window_start, w.step_due_at, "
    "w.step_warned, w.due_at, w.due_warned, w.due_breached, w.overdue, w.next_check_at, "
    "w.created_by, w.created_at, w.updated_at, w.resolved_at, w.closed_at";
const char* const kFrom =
    " FROM work_orders w LEFT JOIN accounts a ON a.id = w.account_id"
    " LEFT JOIN customers c ON c.id = w.customer_id";


WorkOrder decode(const Row& r) {
  WorkOrder o;
  o.id = r.i64(0);
  o.number = r.text(1);
  o.type_code = r.text(2);
  o.subtype = r.text(3);
  o.customer_id = r.opt_i64(4);
  o.account_id = r.opt_i64(5);
  o.account_no = r.text(6);
  o.customer_name = r.text(7);
  o.phone = r.text(8);
  o.region_code = r.text(9);
  o.area_class = r.text(10);
  o.description = r.text(11);
  o.channel = r.text(12);
  o.call_id = r.opt_text(13);
  o.fields_json = r.text(14);
  workflow::OrderProgress& p = o.progress;
  p.state = workflow::parse_state(r.text(15)).value_or(OrderState::kNew);
  p.step = static_cast<int>(r.i64(16));
  p.department = r.text(17);
  p.responsible_region = r.text(18);
  o.assignee_user_id = r.opt_i64(19);
  o.parent_id = r.opt_i64(20);
  o.outage_id = r.opt_i64(21);
  p.escalation_level = static_cast<int>(r.i64(22));
  p.urge_count = static_cast<int>(r.i64(23));
  p.step_started_at = sql::opt_time_at(r, 24);
  p.arrived_at = sql::opt_time_at(r, 25);
  p.step_window_start = sql::opt_time_at(r, 26);
  p.step_due_at = sql::opt_time_at(r, 27);
  p.step_warned = r.i64(28) != 0;
  p.due_at = sql::opt_time_at(r, 29);
  p.due_warned = r.i64(30) != 0;
  p.due_breached = r.i64(31) != 0;
  p.overdue = r.i64(32) != 0;
  o.next_check_at = sql::opt_time_at(r, 33);
  o.created_by = r.opt_i64(34);
  p.created_at = sql::time_at(r, 35);
  o.updated_at = sql::time_at(r, 36);
  p.resolved_at = sql::opt_time_at(r, 37);
  p.closed_at = sql::opt_time_at(r, 38);
  p.region_code = o.region_code;
  return o;
}

Error order_not_found() {
  return sql::not_found("work_order_not_found", "no work order with this id");
}

Value state_value(OrderState s) { return Value{std::string(workflow::to_string(s))}; }

Result<std::optional<WorkOrder>> load(Connection& conn, std::int64_t id) {
  static const std::string kSql = std::string("SELECT ") + kColumns + kFrom + " WHERE w.id = $1";
  Value p[] = {Value{id}};
  auto row = conn.query_one(kSql, p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<WorkOrder>();
  return std::optional<WorkOrder>(decode(**row));
}

Status append_transition(Connection& conn, std::int64_t order_id, TimePoint at,
                         std::optional<std::int64_t> user_id, std::optional<OrderState> from,
                         OrderState to, std::string_view action, const std::string& note) {
  Value p[] = {Value{order_id},
               sql::ms(at),
               int_or_null(user_id),
               from ? state_value(*from) : Value{},
               state_value(to),
               Value{std::string(action)},
               Value{note}};
  auto r = conn.exec(
      "INSERT INTO work_order_transitions (order_id, at, user_id, from_state, to_state, action, "
      "note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      p);
  if (!r.ok()) return r.error();
  return ok_status();
}

Status save_progress(Connection& conn, std::int64_t id, const workflow::OrderProgress& p,
                     std::optional<std::int64_t> assignee, TimePoint now) {
  Value v[] = {state_value(p.state),
               Value{std::int64_t{p.step}},
               Value{p.department},
               Value{p.responsible_region},
               int_or_null(assignee),
               Value{std::int64_t{p.escalation_level}},
               Value{std::int64_t{p.urge_count}},
               sql::opt_ms(p.step_started_at),
               sql::opt_ms(p.arrived_at),
               sql::opt_ms(p.step_window_start),
               sql::opt_ms(p.step_due_at),
               sql::flag(p.step_warned),
               sql::opt_ms(p.due_at),
               sql::flag(p.due_warned),
               sql::flag(p.due_breached),
               sql::flag(p.overdue),
               sql::opt_ms(workflow::next_check_at(p)),
               sql::ms(now),
               sql::opt_ms(p.resolved_at),
               sql::opt_ms(p.closed_at),
               Value{id}};
  auto r = conn.exec(
      "UPDATE work_orders SET state = $1, step = $2, department = $3, responsible_region = $4, "
      "assignee_user_id = $5, escalation_level = $6, urge_count = $7, step_started_at = $8, "
      "arrived_at = $9, step_window_start = $10, step_due_at = $11, step_warned = $12, "
      "due_at = $13, due_warned = $14, due_breached = $15, overdue = $16, next_check_at = $17, "
      "updated_at = $18, resolved_at = $19, closed_at = $20 WHERE id = $21",
      v);
  if (!r.ok()) return r.error();
  return ok_status();
}

Status queue_sms(Connection& conn, std::int64_t assignee, std::string_view kind,
                 const WorkOrder& o, const std::string& type_name, const std::string& detail,
                 TimePoint now) {
  auto mobile = sms_sql::user_mobile(conn, assignee);
  if (!mobile.ok()) return mobile.error();
  if (!*mobile || (*mobile)->empty()) return ok_status();
  return sms_sql::enqueue(conn, **mobile,
                          sms_sql::work_order_text(kind, o.number, type_name, detail), kind,
                          o.id, now);
}

}  // namespace sy::store::work_order_rows
