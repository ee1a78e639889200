// Audit log: SQL for audit rows (see audit_repository.h).
#include "store/audit_repository.h"

#include "store/sql_support.h"

namespace sy::store {

Status AuditRepository::append_in(Connection& conn, TimePoint at,
                                  std::optional<std::int64_t> user_id, const std::string& action,
                                  const std::string& target, const std::string& detail_json) {
  if (action.empty()) return sql::invalid("invalid_action", "action is required", "action");
  Value p[] = {sql::ms(at), int_or_null(user_id), Value{action}, Value{target}, Value{detail_json}};
  auto r = conn.exec(
      "INSERT INTO audit_log (at, user_id, action, target, detail) VALUES ($1, $2, $3, $4, $5)", p);
  if (!r.ok()) return r.error();
  return ok_status();
}

Result<AuditEntry> AuditRepository::append(std::optional<std::int64_t> user_id,
                                           const std::string& action, const std::string& target,
                                           const std::string& detail_json) {
  if (action.empty()) return sql::invalid("invalid_action", "action is required", "action");
  AuditEntry e{0, from_unix_ms(to_unix_ms(clock_.now())), user_id, action, target, detail_json};
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {sql::ms(e.at), int_or_null(user_id), Value{action}, Value{target},
                 Value{detail_json}};
    auto id = conn.insert_returning_id(
        "INSERT INTO audit_log (at, user_id, action, target, detail) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        p);
    if (!id.ok()) return id.error();
    e.id = *id;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return e;
}

Result<PageResult<AuditEntry>> AuditRepository::list(const AuditFilter& filter,
                                                     const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (filter.user_id) f.where("user_id = " + f.param(Value{*filter.user_id}));
  if (!filter.action.empty()) {
    if (filter.action.back() == '.') {
      f.where("action LIKE " + f.param(Value{sql::like_prefix(filter.action)}) + " ESCAPE '\\'");
    } else {
      f.where("action = " + f.param(Value{filter.action}));
    }
  }
  if (!filter.target.empty()) f.where("target = " + f.param(Value{filter.target}));
  if (filter.from) f.where("at >= " + f.param(sql::ms(*filter.from)));
  if (filter.to) f.where("at < " + f.param(sql::ms(*filter.to)));
  return sql::read_result<PageResult<AuditEntry>>(db_, [&](Connection& conn) {
    return sql::fetch_page<AuditEntry>(
        conn, "SELECT id, at, user_id, action, target, detail", " FROM audit_log", f,
        "at DESC, id DESC", page, [](const Row& r) {
          return AuditEntry{r.i64(0),  sql::time_at(r, 1), r.opt_i64(2),
                            r.text(3), r.text(4),          r.text(5)};
        });
  });
}

}  // namespace sy::store
