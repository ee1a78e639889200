// Users: SQL for sign-in accounts (see user_repository.h).
#include "store/user_repository.h"

#include <cctype>
#include <vector>

#include "store/region_scope.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

const std::string kSelectUser = std::string("SELECT ") + codec::kUserColumns + " FROM users u";

Status check_username(const std::string& username) {
  bool ok = !username.empty() && username.size() <= 64;
  for (char c : username) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return sql::invalid("invalid_username",
                        "username must be 1 to 64 letters, digits, '.', '_' or '-'", "username");
  }
  return ok_status();
}

Result<User> load(Connection& conn, std::int64_t id) {
  Value p[] = {Value{id}};
  auto row = conn.query_one(kSelectUser + " WHERE u.id = $1", p);
  if (!row.ok()) return row.error();
  if (!*row) return sql::not_found("user_not_found", "no user with this id");
  return codec::user_from_row(**row);
}

// Checks the references and unique values a create or update would set, so the caller gets a
// precise code instead of a constraint message.
Status check_refs(Connection& conn, std::int64_t self_id, const std::optional<std::string>& region,
                  const std::optional<std::string>& extension) {
  if (region) {
    Value p[] = {Value{*region}};
    auto found = sql::exists(conn, "SELECT 1 FROM regions WHERE code = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) return sql::not_found("region_not_found", "no region " + *region, "region_code");
  }
  if (extension) {
    Value p[] = {Value{*extension}, Value{self_id}};
    auto taken = sql::exists(conn,
                             "SELECT 1 FROM users WHERE extension = $1 AND id <> $2 UNION ALL "
                             "SELECT 1 FROM seats WHERE extension = $1",
                             p);
    if (!taken.ok()) return taken.error();
    if (*taken) {
      return sql::conflict("extension_taken", "extension " + *extension + " is in use",
                           "extension");
    }
  }
  return ok_status();
}

// A mobile number as SMS need it: normalised, 11 digits beginning with 1.
Result<std::optional<std::string>> normal_mobile(const std::optional<std::string>& mobile) {
  if (!mobile || mobile->empty()) return std::optional<std::string>();
  auto n = normalize_phone(*mobile);
  if (!n.ok() || n->size() != 11 || (*n)[0] != '1')
    return sql::invalid("invalid_mobile", "'" + *mobile + "' is not a mobile number", "mobile");
  return std::optional<std::string>(*n);
}

Error map_write_error(const Error& e) {
  if (sql::is_unique_violation(e, "username")) {
    return sql::conflict("username_taken", "username is taken", "username");
  }
  if (sql::is_unique_violation(e, "extension")) {
    return sql::conflict("extension_taken", "extension is in use", "extension");
  }
  return e;
}

}  // namespace

Result<User> UserRepository::create(const NewUser& user) {
  SY_TRY(check_username(user.username));
  if (user.password_hash.empty()) {
    return sql::invalid("invalid_password_hash", "password hash is empty", "password");
  }
  auto mobile = normal_mobile(user.mobile);
  if (!mobile.ok()) return mobile.error();
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{user.username}};
    auto taken = sql::exists(conn, "SELECT 1 FROM users WHERE username = $1", p);
    if (!taken.ok()) return taken.error();
    if (*taken) return sql::conflict("username_taken", "username is taken", "username");
    SY_TRY(check_refs(conn, 0, user.region_code, user.extension));
    Value ins[] = {Value{user.username},
                   Value{user.display_name},
                   Value{std::string(auth::to_string(user.role))},
                   text_or_null(user.region_code),
                   text_or_null(user.extension),
                   Value{user.password_hash},
                   Value{now},
                   Value{now},
                   text_or_null(*mobile)};
    auto r = conn.insert_returning_id(
        "INSERT INTO users (username, display_name, role, region_code, extension, "
        "password_hash, created_at, updated_at, mobile) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9) RETURNING id",
        ins);
    if (!r.ok()) return map_write_error(r.error());
    id = *r;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<User> UserRepository::get(std::int64_t id) {
  return sql::read_result<User>(db_, [&](Connection& conn) { return load(conn, id); });
}

Result<User> UserRepository::get_by_username(const std::string& username) {
  return sql::read_result<User>(db_, [&](Connection& conn) -> Result<User> {
    Value p[] = {Value{username}};
    auto row = conn.query_one(kSelectUser + " WHERE u.username = $1", p);
    if (!row.ok()) return row.error();
    if (!*row) return sql::not_found("user_not_found", "no user " + username, "username");
    return codec::user_from_row(**row);
  });
}

