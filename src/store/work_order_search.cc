// Work-order queries: by number, the filtered and paged search (the list and its exports), and
// a customer's open orders for the screen pop.
#include "store/sql_support.h"
#include "store/work_order_rows.h"

namespace sy::store {

using work_order_rows::decode;
using work_order_rows::kColumns;
using work_order_rows::kFrom;
using work_order_rows::order_not_found;

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
