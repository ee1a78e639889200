// Work orders (see work_order_repository.h). The workflow engine decides; this file gathers
// the facts it needs, and writes its decision with the audit row in the same unit of work.
#include "store/work_order_repository.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <chrono>

#include <nlohmann/json.hpp>

#include "store/outage_queries.h"
#include "store/sms_outbox.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

using workflow::Action;
using workflow::OrderState;

constexpr const char* kColumns =
    "w.id, w.number, w.type_code, w.subtype, w.customer_id, w.account_id, "
    "COALESCE(a.account_no, ''), COALESCE(c.name, ''), w.phone, w.region_code, w.area_class, "
    "w.description, w.channel, w.call_id, w.fields, w.state, w.step, w.department, "
    "w.responsible_region, w.assignee_user_id, w.parent_id, w.outage_id, w.escalation_level, "
    "w.urge_count, w.step_started_at, w.arrived_at, w.step_window_start, w.step_due_at, "
    "w.step_warned, w.due_at, w.due_warned, w.due_breached, w.overdue, w.next_check_at, "
    "w.created_by, w.created_at, w.updated_at, w.resolved_at, w.closed_at";
constexpr const char* kFrom =
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

// Writes the engine's progress (and assignee) back to the order.
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

// The facts the engine needs about who and where the order is for.
struct Subject {
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> account_id;
  std::string account_no;
  std::string customer_name;
  std::int64_t arrears_fen = 0;
  std::string region_code;
  std::string area_class = "urban";
};

Result<Subject> find_subject(Connection& conn, const NewWorkOrder& o) {
  Subject s;
  std::string customer_region;
  bool customer_read = false;
  if (o.customer_id) {
    Value p[] = {Value{*o.customer_id}};
    auto row = conn.query_one("SELECT region_code, name FROM customers WHERE id = $1", p);
    if (!row.ok()) return row.error();
    if (!*row)
      return sql::not_found("customer_not_found", "no customer with this id", "customer_id");
    s.customer_id = o.customer_id;
    customer_region = (*row)->text(0);
    s.customer_name = (*row)->text(1);
    customer_read = true;
  }
  std::string account_region;
  if (o.account_no) {
    Value p[] = {Value{*o.account_no}};
    auto row = conn.query_one(
        "SELECT id, customer_id, region_code, arrears_fen FROM accounts WHERE account_no = $1", p);
    if (!row.ok()) return row.error();
    if (!*row)
      return sql::not_found("account_not_found", "no account " + *o.account_no, "account_no");
    if (s.customer_id && *s.customer_id != (*row)->i64(1))
      return sql::invalid("account_not_of_customer",
                          "account " + *o.account_no + " belongs to another customer",
                          "account_no");
    s.account_id = (*row)->i64(0);
    s.account_no = *o.account_no;
    s.customer_id = (*row)->i64(1);
    account_region = (*row)->text(2);
    s.arrears_fen = (*row)->i64(3);
  }
  if (s.customer_id && !customer_read) {
    Value p[] = {Value{*s.customer_id}};
    auto row = conn.query_one("SELECT region_code, name FROM customers WHERE id = $1", p);
    if (!row.ok()) return row.error();
    if (*row) {
      customer_region = (*row)->text(0);
      s.customer_name = (*row)->text(1);
    }
  }
  s.region_code = o.region_code ? *o.region_code
                  : !account_region.empty() ? account_region
                                            : customer_region;
  if (s.region_code.empty())
    return sql::invalid("missing_field", "give 'region' when the order has no customer",
                        "region");
  Value rp[] = {Value{s.region_code}};
  auto region = conn.query_one("SELECT area_class FROM regions WHERE code = $1", rp);
  if (!region.ok()) return region.error();
  if (!*region)
    return sql::not_found("region_not_found", "no region " + s.region_code, "region");
  s.area_class = (*region)->text(0);
  if (!o.scope.contains(s.region_code))
    return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                      "region " + s.region_code + " is outside yours", "region");
  return s;
}