Result<PageResult<User>> UserRepository::list(const UserFilter& filter, const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (filter.role)
    f.where("u.role = " + f.param(Value{std::string(auth::to_string(*filter.role))}));
  if (!filter.scope.empty()) {
    // A regional admin sees users bound inside the region, not the province-wide ones.
    f.scope("u.region_code", RegionScope(filter.scope));
  }
  if (!filter.q.empty()) {
    std::string p = f.param(Value{sql::like_contains(filter.q)});
    f.where("lower(u.username) LIKE lower(" + p +
            ") ESCAPE '\\' OR lower(u.display_name) LIKE lower(" + p + ") ESCAPE '\\'");
  }
  if (filter.disabled) f.where("u.disabled = " + f.param(sql::flag(*filter.disabled)));
  return sql::read_result<PageResult<User>>(db_, [&](Connection& conn) {
    return sql::fetch_page<User>(conn, std::string("SELECT ") + codec::kUserColumns,
                                 " FROM users u", f, "u.username", page,
                                 [](const Row& r) { return codec::user_from_row(r); });
  });
}

Result<User> UserRepository::update(std::int64_t id, const UserUpdate& update) {
  std::optional<std::string> mobile;
  if (update.mobile) {
    auto m = normal_mobile(*update.mobile);
    if (!m.ok()) return m.error();
    mobile = *m;
  }
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, id);
    if (!current.ok()) return current.error();
    User u = std::move(*current);
    if (update.display_name) u.display_name = *update.display_name;
    if (update.role) u.role = *update.role;
    if (update.region_code) u.region_code = *update.region_code;
    if (update.extension) u.extension = *update.extension;
    if (update.mobile) u.mobile = mobile;
    if (update.disabled) u.disabled = *update.disabled;
    if (update.password_hash) {
      if (update.password_hash->empty()) {
        return sql::invalid("invalid_password_hash", "password hash is empty", "password");
      }
      u.password_hash = *update.password_hash;
      u.failed_logins = 0;
      u.locked_until.reset();
    }
    SY_TRY(check_refs(conn, id, update.region_code ? u.region_code : std::nullopt,
                      update.extension ? u.extension : std::nullopt));
    Value p[] = {Value{u.display_name},
                 Value{std::string(auth::to_string(u.role))},
                 text_or_null(u.region_code),
                 text_or_null(u.extension),
                 sql::flag(u.disabled),
                 Value{u.password_hash},
                 Value{std::int64_t{u.failed_logins}},
                 sql::opt_ms(u.locked_until),
                 Value{now},
                 Value{id},
                 text_or_null(u.mobile)};
    auto r = conn.exec(
        "UPDATE users SET display_name = $1, role = $2, region_code = $3, extension = $4, "
        "disabled = $5, password_hash = $6, failed_logins = $7, locked_until = $8, "
        "updated_at = $9, mobile = $11 WHERE id = $10",
        p);
    if (!r.ok()) return map_write_error(r.error());
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<auth::LoginCounters> UserRepository::record_login_failure(
    std::int64_t id, const auth::LockoutPolicy& policy) {
  TimePoint now = from_unix_ms(to_unix_ms(clock_.now()));  // as stored: ms
  auth::LoginCounters after;
  Status st = db_.write([&](Connection& conn) -> Status {
    auto u = load(conn, id);
    if (!u.ok()) return u.error();
    after = auth::after_failure({u->failed_logins, u->locked_until}, policy, now);
    Value p[] = {Value{std::int64_t{after.failed_logins}}, sql::opt_ms(after.locked_until),
                 sql::ms(now), Value{id}};
    auto r = conn.exec(
        "UPDATE users SET failed_logins = $1, locked_until = $2, updated_at = $3 WHERE id = $4", p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return after;
}

Status UserRepository::record_login_success(std::int64_t id) {
  // Most sign-ins follow no failure: check on a read connection and skip the durable write.
  auto user = get(id);
  if (!user.ok()) return user.error();
  if (user->failed_logins == 0 && !user->locked_until) return ok_status();
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto r = conn.exec("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
}

Result<std::int64_t> UserRepository::count_admins() {
  std::int64_t n = 0;
  Status st = db_.read([&](Connection& conn) -> Status {
    auto c =
        sql::count(conn, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0", {});
    if (!c.ok()) return c.error();
    n = *c;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return n;
}

}  // namespace sy::store
