// Seat phones: SQL (see seat_repository.h).
#include "store/seat_repository.h"

#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kSelect =
    "SELECT s.id, s.extension, s.sip_ha1, s.sip_realm, s.region_code, s.label, s.created_at, "
    "s.updated_at";
constexpr const char* kFrom = " FROM seats s";

Seat seat_from_row(const Row& r) {
  Seat s;
  s.id = r.i64(0);
  s.extension = r.text(1);
  s.sip_ha1 = r.text(2);
  s.sip_realm = r.text(3);
  s.region_code = r.text(4);
  s.label = r.text(5);
  s.created_at = sql::time_at(r, 6);
  s.updated_at = sql::time_at(r, 7);
  return s;
}

Result<Seat> load(Connection& conn, std::string_view where, const Value& key) {
  Value p[] = {key};
  auto row = conn.query_one(std::string(kSelect) + kFrom + " WHERE " + std::string(where), p);
  if (!row.ok()) return row.error();
  if (!*row) return sql::not_found("seat_not_found", "no such seat");
  return seat_from_row(**row);
}

std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

Status check_fields(const std::optional<std::string>& extension,
                    const std::optional<std::string>& ha1, const std::optional<std::string>& label) {
  if (extension) {
    bool ok = extension->size() >= 2 && extension->size() <= 16 &&
              extension->find_first_not_of("0123456789") == std::string::npos;
    if (!ok) return sql::invalid("invalid_extension", "an extension is 2 to 16 digits", "extension");
  }
  if (ha1 && ha1->empty())
    return sql::invalid("invalid_sip_ha1", "a seat phone needs its SIP password", "sip_password");
  if (label && characters(*label) > 64)
    return sql::invalid("invalid_label", "a seat label is at most 64 characters", "label");
  return ok_status();
}

Status check_region(Connection& conn, const std::string& code) {
  Value p[] = {Value{code}};
  auto found = sql::exists(conn, "SELECT 1 FROM regions WHERE code = $1", p);
  if (!found.ok()) return found.error();
  if (!*found) return sql::not_found("region_not_found", "no region " + code, "region_code");
  return ok_status();
}

// No user, agent or other seat has the extension.
Status check_extension_free(Connection& conn, const std::string& ext, std::int64_t seat_id) {
  Value p[] = {Value{ext}, Value{seat_id}};
  auto taken = sql::exists(conn,
                           "SELECT 1 FROM users WHERE extension = $1 UNION ALL "
                           "SELECT 1 FROM agents WHERE extension = $1 UNION ALL "
                           "SELECT 1 FROM seats WHERE extension = $1 AND id <> $2",
                           p);
  if (!taken.ok()) return taken.error();
  if (*taken)
    return sql::conflict("extension_taken", "extension " + ext + " is in use", "extension");
  return ok_status();
}

Error unique_or(const Error& e) {
  if (sql::is_unique_violation(e, "extension"))
    return sql::conflict("extension_taken", "extension is in use", "extension");
  return e;
}

}  // namespace

Result<Seat> SeatRepository::create(const NewSeat& seat) {
  SY_TRY(check_fields(seat.extension, seat.sip_ha1, seat.label));
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    SY_TRY(check_region(conn, seat.region_code));
    SY_TRY(check_extension_free(conn, seat.extension, 0));
    Value p[] = {Value{seat.extension}, Value{seat.sip_ha1},   Value{seat.sip_realm},
                 Value{seat.region_code}, Value{seat.label}, Value{now}};
    auto r = conn.insert_returning_id(
        "INSERT INTO seats (extension, sip_ha1, sip_realm, region_code, label, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        p);
    if (!r.ok()) return unique_or(r.error());
    id = *r;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<Seat> SeatRepository::get(std::int64_t id) {
  return sql::read_result<Seat>(db_, [&](Connection& c) { return load(c, "s.id = $1", Value{id}); });
}

Result<Seat> SeatRepository::get_by_extension(const std::string& extension) {
  return sql::read_result<Seat>(
      db_, [&](Connection& c) { return load(c, "s.extension = $1", Value{extension}); });
}

Result<PageResult<Seat>> SeatRepository::list(const SeatFilter& filter, const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (!filter.scope.empty()) f.scope("s.region_code", RegionScope(filter.scope));
  if (!filter.q.empty()) {
    std::string p = f.param(Value{sql::like_contains(filter.q)});
    f.where("(s.extension LIKE " + p + " ESCAPE '\\' OR s.label LIKE " + p + " ESCAPE '\\')");
  }
  return sql::read_result<PageResult<Seat>>(db_, [&](Connection& conn) {
    return sql::fetch_page<Seat>(conn, kSelect, kFrom, f, "s.extension", page, seat_from_row);
  });
}

Result<std::vector<Seat>> SeatRepository::for_region(const std::string& scope) {
  return sql::read_result<std::vector<Seat>>(db_, [&](Connection& conn) -> Result<std::vector<Seat>> {
    auto rows = conn.query(std::string(kSelect) + kFrom + " ORDER BY s.extension");
    if (!rows.ok()) return rows.error();
    std::vector<Seat> out;
    for (const Row& r : *rows) {
      Seat s = seat_from_row(r);
      if (scope.empty() || in_scope(s.region_code, scope) || in_scope(scope, s.region_code))
        out.push_back(std::move(s));
    }
    return out;
  });
}

Result<Seat> SeatRepository::update(std::int64_t id, const SeatUpdate& update) {
  SY_TRY(check_fields(update.extension, update.sip_ha1, update.label));
  if (update.extension && !update.sip_ha1)
    return sql::invalid("sip_password_required", "a new extension needs the phone password too",
                        "sip_password");
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, "s.id = $1", Value{id});
    if (!current.ok()) return current.error();
    Seat s = std::move(*current);
    if (update.extension && *update.extension != s.extension) {
      SY_TRY(check_extension_free(conn, *update.extension, id));
      s.extension = *update.extension;
    }
    if (update.region_code) {
      SY_TRY(check_region(conn, *update.region_code));
      s.region_code = *update.region_code;
    }
    if (update.sip_ha1) s.sip_ha1 = *update.sip_ha1;
    if (update.sip_realm) s.sip_realm = *update.sip_realm;
    if (update.label) s.label = *update.label;
    Value p[] = {Value{s.extension}, Value{s.sip_ha1}, Value{s.sip_realm}, Value{s.region_code},
                 Value{s.label},     Value{now},       Value{id}};
    auto r = conn.exec(
        "UPDATE seats SET extension = $1, sip_ha1 = $2, sip_realm = $3, region_code = $4, "
        "label = $5, updated_at = $6 WHERE id = $7",
        p);
    if (!r.ok()) return unique_or(r.error());
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Status SeatRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto del = conn.exec("DELETE FROM seats WHERE id = $1", p);
    if (!del.ok()) return del.error();
    if (*del == 0) return sql::not_found("seat_not_found", "no such seat");
    return ok_status();
  });
}

}  // namespace sy::store