// An active (already started, not restored) outage over the region, and its parent order.
Status find_outage(Connection& conn, const std::string& region, TimePoint now,
                   workflow::NewOrderFacts& facts) {
  auto outages = outage_sql::current_for_region(conn, region, now);
  if (!outages.ok()) return outages.error();
  for (const Outage& o : *outages) {
    if (o.status != OutageStatus::kActive || o.starts_at > now) continue;
    facts.active_outage_id = o.id;
    Value p[] = {Value{o.id}};
    auto parent = conn.query_one(
        "SELECT id FROM work_orders WHERE outage_id = $1 AND parent_id IS NULL "
        "AND state NOT IN ('closed', 'merged') ORDER BY id LIMIT 1",
        p);
    if (!parent.ok()) return parent.error();
    if (*parent) facts.outage_parent_order_id = (*parent)->i64(0);
    break;
  }
  return ok_status();
}

// The local day of `now` as YYYYMMDD.
std::string number_day(const workflow::BusinessCalendar& cal, TimePoint now) {
  std::string day = workflow::format_date(cal.local_date(now));
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  return day;
}

// The order's id, or nullopt when its number is taken (numbered by another process).
Result<std::optional<std::int64_t>> insert_order(Connection& conn, const NewWorkOrder& o, const Subject& s,
                                  const workflow::NewOrderPlan& plan, const std::string& number,
                                  const std::string& phone, TimePoint now) {
  const workflow::OrderProgress& p = plan.progress;
  Value v[] = {Value{number},
               Value{o.type_code},
               Value{o.subtype},
               int_or_null(s.customer_id),
               int_or_null(s.account_id),
               Value{phone},
               Value{s.region_code},
               Value{s.area_class},
               Value{o.description},
               Value{o.channel},
               text_or_null(o.call_id),
               Value{o.fields_json},
               state_value(p.state),
               Value{p.department},
               Value{p.responsible_region},
               int_or_null(plan.parent_id),
               int_or_null(plan.outage_id),
               sql::opt_ms(p.step_started_at),
               sql::opt_ms(p.step_window_start),
               sql::opt_ms(p.step_due_at),
               sql::opt_ms(p.due_at),
               sql::opt_ms(workflow::next_check_at(p)),
               int_or_null(o.created_by),
               sql::ms(now)};
  auto row = conn.query_one(
      "INSERT INTO work_orders (number, type_code, subtype, customer_id, account_id, phone, "
      "region_code, area_class, description, channel, call_id, fields, state, department, "
      "responsible_region, parent_id, outage_id, step_started_at, step_window_start, "
      "step_due_at, due_at, next_check_at, created_by, created_at, updated_at) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, "
      "$22, $23, $24, $24) ON CONFLICT (number) DO NOTHING RETURNING id",
      v);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*row)->i64(0));
}

Result<WorkOrderDetail> load_detail(Connection& conn, std::int64_t id, const RegionScope& scope) {
  auto order = load(conn, id);
  if (!order.ok()) return order.error();
  if (!*order || !scope.contains((*order)->region_code)) return order_not_found();
  WorkOrderDetail d;
  d.order = std::move(**order);
  Value p[] = {Value{id}};
  auto rows = conn.query(
      "SELECT id, order_id, at, user_id, from_state, to_state, action, note "
      "FROM work_order_transitions WHERE order_id = $1 ORDER BY id",
      p);
  if (!rows.ok()) return rows.error();
  for (const Row& r : *rows) {
    d.transitions.push_back(WorkOrderTransition{r.i64(0), r.i64(1), sql::time_at(r, 2),
                                                r.opt_i64(3), r.opt_text(4), r.text(5),
                                                r.text(6), r.text(7)});
  }
  auto files = conn.query(
      "SELECT id, order_id, sha256, file_name, content_type, size_bytes, uploaded_by, "
      "uploaded_at FROM work_order_attachments WHERE order_id = $1 ORDER BY id",
      p);
  if (!files.ok()) return files.error();
  for (const Row& r : *files) {
    d.attachments.push_back(WorkOrderAttachment{r.i64(0), r.i64(1), r.text(2), r.text(3),
                                                r.text(4), r.i64(5), r.opt_i64(6),
                                                sql::time_at(r, 7)});
  }
  auto merged = conn.query("SELECT number FROM work_orders WHERE parent_id = $1 ORDER BY id", p);
  if (!merged.ok()) return merged.error();
  for (const Row& r : *merged) d.merged_numbers.push_back(r.text(0));
  return d;
}

