// Work-order types and the business calendar (see work_order_type_repository.h).
#include "store/work_order_type_repository.h"

#include <map>
#include <mutex>

#include "store/sql_support.h"

namespace sy::store {
namespace {

using workflow::OrderType;

Error type_not_found(const std::string& code) {
  return sql::not_found("work_order_type_not_found", "no work-order type '" + code + "'");
}

Result<StoredOrderType> decode(const Row& row) {
  // definition, enabled, shipped, updated_at
  auto json = nlohmann::json::parse(row.text(0), nullptr, false);
  if (json.is_discarded())
    return make_error(ErrorKind::kInternal, "corrupt_work_order_type",
                      "a stored work-order type definition is not JSON");
  auto type = workflow::parse_order_type(json);
  if (!type) {
    return make_error(ErrorKind::kInternal, "corrupt_work_order_type",
                      "a stored work-order type definition is invalid: " + type.error().message);
  }
  return StoredOrderType{std::move(*type), row.i64(1) != 0, row.i64(2) != 0,
                         sql::time_at(row, 3)};
}

constexpr const char* kColumns = "definition, enabled, shipped, updated_at";

Status upsert(Connection& conn, const OrderType& t, bool shipped, std::int64_t now,
              bool only_if_missing) {
  Value p[] = {Value{t.code}, Value{t.name}, Value{t.category}, Value{workflow::to_json(t).dump()},
               sql::flag(shipped), Value{now}};
  std::string sql =
      "INSERT INTO work_order_types (code, name, category, definition, enabled, shipped, "
      "updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (code) DO ";
  sql += only_if_missing ? "NOTHING"
                         : "UPDATE SET name = excluded.name, category = excluded.category, "
                           "definition = excluded.definition, enabled = 1, "
                           "updated_at = excluded.updated_at";
  auto r = conn.exec(sql, p);
  if (!r.ok()) return r.error();
  return ok_status();
}

}  // namespace

Status WorkOrderTypeRepository::install_shipped() {
  if (installed_.load()) return ok_status();
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    for (const OrderType& t : workflow::shipped_order_types())
      SY_TRY(upsert(conn, t, true, now, /*only_if_missing=*/true));
    return ok_status();
  });
  if (st.ok()) installed_.store(true);
  return st;
}

Result<std::vector<StoredOrderType>> WorkOrderTypeRepository::list(bool include_disabled) {
  SY_TRY(install_shipped());
  std::string sql = std::string("SELECT ") + kColumns + " FROM work_order_types";
  if (!include_disabled) sql += " WHERE enabled = 1";
  sql += " ORDER BY code";
  return sql::read_result<std::vector<StoredOrderType>>(
      db_, [&](Connection& conn) -> Result<std::vector<StoredOrderType>> {
        auto rows = conn.query(sql);
        if (!rows.ok()) return rows.error();
        std::vector<StoredOrderType> out;
        for (const Row& r : *rows) {
          auto t = decode(r);
          if (!t.ok()) return t.error();
          out.push_back(std::move(*t));
        }
        return out;
      });
}

Result<StoredOrderType> WorkOrderTypeRepository::get(const std::string& code) {
  SY_TRY(install_shipped());
  return sql::read_result<StoredOrderType>(db_, [&](Connection& conn) -> Result<StoredOrderType> {
    Value p[] = {Value{code}};
    auto row = conn.query_one(std::string("SELECT ") + kColumns +
                                  " FROM work_order_types WHERE code = $1",
                              p);
    if (!row.ok()) return row.error();
    if (!*row) return type_not_found(code);
    return decode(**row);
  });
}

Result<StoredOrderType> WorkOrderTypeRepository::create(const OrderType& type) {
  SY_TRY(install_shipped());
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{type.code}};
    auto found = sql::exists(conn, "SELECT 1 FROM work_order_types WHERE code = $1", p);
    if (!found.ok()) return found.error();
    if (*found)
      return sql::conflict("work_order_type_exists",
                           "a work-order type '" + type.code + "' exists already", "code");
    return upsert(conn, type, false, now, true);
  });
  if (!st.ok()) return st.error();
  return get(type.code);
}

