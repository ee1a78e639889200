// Outages: SQL for outages and their affected areas (see outage_repository.h).
#include "store/outage_repository.h"

#include <algorithm>
#include <map>

#include "store/outage_queries.h"
#include "store/region_scope.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

const std::string kSelect = std::string("SELECT ") + codec::kOutageColumns + " FROM outages o";

Error outage_not_found() { return sql::not_found("outage_not_found", "no outage with this id"); }

std::vector<std::string> sorted_unique(std::vector<std::string> codes) {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

Status check_times(TimePoint starts_at, const std::optional<TimePoint>& ends_at) {
  if (ends_at && *ends_at < starts_at) {
    return sql::invalid("invalid_time_range", "ends_at is before starts_at", "ends_at");
  }
  return ok_status();
}

// Checks every code exists, then makes them the outage's areas (replacing any before).
Status write_areas(Connection& conn, std::int64_t id, const std::vector<std::string>& codes) {
  if (codes.empty()) {
    return sql::invalid("invalid_region_codes", "an outage affects at least one region",
                        "region_codes");
  }
  for (std::size_t i = 0; i < codes.size(); ++i) {
    Value p[] = {Value{codes[i]}};
    auto found = sql::exists(conn, "SELECT 1 FROM regions WHERE code = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) {
      return sql::not_found("region_not_found", "no region " + codes[i],
                            "region_codes[" + std::to_string(i) + "]");
    }
  }
  Value idp[] = {Value{id}};
  auto del = conn.exec("DELETE FROM outage_areas WHERE outage_id = $1", idp);
  if (!del.ok()) return del.error();
  for (const std::string& code : sorted_unique(codes)) {
    Value p[] = {Value{code}, Value{id}};
    auto r = conn.exec("INSERT INTO outage_areas (region_code, outage_id) VALUES ($1, $2)", p);
    if (!r.ok()) return r.error();
  }
  return ok_status();
}

// Fills region_codes of each outage with one indexed query per outage.
Status fill_areas(Connection& conn, std::vector<Outage>& outages) {
  for (Outage& o : outages) {
    Value p[] = {Value{o.id}};
    auto rows = conn.query(
        "SELECT region_code FROM outage_areas WHERE outage_id = $1 ORDER BY region_code", p);
    if (!rows.ok()) return rows.error();
    o.region_codes.clear();
    for (const Row& r : *rows) o.region_codes.push_back(r.text(0));
  }
  return ok_status();
}

Result<std::optional<Outage>> load(Connection& conn, std::int64_t id) {
  Value p[] = {Value{id}};
  auto row = conn.query_one(kSelect + " WHERE o.id = $1", p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Outage>();
  std::vector<Outage> one{codec::outage_from_row(**row)};
  SY_TRY(fill_areas(conn, one));
  return std::optional<Outage>(std::move(one.front()));
}

void add_scope_filter(sql::Filter& f, const std::string& scope_code) {
  if (scope_code.empty()) return;
  RegionScope scope(scope_code);
  // Outages on an area inside the scope, or on an ancestor that covers the whole scope.
  std::string clause = "EXISTS (SELECT 1 FROM outage_areas oa WHERE oa.outage_id = o.id AND ((" +
                       std::string("oa.region_code >= ") + f.param(Value{scope.lo()}) +
                       " AND oa.region_code < " + f.param(Value{scope.hi()}) + ")";
  for (const std::string& a : ancestor_codes(scope_code)) {
    clause += " OR oa.region_code = " + f.param(Value{a});
  }
  f.where(clause + "))");
}

}  // namespace

Result<Outage> OutageRepository::create(const NewOutage& o) {
  if (o.status != OutageStatus::kScheduled && o.status != OutageStatus::kActive) {
    return sql::invalid("invalid_status", "a new outage is scheduled or active", "status");
  }
  SY_TRY(check_times(o.starts_at, o.ends_at));
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{std::string(to_string(o.kind))},
                 Value{o.reason},
                 Value{o.description},
                 sql::ms(o.starts_at),
                 sql::opt_ms(o.ends_at),
                 Value{std::string(to_string(o.status))},
                 int_or_null(o.created_by),
                 Value{now},
                 Value{now}};
    auto r = conn.insert_returning_id(
        "INSERT INTO outages (kind, reason, description, starts_at, ends_at, status, "
        "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING id",
        p);
    if (!r.ok()) return r.error();
    id = *r;
    return write_areas(conn, id, o.region_codes);
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<Outage> OutageRepository::get(std::int64_t id) {
  return sql::read_result<Outage>(
      db_, [&](Connection& conn) { return sql::found_or(load(conn, id), outage_not_found()); });
}

Result<PageResult<Outage>> OutageRepository::list(const OutageFilter& filter,
                                                  const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (filter.status)
    f.where("o.status = " + f.param(Value{std::string(to_string(*filter.status))}));
  if (filter.kind) f.where("o.kind = " + f.param(Value{std::string(to_string(*filter.kind))}));
  if (filter.from) {
    std::string from = f.param(sql::ms(*filter.from));
    f.where("COALESCE(o.restored_at, o.ends_at, " + from + ") >= " + from);
  }
  if (filter.to) f.where("o.starts_at < " + f.param(sql::ms(*filter.to)));
  add_scope_filter(f, filter.scope);
  return sql::read_result<PageResult<Outage>>(
      db_, [&](Connection& conn) -> Result<PageResult<Outage>> {
        auto out =
            sql::fetch_page<Outage>(conn, std::string("SELECT ") + codec::kOutageColumns,
                                    " FROM outages o", f, "o.starts_at DESC, o.id DESC", page,
                                    [](const Row& r) { return codec::outage_from_row(r); });
        if (out.ok()) SY_TRY(fill_areas(conn, out->items));
        return out;
      });
}

Result<Outage> OutageRepository::update(std::int64_t id, const OutageUpdate& u) {
  TimePoint now = clock_.now();
  Status st = db_.write([&](Connection& conn) -> Status {
    auto cur = load(conn, id);
    if (!cur.ok()) return cur.error();
    if (!*cur) return outage_not_found();
    Outage o = std::move(**cur);
    if (u.status) {
      if (!outage_transition_allowed(o.status, *u.status)) {
        return sql::conflict("invalid_transition",
                             "an outage cannot go from " + std::string(to_string(o.status)) +
                                 " to " + std::string(to_string(*u.status)),
                             "status");
      }
      if (*u.status == OutageStatus::kRestored && !o.restored_at && !u.restored_at) {
        o.restored_at = now;
      }
      o.status = *u.status;
    }
    if (u.reason) o.reason = *u.reason;
    if (u.description) o.description = *u.description;
    if (u.starts_at) o.starts_at = *u.starts_at;
    if (u.ends_at) o.ends_at = *u.ends_at;
    if (u.restored_at) o.restored_at = *u.restored_at;
    SY_TRY(check_times(o.starts_at, o.ends_at));
    Value p[] = {Value{std::string(to_string(o.status))},
                 Value{o.reason},
                 Value{o.description},
                 sql::ms(o.starts_at),
                 sql::opt_ms(o.ends_at),
                 sql::opt_ms(o.restored_at),
                 sql::ms(now),
                 Value{id}};
    auto r = conn.exec(
        "UPDATE outages SET status = $1, reason = $2, description = $3, starts_at = $4, "
        "ends_at = $5, restored_at = $6, updated_at = $7 WHERE id = $8",
        p);
    if (!r.ok()) return r.error();
    if (u.region_codes) SY_TRY(write_areas(conn, id, *u.region_codes));
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<Outage> OutageRepository::cancel(std::int64_t id) {
  OutageUpdate u;
  u.status = OutageStatus::kCancelled;
  return update(id, u);
}

Status OutageRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto found = sql::exists(conn, "SELECT 1 FROM outages WHERE id = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) return outage_not_found();
    auto a = conn.exec("DELETE FROM outage_areas WHERE outage_id = $1", p);
    if (!a.ok()) return a.error();
    auto r = conn.exec("DELETE FROM outages WHERE id = $1", p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
}

Result<std::vector<Outage>> OutageRepository::active_or_planned_for_region(
    const std::string& region_code, TimePoint now) {
  std::vector<Outage> out;
  Status st = db_.read([&](Connection& conn) -> Status {
    auto found = outage_sql::current_for_region(conn, region_code, now);
    if (!found.ok()) return found.error();
    out = std::move(*found);
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

namespace outage_sql {

Result<std::vector<Outage>> current_for_region(Connection& conn, const std::string& region_code,
                                               TimePoint now) {
  // Always four code parameters (the chain padded with its last code) so the statement text is
  // the same for every caller and its prepared form is reused.
  static const std::string kSql =
      kSelect +
      " WHERE o.id IN (SELECT oa.outage_id FROM outage_areas oa"
      " WHERE oa.region_code IN ($1, $2, $3, $4))"
      " AND o.status IN ('scheduled', 'active') AND (o.ends_at IS NULL OR o.ends_at > $5)"
      " ORDER BY o.starts_at, o.id";
  std::vector<std::string> chain = ancestor_codes(region_code);
  if (chain.empty()) return std::vector<Outage>{};
  while (chain.size() < 4) chain.push_back(chain.back());
  Value p[] = {Value{chain[0]}, Value{chain[1]}, Value{chain[2]}, Value{chain[3]}, sql::ms(now)};
  auto rows = conn.query(kSql, p);
  if (!rows.ok()) return rows.error();
  std::vector<Outage> out;
  for (const Row& row : *rows) out.push_back(codec::outage_from_row(row));
  SY_TRY(fill_areas(conn, out));
  return out;
}

}  // namespace outage_sql

}  // namespace sy::store