// Closing a parent closes the duplicates merged into it, each with its own audit row.
Status close_merged_children(Connection& conn, std::int64_t parent_id, const std::string& number,
                             std::optional<std::int64_t> user, TimePoint now) {
  Value p[] = {Value{parent_id}};
  auto rows = conn.query("SELECT id FROM work_orders WHERE parent_id = $1 AND state = 'merged'", p);
  if (!rows.ok()) return rows.error();
  for (const Row& r : *rows) {
    Value u[] = {sql::ms(now), Value{r.i64(0)}};
    auto up = conn.exec(
        "UPDATE work_orders SET state = 'closed', closed_at = $1, updated_at = $1, "
        "next_check_at = NULL WHERE id = $2",
        u);
    if (!up.ok()) return up.error();
    SY_TRY(append_transition(conn, r.i64(0), now, user, OrderState::kMerged, OrderState::kClosed,
                             "close", "closed with " + number));
  }
  return ok_status();
}

// Queues the SMS telling the assignee of `kind` (when they have a mobile number).
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

// "11月23日 14:30" in the centre's local time.
std::string local_time_text(TimePoint t, int utc_offset_minutes) {
  auto local = std::chrono::floor<std::chrono::minutes>(t) + std::chrono::minutes(utc_offset_minutes);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u月%u日 %02d:%02d", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return buf;
}

Result<std::string> region_name(Connection& conn, const std::string& code) {
  Value p[] = {Value{code}};
  auto row = conn.query_one("SELECT name FROM regions WHERE code = $1", p);
  if (!row.ok()) return row.error();
  return *row ? (*row)->text(0) : code;
}

// Attaches data to the order's newest audit row (written in the same unit of work).
Status set_last_transition_data(Connection& conn, std::int64_t order_id, const std::string& data) {
  Value p[] = {Value{data}, Value{order_id}};
  auto r = conn.exec(
      "UPDATE work_order_transitions SET data = $1 WHERE id = (SELECT MAX(id) FROM "
      "work_order_transitions WHERE order_id = $2)",
      p);
  if (!r.ok()) return r.error();
  return ok_status();
}

}  // namespace