Result<StoredOrderType> WorkOrderTypeRepository::update(const std::string& code,
                                                        const OrderType& type) {
  if (type.code != code)
    return sql::invalid("code_mismatch", "the definition's code must be '" + code + "'", "code");
  SY_TRY(install_shipped());
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{code}};
    auto found = sql::exists(conn, "SELECT 1 FROM work_order_types WHERE code = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) return type_not_found(code);
    return upsert(conn, type, false, now, false);
  });
  if (!st.ok()) return st.error();
  return get(code);
}

Status WorkOrderTypeRepository::disable(const std::string& code) {
  SY_TRY(install_shipped());
  std::int64_t now = to_unix_ms(clock_.now());
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{now}, Value{code}};
    auto r = conn.exec("UPDATE work_order_types SET enabled = 0, updated_at = $1 WHERE code = $2",
                       p);
    if (!r.ok()) return r.error();
    if (*r == 0) return type_not_found(code);
    return ok_status();
  });
}

Result<workflow::BusinessCalendar> WorkOrderTypeRepository::calendar() {
  return sql::read_result<workflow::BusinessCalendar>(
      db_, [](Connection& conn) { return load_calendar(conn); });
}

Status WorkOrderTypeRepository::set_calendar(const std::vector<std::string>& holidays,
                                             const std::vector<std::string>& workdays) {
  for (std::size_t i = 0; i < holidays.size(); ++i)
    if (!workflow::parse_date(holidays[i]))
      return sql::invalid("invalid_date", "'" + holidays[i] + "' is not a date YYYY-MM-DD",
                          "holidays[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < workdays.size(); ++i)
    if (!workflow::parse_date(workdays[i]))
      return sql::invalid("invalid_date", "'" + workdays[i] + "' is not a date YYYY-MM-DD",
                          "workdays[" + std::to_string(i) + "]");
  return db_.write([&](Connection& conn) -> Status {
    auto del = conn.exec("DELETE FROM business_calendar_days");
    if (!del.ok()) return del.error();
    auto add = [&](const std::string& day, const char* kind) -> Status {
      Value p[] = {Value{day}, Value{std::string(kind)}};
      auto r = conn.exec(
          "INSERT INTO business_calendar_days (day, kind) VALUES ($1, $2) "
          "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind",
          p);
      if (!r.ok()) return r.error();
      return ok_status();
    };
    for (const auto& d : holidays) SY_TRY(add(d, "holiday"));
    for (const auto& d : workdays) SY_TRY(add(d, "workday"));
    return ok_status();
  });
}

Result<std::optional<OrderType>> WorkOrderTypeRepository::load(Connection& conn,
                                                                const std::string& code,
                                                                bool enabled_only) {
  Value p[] = {Value{code}};
  auto row = conn.query_one(std::string("SELECT ") + kColumns +
                                " FROM work_order_types WHERE code = $1" +
                                (enabled_only ? " AND enabled = 1" : ""),
                            p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<OrderType>();
  // Parsed definitions are kept by their text: every create needs its type, and parsing the
  // JSON each time would cost the writer thread more than the insert itself.
  static std::mutex mu;
  static std::map<std::string, std::pair<std::string, OrderType>> parsed;
  std::string text = (*row)->text(0);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = parsed.find(code);
    if (it != parsed.end() && it->second.first == text)
      return std::optional<OrderType>(it->second.second);
  }
  auto t = decode(**row);
  if (!t.ok()) return t.error();
  std::lock_guard<std::mutex> lock(mu);
  parsed[code] = {std::move(text), t->type};
  return std::optional<OrderType>(std::move(t->type));
}

Result<workflow::BusinessCalendar> WorkOrderTypeRepository::load_calendar(Connection& conn) {
  auto rows = conn.query("SELECT day, kind FROM business_calendar_days ORDER BY day");
  if (!rows.ok()) return rows.error();
  workflow::BusinessCalendar cal;
  for (const Row& r : *rows) {
    Status st = r.text(1) == "workday" ? cal.add_make_up_workday(r.text(0))
                                       : cal.add_holiday(r.text(0));
    if (!st.ok()) return st.error();
  }
  return cal;
}

}  // namespace sy::store
