// Work orders (see work_order_repository.h). The workflow engine decides; this file gathers
// the facts it needs, and writes its decision with the audit row in the same unit of work.
// Numbering, the search queries and the deadline sweep have files of their own
// (work_order_numbering.cc, work_order_search.cc, work_order_deadlines.cc).
#include "store/work_order_repository.h"

#include <nlohmann/json.hpp>

#include "store/outage_queries.h"
#include "store/sql_support.h"
#include "store/work_order_rows.h"

namespace sy::store {
namespace {

using workflow::Action;
using workflow::OrderState;
using work_order_rows::append_transition;
using work_order_rows::load;
using work_order_rows::number_day;
using work_order_rows::order_not_found;
using work_order_rows::queue_sms;
using work_order_rows::save_progress;
using work_order_rows::state_value;

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
    if (Status st = (*type)->check_field_values(
            nlohmann::json::parse(o.fields_json, nullptr, false));
        !st)
      return st.error();
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

Result<WorkOrderDetail> WorkOrderRepository::get(std::int64_t id, const RegionScope& scope) {
  return sql::read_result<WorkOrderDetail>(
      db_, [&](Connection& conn) { return load_detail(conn, id, scope); });
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
      if (Status st = t.check_field_values(after); !st) return st.error();
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

}  // namespace sy::store