Result<WorkOrder> WorkOrderRepository::create(const NewWorkOrder& o) {
  SY_TRY(types_.install_shipped());
  std::string phone;
  if (!o.phone.empty()) {
    auto n = normalize_phone(o.phone);
    if (!n.ok()) {
      Error e = n.error();
      e.field = "phone";
      return e;
    }
    phone = *n;
  }
  // Whole milliseconds, as stored: the order answered is the order read back later.
  TimePoint now = from_unix_ms(to_unix_ms(clock_.now()));
  WorkOrder out;
  Status st = db_.write([&](Connection& conn) -> Status {
    auto type = WorkOrderTypeRepository::load(conn, o.type_code, /*enabled_only=*/true);
    if (!type.ok()) return type.error();
    if (!*type)
      return sql::not_found("work_order_type_not_found",
                            "no work-order type '" + o.type_code + "'", "type");
    auto subject = find_subject(conn, o);
    if (!subject.ok()) return subject.error();
    auto cal = WorkOrderTypeRepository::load_calendar(conn);
    if (!cal.ok()) return cal.error();
    workflow::NewOrderFacts facts;
    facts.subtype = o.subtype;
    facts.has_customer = subject->customer_id.has_value();
    facts.account_no = o.account_no;
    facts.account_arrears_fen = subject->arrears_fen;
    facts.description = o.description;
    facts.call_id = o.call_id.value_or("");
    facts.region_code = subject->region_code;
    facts.area_class = subject->area_class;
    if ((*type)->merge_with_outage) SY_TRY(find_outage(conn, subject->region_code, now, facts));
    auto plan = workflow::plan_new_order(**type, facts, *cal, now);
    if (!plan.ok()) return plan.error();
    const std::string day = number_day(*cal, now);
    std::string number;
    std::int64_t id = 0;
    for (int attempt = 0; id == 0; ++attempt) {
      if (attempt == 3)
        return make_error(ErrorKind::kConflict, "number_taken",
                          "no free work-order number: another process keeps numbering orders");
      auto next = next_number(conn, day, /*reload=*/attempt > 0);
      if (!next.ok()) return next.error();
      number = std::move(*next);
      auto inserted = insert_order(conn, o, *subject, *plan, number, phone, now);
      if (!inserted.ok()) return inserted.error();
      id = inserted->value_or(0);
    }
    // The order as stored (what load() would decode), without reading it back.
    out = WorkOrder{};
    out.id = id;
    out.number = number;
    out.type_code = o.type_code;
    out.subtype = o.subtype;
    out.customer_id = subject->customer_id;
    out.account_id = subject->account_id;
    out.account_no = subject->account_no;
    out.customer_name = subject->customer_name;
    out.phone = phone;
    out.region_code = subject->region_code;
    out.area_class = subject->area_class;
    out.description = o.description;
    out.channel = o.channel;
    out.call_id = o.call_id;
    out.fields_json = o.fields_json;
    out.progress = plan->progress;
    out.progress.region_code = subject->region_code;
    out.parent_id = plan->parent_id;
    out.outage_id = plan->outage_id;
    out.created_by = o.created_by;
    out.updated_at = now;
    out.next_check_at = workflow::next_check_at(plan->progress);
    std::string note;
    if (plan->parent_id) {
      Value pp[] = {Value{*plan->parent_id}};
      auto parent = conn.query_one("SELECT number FROM work_orders WHERE id = $1", pp);
      if (!parent.ok()) return parent.error();
      note = "merged into " + (*parent ? (*parent)->text(0) : std::string("?"));
    }
    return append_transition(conn, id, now, o.created_by, std::nullopt, plan->progress.state,
                             "create", note);
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::string> WorkOrderRepository::next_number(Connection& conn, const std::string& day,
                                                     bool reload) {
  std::lock_guard lock(numbers_mu_);
  if (reload || numbers_day_ != day) {
    // The highest number of the day written so far (and the counter older versions and the
    // demo loader keep).
    std::string low = "GD" + day + "000000";
    std::string high = "GD" + day + "999999";
    Value p[] = {Value{low}, Value{high}, Value{day}};
    auto row = conn.query_one(
        "SELECT (SELECT MAX(number) FROM work_orders WHERE number >= $1 AND number <= $2), "
        "(SELECT last_seq FROM work_order_counters WHERE day = $3)",
        p);
    if (!row.ok()) return row.error();
    std::int64_t last = 0;
    if (auto top = (*row)->opt_text(0); top && top->size() == low.size())
      last = std::strtoll(top->c_str() + 10, nullptr, 10);
    if (auto counter = (*row)->opt_i64(1)) last = std::max(last, *counter);
    numbers_day_ = day;
    numbers_last_ = last;
  }
  char seq[24];
  std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(++numbers_last_));
  std::string number("GD");
  number += day;
  number += seq;
  return number;
}

Result<WorkOrderDetail> WorkOrderRepository::get(std::int64_t id, const RegionScope& scope) {
  return sql::read_result<WorkOrderDetail>(
      db_, [&](Connection& conn) { return load_detail(conn, id, scope); });
}

Result<WorkOrder> WorkOrderRepository::get_by_number(const std::string& number,
                                                     const RegionScope& scope) {
  return sql::read_result<WorkOrder>(db_, [&](Connection& conn) -> Result<WorkOrder> {
    static const std::string kSql =
        std::string("SELECT ") + kColumns + kFrom + " WHERE w.number = $1";
    Value p[] = {Value{number}};
    auto row = conn.query_one(kSql, p);
    if (!row.ok()) return row.error();
    if (!*row) return order_not_found();
    WorkOrder o = decode(**row);
    if (!scope.contains(o.region_code)) return order_not_found();
    return o;
  });
}

Result<WorkOrderDetail> WorkOrderRepository::transition(std::int64_t id,
                                                        const TransitionRequest& req) {
  TimePoint now = clock_.now();
  Status st = db_.write([&](Connection& conn) -> Status {
    auto order = load(conn, id);
    if (!order.ok()) return order.error();
    if (!*order || !req.scope.contains((*order)->region_code)) return order_not_found();
    WorkOrder& o = **order;
    // A disabled type still moves its existing orders along.
    auto type = WorkOrderTypeRepository::load(conn, o.type_code, /*enabled_only=*/false);
    if (!type.ok()) return type.error();
    if (!*type) return sql::not_found("work_order_type_not_found", "the order's type is gone");
    auto cal = WorkOrderTypeRepository::load_calendar(conn);
    if (!cal.ok()) return cal.error();
    auto plan = workflow::apply_action(**type, o.progress, req.action, o.area_class, *cal, now);
    if (!plan.ok()) return plan.error();
    // 0 = nobody (a plain integer: g++ 12 misreads an optional here as maybe-uninitialised).
    std::int64_t assignee = o.assignee_user_id.value_or(0);
    if (req.action == Action::kAccept) assignee = req.actor_user_id.value_or(0);
    if (req.action == Action::kReturn || plan->step_advanced || req.action == Action::kReopen)
      assignee = 0;
    if (req.action == Action::kDispatch) {
      assignee = req.assignee_user_id.value_or(0);
      if (assignee != 0) {
        Value up[] = {Value{assignee}};
        auto user = sql::exists(conn, "SELECT 1 FROM users WHERE id = $1", up);
        if (!user.ok()) return user.error();
        if (!*user) return sql::not_found("user_not_found", "no such user", "assignee_id");
      }
    }
    SY_TRY(save_progress(conn, id, plan->progress,
                         assignee ? std::optional<std::int64_t>(assignee) : std::nullopt, now));
    SY_TRY(append_transition(conn, id, now, req.actor_user_id, plan->from, plan->to,
                             workflow::to_string(req.action), req.note));
    if (!req.data_json.empty()) SY_TRY(set_last_transition_data(conn, id, req.data_json));
    if (plan->to == OrderState::kClosed)
      SY_TRY(close_merged_children(conn, id, o.number, req.actor_user_id, now));
    if (sms_.load() && assignee != 0) {
      // The same pushes the desktop gets: dispatched to someone, or urged.
      if (req.action == Action::kUrge)
        SY_TRY(queue_sms(conn, assignee, "work_order.urged", o, (*type)->name, req.note, now));
      else if (req.assignee_user_id || req.action == Action::kDispatch)
        SY_TRY(queue_sms(conn, assignee, "work_order.assigned", o, (*type)->name,
                         o.description, now));
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id, RegionScope::all());
}

Result<PageResult<WorkOrder>> WorkOrderRepository::search(const WorkOrderFilter& f,
                                                          const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter q;
  q.scope("w.region_code", f.scope);
  if (!f.region_code.empty()) q.scope("w.region_code", RegionScope(f.region_code));
  if (!f.number.empty()) q.where("w.number = " + q.param(Value{f.number}));
  if (f.customer_id) q.where("w.customer_id = " + q.param(Value{*f.customer_id}));
  if (!f.phone.empty()) {
    auto n = normalize_phone(f.phone);
    if (!n.ok()) {
      Error e = n.error();
      e.field = "phone";
      return e;
    }
    std::string a = q.param(Value{*n});
    q.where("w.phone = " + a +
            " OR w.customer_id IN (SELECT customer_id FROM customer_phones WHERE phone = " + a +
            ")");
  }
  if (!f.account_no.empty()) {
    // The order names the account, or names no account but its owner.
    std::string a = q.param(Value{f.account_no});
    q.where("w.account_id IN (SELECT id FROM accounts WHERE account_no = " + a +
            ") OR (w.account_id IS NULL AND w.customer_id IN (SELECT customer_id FROM accounts "
            "WHERE account_no = " + a + "))");
  }
  if (!f.type_code.empty()) q.where("w.type_code = " + q.param(Value{f.type_code}));
  if (!f.states.empty()) {
    std::string in;
    for (const auto& s : f.states) in += (in.empty() ? "" : ", ") + q.param(Value{s});
    q.where("w.state IN (" + in + ")");
  }
  if (f.open) q.where(std::string(*f.open ? "" : "NOT ") + "(w.state NOT IN ('closed', 'merged'))");
  if (f.assignee_user_id) q.where("w.assignee_user_id = " + q.param(Value{*f.assignee_user_id}));
  if (!f.department.empty()) q.where("w.department = " + q.param(Value{f.department}));
  if (f.from) q.where("w.created_at >= " + q.param(sql::ms(*f.from)));
  if (f.to) q.where("w.created_at < " + q.param(sql::ms(*f.to)));
  if (f.overdue) {
    std::string now = q.param(sql::ms(clock_.now()));
    std::string late = "(w.overdue = 1 OR (w.state NOT IN ('closed', 'merged', 'resolved', "
                       "'return_visit') AND (w.step_due_at < " + now + " OR w.due_at < " + now +
                       ")))";
    q.where(*f.overdue ? late : "NOT " + late);
  }
  std::string order_by =
      f.due_first ? "w.overdue DESC, COALESCE(w.step_due_at, w.due_at, 9223372036854775807), w.id"
                  : "w.created_at DESC, w.id DESC";
  return sql::read_result<PageResult<WorkOrder>>(db_, [&](Connection& conn) {
    return sql::fetch_page<WorkOrder>(conn, std::string("SELECT ") + kColumns, kFrom, q,
                                      order_by, page, [](const Row& r) { return decode(r); });
  });
}

Result<std::vector<DeadlineNotice>> WorkOrderRepository::check_deadlines(TimePoint now, int limit) {
  std::vector<DeadlineNotice> out;
  Status st = db_.write([&](Connection& conn) -> Status {
    out.clear();
    static const std::string kSql = std::string("SELECT ") + kColumns + kFrom +
                                    " WHERE w.next_check_at IS NOT NULL AND w.next_check_at <= $1"
                                    " ORDER BY w.next_check_at LIMIT $2";
    Value p[] = {sql::ms(now), Value{std::int64_t{limit}}};
    auto rows = conn.query(kSql, p);
    if (!rows.ok()) return rows.error();
    const bool sms = sms_.load();
    int utc_offset = 8 * 60;
    if (sms && !rows->empty()) {
      auto cal = WorkOrderTypeRepository::load_calendar(conn);
      if (!cal.ok()) return cal.error();
      utc_offset = cal->utc_offset_minutes();
    }
    for (const Row& row : *rows) {
      WorkOrder o = decode(row);
      workflow::DeadlineCheck check = workflow::check_deadlines(o.progress, now);
      SY_TRY(save_progress(conn, o.id, check.progress, o.assignee_user_id, now));
      for (const auto& e : check.events) {
        if (e.kind != workflow::DeadlineEventKind::kWarning) continue;
        std::string note = std::string(e.overall ? "overall" : "step") + " deadline " +
                           format_rfc3339(e.due_at) + " is 80 % gone";
        SY_TRY(append_transition(conn, o.id, now, std::nullopt, o.progress.state,
                                 o.progress.state, "warn", note));
      }
      if (check.escalated) {
        SY_TRY(append_transition(conn, o.id, now, std::nullopt, o.progress.state,
                                 check.progress.state, "escalate",
                                 "deadline missed; raised to " +
                                     check.progress.responsible_region));
      }
      if (check.events.empty()) continue;
      if (sms && o.assignee_user_id) {
        auto type = WorkOrderTypeRepository::load(conn, o.type_code, /*enabled_only=*/false);
        if (!type.ok()) return type.error();
        std::string type_name = *type ? (*type)->name : o.type_code;
        if (check.escalated) {
          auto level = region_name(conn, check.progress.responsible_region);
          if (!level.ok()) return level.error();
          SY_TRY(queue_sms(conn, *o.assignee_user_id, "work_order.overdue", o, type_name, *level,
                           now));
        } else {
          TimePoint due = check.events.front().due_at;
          SY_TRY(queue_sms(conn, *o.assignee_user_id, "work_order.warning", o, type_name,
                           local_time_text(due, utc_offset), now));
        }
      }
      WorkOrder after = o;
      after.progress = check.progress;
      after.next_check_at = check.next_check_at;
      after.updated_at = now;
      out.push_back(DeadlineNotice{o.id, o.number, check.events, check.escalated,
                                   check.progress.responsible_region, o.assignee_user_id,
                                   std::move(after)});
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<WorkOrderAttachment> WorkOrderRepository::add_attachment(const WorkOrderAttachment& a) {
  WorkOrderAttachment out = a;
  out.uploaded_at = clock_.now();
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{a.order_id},      Value{a.sha256},       Value{a.file_name},
                 Value{a.content_type},  Value{a.size_bytes},   int_or_null(a.uploaded_by),
                 sql::ms(out.uploaded_at)};
    auto id = conn.insert_returning_id(
        "INSERT INTO work_order_attachments (order_id, sha256, file_name, content_type, "
        "size_bytes, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        p);
    if (!id.ok()) return id.error();
    out.id = *id;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<WorkOrderAttachment> WorkOrderRepository::get_attachment(std::int64_t order_id,
                                                                std::int64_t attachment_id) {
  return sql::read_result<WorkOrderAttachment>(
      db_, [&](Connection& conn) -> Result<WorkOrderAttachment> {
        Value p[] = {Value{attachment_id}, Value{order_id}};
        auto row = conn.query_one(
            "SELECT id, order_id, sha256, file_name, content_type, size_bytes, uploaded_by, "
            "uploaded_at FROM work_order_attachments WHERE id = $1 AND order_id = $2",
            p);
        if (!row.ok()) return row.error();
        if (!*row) return sql::not_found("attachment_not_found", "no such attachment");
        const Row& r = **row;
        return WorkOrderAttachment{r.i64(0), r.i64(1),    r.text(2),   r.text(3),
                                   r.text(4), r.i64(5), r.opt_i64(6), sql::time_at(r, 7)};
      });
}

Result<WorkOrderDetail> WorkOrderRepository::edit(std::int64_t id, const WorkOrderEdit& e) {
  std::optional<std::string> phone;
  if (e.phone) {
    phone = "";
    if (!e.phone->empty()) {
      auto n = normalize_phone(*e.phone);
      if (!n.ok()) {
        Error err = n.error();
        err.field = "phone";
        return err;
      }
      phone = *n;
    }
  }
  TimePoint now = clock_.now();
  Status st = db_.write([&](Connection& conn) -> Status {
    auto order = load(conn, id);
    if (!order.ok()) return order.error();
    if (!*order || !e.scope.contains((*order)->region_code)) return order_not_found();
    const WorkOrder& o = **order;
    OrderState state = o.progress.state;
    if (state == OrderState::kClosed || state == OrderState::kMerged)
      return sql::conflict("work_order_closed",
                           "order " + o.number + " is " + std::string(workflow::to_string(state)) +
                               " and can no longer be edited (reopen it first)");
    auto type = WorkOrderTypeRepository::load(conn, o.type_code, /*enabled_only=*/false);
    if (!type.ok()) return type.error();
    if (!*type) return sql::not_found("work_order_type_not_found", "the order's type is gone");
    const workflow::OrderType& t = **type;

    nlohmann::json changes = nlohmann::json::object();
    std::vector<std::string> sets;
    std::vector<Value> values;
    auto change = [&](const char* field, const char* column, const std::string& from,
                      const std::string& to) {
      if (from == to) return;
      changes[field] = {{"from", from}, {"to", to}};
      values.push_back(Value{to});
      sets.push_back(std::string(column) + " = $" + std::to_string(values.size()));
    };
    if (e.description) {
      if (e.description->empty() && t.requires_field("description"))
        return sql::invalid("missing_field", "a " + t.name + " order needs 'description'",
                            "description");
      change("description", "description", o.description, *e.description);
    }
    if (e.subtype) {
      if (e.subtype->empty() && t.requires_field("subtype"))
        return sql::invalid("missing_field", "a " + t.name + " order needs 'subtype'", "subtype");
      if (!e.subtype->empty() && !t.find_subtype(*e.subtype)) {
        std::string allowed;
        for (const workflow::Subtype& sub : t.subtypes)
          allowed += (allowed.empty() ? "" : ", ") + sub.code;
        return sql::invalid("invalid_subtype",
                            "'" + *e.subtype + "' is not a subtype of " + t.code +
                                (allowed.empty() ? " (it has none)" : " (one of: " + allowed + ")"),
                            "subtype");
      }
      change("subtype", "subtype", o.subtype, *e.subtype);
    }
    if (phone) change("phone", "phone", o.phone, *phone);
    if (e.fields_json) {
      auto before = nlohmann::json::parse(o.fields_json, nullptr, false);
      auto after = nlohmann::json::parse(*e.fields_json, nullptr, false);
      if (before != after) {
        changes["fields"] = {{"from", before.is_discarded() ? nlohmann::json::object() : before},
                             {"to", after}};
        values.push_back(Value{*e.fields_json});
        sets.push_back("fields = $" + std::to_string(values.size()));
      }
    }
    if (e.region_code && *e.region_code != o.region_code) {
      if (state != OrderState::kNew)
        return sql::conflict("work_order_dispatched",
                             "order " + o.number + " is already " +
                                 std::string(workflow::to_string(state)) +
                                 "; its region can change only before it is dispatched",
                             "region");
      Value rp[] = {Value{*e.region_code}};
      auto region = conn.query_one("SELECT area_class FROM regions WHERE code = $1", rp);
      if (!region.ok()) return region.error();
      if (!*region)
        return sql::not_found("region_not_found", "no region " + *e.region_code, "region");
      if (!e.scope.contains(*e.region_code))
        return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                          "region " + *e.region_code + " is outside yours", "region");
      change("region", "region_code", o.region_code, *e.region_code);
      values.push_back(Value{(*region)->text(0)});
      sets.push_back("area_class = $" + std::to_string(values.size()));
      values.push_back(
          Value{workflow::responsible_region_for(t, o.progress.step, *e.region_code)});
      sets.push_back("responsible_region = $" + std::to_string(values.size()));
    }
    if (changes.empty()) return ok_status();
    values.push_back(sql::ms(now));
    sets.push_back("updated_at = $" + std::to_string(values.size()));
    values.push_back(Value{id});
    std::string sql = "UPDATE work_orders SET ";
    for (std::size_t i = 0; i < sets.size(); ++i) sql += (i ? ", " : "") + sets[i];
    sql += " WHERE id = $" + std::to_string(values.size());
    auto up = conn.exec(sql, values);
    if (!up.ok()) return up.error();
    std::string note = e.note;
    if (note.empty()) {
      note = "edited:";
      for (const auto& [field, _] : changes.items()) note += " " + field;
    }
    SY_TRY(append_transition(conn, id, now, e.actor_user_id, state, state, "edit", note));
    return set_last_transition_data(conn, id, nlohmann::json{{"changes", changes}}.dump());
  });
  if (!st.ok()) return st.error();
  return get(id, RegionScope::all());
}

Result<std::vector<std::pair<std::int64_t, std::string>>> WorkOrderRepository::transition_data(
    std::int64_t order_id) {
  using Out = std::vector<std::pair<std::int64_t, std::string>>;
  return sql::read_result<Out>(db_, [&](Connection& conn) -> Result<Out> {
    Value p[] = {Value{order_id}};
    auto rows = conn.query(
        "SELECT id, data FROM work_order_transitions WHERE order_id = $1 AND data IS NOT NULL "
        "ORDER BY id",
        p);
    if (!rows.ok()) return rows.error();
    Out out;
    for (const Row& r : *rows) out.emplace_back(r.i64(0), r.text(1));
    return out;
  });
}

Result<std::vector<WorkOrderAssignee>> WorkOrderRepository::assignees(std::int64_t id,
                                                                      const RegionScope& scope) {
  using Out = std::vector<WorkOrderAssignee>;
  return sql::read_result<Out>(db_, [&](Connection& conn) -> Result<Out> {
    auto order = load(conn, id);
    if (!order.ok()) return order.error();
    if (!*order || !scope.contains((*order)->region_code)) return order_not_found();
    const WorkOrder& o = **order;
    // Users who can see the order: bound to its region or one above it.
    std::vector<std::string> covering = ancestor_codes(o.region_code);
    std::string sql =
        "SELECT u.id, u.username, u.display_name, u.role, u.region_code, (SELECT COUNT(*) FROM "
        "work_orders w WHERE w.assignee_user_id = u.id AND w.state NOT IN ('closed', 'merged')) "
        "FROM users u WHERE u.disabled = 0 AND u.role IN ('backoffice', 'field') AND "
        "u.region_code IN (";
    std::vector<Value> values;
    for (const std::string& code : covering) {
      values.push_back(Value{code});
      sql += (values.size() > 1 ? ", $" : "$") + std::to_string(values.size());
    }
    sql += ") ORDER BY u.role, u.region_code DESC, u.username";
    auto rows = conn.query(sql, values);
    if (!rows.ok()) return rows.error();
    std::string responsible = o.progress.responsible_region.empty()
                                  ? o.region_code
                                  : o.progress.responsible_region;
    Out out;
    for (const Row& r : *rows) {
      std::string region = r.text(4);
      // Inside the responsible region (an escalated order widens it) and the caller's regions.
      if (!in_scope(region, responsible) || !scope.contains(region)) continue;
      out.push_back(WorkOrderAssignee{r.i64(0), r.text(1), r.text(2), r.text(3), region,
                                      r.i64(5)});
    }
    return out;
  });
}

namespace work_order_sql {

Result<std::vector<WorkOrderSummary>> open_for_customer(Connection& conn,
                                                        std::int64_t customer_id) {
  static const std::string kSql =
      "SELECT id, number, type_code, state, created_at FROM work_orders"
      " WHERE customer_id = $1 AND state NOT IN ('closed', 'merged')"
      " ORDER BY created_at DESC, id DESC LIMIT 10";
  Value p[] = {Value{customer_id}};
  auto rows = conn.query(kSql, p);
  if (!rows.ok()) return rows.error();
  std::vector<WorkOrderSummary> out;
  for (const Row& r : *rows)
    out.push_back(WorkOrderSummary{r.i64(0), r.text(1), r.text(2), r.text(3), sql::time_at(r, 4)});
  return out;
}

}  // namespace work_order_sql

}  // namespace sy::store
