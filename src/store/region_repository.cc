// Regions: SQL for the region tree (see region_repository.h).
#include "store/region_repository.h"

#include <cctype>

#include "store/region_scope.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

const std::string kSelect = std::string("SELECT ") + codec::kRegionColumns + " FROM regions r";

Status check_area_class(const std::string& area_class) {
  if (area_class == "urban" || area_class == "rural" || area_class == "remote") return ok_status();
  return sql::invalid("invalid_area_class", "area_class must be urban, rural or remote",
                      "area_class");
}

Status check_region(const Region& r) {
  bool ok = !r.code.empty() && r.code.size() <= 32;
  for (char c : r.code) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-');
  if (!ok) {
    return sql::invalid("invalid_region_code", "code must be 1 to 32 letters, digits or '-'",
                        "code");
  }
  if (r.name.empty()) return sql::invalid("invalid_name", "name is required", "name");
  return check_area_class(r.area_class);
}

Result<std::optional<Region>> load(Connection& conn, const std::string& code) {
  Value p[] = {Value{code}};
  auto row = conn.query_one(kSelect + " WHERE r.code = $1", p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Region>();
  return std::optional<Region>(codec::region_from_row(**row));
}

Result<std::vector<Region>> rows_to_regions(Result<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.error();
  std::vector<Region> out;
  out.reserve(rows->size());
  for (const Row& row : *rows) out.push_back(codec::region_from_row(row));
  return out;
}

Error region_not_found(const std::string& code) {
  return sql::not_found("region_not_found", "no region " + code, "code");
}

}  // namespace

Result<std::vector<Region>> RegionRepository::list_all() {
  return sql::read_result<std::vector<Region>>(db_, [&](Connection& conn) {
    return rows_to_regions(conn.query(kSelect + " ORDER BY r.code"));
  });
}

Result<std::vector<Region>> RegionRepository::list_children(const std::string& parent_code) {
  return sql::read_result<std::vector<Region>>(db_, [&](Connection& conn) {
    if (parent_code.empty()) {
      return rows_to_regions(conn.query(kSelect + " WHERE r.parent_code IS NULL ORDER BY r.code"));
    }
    Value p[] = {Value{parent_code}};
    return rows_to_regions(conn.query(kSelect + " WHERE r.parent_code = $1 ORDER BY r.code", p));
  });
}

Result<std::vector<Region>> RegionRepository::list_subtree(const std::string& code) {
  return sql::read_result<std::vector<Region>>(
      db_, [&](Connection& conn) -> Result<std::vector<Region>> {
        auto self = load(conn, code);
        if (!self.ok()) return self.error();
        if (!*self) return region_not_found(code);
        RegionScope scope(code);
        Value p[] = {Value{scope.lo()}, Value{scope.hi()}};
        return rows_to_regions(
            conn.query(kSelect + " WHERE r.code >= $1 AND r.code < $2 ORDER BY r.code", p));
      });
}

Result<Region> RegionRepository::get(const std::string& code) {
  return sql::read_result<Region>(db_, [&](Connection& conn) {
    return sql::found_or(load(conn, code), region_not_found(code));
  });
}

Result<Region> RegionRepository::create(const Region& region) {
  SY_TRY(check_region(region));
  Status st = db_.write([&](Connection& conn) -> Status {
    auto existing = load(conn, region.code);
    if (!existing.ok()) return existing.error();
    if (*existing) return sql::conflict("region_code_taken", "region code is taken", "code");
    if (region.parent_code) {
      auto parent = load(conn, *region.parent_code);
      if (!parent.ok()) return parent.error();
      if (!*parent) {
        return sql::not_found("parent_not_found", "no region " + *region.parent_code,
                              "parent_code");
      }
    }
    Value p[] = {Value{region.code},       text_or_null(region.parent_code),
                 Value{region.name},       Value{std::string(to_string(region.level))},
                 Value{region.area_class}, Value{region.centre}};
    auto r = conn.exec(
        "INSERT INTO regions (code, parent_code, name, level, area_class, centre) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(region.code);
}

Result<Region> RegionRepository::update(const std::string& code, const RegionUpdate& update) {
  if (update.name && update.name->empty()) {
    return sql::invalid("invalid_name", "name is required", "name");
  }
  if (update.area_class) SY_TRY(check_area_class(*update.area_class));
  Status st = db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, code);
    if (!current.ok()) return current.error();
    if (!*current) return region_not_found(code);
    Region r = std::move(**current);
    if (update.name) r.name = *update.name;
    if (update.area_class) r.area_class = *update.area_class;
    if (update.centre) r.centre = *update.centre;
    Value p[] = {Value{r.name}, Value{r.area_class}, Value{r.centre}, Value{code}};
    auto res =
        conn.exec("UPDATE regions SET name = $1, area_class = $2, centre = $3 WHERE code = $4", p);
    if (!res.ok()) return res.error();
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(code);
}

Status RegionRepository::remove(const std::string& code) {
  return db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, code);
    if (!current.ok()) return current.error();
    if (!*current) return region_not_found(code);
    // Each reference is an indexed probe (LIMIT 1), so this stays cheap at 10M customers.
    static const char* const kUses[] = {
        "SELECT 1 FROM regions WHERE parent_code = $1 LIMIT 1",
        "SELECT 1 FROM customers WHERE region_code = $1 LIMIT 1",
        "SELECT 1 FROM users WHERE region_code = $1 LIMIT 1",
        "SELECT 1 FROM outage_areas WHERE region_code = $1 LIMIT 1",
    };
    Value p[] = {Value{code}};
    for (const char* q : kUses) {
      auto used = sql::exists(conn, q, p);
      if (!used.ok()) return used.error();
      if (*used) {
        return sql::conflict("region_in_use", "region " + code +
                                                  " is still used by sub-regions, customers, "
                                                  "accounts, users or outages");
      }
    }
    // Accounts have no region index (it would slow the bulk load); the foreign key catches them.
    auto r = conn.exec("DELETE FROM regions WHERE code = $1", p);
    if (!r.ok() && r.error().code == "foreign_key_violation") {
      return sql::conflict("region_in_use", "region " + code + " is still used by accounts");
    }
    if (!r.ok()) return r.error();
    return ok_status();
  });
}

}  // namespace sy::store
