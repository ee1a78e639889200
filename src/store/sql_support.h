// Private helpers shared by the repositories: numbered placeholders for filters built from
// optional parts, time and NULL conversions, and the common error values. Not for use outside
// src/store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"
#include "store/region_scope.h"

namespace sy::store::sql {

// Collects WHERE clauses and their values; param() returns the next "$n" placeholder, so a
// clause never embeds input text.
class Filter {
 public:
  std::string param(Value v);
  void where(std::string clause) { clauses_.push_back(std::move(clause)); }
  // column >= lo AND column < hi for a scope; nothing when the scope is unrestricted.
  void scope(std::string_view column, const RegionScope& scope);

  std::string where_sql() const;  // "" or " WHERE a AND b ..."
  const std::vector<Value>& params() const { return params_; }
  // Appends LIMIT/OFFSET placeholders for a page; returns " LIMIT $n OFFSET $m".
  std::string limit_offset(const PageRequest& page);

 private:
  std::vector<std::string> clauses_;
  std::vector<Value> params_;
};

inline Value ms(TimePoint t) { return Value{to_unix_ms(t)}; }
inline Value opt_ms(const std::optional<TimePoint>& t) {
  return t ? Value{to_unix_ms(*t)} : Value{};
}
inline Value flag(bool b) { return Value{std::int64_t{b ? 1 : 0}}; }
inline Value int_value(std::int64_t v) { return Value{v}; }
inline TimePoint time_at(const Row& row, std::size_t i) { return from_unix_ms(row.i64(i)); }
inline std::optional<TimePoint> opt_time_at(const Row& row, std::size_t i) {
  auto v = row.opt_i64(i);
  return v ? std::optional<TimePoint>(from_unix_ms(*v)) : std::nullopt;
}

// LIKE pattern matching `text` anywhere, with %, _ and \ escaped (use ESCAPE '\').
std::string like_contains(std::string_view text);
// LIKE pattern matching values that start with `text`.
std::string like_prefix(std::string_view text);

Error not_found(std::string code, std::string what, std::string field = {});
Error invalid(std::string code, std::string message, std::string field = {});
Error conflict(std::string code, std::string message, std::string field = {});

// Rows counted by a "SELECT COUNT(*) ..." query.
Result<std::int64_t> count(Connection& conn, std::string_view sql, std::span<const Value> params);

// True when a row exists for a "SELECT 1 FROM ... WHERE ..." query.
Result<bool> exists(Connection& conn, std::string_view sql, std::span<const Value> params);

// One page of a listing: counts the rows `from` + the filter matches, then fetches the page
// `select` + `from` + filter + " ORDER BY " + order_by, turning each row into a T with `decode`.
// `from` is " FROM table alias" (with joins if any).
template <class T, class Decode>
Result<PageResult<T>> fetch_page(Connection& conn, const std::string& select,
                                 const std::string& from, Filter filter,
                                 const std::string& order_by, const PageRequest& page,
                                 Decode decode, std::int64_t count_limit = 0) {
  PageResult<T> out;
  out.page = page.page;
  out.page_size = page.page_size;
  std::string where = filter.where_sql();
  // With a count limit, counting stops after count_limit + 1 matches (total_exact = false).
  auto total = count_limit > 0
                   ? count(conn,
                           "SELECT COUNT(*) FROM (SELECT 1" + from + where + " LIMIT " +
                               std::to_string(count_limit + 1) + ") capped",
                           filter.params())
                   : count(conn, "SELECT COUNT(*)" + from + where, filter.params());
  if (!total.ok()) return total.error();
  out.total = *total;
  if (count_limit > 0 && out.total > count_limit) {
    out.total = count_limit;
    out.total_exact = false;
  }
  if (out.total_exact && out.total <= static_cast<std::int64_t>(page.page - 1) * page.page_size)
    return out;
  std::string limit = filter.limit_offset(page);
  auto rows = conn.query(select + from + where + " ORDER BY " + order_by + limit, filter.params());
  if (!rows.ok()) return rows.error();
  out.items.reserve(rows->size());
  for (const Row& row : *rows) out.items.push_back(decode(row));
  return out;
}

// Runs `fn` (returning Result<T>) on a read connection and hands back its result.
template <class T, class Fn>
Result<T> read_result(Database& db, Fn&& fn) {
  std::optional<Result<T>> out;
  Status st = db.read([&](Connection& conn) -> Status {
    out.emplace(fn(conn));
    return out->ok() ? ok_status() : Status(out->error());
  });
  if (!st.ok()) return st.error();
  return std::move(*out);
}

// The value of a lookup that may find nothing, or `missing` when it found nothing.
template <class T>
Result<T> found_or(Result<std::optional<T>> found, Error missing) {
  if (!found.ok()) return found.error();
  if (!*found) return missing;
  return std::move(**found);
}

// True when the error is a unique-constraint failure whose message names `needle` (a column
// or constraint name); repositories check first, this catches what races past the check.
bool is_unique_violation(const Error& e, std::string_view needle);

}  // namespace sy::store::sql
