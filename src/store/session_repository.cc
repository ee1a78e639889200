// Sessions: SQL for sign-in sessions (see session_repository.h).
#include "store/session_repository.h"

#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {

Status SessionRepository::create(const Session& session) {
  return db_.write([&](Connection& conn) -> Status {
    Value u[] = {Value{session.user_id}};
    auto found = sql::exists(conn, "SELECT 1 FROM users WHERE id = $1", u);
    if (!found.ok()) return found.error();
    if (!*found) return sql::not_found("user_not_found", "no user with this id");
    Value p[] = {Value{session.token_hash}, Value{session.user_id}, Value{session.csrf_token},
                 sql::ms(session.created_at), sql::ms(session.expires_at)};
    auto r = conn.exec(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
}

Result<SessionWithUser> SessionRepository::find_active(const std::string& token_hash,
                                                       TimePoint now) {
  static const std::string kSql =
      std::string("SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, ") +
      codec::kUserColumns +
      " FROM sessions s JOIN users u ON u.id = s.user_id"
      " WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0";
  std::optional<SessionWithUser> out;
  Status st = db_.read([&](Connection& conn) -> Status {
    Value p[] = {Value{token_hash}, sql::ms(now)};
    auto row = conn.query_one(kSql, p);
    if (!row.ok()) return row.error();
    if (!*row) {
      return make_error(ErrorKind::kUnauthenticated, "session_not_found",
                        "not signed in or the session expired");
    }
    const Row& r = **row;
    SessionWithUser s;
    s.session.token_hash = r.text(0);
    s.session.user_id = r.i64(1);
    s.session.csrf_token = r.text(2);
    s.session.created_at = sql::time_at(r, 3);
    s.session.expires_at = sql::time_at(r, 4);
    s.user = codec::user_from_row(r, 5);
    out = std::move(s);
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return std::move(*out);
}

Status SessionRepository::remove(const std::string& token_hash) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{token_hash}};
    auto r = conn.exec("DELETE FROM sessions WHERE token_hash = $1", p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
}

Result<std::int64_t> SessionRepository::remove_all_for_user(std::int64_t user_id) {
  std::int64_t n = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{user_id}};
    auto r = conn.exec("DELETE FROM sessions WHERE user_id = $1", p);
    if (!r.ok()) return r.error();
    n = *r;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return n;
}

Result<std::int64_t> SessionRepository::purge_expired(TimePoint now) {
  std::int64_t n = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {sql::ms(now)};
    auto r = conn.exec("DELETE FROM sessions WHERE expires_at <= $1", p);
    if (!r.ok()) return r.error();
    n = *r;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return n;
}

}  // namespace sy::store
